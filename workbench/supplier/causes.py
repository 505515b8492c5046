"""What caused a customer return, and whether it is the vendor's lot.

A return traced to a vendor's lot counts against the vendor only if its cause points at
the material: "cases crushed in transit" is the carrier's, "wrong item picked" is our
warehouse's, a seal failure is our packing line's. The cause of a return is, first, the
engineer's verdict on that return (``set_return_cause``), then the plant's own rules on
the reason text, then the built-in rules below; a reason no rule knows is "unknown" and
does not count against the vendor until someone says it should.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.errors import NotFound, WorkbenchError
from workbench.plant import Return, audit
from workbench.plant.case_models import ReturnCause
from workbench.plant.query import among, chunks
from workbench.plant.who import actor

#: Causes of a return, and whether each is the vendor's lot.
RETURN_CAUSES = {"material": True, "transit": False, "picking": False, "process": False,
                 "logistics": False, "customer": False, "unknown": False}


#: (text found in the reason, cause, the vendor's?, why): the first rule that matches wins.
BUILT_IN_RULES: tuple[tuple[str, str, bool, str], ...] = (
    ("in transit", "transit", False, "damage in transport is the carrier's, not the material's"),
    ("crushed", "transit", False, "crushed cases are damaged in handling or transport, not by the material"),
    ("damaged packaging", "transit", False, "damaged outer packaging is handling or transport"),
    ("wrong item picked", "picking", False, "a picking error in our warehouse"),
    ("short shelf life on delivery", "logistics", False, "stock rotation or delivery planning, ours"),
    ("seal failure", "process", False, "our packing line seals the pack"),
    ("broken in pack", "process", False, "breakage in our packing or handling"),
    ("illness", "material", True, "an illness complaint points at the ingredients until ruled out"),
    ("foreign material", "material", True, "foreign material may come with a purchased material"),
    ("salmonella", "material", True, "a pathogen points at the ingredients"),
    ("listeria", "material", True, "a pathogen points at the ingredients"),
    ("allergen", "material", True, "an undeclared allergen may come with a purchased material"),
)


@dataclass(frozen=True)
class Cause:
    cause: str
    vendor_attributable: bool
    why: str
    #: "verdict" (set for this return), "rule" (the plant's rule), "built-in", "none".
    source: str


UNKNOWN = Cause("unknown", False, "no rule knows this reason; not counted until a cause is set", "none")


def classify(reason: str | None, rules: Iterable[tuple[str, str, bool, str]]) -> Cause | None:
    text = (reason or "").lower()
    for pattern, cause, attributable, why in rules:
        if pattern.lower() in text:
            return Cause(cause, attributable, why, "rule")
    return None


def _plant_rules(session: Session) -> list[tuple[str, str, bool, str]]:
    rows = session.execute(select(ReturnCause).where(ReturnCause.pattern.is_not(None))
                           .order_by(ReturnCause.id.desc())).scalars()
    return [(r.pattern or "", r.cause, r.vendor_attributable, r.note or f"plant rule '{r.pattern}'") for r in rows]


def causes_of(session: Session, returns: Iterable[tuple[int, str | None]]) -> dict[int, Cause]:
    """The cause of each return, given as (return id, reason)."""
    pairs = dict(returns)
    verdicts: dict[int, ReturnCause] = {}
    for chunk in chunks(pairs):
        for r in session.execute(select(ReturnCause).where(among(ReturnCause.return_id, chunk, session))).scalars():
            assert r.return_id is not None
            verdicts[r.return_id] = r
    plant_rules = _plant_rules(session)
    out = {}
    for rid, reason in pairs.items():
        v = verdicts.get(rid)
        if v is not None:
            out[rid] = Cause(v.cause, v.vendor_attributable, v.note or f"set by {v.set_by}", "verdict")
            continue
        found = classify(reason, plant_rules)
        if found is None:
            built = classify(reason, BUILT_IN_RULES)
            found = Cause(built.cause, built.vendor_attributable, built.why, "built-in") if built else None
        out[rid] = found or UNKNOWN
    return out


def _check_cause(cause: str) -> bool:
    if cause not in RETURN_CAUSES:
        raise WorkbenchError(f"'{cause}' is not a return cause; use one of: {', '.join(RETURN_CAUSES)}.")
    return RETURN_CAUSES[cause]


def set_return_cause(session: Session, rma: str, cause: str, note: str | None = None,
                     lot_id: int | None = None, who: str | None = None) -> int:
    """The engineer's verdict on the lines of return ``rma`` (or one lot of it); returns lines set."""
    attributable = _check_cause(cause)
    who = who or actor()
    stmt = select(Return).where(Return.rma == rma.strip())
    if lot_id is not None:
        stmt = stmt.where(Return.lot_id == lot_id)
    lines = session.execute(stmt).scalars().all()
    if not lines:
        raise NotFound(f"There is no return '{rma}'" + (" for that lot." if lot_id else "."))
    at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    for line in lines:
        row = session.execute(select(ReturnCause).where(ReturnCause.return_id == line.id)).scalar_one_or_none()
        before = {"cause": row.cause, "vendor_attributable": row.vendor_attributable} if row else None
        if row is None:
            row = ReturnCause(return_id=line.id, cause=cause, vendor_attributable=attributable, note=note,
                              set_at=at, set_by=who)
            session.add(row)
        else:
            row.cause, row.vendor_attributable, row.note, row.set_at, row.set_by = cause, attributable, note, at, who
        session.flush()
        audit.record(session, "return cause set", "return", f"{rma}#{line.lot_id}", before,
                     {"cause": cause, "vendor_attributable": attributable, "note": note}, who=who)
    return len(lines)


def add_cause_rule(session: Session, pattern: str, cause: str, note: str | None = None,
                   who: str | None = None) -> None:
    """A plant rule: returns whose reason contains ``pattern`` have ``cause`` (before built-ins)."""
    pattern = (pattern or "").strip()
    if len(pattern) < 3:
        raise WorkbenchError("A cause rule needs at least three characters of reason text to match.")
    attributable = _check_cause(cause)
    who = who or actor()
    session.add(ReturnCause(pattern=pattern, cause=cause, vendor_attributable=attributable, note=note,
                            set_at=datetime.now(UTC).replace(tzinfo=None, microsecond=0), set_by=who))
    session.flush()
    audit.record(session, "return cause rule added", "return_cause_rule", pattern, None,
                 {"cause": cause, "vendor_attributable": attributable, "note": note}, who=who)
