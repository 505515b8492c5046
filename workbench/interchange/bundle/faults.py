"""What the importer says about bad input: one ``FILE:LINE: message`` per fault."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.errors import WorkbenchError


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
        if self.line is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}: {self.message}"


class ImportFailed(WorkbenchError):
    """The bundle has faults; nothing was written. ``faults`` lists every one found."""

    def __init__(self, faults: list[Fault]):
        self.faults = sorted(faults, key=lambda f: (f.file, f.line or 0))
        n = len(self.faults)
        super().__init__(f"import refused: {n} fault{'s' if n != 1 else ''}; nothing was written.")


class FaultLog:
    """Collects faults while a bundle is read and checked."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, file: str, line: int | None, message: str) -> None:
        self.faults.append(Fault(file, line, message))

    def __len__(self) -> int:
        return len(self.faults)

    def raise_if_any(self) -> None:
        if self.faults:
            raise ImportFailed(self.faults)
