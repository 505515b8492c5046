"""The plant's floor rules: pick rule per item, site, negative stock, override reasons."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.plant import Item
from workbench.plant.floor_models import PICK_RULES, FloorSetting, ItemRule, OverrideReason

#: Override reasons a plant starts with; ``override_reasons`` rows add to or reword them.
DEFAULT_REASONS: dict[str, str] = {
    "NOT-FOUND": "Proposed lot not found at its location",
    "DAMAGED": "Proposed lot damaged or contaminated",
    "OPENED": "An opened container of another lot used up first",
    "BLOCKED": "Proposed lot blocked in (cannot be reached safely)",
    "QA": "Instruction from quality assurance",
    "OTHER": "Other (explain in the note)",
}

DEFAULTS = {"pick_rule": "auto", "site": "MAIN", "allow_negative": "no"}


def setting(session: Session, key: str) -> str:
    value = session.execute(select(FloorSetting.value).where(FloorSetting.key == key)).scalar()
    return DEFAULTS[key] if value is None else value


def set_setting(session: Session, key: str, value: str) -> None:
    if key not in DEFAULTS:
        raise WorkbenchError(f"There is no floor setting '{key}'; the settings are {', '.join(DEFAULTS)}.")
    if key == "pick_rule" and value not in ("auto", *PICK_RULES):
        raise WorkbenchError(f"The pick rule '{value}' is not auto, FEFO or FIFO.")
    row = session.get(FloorSetting, key)
    if row is None:
        session.add(FloorSetting(key=key, value=value))
    else:
        row.value = value


def home_site(session: Session) -> str:
    return setting(session, "site")


def negative_stock_allowed(session: Session) -> bool:
    return setting(session, "allow_negative").lower() in ("yes", "true", "1")


def pick_rules(session: Session, items: list[Item]) -> dict[int, str]:
    """FEFO or FIFO per item: the item's own rule, else the plant's; ``auto`` is FEFO for
    items with a shelf life (dated items) and FIFO for the rest."""
    default = setting(session, "pick_rule")
    own = dict(session.execute(select(ItemRule.item_id, ItemRule.pick_rule)
                               .where(ItemRule.item_id.in_([i.id for i in items]))).all())
    out = {}
    for item in items:
        rule = own.get(item.id) or default
        if rule == "auto":
            rule = "FEFO" if item.shelf_life_days else "FIFO"
        out[item.id] = rule
    return out


def date_ai(session: Session, item_id: int) -> str:
    """``17`` (expiry, use by) or ``15`` (best before): the date an item's labels carry."""
    rule = session.get(ItemRule, item_id)
    return rule.date_ai if rule is not None else "17"


def set_item_rule(session: Session, item: Item, pick_rule: str | None = None, date: str | None = None) -> None:
    if pick_rule is not None and pick_rule not in (*PICK_RULES, "auto"):
        raise WorkbenchError(f"The pick rule '{pick_rule}' is not auto, FEFO or FIFO.")
    if date is not None and date not in ("15", "17"):
        raise WorkbenchError(f"The label date '{date}' is neither 15 (best before) nor 17 (expiry).")
    row = session.get(ItemRule, item.id)
    if row is None:
        row = ItemRule(item_id=item.id, date_ai="17")
        session.add(row)
    if pick_rule is not None:
        row.pick_rule = None if pick_rule == "auto" else pick_rule
    if date is not None:
        row.date_ai = date


def override_reasons(session: Session) -> dict[str, str]:
    """The plant's override reasons: the defaults, reworded or extended by ``override_reasons``."""
    reasons = dict(DEFAULT_REASONS)
    reasons.update((code, text) for code, text in session.execute(select(OverrideReason.code, OverrideReason.text)))
    return reasons
