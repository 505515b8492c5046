"""Which version of the bundle format a folder holds: declared, never guessed.

A bundle declares its version in ``manifest.json`` (an export) or in ``version.txt``
(one line: ``2``); a bundle declaring neither is version 1, the format before the supply
chain, and imports exactly as it always did. A bundle that declares no version but holds
a file only version 2 has (``parties.csv`` ...) is refused: its columns would otherwise be
read by the wrong rules, or its files ignored.
"""

from __future__ import annotations

from pathlib import Path

from workbench.interchange.bundle.faults import FaultLog
from workbench.interchange.bundle.format import MANIFEST, V2_ONLY, VERSION_FILE, VERSIONS

_ALLOWED = " or ".join(map(str, VERSIONS))


def _declared(folder: Path, display: str, log: FaultLog) -> int | None:
    path = folder / VERSION_FILE
    if not path.is_file():
        return None
    where = str(Path(display) / VERSION_FILE)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        log.add(where, None, f"cannot be read as UTF-8 text ({getattr(exc, 'reason', None) or exc}); "
                             f"it holds one line, the bundle version ({_ALLOWED})")
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) != 1 or not lines[0].isascii() or not lines[0].isdigit() or int(lines[0]) not in VERSIONS:
        shown = lines[0][:20] if lines else ""
        log.add(where, 1 if lines else None,
                f"holds '{shown}'; it must hold one line, the bundle version ({_ALLOWED})" if lines else
                f"is empty; it must hold one line, the bundle version ({_ALLOWED})")
        return None
    return int(lines[0])


def bundle_version(folder: Path, display: str, manifest_version: int | None, log: FaultLog) -> int:
    """The version the bundle in ``folder`` declares (1 when it declares none); faults for
    a declaration that is unreadable, contradicts the manifest, or is missing although the
    folder holds files of version 2."""
    declared = _declared(folder, display, log)
    if declared is not None and manifest_version is not None and declared != manifest_version:
        log.add(str(Path(display) / VERSION_FILE), 1,
                f"declares bundle version {declared} but {MANIFEST} declares version {manifest_version}; "
                "make them agree")
    version = declared or manifest_version or 1
    if version == 1:
        how = "declares version 1" if declared or manifest_version else \
            "declares no version (so it is read as version 1)"
        for name in V2_ONLY:
            if (folder / name).is_file():
                log.add(str(Path(display) / name), None,
                        f"is a file of bundle version 2, but the bundle {how}; declare version 2 "
                        f"({VERSION_FILE} holding the line 2)")
    return version
