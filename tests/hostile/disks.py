"""Real bad disks where the machine allows it: a read-only folder and a full disk.

As root (CI containers, this project's machine) a small tmpfs is mounted: remounted
read-only, or filled to the last byte, so SQLite and the writers meet the real EROFS and
ENOSPC. Elsewhere the read-only folder is made with permissions (which bind a user who
is not root), and the full disk is simulated by making the writers fail with ENOSPC.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _mount(target: Path, size: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", f"wb-{uuid.uuid4().hex[:6]}",
                           str(target)], capture_output=True)
    return done.returncode == 0


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], capture_output=True)


@contextmanager
def read_only_folder(base: Path, files: list[Path]) -> Iterator[Path]:
    """A folder holding copies of ``files`` that nobody may write to."""
    folder = base / "read-only"
    if _mount(folder, "64m"):
        try:
            for f in files:
                shutil.copy(f, folder / f.name)
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)
            yield folder
        finally:
            _umount(folder)
        return
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
        (folder / f.name).chmod(0o444)
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(0o755)


def fill(path: Path) -> None:
    """Write ``path`` until the disk holding it has no byte left."""
    try:
        with open(path, "ab", buffering=0) as fh:
            while True:
                fh.write(b"\0" * 4096)
    except OSError:
        pass


@contextmanager
def full_disk(base: Path, monkeypatch) -> Iterator[Path]:
    """A folder on a disk with no room left (real when it can be mounted)."""
    folder = base / "full"
    if _mount(folder, "256k"):
        try:
            fill(folder / "filler")
            yield folder
        finally:
            _umount(folder)
        return
    import errno

    from workbench.reports import package

    def no_room(*_args, **_kw):
        raise OSError(errno.ENOSPC, "No space left on device")

    folder.mkdir()
    monkeypatch.setattr(package, "write_file", no_room)
    yield folder
