"""Writes the supply-chain rows of a checked version 2 bundle (``chain_checks.ChainPlan``).

``ChainWriter`` is used by ``writing.write_plan`` at each step: it reserves ids for new
parties, locations, containers and events first (so every row is built with its foreign
keys), adds the supply-chain columns to the rows of the version 1 tables, and writes the
new files' rows in bulk. A retraction of an event the plant already holds goes through
``workbench.plant.events.retract_event``, which removes the rows it wrote and keeps them on
the event.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from workbench.interchange.bundle.chain_checks import LOT_COLUMNS, ChainPlan
from workbench.plant import (
    Container,
    Event,
    EventLot,
    ItemUnit,
    KeyDataElement,
    Location,
    Lot,
    Packing,
    Party,
    Receipt,
    ReferenceDocument,
    Shipment,
)
from workbench.plant.bulk import BulkWriter


def _ordered(rows: list, key: str, parent: str) -> list:
    """``rows`` with every row after the row it names in ``parent`` (when that row is here too)."""
    by_code = {getattr(r, key): r for r in rows}
    done: set[str] = set()
    out: list = []

    def visit(row, depth: int = 0) -> None:
        code = getattr(row, key)
        if code in done:
            return
        done.add(code)
        up = getattr(row, parent)
        if up in by_code and depth < len(rows):
            visit(by_code[up], depth + 1)
        out.append(row)

    for row in rows:
        visit(row)
    return out


class ChainWriter:
    def __init__(self, session: Session, w: BulkWriter, plan, chain: ChainPlan):
        self.s = session
        self.w = w
        self.plan = plan
        self.chain = chain
        self.ids = chain.ids

    def ref(self, kind: str, code: str | None) -> int | None:
        return None if code is None else self.ids[kind][code]

    def refs(self, kind: str, rows, column: str) -> list:
        ids = self.ids[kind]
        return [None if (c := getattr(r, column)) is None else ids[c] for r in rows]

    # -- before vendors and customers --------------------------------------------------------

    def masters(self, item_ids: dict[str, int]) -> None:
        w, chain = self.w, self.chain
        rows = chain.item_units
        w.insert(ItemUnit.__table__, {"item_id": [item_ids[r.item] for r in rows], "unit": [r.unit for r in rows],
                                      "factor": [r.factor for r in rows]})
        rows = chain.parties
        new_ids = w.reserve_ids(Party.__table__, len(rows))
        self.ids["party"].update(zip([r.party for r in rows], new_ids, strict=True))
        w.insert(Party.__table__, {
            "id": new_ids, "code": [r.party for r in rows], "name": [r.name for r in rows],
            "gln": [r.gln for r in rows], "address": [r.address for r in rows],
            "own": [bool(r.roles and "own" in r.roles) for r in rows],
            "carrier": [bool(r.roles and "carrier" in r.roles) for r in rows],
        })
        rows = _ordered(chain.locations, "location", "parent")
        new_ids = w.reserve_ids(Location.__table__, len(rows))
        self.ids["location"].update(zip([r.location for r in rows], new_ids, strict=True))
        w.insert(Location.__table__, {
            "id": new_ids, "code": [r.location for r in rows],
            **{c: [getattr(r, c) for r in rows] for c in ("name", "gln", "address", "country", "latitude",
                                                          "longitude", "timezone")},
            "kind": [r.kind or "other" for r in rows], "owner_id": self.refs("party", rows, "owner"),
            "parent_id": self.refs("location", rows, "parent"),
        })

    def party_ids(self, rows) -> list:
        return self.refs("party", rows, "party")

    def containers_and_events(self) -> None:
        w, chain = self.w, self.chain
        rows = chain.containers
        new_ids = w.reserve_ids(Container.__table__, len(rows))
        self.ids["container"].update(zip([r.container for r in rows], new_ids, strict=True))
        w.insert(Container.__table__, {"id": new_ids, "code": [r.container for r in rows],
                                       "kind": [r.kind or "pallet" for r in rows], "sscc": [r.sscc for r in rows]})
        rows = _ordered(chain.events, "event", "corrects")
        new_ids = w.reserve_ids(Event.__table__, len(rows))
        self.ids["event"].update(zip([r.event for r in rows], new_ids, strict=True))
        retracted: list[Any] = [chain.retractions.get(r.event) for r in rows]
        w.insert(Event.__table__, {
            "id": new_ids, "ref": [r.event for r in rows],
            **{c: [getattr(r, c) for r in rows] for c in ("kind", "event_type", "occurred_at", "time_zone_offset",
                                                          "recorded_at", "disposition", "source")},
            "location_id": self.refs("location", rows, "location"), "corrects_id": self.refs("event", rows, "corrects"),
            "retracted_at": [x.retracted_at if x else None for x in retracted],
            "retraction_reason": [x.reason if x else None for x in retracted],
            "retraction_ref": [x.declaration if x else None for x in retracted],
            "retraction_note": [x.note if x else None for x in retracted],
            "content": [x.content if x else None for x in retracted],
        })

    # -- the supply-chain columns of the version 1 tables ---------------------------------------

    def lot_columns(self, lots) -> dict[str, list]:
        data = self.chain.lot_data
        values = [data.get((n.item, n.code), {}) for n in lots]
        out = {"location_id": self.refs("location", lots, "location"), "event_id": self.refs("event", lots, "event")}
        for column in LOT_COLUMNS:
            if column == "tlc_source":
                out["tlc_source_id"] = [self.ref("location", v.get(column)) for v in values]
            else:
                out[column] = [v.get(column) for v in values]
        for n in lots:
            data.pop((n.item, n.code), None)  # written with the lot
        return out

    def columns(self, table: str, rows) -> dict[str, list]:
        r = self.refs
        if table == "receipts":
            return {"location_id": r("location", rows, "location"), "ship_from_id": r("location", rows, "ship_from"),
                    "container_id": r("container", rows, "container"), "event_id": r("event", rows, "event")}
        if table == "orders":
            return {"location_id": r("location", rows, "location"), "event_id": r("event", rows, "event")}
        if table == "consumptions":
            return {"event_id": r("event", rows, "event")}
        if table == "outputs":
            return {"event_id": [self.ref("event", o[4]) for o in rows]}
        if table == "shipments":
            return {"ship_from_id": r("location", rows, "ship_from"), "ship_to_id": r("location", rows, "ship_to"),
                    "carrier_id": r("party", rows, "carrier"), "container_id": r("container", rows, "container"),
                    "event_id": r("event", rows, "event")}
        if table == "returns":
            return {"location_id": r("location", rows, "location"), "event_id": r("event", rows, "event")}
        raise KeyError(table)

    # -- the new files' rows -------------------------------------------------------------------------

    def transfers(self, lot_ids: dict) -> None:
        w, rows = self.w, self.chain.transfers
        shipment_ids = w.reserve_ids(Shipment.__table__, len(rows))
        r = self.refs
        w.insert(Shipment.__table__, {
            "id": shipment_ids, "code": [x.transfer for x in rows], "shipped_at": [x.shipped_at for x in rows],
            "customer_id": [None] * len(rows), "order_ref": [x.order_ref for x in rows],
            "lot_id": [lot_ids[(x.item, x.lot)] for x in rows], "quantity": [x.quantity for x in rows],
            "ship_from_id": r("location", rows, "ship_from"), "ship_to_id": r("location", rows, "ship_to"),
            "carrier_id": r("party", rows, "carrier"), "container_id": r("container", rows, "container"),
            "event_id": r("event", rows, "event"),
        })
        got = [(x, i) for x, i in zip(rows, shipment_ids, strict=True) if x.receipt]
        w.insert(Receipt.__table__, {
            "code": [x.receipt for x, _ in got], "received_at": [x.received_at for x, _ in got],
            "vendor_id": [None] * len(got), "po": [None] * len(got), "lot_id": [lot_ids[(x.item, x.lot)] for x, _ in got],
            "vendor_lot": [None] * len(got), "quantity": [x.quantity for x, _ in got],
            "location_id": [self.ref("location", x.ship_to) for x, _ in got],
            "ship_from_id": [self.ref("location", x.ship_from) for x, _ in got],
            "shipment_id": [i for _, i in got], "container_id": [self.ref("container", x.container) for x, _ in got],
            "event_id": [self.ref("event", x.receipt_event) for x, _ in got],
        })

    def after(self, lot_ids: dict) -> None:
        """Packings, key data elements, event lots, documents and retractions."""
        w, chain, r = self.w, self.chain, self.refs
        rows = chain.packings
        w.insert(Packing.__table__, {
            "container_id": r("container", rows, "container"), "child_id": r("container", rows, "child"),
            "lot_id": [lot_ids[(x.item, x.lot)] if x.lot else None for x in rows],
            "quantity": [x.quantity for x in rows], "packed_at": [x.packed_at for x in rows],
            "packed_location_id": r("location", rows, "location"), "pack_event_id": r("event", rows, "event"),
            "unpacked_at": [x.unpacked_at for x in rows],
            "unpacked_location_id": r("location", rows, "unpacked_location"),
            "unpack_event_id": r("event", rows, "unpack_event"),
        })
        for (item, lot), values in chain.lot_data.items():  # lots already in the plant
            if "tlc_source" in values:
                values["tlc_source_id"] = self.ref("location", values.pop("tlc_source"))
            self.s.execute(update(Lot).where(Lot.id == bindparam("lot")).values(
                {c: bindparam(c) for c in values}).execution_options(synchronize_session=False),
                [{"lot": lot_ids[(item, lot)], **values}])
        kdes = chain.key_data
        w.insert(KeyDataElement.__table__, {
            "lot_id": [lot_ids[(x.item, x.lot)] for x, _k, _n, _m in kdes], "event_id": [None] * len(kdes),
            "name": [x.name for x, _k, _n, _m in kdes], "kind": [k for _x, k, _n, _m in kdes],
            "value": [x.value for x, _k, _n, _m in kdes], "number": [n for _x, _k, n, _m in kdes],
            "moment": [m for _x, _k, _n, m in kdes], "unit": [x.unit for x, _k, _n, _m in kdes],
        })
        rows = chain.event_lots
        w.insert(EventLot.__table__, {"event_id": r("event", rows, "event"),
                                      "lot_id": [lot_ids[(x.item, x.lot)] for x in rows]})
        rows = chain.documents
        w.insert(ReferenceDocument.__table__, {"event_id": r("event", rows, "event"), "kind": [x.kind for x in rows],
                                               "code": [x.document for x in rows]})
        if chain.retract:
            from workbench.plant.events import retract_event

            self.s.flush()
            for x in chain.retract:
                retract_event(self.s, x.event, reason=x.reason, at=x.retracted_at, declaration=x.declaration,
                              note=x.note)
