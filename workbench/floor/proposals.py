"""Which lots to take: FEFO (first expired, first out) or FIFO (first in, first out).

``choose_lots`` is the rule itself, a pure function over candidate lots, so it can be
checked against a brute-force reference; ``workbench.floor.stock`` finds the candidates.
A lot is never proposed when it is held, in quarantine (not yet released), expired, at
another site or has nothing left to take.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from workbench.format import quantity as fmt_quantity

ZERO = Decimal(0)
_FAR = datetime.max


@dataclass(frozen=True)
class Candidate:
    """A lot of the item that might be taken, with what is free of it (on hand less the
    quantities already picked on open pick lists)."""

    lot_id: int
    lot: str
    available: Decimal
    created_at: datetime | None
    expires_at: datetime | None
    location: str | None
    site: str
    hold: str | None = None  # "hold" or "quarantine" while one is active


@dataclass(frozen=True)
class ProposedLot:
    candidate: Candidate
    quantity: Decimal
    why: str


@dataclass(frozen=True)
class Choice:
    rule: str
    need: Decimal
    lots: list[ProposedLot]
    #: Why the other lots were passed over: "held", "expired", ... -> how many.
    passed_over: Counter[str] = field(default_factory=Counter)

    @property
    def proposed(self) -> Decimal:
        return sum((p.quantity for p in self.lots), ZERO)

    @property
    def short(self) -> Decimal:
        return max(self.need - self.proposed, ZERO)


def refusal(c: Candidate, at: datetime, site: str) -> str | None:
    """Why ``c`` may not be taken at ``at`` for a pick at ``site``, or None."""
    if c.hold == "hold":
        return "on hold"
    if c.hold == "quarantine":
        return "not yet released"
    if c.expires_at is not None and c.expires_at <= at:
        return "expired"
    if c.site != site:
        return "at another site"
    if c.available <= 0:
        return "nothing left"
    return None


def sort_key(c: Candidate, rule: str) -> tuple[datetime | str | int, ...]:
    """FEFO: earliest expiry first (undated lots last), then oldest; FIFO: oldest first."""
    made = c.created_at or _FAR
    if rule == "FEFO":
        return (c.expires_at or _FAR, made, c.lot, c.lot_id)
    return (made, c.lot, c.lot_id)


def _why(c: Candidate, rule: str, rank: int, eligible: int, unit: str) -> str:
    where = f"at {c.location}" if c.location else "location not recorded"
    if rule == "FEFO":
        first = f"expires {c.expires_at:%Y-%m-%d}" if c.expires_at else "no expiry date"
        basis = "earliest expiry" if rank == 1 else f"next expiry ({rank} of {eligible})"
    else:
        first = f"received {c.created_at:%Y-%m-%d}" if c.created_at else "no receipt date"
        basis = "oldest" if rank == 1 else f"next oldest ({rank} of {eligible})"
    return f"{rule}: {basis}, {first}, {fmt_quantity(c.available)} {unit} free, {where}"


def choose_lots(candidates: list[Candidate], need: Decimal, rule: str, at: datetime, site: str,
                unit: str = "") -> Choice:
    """The lots to take for ``need``, in order, splitting across lots as needed."""
    passed: Counter[str] = Counter()
    eligible = []
    for c in candidates:
        why_not = refusal(c, at, site)
        if why_not is None:
            eligible.append(c)
        elif why_not != "nothing left":
            passed[why_not] += 1
    eligible.sort(key=lambda c: sort_key(c, rule))
    lots: list[ProposedLot] = []
    left = need
    for rank, c in enumerate(eligible, 1):
        if left <= 0:
            break
        take = min(c.available, left)
        lots.append(ProposedLot(c, take, _why(c, rule, rank, len(eligible), unit)))
        left -= take
    return Choice(rule, need, lots, passed)


def passed_over_text(passed: Counter[str]) -> str:
    """``passed over 2 on hold, 1 expired`` or empty."""
    if not passed:
        return ""
    return "passed over " + ", ".join(f"{n} {why}" for why, n in sorted(passed.items()))
