"""EPCIS export: valid EPCIS 2.0 (GS1's JSON Schema and XSD), and imported into an empty plant it gives the same trace."""

from __future__ import annotations

import json

import pytest
from lxml import etree
from sqlalchemy import func, select

from tests.interchange.epcis.test_write import json_schema, xsd
from workbench.cli import main
from workbench.interchange.epcisload import import_documents
from workbench.interchange.epcisload.export import export_epcis
from workbench.plant import open_plant
from workbench.plant.lookup import find_lot
from workbench.plant.models import Item, Lot, LotEdge, Shipment
from workbench.trace.genealogy import reachable_lots


def trace_facts(s, item: str, lot: str) -> tuple[set, set, list]:
    """The lots of the trace (item, lot, quantity), its lot-to-lot edges, and the shipment lines of them (code, lot,
    quantity): the shipments keep their codes."""
    root = find_lot(s, lot, item)
    ids = sorted(reachable_lots(s, [root.id], "both"))
    rows = s.execute(select(Lot.id, Item.code, Lot.code, Lot.quantity).join(Item, Item.id == Lot.item_id)
                     .where(Lot.id.in_(ids))).all()
    name = {r[0]: (r[1], r[2]) for r in rows}
    edges = {(name[p], name[c], q) for p, c, q in s.execute(select(LotEdge.parent_lot_id, LotEdge.child_lot_id,
                                                                   LotEdge.quantity).where(LotEdge.child_lot_id.in_(ids)))
             if p in name}
    shipped = sorted((code, name[lot_id], quantity) for code, lot_id, quantity in
                     s.execute(select(Shipment.code, Shipment.lot_id, Shipment.quantity).where(Shipment.lot_id.in_(ids))))
    assert shipped
    return {(r[1], r[2], r[3]) for r in rows}, edges, shipped


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_trace_exported_is_valid_and_imports_to_the_same_trace(demo_plant, db_factory, tmp_path, fmt):
    target = tmp_path / f"trace.{'xml' if fmt == 'xml' else 'jsonld'}"
    with demo_plant.Session() as s:
        root = find_lot(s, "R26132-01", "RM-ALMOND")
        count = export_epcis(s, target, fmt, reachable_lots(s, [root.id], "both"))
        expected = trace_facts(s, "RM-ALMOND", "R26132-01")
    assert count > 100
    if fmt == "json":
        errors = [f"{e.json_path}: {e.message}" for e in json_schema().iter_errors(json.loads(target.read_text()))]
        assert errors == []
    else:
        assert xsd().validate(etree.parse(str(target))), xsd().error_log.last_error
    copy = open_plant(db_factory.empty_url())
    try:
        with copy.Session.begin() as s:
            summary = import_documents(s, [target])
        assert summary.new_events == count
        # The demo's planted overdraw (chopped almonds 26132A1, 3 kg beyond what it held) is said, and only it.
        (said,) = [w for w in summary.warnings if "lot number" not in w]
        assert "IM-ALMOND-CHOP.26132A1: 253 KGM consumed, but only 250 KGM made" in said
        with copy.Session() as s:
            assert trace_facts(s, "RM-ALMOND", "R26132-01") == expected
    finally:
        copy.dispose()


def test_export_command_writes_the_whole_plant_and_refuses_to_overwrite(demo_plant, tmp_path, capsys):
    target = tmp_path / "plant.jsonld"
    assert main(["export", "--db", demo_plant.url, "--format", "epcis-json", str(target)]) == 0
    assert "events of the plant from" in capsys.readouterr().out
    document = json.loads(target.read_text())
    assert len(document["epcisBody"]["eventList"]) > 5000
    assert main(["export", "--db", demo_plant.url, "--format", "epcis-json", str(target)]) == 1
    assert "exists; add --force to replace it." in capsys.readouterr().err
    trace = tmp_path / "trace.xml"
    assert main(["export", "--db", demo_plant.url, "--format", "epcis-xml", "--lot", "R26132-01", "--item", "RM-ALMOND",
                 str(trace)]) == 0
    assert xsd().validate(etree.parse(str(trace)))


def test_a_retracted_event_is_exported_with_its_error_declaration_and_imports_retracted(demo_plant, db_factory, tmp_path):
    """The demo's receipt recorded in error (retracted, then corrected) leaves as an errorDeclaration that names the
    corrective event, validates, and comes back as the same retracted event, corrected by the same event."""
    from workbench.plant.chain import Event, EventLot

    with demo_plant.Session() as s:
        wrong = s.execute(select(Event).where(Event.retracted_at.is_not(None))).scalars().one()
        corrective = s.execute(select(Event.ref).where(Event.corrects_id == wrong.id)).scalar_one()
        lots = set(s.execute(select(EventLot.lot_id).where(EventLot.event_id == wrong.id)).scalars())
        expected = (wrong.kind, wrong.event_type, wrong.retraction_reason)
        target = tmp_path / "corrected.jsonld"
        export_epcis(s, target, "json", reachable_lots(s, lots, "both"))
    document = json.loads(target.read_text())
    [declared] = [e for e in document["epcisBody"]["eventList"] if "errorDeclaration" in e]
    assert declared["eventID"] == wrong.ref and declared["errorDeclaration"]["correctiveEventIDs"] == [corrective]
    assert [f"{e.json_path}: {e.message}" for e in json_schema().iter_errors(document)] == []
    copy = open_plant(db_factory.empty_url())
    try:
        with copy.Session.begin() as s:
            summary = import_documents(s, [target])
        assert not [w for w in summary.warnings if "corrective event" in w]  # the correcting event came along
        with copy.Session() as s:
            back = s.execute(select(Event).where(Event.ref == wrong.ref)).scalars().one()
            assert back.retracted_at is not None and (back.kind, back.event_type, back.retraction_reason) == expected
            assert s.execute(select(Event.corrects_id).where(Event.ref == corrective)).scalar_one() == back.id
    finally:
        copy.dispose()


def test_customer_returns_are_exported_and_come_back_as_returns(demo_plant, db_factory, tmp_path):
    """A return (RMA) leaves as a receipt of the lot from the customer with disposition returned and its rma
    document, and imported it is the same return: same RMA, customer, lot and quantity, not a purchase."""
    from workbench.plant.models import Customer, Receipt, Return

    def returns(s) -> set[tuple]:
        return set(s.execute(select(Return.rma, Customer.code, Item.code, Lot.code, Return.quantity)
                             .join(Customer, Customer.id == Return.customer_id).join(Lot, Lot.id == Return.lot_id)
                             .join(Item, Item.id == Lot.item_id)).all())

    with demo_plant.Session() as s:
        lot_id = s.execute(select(Return.lot_id).order_by(Return.received_at)).scalars().first()
        assert lot_id is not None
        lots = reachable_lots(s, [lot_id], "both")
        expected = {r for r in returns(s) if s.execute(select(Lot.id).join(Item, Item.id == Lot.item_id).where(
            Item.code == r[2], Lot.code == r[3])).scalar_one() in lots}
        target = tmp_path / "returns.jsonld"
        export_epcis(s, target, "json", lots)
    assert expected
    document = json.loads(target.read_text())
    assert [f"{e.json_path}: {e.message}" for e in json_schema().iter_errors(document)] == []
    returned = [e for e in document["epcisBody"]["eventList"] if e.get("disposition") == "returned"]
    assert len(returned) == len({r[0] for r in expected})
    assert all(e["bizTransactionList"][0]["type"] == "rma" for e in returned)
    copy = open_plant(db_factory.empty_url())
    try:
        with copy.Session.begin() as s:
            summary = import_documents(s, [target])
        assert summary.counts.returns == len(expected)
        with copy.Session() as s:
            assert returns(s) == expected
            rmas = {r[0] for r in expected}
            assert not s.execute(select(Receipt.code).where(Receipt.code.in_(rmas))).all()  # not purchases
    finally:
        copy.dispose()


def test_operations_return_reasons_and_vendor_lots_travel_in_the_workbench_extension(demo_plant, db_factory, tmp_path):
    """What EPCIS has no field for (a step's machine and operator, a return's reason, a bought lot's vendor lot) leaves
    as ``wb:`` extension fields, validates, and imported into an empty plant is the same again."""
    from workbench.plant.models import Operation, ProductionOrder, Return

    def facts(s, lots: set[tuple[str, str]] | None = None) -> tuple[set, set, set]:
        named = select(Lot.id, Item.code, Lot.code).join(Item, Item.id == Lot.item_id)
        ids = {i for i, item, code in s.execute(named) if lots is None or (item, code) in lots}
        operations = set(s.execute(
            select(ProductionOrder.code, Operation.step, Operation.machine, Operation.operator, Operation.started_at,
                   Operation.finished_at).join(ProductionOrder, ProductionOrder.id == Operation.order_id)
            .where(ProductionOrder.id.in_(select(Output_.order_id).where(Output_.lot_id.in_(ids))))).all())
        reasons = set(s.execute(select(Return.rma, Return.reason).where(Return.lot_id.in_(ids))).all())
        vendor_lots_received = set(s.execute(select(Receipt.code, Receipt.vendor_lot).where(
            Receipt.lot_id.in_(ids), Receipt.vendor_lot.is_not(None))).all())
        vendor_lots = set(s.execute(select(Item.code, Lot.code, Lot.vendor_lot).join(Item, Item.id == Lot.item_id)
                                    .where(Lot.id.in_(ids), Lot.vendor_lot.is_not(None))).all())
        return operations, reasons, vendor_lots | vendor_lots_received

    from workbench.plant.models import Output as Output_
    from workbench.plant.models import Receipt

    with demo_plant.Session() as s:
        returned = s.execute(select(Return.lot_id).where(Return.reason.is_not(None)).order_by(Return.id)).scalars().first()
        bought = s.execute(select(Lot.id).where(Lot.vendor_lot.is_not(None)).order_by(Lot.id)).scalars().first()
        # A lot of a purchase receipt of several lots (whose event carries no ILMD) must keep its vendor lot too.
        shared = select(Receipt.code).where(Receipt.shipment_id.is_(None)).group_by(Receipt.code).having(
            func.count(func.distinct(Receipt.lot_id)) > 1)
        of_many = s.execute(select(Lot.id).join(Receipt, Receipt.lot_id == Lot.id).where(
            Receipt.code.in_(shared), Lot.vendor_lot.is_not(None)).order_by(Lot.id)).scalars().first()
        assert of_many is not None
        lots = reachable_lots(s, [returned, bought, of_many], "both")
        target = tmp_path / "extras.jsonld"
        export_epcis(s, target, "json", lots)
        named = {(item, code) for i, item, code in s.execute(select(Lot.id, Item.code, Lot.code)
                                                            .join(Item, Item.id == Lot.item_id)) if i in lots}
        operations, reasons, vendor_lots = facts(s, named)
    assert operations and all(o[2] and o[3] for o in operations)  # machines and operators, on real steps
    assert reasons and all(r[1] for r in reasons)
    assert vendor_lots
    document = json.loads(target.read_text())
    assert [f"{e.json_path}: {e.message}" for e in json_schema().iter_errors(document)] == []
    assert "wb" in {k for c in document["@context"] if isinstance(c, dict) for k in c}
    assert any("wb:operation" in e for e in document["epcisBody"]["eventList"])
    xml_target = tmp_path / "extras.xml"
    with demo_plant.Session() as s:
        export_epcis(s, xml_target, "xml", lots)
    assert xsd().validate(etree.parse(str(xml_target))), xsd().error_log.last_error
    for path in (target, xml_target):
        copy = open_plant(db_factory.empty_url())
        try:
            with copy.Session.begin() as s:
                import_documents(s, [path])
            with copy.Session() as s:
                assert facts(s) == (operations, reasons, vendor_lots), path.name
        finally:
            copy.dispose()


def test_a_receipt_number_given_twice_for_one_lot_is_taken_once(db_url, tmp_path):
    """Two receiving events under one receiving-advice number for the same lot (hostile or careless data): the first
    line takes the number, the second keeps its event's identity, and nothing fails."""
    from workbench.plant.models import Receipt

    def received(n: int) -> dict:
        return {"type": "ObjectEvent", "eventID": f"urn:uuid:00000000-0000-4000-8000-00000000000{n}",
                "eventTime": f"2025-01-0{n}T08:00:00Z", "eventTimeZoneOffset": "+00:00", "action": "ADD",
                "bizStep": "receiving", "quantityList": [{"epcClass": "urn:epc:class:lgtin:0614141.011111.L1",
                                                          "quantity": 4 + n, "uom": "KGM"}],
                "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:0614141.00009"}],
                "bizTransactionList": [{"type": "recadv", "bizTransaction": "urn:x-workbench:receipt:GRN1"}]}

    path = tmp_path / "twice.jsonld"
    path.write_text(json.dumps({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                                "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2025-01-09T00:00:00Z",
                                "epcisBody": {"eventList": [received(1), received(2)]}}))
    plant = open_plant(db_url)
    try:
        with plant.Session.begin() as s:
            import_documents(s, [path])
        with plant.Session() as s:
            assert sorted(s.execute(select(Receipt.code)).scalars()) == [
                "GRN1", "urn:uuid:00000000-0000-4000-8000-000000000002"]
    finally:
        plant.dispose()


def test_a_shipment_keeps_its_number_once_and_another_senders_despatch_advice_is_only_a_document(db_url, tmp_path):
    """The workbench's own shipment number (``urn:x-workbench:shipment:…``, desadv) is the shipment code again, taken
    once per lot (a second shipping event under it keeps its identity, a later import of the same number too); a
    despatch advice from anyone else stays a reference document and the order reference, never the code."""
    def shipped(n: int, number: str) -> dict:
        return {"type": "ObjectEvent", "eventID": f"urn:uuid:00000000-0000-4000-8000-00000000000{n}",
                "eventTime": f"2025-01-0{n}T08:00:00Z", "eventTimeZoneOffset": "+00:00", "action": "OBSERVE",
                "bizStep": "shipping", "quantityList": [{"epcClass": "urn:epc:class:lgtin:0614141.011111.L1",
                                                         "quantity": n, "uom": "KGM"}],
                "destinationList": [{"type": "owning_party", "destination": "urn:epc:id:pgln:0614141.00009"}],
                "bizTransactionList": [{"type": "desadv", "bizTransaction": number}]}

    def document(path, *events) -> None:
        path.write_text(json.dumps({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                                    "type": "EPCISDocument", "schemaVersion": "2.0",
                                    "creationDate": "2025-01-09T00:00:00Z", "epcisBody": {"eventList": list(events)}}))

    first, later = tmp_path / "first.jsonld", tmp_path / "later.jsonld"
    document(first, shipped(1, "urn:x-workbench:shipment:SH%2F1"), shipped(2, "urn:x-workbench:shipment:SH%2F1"),
             shipped(3, "urn:epcglobal:cbv:bt:0614141000005:DA-77"))
    document(later, shipped(4, "urn:x-workbench:shipment:SH%2F1"))
    plant = open_plant(db_url)
    try:
        for path in (first, later):
            with plant.Session.begin() as s:
                import_documents(s, [path])
        with plant.Session() as s:
            assert sorted(s.execute(select(Shipment.code, Shipment.order_ref, Shipment.quantity))) == [
                ("SH/1", None, 1),
                ("urn:uuid:00000000-0000-4000-8000-000000000002", None, 2),
                ("urn:uuid:00000000-0000-4000-8000-000000000003", "urn:epcglobal:cbv:bt:0614141000005:DA-77", 3),
                ("urn:uuid:00000000-0000-4000-8000-000000000004", None, 4)]
    finally:
        plant.dispose()


def test_export_epcis_writes_the_events_of_a_period_and_its_receipts_find_their_own_shipments(
        demo_plant, db_factory, tmp_path, capsys):
    """`workbench export-epcis --from --to`: every event of the period and none outside it, valid, with the master data
    of what its events name only. Imported into an empty plant, each receipt of a transfer whose shipment is in the
    period receives that same shipment (its despatch advice names it), though the period starts after shipments
    whose receipts it holds."""
    from datetime import datetime

    from workbench.plant.models import Receipt

    target = tmp_path / "week.jsonld"
    assert main(["export-epcis", "--db", demo_plant.url, "--from", "2026-03-02", "--to", "2026-03-08",
                 "--out", str(target)]) == 0
    assert "events of the plant from 2026-03-02 to 2026-03-08" in capsys.readouterr().out
    document = json.loads(target.read_text())
    assert [f"{e.json_path}: {e.message}" for e in json_schema().iter_errors(document)] == []
    times = [e["eventTime"][:10] for e in document["epcisBody"]["eventList"]]
    assert times and min(times) >= "2026-03-02" and max(times) <= "2026-03-08"
    whole = tmp_path / "plant.jsonld"
    assert main(["export-epcis", "--db", demo_plant.url, "--out", str(whole)]) == 0
    everything = json.loads(whole.read_text())
    assert len(times) == sum("2026-03-02" <= e["eventTime"][:10] <= "2026-03-08"
                             for e in everything["epcisBody"]["eventList"])
    named = json.dumps(document["epcisBody"]["eventList"])
    vocabulary = [e["id"] for v in document["epcisHeader"]["epcisMasterData"]["vocabularyList"]
                  for e in v["vocabularyElementList"]]
    # Nothing the period's events do not name (a product class by the lots of it they name).
    assert vocabulary and all(v in named or v.replace(":product:class:", ":product:lot:class:") + "." in named
                              for v in vocabulary)
    assert len(vocabulary) < sum(len(v["vocabularyElementList"])
                                 for v in everything["epcisHeader"]["epcisMasterData"]["vocabularyList"])
    start, end = datetime(2026, 3, 2), datetime(2026, 3, 9)
    with demo_plant.Session() as s:
        expected = {(r.code, sh.code) for r, sh in s.execute(
            select(Receipt, Shipment).join(Shipment, Shipment.id == Receipt.shipment_id)
            .where(Receipt.received_at >= start, Receipt.received_at < end, Shipment.shipped_at >= start))}
    assert len(expected) >= 5  # a transfer a day to the DC
    copy = open_plant(db_factory.empty_url())
    try:
        with copy.Session.begin() as s:
            summary = import_documents(s, [target])
        assert not [w for w in summary.warnings if "before it was shipped" in w]
        with copy.Session() as s:
            got = {(r.code, sh.code) for r, sh in s.execute(
                select(Receipt, Shipment).join(Shipment, Shipment.id == Receipt.shipment_id))}
        assert got == expected
    finally:
        copy.dispose()


def test_export_epcis_takes_a_trace_a_format_and_refuses_what_it_cannot_do(demo_plant, tmp_path, capsys):
    trace = tmp_path / "almonds.xml"
    assert main(["export-epcis", "--db", demo_plant.url, "R26132-01", "--item", "RM-ALMOND", "--direction", "forward",
                 "--out", str(trace)]) == 0
    assert "events of the forward trace of RM-ALMOND/R26132-01" in capsys.readouterr().out
    assert xsd().validate(etree.parse(str(trace))), xsd().error_log.last_error
    both = tmp_path / "almonds-march.json"
    assert main(["export-epcis", "--db", demo_plant.url, "R26132-01", "--item", "RM-ALMOND", "--from", "2026-05-12",
                 "--to", "2026-05-12T23:59:59Z", "--format", "json", "--out", str(both)]) == 0
    events = json.loads(both.read_text())["epcisBody"]["eventList"]
    assert events and {e["eventTime"][:10] for e in events} == {"2026-05-12"}
    capsys.readouterr()
    refusals = [
        (["--from", "2026-03-09", "--to", "2026-03-01", "--out", str(tmp_path / "a.jsonld")],
         "--from 2026-03-09 is not before --to 2026-03-01; the period holds no time."),
        (["--from", "last week", "--out", str(tmp_path / "a.jsonld")],
         "--from 'last week' is neither a day (YYYY-MM-DD) nor a moment"),
        (["--out", str(tmp_path / "a.csv")], "the EPCIS document is written as .jsonld or .json, not .csv"),
        (["--format", "xml", "--out", str(tmp_path / "a.jsonld")], "the EPCIS document is written as .xml, not .jsonld"),
        (["--out", str(trace)], f"{trace} exists; add --force to replace it."),
        (["NO-SUCH-LOT", "--out", str(tmp_path / "b.jsonld")], "NO-SUCH-LOT"),
    ]
    for extra, sentence in refusals:
        assert main(["export-epcis", "--db", demo_plant.url, *extra]) == 1, extra
        err = capsys.readouterr().err
        assert sentence in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["almonds-march.json", "almonds.xml"]
