"""The plant (or the lots of one trace) as an EPCIS 2.0 document, JSON-LD or XML, that the importer reads back.

What is written, from the plant's valid records (retracted events are not repeated):

| plant | EPCIS 2.0 |
|---|---|
| lot counted as opening stock, or commissioned | ObjectEvent ADD ``commissioning`` with its ILMD key data elements |
| purchase receipt line (no shipment) | ObjectEvent ADD ``receiving``, sourceList owning party (the vendor), ``po``,
  and the receipt's own number as ``recadv`` (receiving advice) |
| production order | TransformationEvent (``transformationID`` = order code), inputs consumed, outputs made with ILMD |
| shipment (lines of one code) | ObjectEvent OBSERVE ``shipping``, destinationList owning party (the customer) and ship-to,
  ``po``, and the shipment's own number as ``desadv`` (despatch advice) |
| receipt line of a shipment | ObjectEvent OBSERVE ``receiving`` at the receiving location |
| packing stay | AggregationEvent ADD ``packing`` (and DELETE ``unpacking`` when unpacked) |
| customer return (RMA) | ObjectEvent OBSERVE ``receiving``, disposition ``returned``, sourceList owning party (the
  customer), bizTransaction ``rma`` |
| retracted event | the event (eventID, type, bizStep, disposition, its lots) with ``errorDeclaration`` (time, reason, the
  correcting eventIDs) |
| operation (machine, operator) | ``wb:operation`` extension fields of the order's TransformationEvent |
| return reason, vendor lot | ``wb:returnReason`` on the return's event; ``wb:vendorLot`` in the ILMD of the event that
  brings the lot (commissioning, a one-lot purchase receipt, a one-output transformation) |

Identifiers: a lot keeps the identifier it was first imported with; otherwise an item with a GTIN gives a
GS1 Digital Link (``https://id.gs1.org/01/…/10/…``) and one without a private GDST-form class URN under
the domain ``workbench.invalid``. Master data carries names and, under ``urn:x-workbench:code``, the plant's
own codes, so that an export imported into an empty plant gets the same item, customer and vendor codes.
EventIDs are the recorded ones where the event came from EPCIS, else stable ``urn:uuid:`` values.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.interchange.epcis import extras
from workbench.interchange.epcis.identifiers import Identifier, dl_encode, parse_identifier
from workbench.interchange.epcis.model import (
    MDA_NAMESPACES,
    Action,
    BizTransaction,
    EpcisDocument,
    EpcisEvent,
    ErrorDeclaration,
    EventType,
    Ilmd,
    Location,
    MasterAttribute,
    QuantityElement,
    RawElement,
    SourceDestination,
    VocabularyElement,
)
from workbench.interchange.epcis.own import CODE_ATTRIBUTE, WORKBENCH_NAMESPACE, own_identifier
from workbench.interchange.epcis.vocab import (
    BIZ_STEP,
    BIZ_TRANSACTION_TYPE,
    DISPOSITION,
    ERROR_REASON,
    SOURCE_DESTINATION_TYPE,
    cbv_value,
    standard,
)
from workbench.interchange.epcis.write import write_jsonld, write_xml
from workbench.interchange.epcisload.resolve import epcis_unit
from workbench.outfile import written
from workbench.plant.chain import Container, Event, EventLot, Packing, Party
from workbench.plant.chain import Location as PlantLocation
from workbench.plant.identities import LotIdentifier
from workbench.plant.models import (
    Consumption,
    Customer,
    Item,
    Lot,
    Operation,
    Output,
    ProductionOrder,
    Receipt,
    Return,
    Shipment,
    Vendor,
)
from workbench.plant.query import fetch_in

PRIVATE_DOMAIN = "workbench.invalid"
_NS = uuid.UUID("6f1d1c4e-6c1b-4b7e-9d0e-3f7c2f0a9e51")
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else (moment if moment.tzinfo else moment.replace(tzinfo=UTC))


class _Export:
    def __init__(self, session: Session, lot_ids: set[int] | None):
        self.s = session
        self.only = lot_ids
        self.events: list[EpcisEvent] = []
        self.vocabulary: list[VocabularyElement] = []
        self.refs: dict[int, str] = {}
        self.locations: dict[int, str] = {}

    def rows(self, stmt: Any, column: Any) -> list[Any]:
        if self.only is None:
            return list(self.s.execute(stmt))
        return list(fetch_in(self.s, stmt, column, self.only))

    # ---- identities -------------------------------------------------------------------------------

    def prepare(self) -> None:
        lot, item = Lot.__table__, Item.__table__
        stmt = select(lot.c.id, item.c.code, item.c.name, item.c.unit, item.c.gtin, lot.c.code, lot.c.quantity,
                      lot.c.created_at, lot.c.expires_at, lot.c.origin, lot.c.location_id, lot.c.production_date,
                      lot.c.best_before, lot.c.country_of_origin, lot.c.event_id, lot.c.vendor_lot
                      ).join(item, item.c.id == lot.c.item_id)
        self.lots = {r[0]: r for r in self.rows(stmt, lot.c.id)}
        ids = LotIdentifier.__table__
        given = dict(fetch_in(self.s, select(ids.c.lot_id, ids.c.identifier), ids.c.lot_id, self.lots))
        self.lot_class: dict[int, Identifier] = {}
        products: dict[str, tuple[str, str | None]] = {}
        for lot_id, row in self.lots.items():
            _, item_code, name, _, gtin, code = row[:6]
            raw = given.get(lot_id)
            if raw is None:
                if gtin:
                    raw = f"https://id.gs1.org/01/{gtin.zfill(14)}/10/{dl_encode(code)}"
                else:
                    product = quote(item_code, safe="").replace(".", "%2E")
                    raw = f"urn:gdst:{PRIVATE_DOMAIN}:product:lot:class:plant.{product}.{code}"
            ident = parse_identifier(raw)
            self.lot_class[lot_id] = ident
            products.setdefault(ident.product or ident.key, (item_code, name))
        for product, (code, name) in products.items():
            self.vocabulary.append(_element("epc_class", "urn:epcglobal:epcis:vtype:EPCClass", product, name, code))
        events = Event.__table__
        self.refs = dict(self.s.execute(select(events.c.id, events.c.ref)).all())
        loc = PlantLocation.__table__
        for loc_id, code, name, address in self.s.execute(select(loc.c.id, loc.c.code, loc.c.name, loc.c.address)):
            self.locations[loc_id] = own_identifier("location", code)
            self.vocabulary.append(_element("location", "urn:epcglobal:epcis:vtype:BusinessLocation",
                                            self.locations[loc_id], name, code, address))
        self.customers = self._parties(Customer)
        self.vendors = self._parties(Vendor)

    def _parties(self, model: Any) -> dict[int, str]:
        table, parties = model.__table__, Party.__table__
        out = {}
        stmt = select(table.c.id, table.c.code, table.c.name, table.c.address, parties.c.code).outerjoin(
            parties, parties.c.id == table.c.party_id)
        for row_id, code, name, address, party_code in self.s.execute(stmt):
            ident = own_identifier("party", party_code or code)
            out[row_id] = ident
            self.vocabulary.append(_element("party", "urn:epcglobal:epcis:vtype:Party", ident, name, code, address))
        return out

    def event_id(self, ref_id: int | None, *key: object) -> str:
        ref = self.refs.get(ref_id) if ref_id else None
        if ref and not ref.startswith("ni:"):
            return ref
        return f"urn:uuid:{uuid.uuid5(_NS, '|'.join(map(str, key)))}"

    def q(self, lot_id: int, quantity: Decimal | None) -> QuantityElement:
        unit = self.lots[lot_id][3]
        return QuantityElement(self.lot_class[lot_id], quantity, epcis_unit(unit))

    def loc(self, loc_id: int | None) -> Location | None:
        return Location(parse_identifier(self.locations[loc_id])) if loc_id in self.locations else None

    # ---- events -----------------------------------------------------------------------------------

    def add(self, **fields: Any) -> None:
        moment = _utc(fields.pop("time")) or _EPOCH
        self.events.append(EpcisEvent(event_time=moment, event_time_zone_offset="+00:00", hash="", **fields))

    def commissioned(self, made: set[int]) -> None:
        for lot_id, row in self.lots.items():
            if lot_id in made:
                continue
            self.add(type=EventType.OBJECT, time=row[7], action=Action.ADD, event_id=self.event_id(row[14], "lot", lot_id),
                     biz_step=standard(BIZ_STEP, "commissioning"), quantity_list=(self.q(lot_id, row[6]),),
                     biz_location=self.loc(row[10]), ilmd=self.ilmd(row))

    def ilmd(self, row: Any) -> Ilmd | None:
        kdes = {"expiry_date": row[8].date().isoformat() if row[8] else None,
                "production_date": row[11].isoformat() if row[11] else None,
                "best_before_date": row[12].isoformat() if row[12] else None,
                "country_of_origin": row[13]}
        kdes = {k: v for k, v in kdes.items() if v}
        own = (RawElement(extras.VENDOR_LOT, row[15]),) if row[15] else ()
        return Ilmd.of(MDA_NAMESPACES[1], extensions=own, **kdes) if kdes or own else None

    def receipts(self) -> set[int]:
        r = Receipt.__table__
        stmt = select(r.c.id, r.c.code, r.c.received_at, r.c.vendor_id, r.c.po, r.c.lot_id, r.c.quantity, r.c.location_id,
                      r.c.ship_from_id, r.c.shipment_id, r.c.event_id)
        groups: dict[tuple, list[Any]] = defaultdict(list)
        for row in self.rows(stmt, r.c.lot_id):
            groups[(row[1], row[2], row[3], row[4], row[7], row[8], row[9] is None, row[10])].append(row)
        # The shipment a transfer's receipt received is named on it too (its despatch advice), so that the
        # receipt pairs with exactly that shipment however much of the route's history a document holds.
        sh = Shipment.__table__
        shipped = {row[9] for lines in groups.values() for row in lines if row[9] is not None}
        shipment_code = dict(fetch_in(self.s, select(sh.c.id, sh.c.code), sh.c.id, shipped))
        purchased: set[int] = set()
        for (code, at, vendor, po, where, ship_from, bought, ref), lines in groups.items():
            sources = []
            if vendor in self.vendors and bought:
                sources.append(SourceDestination(parse_identifier(self.vendors[vendor]),
                                                 standard(SOURCE_DESTINATION_TYPE, "owning_party")))
            if ship_from in self.locations:
                sources.append(SourceDestination(parse_identifier(self.locations[ship_from]),
                                                 standard(SOURCE_DESTINATION_TYPE, "location")))
            if bought:
                purchased.update(line[5] for line in lines)
            self.add(type=EventType.OBJECT, time=at, action=Action.ADD if bought else Action.OBSERVE,
                     event_id=self.event_id(ref, "receipt", code, at), biz_step=standard(BIZ_STEP, "receiving"),
                     quantity_list=tuple(self.q(line[5], line[6]) for line in lines), biz_location=self.loc(where),
                     source_list=tuple(sources),
                     biz_transaction_list=((BizTransaction(parse_identifier(own_identifier("po", po)),
                                                           standard(BIZ_TRANSACTION_TYPE, "po")),) if po else ())
                     + tuple(BizTransaction(parse_identifier(own_identifier("shipment", number)),
                                            standard(BIZ_TRANSACTION_TYPE, "desadv"))
                             for number in sorted({shipment_code[line[9]] for line in lines if line[9] in shipment_code}))
                     + (BizTransaction(parse_identifier(own_identifier("receipt", code)), standard(BIZ_TRANSACTION_TYPE,
                                                                                              "recadv")),),
                     ilmd=self.ilmd(self.lots[lines[0][5]]) if bought and len(lines) == 1 else None,
                     extensions=tuple(extras.vendor_lot_element(self.lot_class[line[5]].raw, self.lots[line[5]][15])
                                      for line in lines if bought and len(lines) > 1 and self.lots[line[5]][15]))
        return purchased

    def orders(self) -> set[int]:
        o, c, out = ProductionOrder.__table__, Consumption.__table__, Output.__table__
        inputs: dict[int, list[Any]] = defaultdict(list)
        outputs: dict[int, list[Any]] = defaultdict(list)
        for order_id, lot_id, quantity in self.rows(select(c.c.order_id, c.c.lot_id, c.c.quantity), c.c.lot_id):
            inputs[order_id].append((lot_id, quantity))
        for order_id, lot_id, quantity in self.rows(select(out.c.order_id, out.c.lot_id, out.c.quantity), out.c.lot_id):
            outputs[order_id].append((lot_id, quantity))
        wanted = set(inputs) | set(outputs)
        op = Operation.__table__
        steps: dict[int, list[RawElement]] = defaultdict(list)
        for order_id, *fields in fetch_in(self.s, select(op.c.order_id, op.c.step, op.c.machine, op.c.operator,
                                                          op.c.started_at, op.c.finished_at).order_by(op.c.id),
                                          op.c.order_id, wanted):
            steps[order_id].append(extras.operation_element(*fields))
        made: set[int] = set()
        stmt = select(o.c.id, o.c.code, o.c.started_at, o.c.finished_at, o.c.location_id, o.c.event_id)
        for order_id, code, started, finished, where, ref in fetch_in(self.s, stmt, o.c.id, wanted):
            ins = [(lot, q) for lot, q in inputs[order_id] if lot in self.lots]
            outs = [(lot, q) for lot, q in outputs[order_id] if lot in self.lots]
            made.update(lot for lot, _ in outs)
            one = outs[0][0] if len(outs) == 1 else None
            self.add(type=EventType.TRANSFORMATION, time=finished or started, event_id=self.event_id(ref, "order", code),
                     transformation_id=own_identifier("order", code) if ":" not in code else code,
                     biz_step=standard(BIZ_STEP, "commissioning"),
                     input_quantity_list=tuple(self.q(lot, q) for lot, q in ins),
                     output_quantity_list=tuple(self.q(lot, q) for lot, q in outs), biz_location=self.loc(where),
                     ilmd=self.ilmd(self.lots[one]) if one is not None else None, extensions=tuple(steps[order_id]))
        return made

    def shipments(self) -> None:
        s = Shipment.__table__
        stmt = select(s.c.code, s.c.shipped_at, s.c.customer_id, s.c.order_ref, s.c.lot_id, s.c.quantity, s.c.ship_from_id,
                      s.c.ship_to_id, s.c.event_id)
        groups: dict[tuple, list[Any]] = defaultdict(list)
        for row in self.rows(stmt, s.c.lot_id):
            groups[(row[0], row[1], row[2], row[3], row[6], row[7], row[8])].append(row)
        for (code, at, customer, ref_doc, ship_from, ship_to, ref), lines in groups.items():
            destinations = []
            if customer in self.customers:
                destinations.append(SourceDestination(parse_identifier(self.customers[customer]),
                                                      standard(SOURCE_DESTINATION_TYPE, "owning_party")))
            if ship_to in self.locations:
                destinations.append(SourceDestination(parse_identifier(self.locations[ship_to]),
                                                      standard(SOURCE_DESTINATION_TYPE, "location")))
            sources = [SourceDestination(parse_identifier(self.locations[ship_from]),
                                         standard(SOURCE_DESTINATION_TYPE, "location"))] if ship_from in self.locations else []
            documents = [BizTransaction(parse_identifier(own_identifier("po", ref_doc)), standard(BIZ_TRANSACTION_TYPE, "po"))
                         ] if ref_doc else []
            number = own_identifier("shipment", code)
            if number != code:  # a code that is a URI already is the shipping event's identity, which comes back
                documents.append(BizTransaction(parse_identifier(number), standard(BIZ_TRANSACTION_TYPE, "desadv")))
            self.add(type=EventType.OBJECT, time=at, action=Action.OBSERVE, event_id=self.event_id(ref, "shipment", code, at),
                     biz_step=standard(BIZ_STEP, "shipping"), quantity_list=tuple(self.q(r[4], r[5]) for r in lines),
                     biz_location=self.loc(ship_from), source_list=tuple(sources), destination_list=tuple(destinations),
                     biz_transaction_list=tuple(documents))

    def packings(self) -> None:
        p, c = Packing.__table__, Container.__table__
        codes = dict(self.s.execute(select(c.c.id, c.c.code)).all())
        stmt = select(p.c.container_id, p.c.lot_id, p.c.child_id, p.c.quantity, p.c.packed_at, p.c.packed_location_id,
                      p.c.pack_event_id, p.c.unpacked_at, p.c.unpacked_location_id, p.c.unpack_event_id)
        rows = list(self.s.execute(stmt))
        if self.only is not None:
            rows = [r for r in rows if r[1] is None or r[1] in self.lots]
        packs: dict[tuple, list[Any]] = defaultdict(list)
        unpacks: dict[tuple, list[Any]] = defaultdict(list)
        for row in rows:
            packs[(row[0], row[4], row[5], row[6])].append(row)
            if row[7] is not None:
                unpacks[(row[0], row[7], row[8], row[9])].append(row)
        for action, groups in ((Action.ADD, packs), (Action.DELETE, unpacks)):
            for (container, at, where, ref), lines in groups.items():
                self.add(type=EventType.AGGREGATION, time=at, action=action,
                         event_id=self.event_id(ref, action.value, container, at),
                         biz_step=standard(BIZ_STEP, "packing" if action is Action.ADD else "unpacking"),
                         parent_id=parse_identifier(own_identifier("container", codes[container])),
                         child_epcs=tuple(parse_identifier(own_identifier("container", codes[r[2]])) for r in lines if r[2]),
                         child_quantity_list=tuple(self.q(r[1], r[3]) for r in lines if r[1] is not None),
                         biz_location=self.loc(where))

    def returns(self) -> None:
        """Each customer return (RMA) as a receipt of the lots back: ObjectEvent OBSERVE ``receiving``, disposition
        ``returned``, sourceList the customer (owning party), bizTransaction ``rma``; imported, a return again."""
        r = Return.__table__
        stmt = select(r.c.rma, r.c.received_at, r.c.customer_id, r.c.location_id, r.c.event_id, r.c.lot_id, r.c.quantity,
                      r.c.reason)
        groups: dict[tuple, list[Any]] = defaultdict(list)
        for row in self.rows(stmt, r.c.lot_id):
            groups[row[:5]].append(row)
        for (rma, at, customer, where, ref), lines in groups.items():
            owner = standard(SOURCE_DESTINATION_TYPE, "owning_party")
            sources = (SourceDestination(parse_identifier(self.customers[customer]), owner),) \
                if customer in self.customers else ()
            reasons = list(dict.fromkeys(line[7] for line in lines if line[7]))  # one event: its lines' reasons, once each
            reason = (RawElement(extras.RETURN_REASON, "; ".join(reasons)),) if reasons else ()
            self.add(type=EventType.OBJECT, time=at, action=Action.OBSERVE, event_id=self.event_id(ref, "return", rma, at),
                     biz_step=standard(BIZ_STEP, "receiving"), disposition=standard(DISPOSITION, "returned"),
                     quantity_list=tuple(self.q(line[5], line[6]) for line in lines), biz_location=self.loc(where),
                     source_list=sources, biz_transaction_list=(BizTransaction(parse_identifier(own_identifier("rma", rma)),
                                                                               standard(BIZ_TRANSACTION_TYPE, "rma")),),
                     extensions=reason)

    def retracted(self) -> None:
        """Each retracted event as what EPCIS says of it: the event (its eventID, type, bizStep, disposition, time,
        place and the lots it touched) with an errorDeclaration (when, why, the events that correct it). Imported,
        it is a retracted event again; it wrote nothing, so it changes no trace."""
        events, links = Event.__table__, EventLot.__table__
        stmt = select(events.c.id, events.c.ref, events.c.kind, events.c.event_type, events.c.occurred_at,
                      events.c.disposition, events.c.location_id, events.c.retracted_at,
                      events.c.retraction_reason).where(events.c.retracted_at.is_not(None))
        found = {r[0]: r for r in self.s.execute(stmt)}
        if not found:
            return
        lots: dict[int, list[int]] = defaultdict(list)
        for event_id, lot_id in fetch_in(self.s, select(links.c.event_id, links.c.lot_id), links.c.event_id, found):
            if lot_id in self.lots:
                lots[event_id].append(lot_id)
        correctors: dict[int, list[str]] = defaultdict(list)
        for corrected, ref in fetch_in(self.s, select(events.c.corrects_id, events.c.ref), events.c.corrects_id, found):
            if not ref.startswith("ni:"):
                correctors[corrected].append(ref)
        for event_id, (_, ref, kind, event_type, at, disposition, where, retracted_at, reason) in found.items():
            touched = sorted(lots.get(event_id, ()))
            if self.only is not None and not touched:
                continue  # not an event of these lots
            kind_of = _EVENT_TYPES.get(event_type or "", EventType.OBJECT)
            quantities = tuple(self.q(lot, None) for lot in touched)
            declaration = ErrorDeclaration(_utc(retracted_at) or _EPOCH,
                                           cbv_value(ERROR_REASON, reason) if reason else None,
                                           tuple(sorted(correctors.get(event_id, ()))))
            self.add(type=kind_of, time=at, action=None if kind_of is EventType.TRANSFORMATION else Action.OBSERVE,
                     event_id=ref if ":" in ref else self.event_id(None, "retracted", ref),
                     biz_step=cbv_value(BIZ_STEP, kind) if kind else None,
                     disposition=cbv_value(DISPOSITION, disposition) if disposition else None,
                     biz_location=self.loc(where), error_declaration=declaration,
                     **{"input_quantity_list" if kind_of is EventType.TRANSFORMATION else "quantity_list": quantities})


_EVENT_TYPES = {t.value: t for t in EventType}


def _element(vocabulary: str, vtype: str, ident: str, name: str | None, code: str,
             address: str | None = None) -> VocabularyElement:
    attributes = []
    if name:
        attributes.append(MasterAttribute("urn:epcglobal:cbv:mda#name", "name", name))
    if address:
        attributes.append(MasterAttribute("urn:epcglobal:cbv:mda#streetAddressOne", "streetAddressOne", address))
    attributes.append(MasterAttribute(CODE_ATTRIBUTE, CODE_ATTRIBUTE, code))
    return VocabularyElement(vocabulary, vtype, parse_identifier(ident), tuple(attributes))


def plant_document(session: Session, lot_ids: set[int] | None = None,
                   period: tuple[datetime, datetime] | None = None) -> EpcisDocument:
    """The plant (or just these lots and what touched them) as a neutral EPCIS document; with ``period``
    (``since``, ``until``: UTC, ``until`` not included) only the events whose eventTime falls in it.

    A part of the plant (a trace, a period) carries the master data of what its events name and nothing else: a
    document sent to one customer or to an authority does not list every other customer and place of the plant.
    """
    export = _Export(session, lot_ids)
    export.prepare()
    purchased = export.receipts()
    made = export.orders()
    export.commissioned(made | purchased)
    export.packings()
    export.shipments()
    export.returns()
    export.retracted()
    events = sorted(export.events, key=lambda e: e.event_time)
    if period is not None:
        since, until = (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment for moment in period)
        events = [e for e in events if since <= e.event_time < until]
    events = [replace(e, index=i) for i, e in enumerate(events)]
    vocabulary = [v for v in export.vocabulary if v.id.key]
    if lot_ids is not None or period is not None:
        named = _named(events)
        vocabulary = [v for v in vocabulary if v.id.key in named]
    return EpcisDocument(source="plant", schema_version="2.0", creation_date=None, events=tuple(events),
                         vocabulary=tuple(vocabulary), namespaces={extras.PREFIX: WORKBENCH_NAMESPACE})


def _named(events: list[EpcisEvent]) -> set[str]:
    """The keys of every identifier the events name (and of the product of each lot class): what master data is for."""
    found: set[str] = set()
    for e in events:
        ids = [*e.epc_list, *e.child_epcs, *e.input_epc_list, *e.output_epc_list,
               *(q.epc_class for q in (*e.quantity_list, *e.child_quantity_list, *e.input_quantity_list,
                                      *e.output_quantity_list)),
               *(x.id for x in (*e.source_list, *e.destination_list)),
               *(x.id for x in (e.read_point, e.biz_location) if x is not None)]
        if e.parent_id is not None:
            ids.append(e.parent_id)
        for ident in ids:
            found.add(ident.key)
            if ident.product:
                found.add(parse_identifier(ident.product).key)
    return found


def export_epcis(session: Session, target: Path, fmt: str = "json", lot_ids: set[int] | None = None,
                 force: bool = False, period: tuple[datetime, datetime] | None = None) -> int:
    """Write the plant (or only ``lot_ids``: a trace's lots; only the events of ``period``) to ``target`` whole or
    not at all (an existing file only with ``force``); returns the number of events."""
    document = plant_document(session, lot_ids, period)
    created = datetime.now(UTC).replace(microsecond=0)
    with written(target, force) as work:
        if fmt == "xml":
            work.write_bytes(write_xml(document, created))
        else:
            work.write_text(write_jsonld(document, created), encoding="utf-8")
    return len(document.events)
