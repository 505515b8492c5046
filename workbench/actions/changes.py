"""What a write changed, so that every open view refreshes what it shows.

Every action that writes returns a ``Changes``; the app broadcasts it to its views
(Anki's ``OpChanges`` and ``operation_did_execute``), and each view asks only about
what it displays.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    #: Anything may have changed (an import, a demo build, another database).
    plant: bool = False
    #: Lots whose records changed (new events, holds, retractions).
    lots: frozenset[int] = field(default_factory=frozenset)
    #: Supplier corrective actions were issued or changed.
    scars: bool = False
    #: Holds were placed or released.
    holds: bool = False
    #: Investigation cases changed.
    cases: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(plant=self.plant or other.plant, lots=self.lots | other.lots,
                       scars=self.scars or other.scars, holds=self.holds or other.holds,
                       cases=self.cases or other.cases)

    def touches_lots(self) -> bool:
        """Whether lot facts shown anywhere (details, genealogy, recall) may be stale."""
        return self.plant or bool(self.lots) or self.holds

    @property
    def empty(self) -> bool:
        return self == Changes()


NOTHING = Changes()
EVERYTHING = Changes(plant=True)
