"""A case as one archive for the auditor: ``summary.pdf`` (the case with its timeline),
``case.json``, ``audit.json`` (its audit entries), every file kept with the case
(``attachments/``), every recall package written for it (``packages/REF/…``, checked
against the hashes recorded when it was written) and ``manifest.json``: every file of the
archive with its size and SHA-256, and anything that could not be included, named.

Render only: the caller gives the file (``outfile.written``: a hidden file beside the target, renamed into place
when finished, so there is never half an archive).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass
class ArchiveContents:
    code: str
    summary_pdf: bytes
    case_json: dict[str, Any]
    audit: list[dict[str, Any]]
    #: (name, bytes, sha256 recorded)
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)
    #: (reference, folder, [{"file", "sha256", "size"}]) as recorded for each package
    packages: list[tuple[str, str, list[dict[str, Any]]]] = field(default_factory=list)
    extra: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass(frozen=True)
class ArchiveResult:
    path: Path
    files: int
    problems: list[str]


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_. " else "_" for ch in name).strip() or "file"


def write_case_archive(c: ArchiveContents, out: Path, generated: datetime) -> ArchiveResult:
    """Write the archive to ``out``; what it holds, and what could not be included."""
    manifest: list[dict[str, Any]] = []
    problems: list[str] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        def put(arcname: str, data: bytes, recorded: str | None = None) -> None:
            digest = hashlib.sha256(data).hexdigest()
            z.writestr(arcname, data)
            entry = {"file": arcname, "size": len(data), "sha256": digest}
            if recorded is not None:
                entry["recorded_sha256"] = recorded
                if recorded != digest:
                    problems.append(f"{arcname}: its SHA-256 differs from the one recorded when it was filed")
            manifest.append(entry)

        put("summary.pdf", c.summary_pdf)
        put("case.json", json.dumps(c.case_json, indent=2, ensure_ascii=False).encode())
        put("audit.json", json.dumps(c.audit, indent=2, ensure_ascii=False).encode())
        used: set[str] = set()
        for i, (name, data, sha) in enumerate(c.attachments, 1):
            arc = f"attachments/{_safe(name)}"
            if arc in used:
                arc = f"attachments/{i}-{_safe(name)}"
            used.add(arc)
            put(arc, data, sha)
        for ref, folder, files in c.packages:
            for f in files:
                src = Path(folder) / f["file"]
                arc = f"packages/{_safe(ref)}/{f['file']}"
                try:
                    data = src.read_bytes()
                except OSError:
                    problems.append(f"{arc}: not found at {src} (the package was moved or deleted)")
                    continue
                put(arc, data, f["sha256"])
        for arc, data in c.extra:
            put(arc, data)
        z.writestr("manifest.json", json.dumps({
            "case": c.code, "generated": generated.isoformat(timespec="seconds"),
            "files": manifest, "problems": problems}, indent=2, ensure_ascii=False))
    return ArchiveResult(out, len(manifest) + 1, problems)


def read_manifest(path: str | Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as z:
        manifest: dict[str, Any] = json.loads(z.read("manifest.json"))
    return manifest


def check_archive(path: str | Path) -> list[str]:
    """Every file of the archive against its manifest: what differs, named (empty: all good)."""
    out: list[str] = []
    with zipfile.ZipFile(path) as z:
        manifest = json.loads(z.read("manifest.json"))
        names = set(z.namelist()) - {"manifest.json"}
        listed = {f["file"]: f for f in manifest["files"]}
        for name in sorted(names - set(listed)):
            out.append(f"{name}: in the archive but not in its manifest")
        for name, f in listed.items():
            if name not in names:
                out.append(f"{name}: in the manifest but missing")
            elif hashlib.sha256(z.read(name)).hexdigest() != f["sha256"]:
                out.append(f"{name}: its SHA-256 differs from the manifest")
    return out


__all__: Sequence[str] = ("ArchiveContents", "ArchiveResult", "check_archive", "read_manifest", "write_case_archive")
