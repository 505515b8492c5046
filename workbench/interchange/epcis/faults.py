"""What the EPCIS reader says about bad input: every fault, each one sentence with its place.

Modelled on ``workbench.interchange.bundle.faults`` (not imported: that package pulls in the database).
A place is ``FILE:LINE`` for XML and ``FILE: eventList[17].quantityList[0]`` for JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.errors import WorkbenchError


@dataclass(frozen=True)
class Fault:
    """One fault: ``where`` is the place (``beef.jsonld: eventList[3]`` or ``plant.xml:120``)."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class EpcisReadFailed(WorkbenchError):
    """The document has faults; nothing was read. ``faults`` lists every one found, in document order."""

    def __init__(self, source: str, faults: list[Fault]):
        self.source = source
        self.faults = list(faults)
        n = len(self.faults)
        first = f" The first: {self.faults[0]}" if self.faults else ""
        super().__init__(f"{source} was not read: {n} fault{'s' if n != 1 else ''}; correct the file and read it again.{first}")


class FaultLog:
    """Collects faults and warnings while one document is read."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.faults: list[Fault] = []
        self.warnings: list[str] = []
        self._warned: set[str] = set()

    def fault(self, where: str, message: str) -> None:
        self.faults.append(Fault(where, message))

    def warn(self, where: str, message: str, once: str | None = None) -> None:
        """A warning; with ``once``, only the first warning with that key is kept (one per identifier, say)."""
        if once is not None:
            if once in self._warned:
                return
            self._warned.add(once)
        self.warnings.append(f"{where}: {message}")

    def __len__(self) -> int:
        return len(self.faults)

    def raise_if_any(self) -> None:
        if self.faults:
            raise EpcisReadFailed(self.source, self.faults)


#: Said of an event whose values nest deeper than the reader's walk goes (Python's recursion limit, about a thousand
#: frames; the parsers stop sooner or later themselves). EPCIS needs a handful of levels.
TOO_DEEP = ("the event nests its values deeper than the reader follows (hundreds of levels; EPCIS needs a handful), "
            "so it is not read")
