"""The manifest of an export: which files, how many data rows and what SHA-256 each.

``export`` writes it last into the bundle it builds; ``import`` checks a bundle against
it when it is there, and refuses one that does not match: a file changed, cut short,
missing or added after the export. It is also how ``export`` recognises a folder it
wrote itself (the only kind of folder it will replace).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from workbench import __version__
from workbench.interchange.bundle.faults import FaultLog
from workbench.interchange.bundle.format import MANIFEST, VERSION, VERSIONS, files_of, specs_of

KIND = "lot-trace-workbench bundle"


@dataclass(frozen=True)
class Entry:
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """A parsed manifest: the bundle version it declares and its files."""

    version: int
    entries: dict[str, Entry]


def dump(entries: dict[str, Entry], version: int = VERSION) -> str:
    """The manifest's text (deterministic: two exports of one plant are identical)."""
    return json.dumps({
        "kind": KIND, "version": version, "written_by": f"workbench {__version__}",
        "files": {name: {"rows": e.rows, "sha256": e.sha256} for name, e in entries.items()},
    }, indent=2, sort_keys=True) + "\n"


class NotAManifest(ValueError):
    """The file is not a manifest this program wrote; the message says why."""


def parse(text: str) -> Manifest:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise NotAManifest(f"is not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise NotAManifest(f"is not a manifest of a workbench export (no \"kind\": \"{KIND}\")")
    version = data.get("version")
    if version not in VERSIONS or isinstance(version, bool):
        raise NotAManifest(f"has version {version!r}; this program reads versions "
                           f"{', '.join(map(str, VERSIONS))}")
    files = data.get("files")
    if not isinstance(files, dict) or not files:
        raise NotAManifest("lists no files")
    entries = {}
    for name, entry in files.items():
        if name not in specs_of(version):
            raise NotAManifest(f"lists {name!r}, which is not a file of bundle version {version}")
        if (not isinstance(entry, dict) or not isinstance(entry.get("rows"), int)
                or not isinstance(entry.get("sha256"), str) or len(entry["sha256"]) != 64):
            raise NotAManifest(f"has no valid rows and sha256 for {name}")
        entries[name] = Entry(entry["rows"], entry["sha256"])
    return Manifest(version, entries)


def read(folder: Path) -> Manifest | None:
    """The manifest of ``folder``, None when there is none; raises NotAManifest or OSError."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise NotAManifest(f"is not UTF-8 text ({exc.reason})") from None
    return parse(text)


def verify(found: Manifest, files, display_dir: str, log: FaultLog) -> None:
    """Faults for every file of the bundle that does not match the manifest."""
    again = "export the plant again, or delete manifest.json if the change is intended"
    entries = found.entries
    for spec in files_of(found.version):
        bundle_file = files[spec.name]
        entry = entries.get(spec.name)
        if entry is None:
            if bundle_file.present:
                log.add(bundle_file.display, None, f"is not listed in {MANIFEST}: it was added after the export; {again}")
            continue
        if not bundle_file.present:
            log.add(bundle_file.display, None, f"is missing, but {MANIFEST} lists it ({entry.rows:,} rows); {again}")
        elif bundle_file.sha256 is not None and bundle_file.sha256 != entry.sha256:
            read = "" if bundle_file.broken else f"; {len(bundle_file.rows):,} rows read, {entry.rows:,} exported"
            log.add(bundle_file.display, None,
                    f"does not match {MANIFEST} (its SHA-256 differs: it was changed or cut short after the export"
                    f"{read}); {again}")
        elif not bundle_file.broken and len(bundle_file.rows) != entry.rows:
            log.add(bundle_file.display, None,
                    f"has {len(bundle_file.rows):,} rows but {MANIFEST} lists {entry.rows:,}; {again}")
