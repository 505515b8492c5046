"""What the importer says about a bundle: faults (refused) and warnings (imported, and said).

Both are ``FILE:LINE: message``. Every message passes through ``workbench.format.visible``
when it is made, so a hostile value (a bidirectional override, a NUL) is shown as an
escape such as ``\\u202e`` and can never reorder or hide the text of a fault on a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.errors import WorkbenchError
from workbench.format import visible


def safe_text(text: str) -> str:
    """``text`` fit to print: unsafe characters escaped (plain ASCII passes untouched)."""
    if text.isascii() and text.isprintable():
        return text
    return visible(text)


def _where(file: str | None, line: int | None) -> str:
    if file is None:
        return ""
    return f"{file}: " if line is None else f"{file}:{line}: "


@dataclass(frozen=True, order=True)
class Fault:
    """A structural fault in a bundle.

    ``file`` is shown as the user gave it (``bundle/lots.csv``); ``line`` is the
    physical line of the CSV file (the header is line 1), or None for a fault of
    the whole file (a missing ``items.csv``).
    """

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return _where(self.file, self.line) + self.message


@dataclass(frozen=True)
class BundleWarning:
    """A record that was imported but cannot be true as it stands (or may be a typo).

    ``file`` and ``line`` locate it in the bundle (None only when no line of the bundle
    names it); ``item`` and ``lot`` are the lot it concerns (None for a warning about
    a code that is not a lot), so that a recall can list the warnings touching its lots.
    """

    file: str | None
    line: int | None
    message: str
    item: str | None = None
    lot: str | None = None

    def __str__(self) -> str:
        return _where(self.file, self.line) + self.message


class ImportFailed(WorkbenchError):
    """The bundle has faults; nothing was written. ``faults`` lists every one found."""

    def __init__(self, faults: list[Fault]):
        self.faults = sorted(faults, key=lambda f: (f.file, f.line or 0))
        n = len(self.faults)
        super().__init__(f"import refused: {n} fault{'s' if n != 1 else ''}; nothing was written.")


class FaultLog:
    """Collects faults (and warnings) while a bundle is read and checked."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.warnings: list[BundleWarning] = []

    def add(self, file: str, line: int | None, message: str) -> None:
        self.faults.append(Fault(safe_text(file), line, safe_text(message)))

    def warn(self, file: str | None, line: int | None, message: str,
             lot: tuple[str, str] | None = None) -> None:
        item, code = lot if lot is not None else (None, None)
        self.warnings.append(BundleWarning(None if file is None else safe_text(file), line, safe_text(message),
                                           item, code))

    def __len__(self) -> int:
        return len(self.faults)

    def raise_if_any(self) -> None:
        if self.faults:
            raise ImportFailed(self.faults)
