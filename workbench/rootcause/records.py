"""What the root-cause investigations find, as plain data: a lot's history, its siblings
and the factors several defective lots share."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from workbench.facts import Genealogy, LifeEvent, LotRef, OperationFacts
from workbench.jsonutil import json_object


@dataclass(frozen=True)
class UpstreamLot:
    """A lot that went into the suspect lot (depth -1 = direct input), with its receipt."""

    lot: LotRef
    item_name: str | None
    item_kind: str
    origin: str
    depth: int
    created_at: datetime | None
    quantity: Any
    unit: str
    vendor: str | None = None
    vendor_name: str | None = None
    vendor_lot: str | None = None
    receipt: str | None = None
    po: str | None = None
    received_at: datetime | None = None


@dataclass
class LotHistory:
    """The backward investigation of one lot, plain data."""

    lot: LotRef
    item_name: str | None
    created_at: datetime | None
    upstream: list[UpstreamLot]
    orders: list[dict[str, Any]]
    operations: list[OperationFacts]
    events: list[LifeEvent]
    genealogy: Genealogy

    @property
    def vendors(self) -> list[str]:
        return sorted({u.vendor for u in self.upstream if u.vendor})

    @property
    def machines(self) -> list[str]:
        return sorted({o.machine for o in self.operations if o.machine})

    def to_json(self) -> dict[str, Any]:
        return json_object({
            "lot": {"item": self.lot.item, "lot": self.lot.lot, "item_name": self.item_name,
                    "created_at": self.created_at},
            "upstream": [{**_lot_json(u.lot), "item_name": u.item_name, "kind": u.item_kind, "origin": u.origin,
                          "depth": u.depth, "created_at": u.created_at, "quantity": u.quantity, "unit": u.unit,
                          "vendor": u.vendor, "vendor_lot": u.vendor_lot, "receipt": u.receipt, "po": u.po,
                          "received_at": u.received_at} for u in self.upstream],
            "orders": self.orders,
            "operations": [{**o.to_json(), "shift": o.shift, "made": list(o.made)} for o in self.operations],
            "events": [{"at": e.at, "until": e.end, "kind": e.kind, "text": e.label, "node": e.node}
                       for e in self.events],
        })


def _lot_json(ref: LotRef) -> dict[str, str]:
    return {"item": ref.item, "lot": ref.lot}


@dataclass(frozen=True)
class Sibling:
    """Another lot that may carry the same defect, and why.

    ``kind`` is "material" (made from one of the suspect lot's upstream lots, listed in
    ``via`` as lot node ids) or "machine" (made by an order with an operation on one of
    the suspect lot's machines within the window; ``via`` holds machine node ids and
    ``operations`` those operations).
    """

    lot: LotRef
    kind: str
    created_at: datetime | None
    via: tuple[str, ...]
    reason: str
    operations: tuple[OperationFacts, ...] = ()
    #: Material siblings: how many other lots the most specific material it shares went into
    #: (fewer is more telling; 0 for machine siblings).
    reach: int = 0
    #: A material sibling that shares only common materials (see ``Siblings.common``).
    common: bool = False


@dataclass
class Siblings:
    """The siblings of ``lot``. Material siblings come most specific first: a lot sharing a
    material lot that went into 12 lots says more than one sharing the salt lot that went
    into 900. ``common`` names the material lots that went into more than ``COMMON_REACH``
    other lots (salt, oil, packaging film) with how many; siblings sharing only those are
    marked ``common`` and folded away in the app and the text listing."""

    lot: LotRef
    window: timedelta
    by_material: list[Sibling] = field(default_factory=list)
    by_machine: list[Sibling] = field(default_factory=list)
    common: dict[LotRef, int] = field(default_factory=dict)

    def specific(self) -> list[Sibling]:
        """Material siblings that share at least one material lot that is not common."""
        return [s for s in self.by_material if not s.common]

    def folded(self) -> list[Sibling]:
        """Material siblings that share only common material lots: the noise."""
        return [s for s in self.by_material if s.common]

    def lots(self) -> set[LotRef]:
        return {s.lot for s in self.by_material} | {s.lot for s in self.by_machine}

    def to_json(self) -> dict[str, Any]:
        def one(s: Sibling) -> dict[str, Any]:
            return {**_lot_json(s.lot), "kind": s.kind, "created_at": s.created_at, "via": list(s.via),
                    "reason": s.reason, **({"reach": s.reach, "common": s.common} if s.kind == "material" else {})}
        return json_object({"lot": _lot_json(self.lot), "window_hours": self.window.total_seconds() / 3600,
                         "by_material": [one(s) for s in self.by_material],
                         "by_machine": [one(s) for s in self.by_machine],
                         "common_materials": [{**_lot_json(r), "reach": n} for r, n in self.common.items()]})


@dataclass(frozen=True)
class Factor:
    """An upstream factor and how much more the defective lots share it than the baseline.

    ``code`` names it ("ITEM/LOT" for a lot, the vendor lot for a vendor lot, the code
    otherwise); ``node_ids`` are the genealogy nodes to highlight. ``lift`` is ``inf``
    when no baseline lot shares the factor (JSON: null).
    """

    kind: str
    code: str
    item: str | None
    lot: str | None
    vendor: str | None
    vendor_lot: str | None
    defective_exposed: int
    defective_total: int
    baseline_exposed: int
    baseline_total: int
    p_value: float
    node_ids: tuple[str, ...]
    #: Lot-to-lot hops upstream of the nearest defective lot (lots only), for tie-breaks.
    depth: int = 0

    @property
    def defective_share(self) -> float:
        return self.defective_exposed / self.defective_total if self.defective_total else 0.0

    @property
    def baseline_share(self) -> float:
        return self.baseline_exposed / self.baseline_total if self.baseline_total else 0.0

    @property
    def lift(self) -> float:
        if self.baseline_share == 0:
            return math.inf if self.defective_share > 0 else 0.0
        return self.defective_share / self.baseline_share

    @property
    def label(self) -> str:
        if self.kind == "vendor_lot":
            return f"vendor lot {self.code} ({self.vendor})"
        if self.kind == "lot":
            return f"lot {self.code}"
        return f"{self.kind} {self.code}"

    def to_json(self) -> dict[str, Any]:
        return json_object({
            "kind": self.kind, "code": self.code, "item": self.item, "lot": self.lot, "vendor": self.vendor,
            "vendor_lot": self.vendor_lot, "defective_exposed": self.defective_exposed,
            "defective_total": self.defective_total, "baseline_exposed": self.baseline_exposed,
            "baseline_total": self.baseline_total, "defective_share": round(self.defective_share, 6),
            "baseline_share": round(self.baseline_share, 6),
            "lift": None if math.isinf(self.lift) else round(self.lift, 6),
            "p_value": float(f"{self.p_value:.6g}"), "node_ids": list(self.node_ids)})


@dataclass
class Commonality:
    defective: list[LotRef]
    items: list[str]
    period: tuple[datetime, datetime] | None
    baseline: list[LotRef]
    factors: list[Factor]

    def to_json(self) -> dict[str, Any]:
        return json_object({
            "defective": [r.label for r in self.defective], "items": self.items,
            "period": list(self.period) if self.period else None, "baseline_lots": len(self.baseline),
            "factors": [f.to_json() for f in self.factors]})
