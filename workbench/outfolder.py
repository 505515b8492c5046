"""Folders the workbench writes (the recall package): whole or not at all, and never
over anything it did not write itself.

A package is built in a new hidden folder beside its target, finished with a manifest
(``manifest.json``: its kind, and every file with its size and SHA-256), then renamed
into place. The manifest is the package's mark: a target is accepted only when it is
new, empty, or (with ``--force``) a previous package of the same kind holding nothing
but the files its manifest lists. Replacing one deletes exactly those files, after the
new package is in place. Refused always, in one sentence: an empty name (the current
folder), the current folder or one above it, a folder holding a database, any other
non-empty folder, a file.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from workbench import __version__
from workbench.errors import WorkbenchError

MANIFEST = "manifest.json"
SQLITE_HEADER = b"SQLite format 3\x00"


def os_error_sentence(exc: OSError, path: str | Path | None = None) -> str:
    """What an operating-system error means to the user, in one sentence (no errno soup)."""
    where = str(path if path is not None else (exc.filename or "the file"))
    code = exc.errno
    if code == errno.ENOSPC or code == errno.EDQUOT:
        return f"The disk is full while writing {where}; free some space and try again (nothing was kept)."
    if code in (errno.EACCES, errno.EPERM):
        return f"Permission denied for {where}; choose a place you may write to, or ask for access."
    if code == errno.EROFS:
        return f"{where} is on a read-only file system; choose a writable place."
    if code == errno.ENAMETOOLONG:
        return f"The name {where[:80]}… is too long for the file system; choose a shorter one."
    if code == errno.ENOTDIR:
        return f"A part of {where} is a file, not a folder; choose a folder inside a folder."
    if code == errno.EEXIST:
        return f"{where} already exists; choose another name."
    if code == errno.ENOENT:
        return f"{where} does not exist."
    if code == errno.EISDIR:
        return f"{where} is a folder, not a file."
    reason = (exc.strerror or str(exc) or type(exc).__name__).rstrip(".")
    return f"Cannot write {where}: {reason[:1].lower()}{reason[1:]}."


def is_inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def holds_database(folder: Path) -> str | None:
    """The name of a SQLite database file directly in ``folder``, if there is one."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return None
    for path in entries:
        try:
            if path.is_file():
                with open(path, "rb") as handle:
                    if handle.read(16) == SQLITE_HEADER:
                        return path.name
        except OSError:
            continue
    return None


def read_manifest(folder: Path, kind: str) -> dict[str, Any] | None:
    """The manifest of a package of ``kind`` in ``folder``, or None when it is not one."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("kind") != kind or not isinstance(data.get("files"), dict):
        return None
    return data


def _contents(folder: Path) -> tuple[set[str], set[str]]:
    """Every file and every folder under ``folder``, as relative POSIX paths."""
    files: set[str] = set()
    folders: set[str] = set()
    for root, dirs, names in os.walk(folder):
        rel = Path(root).relative_to(folder)
        folders.update((rel / d).as_posix() for d in dirs)
        files.update((rel / n).as_posix() for n in names)
    return files, folders


def previous_package(folder: Path, kind: str) -> dict[str, Any] | None:
    """The manifest of ``folder`` when it is a package of ``kind`` this program wrote (its
    manifest and files it lists, nothing else), else None."""
    data = read_manifest(folder, kind)
    if data is None:
        return None
    files, folders = _contents(folder)
    listed = set(data["files"])
    if not files <= listed | {MANIFEST}:  # a listed file deleted by hand is no harm; one added is
        return None
    parents = {Path(f).parent.as_posix() for f in listed} - {"."}
    return data if folders <= parents else None


def check_place(directory: str | Path) -> None:
    """Refuse, in one sentence, a path that cannot become a folder: a part of it is a file,
    or a name in it is longer than the file system allows."""
    folder = Path(directory)
    for part in folder.parts:
        if len(os.fsencode(part)) > 255:
            raise WorkbenchError(f"The name {part[:40]}… in {str(directory)[:80]} is too long for the file system "
                                 "(at most 255 bytes); choose a shorter one.")
    for above in folder.absolute().parents:
        if above.exists():
            if not above.is_dir():
                raise WorkbenchError(f"{above} is a file, so {directory} cannot be a folder; choose another place.")
            break


def check_target(directory: str | Path, kind: str, what: str, force: bool = False,
                 database: str | None = None) -> Path:
    """The folder to write a package of ``kind`` into, or a ``WorkbenchError`` saying why not.

    ``what`` names the package in messages ("the recall package"). Accepted: a new folder,
    an empty one, or with ``force`` a previous package of the same kind.
    """
    if str(directory).strip() == "":
        raise WorkbenchError(f"Give the folder to write {what} into; an empty name would mean the current folder.")
    folder = Path(directory)
    check_place(folder)
    try:
        resolved = folder.resolve()
    except (OSError, RuntimeError) as exc:
        raise WorkbenchError(f"{directory} cannot be used as a folder: {exc}.") from None
    if is_inside(Path.cwd().resolve(), resolved):
        raise WorkbenchError(
            f"{directory} is the current folder or holds it; write {what} into a new folder, "
            f"such as {folder / 'package'}."
        )
    if database and is_inside(Path(database).resolve(), resolved):
        raise WorkbenchError(f"{directory} holds the plant's database {database}; write {what} into a new folder.")
    try:
        if folder.exists() and not folder.is_dir():
            raise WorkbenchError(f"{directory} is a file, not a folder to write {what} into.")
        if folder.is_dir() and any(folder.iterdir()):
            found = holds_database(folder)
            if found is not None:
                raise WorkbenchError(f"The folder {directory} holds a database ({found}); nothing was replaced.")
            if previous_package(folder, kind) is None:
                raise WorkbenchError(
                    f"The folder {directory} is not empty and is not {what} written by the workbench; "
                    "choose an empty or new folder (--force replaces only a previous package)."
                )
            if not force:
                raise WorkbenchError(
                    f"The folder {directory} holds a previous {what.removeprefix('the ')}; "
                    "replace it with --force, or choose a new folder."
                )
    except OSError as exc:
        raise WorkbenchError(os_error_sentence(exc, directory)) from None
    return folder


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(work: Path, kind: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """List every file under ``work`` (size, SHA-256) in its manifest, written last."""
    files, _ = _contents(work)
    files.discard(MANIFEST)
    data = {
        "kind": kind, "version": 1, "written_by": f"workbench {__version__}",
        "files": {name: {"bytes": (work / name).stat().st_size, "sha256": sha256(work / name)}
                  for name in sorted(files)},
        **(extra or {}),
    }
    with open(work / MANIFEST, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(json.dumps(data, indent=1) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return data


@contextmanager
def building(directory: str | Path, kind: str, what: str, force: bool = False,
             database: str | None = None, extra: Callable[[Path], dict[str, Any]] | None = None) -> Iterator[Path]:
    """Yield a new hidden work folder beside ``directory``; when the block ends without
    an error, write the manifest and put the folder in place of ``directory`` (a previous
    package there is replaced, with ``force``). On an error the work folder is removed
    and ``directory`` is left as it was. OS errors come out as one-sentence
    ``WorkbenchError``s."""
    target = check_target(directory, kind, what, force=force, database=database).resolve()
    parent = target.parent
    made = [p for p in (parent, *parent.parents) if not p.exists()]
    try:
        parent.mkdir(parents=True, exist_ok=True)
        work = parent / f".{target.name[:100]}.partial-{uuid.uuid4().hex[:8]}"
        work.mkdir()
    except OSError as exc:
        raise WorkbenchError(os_error_sentence(exc, directory)) from None
    try:
        try:
            yield work
            write_manifest(work, kind, extra(work) if extra else None)
            _swap(work, target, kind, what)
        except OSError as exc:
            raise WorkbenchError(os_error_sentence(exc, directory)) from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        for p in made:  # folders made only for this package, innermost first
            try:
                p.rmdir()
            except OSError:
                break
        raise


def _swap(work: Path, target: Path, kind: str, what: str) -> None:
    def ours(folder: Path) -> dict[str, Any]:
        found = previous_package(folder, kind)
        if found is None:  # it changed since it was checked
            raise WorkbenchError(f"The folder {target} is no longer empty or {what}; nothing was replaced.")
        return found

    swap_folder(work, target, ours, remove_package)


def swap_folder(work: Path, target: Path, ours: Callable[[Path], Any],
                remove_old: Callable[[Path, Any], None]) -> None:
    """Put the finished ``work`` folder at ``target``, atomically. A non-empty ``target`` is
    first confirmed by ``ours`` (which raises if it is not a previous output of ours, and returns
    what ``remove_old`` needs), moved aside, and after the swap emptied by ``remove_old`` of
    exactly what it listed: never a file the program did not write."""
    old = None
    listing = None
    if target.exists() and any(target.iterdir()):
        listing = ours(target)
        old = target.with_name(f".{target.name[:100]}.replaced-{uuid.uuid4().hex[:8]}")
        target.rename(old)
    try:
        os.replace(work, target)  # onto a missing or empty folder: atomic
    except BaseException:
        if old is not None:
            old.rename(target)
        raise
    sync_folder(target.parent)
    if old is not None:
        remove_old(old, listing)


def remove_package(folder: Path, manifest: dict[str, Any]) -> None:
    """Delete exactly what a package's manifest lists, then its (now empty) folders."""
    listed = [*manifest["files"], MANIFEST]
    for name in listed:
        (folder / name).unlink(missing_ok=True)
    for sub in sorted({Path(n).parent for n in listed if Path(n).parent != Path(".")},
                      key=lambda p: len(p.parts), reverse=True):
        with suppress(OSError):
            (folder / sub).rmdir()
    with suppress(OSError):
        folder.rmdir()


def sync_folder(folder: Path) -> None:
    """fsync a folder, so a rename into it survives a power cut (where the system allows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
