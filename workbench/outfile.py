"""The single files the workbench writes (a PDF, a spreadsheet, a picture, an EPCIS document, a file a vendor sent
back): never over a file the user did not ask to replace, and never half-written.

``check_file`` says, in one sentence, why a name cannot be written (before any work, so a refusal costs nothing);
``written`` gives the writer a hidden file beside the target and puts it in place only when the writer has finished,
so a failure half-way (a full disk, an error in the report) leaves the target as it was. A file that is a database
is never written over, not even with ``--force``: a mistyped ``--out plant.sqlite`` must not cost the plant.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.outfolder import SQLITE_HEADER, os_error_sentence, sync_folder


class FileExists(WorkbenchError):
    """The file is there and replacing it was not asked for (the app asks the user, the command line wants
    ``--force``)."""

    def __init__(self, path: Path, given: str):
        self.path = path
        super().__init__(f"{given} exists; add --force to replace it.")


def _is_database(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == SQLITE_HEADER
    except OSError:
        return False


def _either(suffixes: Sequence[str]) -> str:
    return suffixes[0] if len(suffixes) == 1 else f"{', '.join(suffixes[:-1])} or {suffixes[-1]}"


def check_file(given: str | Path, what: str, example: str, force: bool = False,
               suffixes: Sequence[str] = (), default_suffix: str | None = None) -> Path:
    """The one file a command writes, or a ``WorkbenchError`` in one sentence saying why not.

    ``what`` names the file in messages ("the SCAR"), ``example`` is a name that would do. ``suffixes`` (lower case,
    with the dot) are the kinds it can be written as; a name without a suffix gets ``default_suffix`` when there is
    one. Refused: an empty name, another suffix, a folder, a folder that does not exist, a database file (always), and
    an existing file without ``force`` (``FileExists``)."""
    text = str(given)
    if not text.strip():
        raise WorkbenchError(f"Name the file to write {what} to (for example {example}).")
    target = Path(text).expanduser()
    if target.is_dir():
        raise WorkbenchError(f"{text} is a folder; give the file to write {what} to (for example {example}).")
    if suffixes:
        if target.suffix == "" and default_suffix:
            target, text = target.with_suffix(default_suffix), f"{text}{default_suffix}"
        if target.suffix.lower() not in suffixes:
            raise WorkbenchError(f"{text}: {what} is written as {_either(suffixes)}, not "
                                 f"{target.suffix or 'a name without a suffix'}; name the file so.")
    if not target.parent.is_dir():
        raise WorkbenchError(f"{text}: the folder {target.parent} does not exist; choose an existing folder.")
    _refuse_over(target, text, force)
    return target


def _refuse_over(target: Path, given: str, force: bool) -> None:
    if target.exists():
        if _is_database(target):
            raise WorkbenchError(f"{given} is a database; the workbench never writes over one, so choose another "
                                 "name (nothing was replaced).")
        if not force:
            raise FileExists(target, given)


@contextmanager
def written(target: Path, force: bool = False) -> Iterator[Path]:
    """Yield a hidden file beside ``target`` (same suffix, so a writer that goes by it still can) for the writer to
    fill; when the block ends without an error, flush it to disk and put it in place of ``target``. On an error it
    is removed and ``target`` is left as it was. Without ``force``, a file that appeared at ``target`` meanwhile is
    not replaced. OS errors come out as one sentence."""
    work = target.with_name(f".{target.stem[:100]}.partial-{uuid.uuid4().hex[:8]}{target.suffix}")
    try:
        yield work
        with open(work, "rb") as handle:
            os.fsync(handle.fileno())
        _refuse_over(target, str(target), force)  # it may have appeared since it was checked
        os.replace(work, target)
        sync_folder(target.parent)
    except OSError as exc:
        raise WorkbenchError(os_error_sentence(exc, target)) from None
    finally:
        work.unlink(missing_ok=True)
