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
from workbench.interchange.bundle.format import FILES, MANIFEST, SPECS

KIND = "lot-trace-workbench bundle"
VERSION = 1


@dataclass(frozen=True)
class Entry:
    rows: int
    sha256: str


def dump(entries: dict[str, Entry]) -> str:
    """The manifest's text (deterministic: two exports of one plant are identical)."""
    return json.dumps({
        "kind": KIND, "version": VERSION, "written_by": f"workbench {__version__}",
        "files": {name: {"rows": e.rows, "sha256": e.sha256} for name, e in entries.items()},
    }, indent=2, sort_keys=True) + "\n"


class NotAManifest(ValueError):
    """The file is not a manifest this program wrote; the message says why."""


def parse(text: str) -> dict[str, Entry]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise NotAManifest(f"is not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise NotAManifest(f"is not a manifest of a workbench export (no \"kind\": \"{KIND}\")")
    if data.get("version") != VERSION:
        raise NotAManifest(f"has version {data.get('version')!r}; this program reads version {VERSION}")
    files = data.get("files")
    if not isinstance(files, dict) or not files:
        raise NotAManifest("lists no files")
    entries = {}
    for name, entry in files.items():
        if name not in SPECS:
            raise NotAManifest(f"lists {name!r}, which is not a file of the bundle format")
        if (not isinstance(entry, dict) or not isinstance(entry.get("rows"), int)
                or not isinstance(entry.get("sha256"), str) or len(entry["sha256"]) != 64):
            raise NotAManifest(f"has no valid rows and sha256 for {name}")
        entries[name] = Entry(entry["rows"], entry["sha256"])
    return entries


def read(folder: Path) -> dict[str, Entry] | None:
    """The manifest of ``folder``, None when there is none; raises NotAManifest or OSError."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise NotAManifest(f"is not UTF-8 text ({exc.reason})") from None
    return parse(text)


def verify(entries: dict[str, Entry], files, display_dir: str, log: FaultLog) -> None:
    """Faults for every file of the bundle that does not match the manifest."""
    again = "export the plant again, or delete manifest.json if the change is intended"
    for spec in FILES:
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
