"""The details panel and the lot timeline show the right facts for what is selected."""

from __future__ import annotations

import itertools

from PySide6.QtWidgets import QLabel, QTableWidget

from tests.factories import lot_facts
from workbench.facts import Node
from workbench.lots.details import lot_details
from workbench.ui.lot_panel import DetailsPanel, DocumentPanel, LotPanel, OrderPanel, PartyPanel, ResourcePanel
from workbench.ui.timeline import LotTimeline, epoch


def make_panel(qtbot, plant):
    panel = DetailsPanel(plant)
    qtbot.addWidget(panel)
    panel.resize(460, 900)
    panel.show()
    return panel


def texts(widget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel)]


def facts(widget) -> dict[str, str]:
    """Label/value pairs of a sheet's fact grids (a key label is followed by its value)."""
    labels = widget.findChildren(QLabel)
    return {k.text(): v.text() for k, v in itertools.pairwise(labels) if k.objectName() == "factKey"}


def table_rows(table: QTableWidget) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_lot_facts(qtbot, small_plant):
    panel = make_panel(qtbot, small_plant.plant)
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        panel.show_lot(small_plant.lots["FLOUR/L2411"])
    sheet = panel.sheet
    assert isinstance(sheet, LotPanel)
    f = facts(sheet)
    assert f["Received"] == "1,000 kg"
    assert f["Consumed"] == "400 kg"
    assert f["On hand"] == "600 kg"
    assert f["Vendor"] == "MILL — MILL Supplies"
    assert f["Vendor lot"] == "MX-889"
    assert f["Purchase order"] == "PO-7781"
    assert f["GTIN"] == "09501101530003"
    assert "FLOUR / L2411" in texts(sheet)
    (consumed,) = sheet.findChildren(QTableWidget)
    assert table_rows(consumed)[0][0] == "WO-1"
    assert table_rows(consumed)[0][1:] == ["400 kg", "BAR / B-001"]
    # double-clicking the made lot opens it
    with qtbot.waitSignal(panel.lotActivated) as opened:
        consumed.cellDoubleClicked.emit(0, 2)
    assert opened.args[0] == small_plant.lots["BAR/B-001"]


def test_produced_lot_shows_order_shipments_and_returns(qtbot, small_plant):
    panel = make_panel(qtbot, small_plant.plant)
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        panel.show_lot(small_plant.lots["BAR/B-001"])
    f = facts(panel.sheet)
    assert (f["Made"], f["Shipped"], f["Returned"], f["On hand"]) == ("900 kg", "600 kg", "50 kg", "350 kg")
    ops, inputs, shipments, returns = panel.sheet.findChildren(QTableWidget)
    assert [r[:3] for r in table_rows(ops)] == [["Mix", "MX1", "ann"], ["Bake", "OV1", "bob"]]
    assert [r[:2] for r in table_rows(inputs)] == [["FLOUR", "L2411"], ["SUGAR", "L2411"]]
    assert table_rows(shipments)[0][0] == "SH-9" and table_rows(shipments)[0][2] == "SHOP"
    assert table_rows(returns)[0][0] == "RMA-3" and table_rows(returns)[0][4] == "torn wrapper"


def test_graph_nodes_of_every_kind(qtbot, small_plant):
    panel = make_panel(qtbot, small_plant.plant)
    cases = [
        (Node("machine:MX1", "machine", "MX1"), ResourcePanel, "Operations", "1"),
        (Node("operator:bob", "operator", "bob"), ResourcePanel, "Orders", "1"),
        (Node("vendor:MILL", "vendor", "MILL", "MILL Supplies"), PartyPanel, "Contact", "Pat Vendor"),
        (Node("customer:SHOP", "customer", "SHOP", "SHOP Foods"), PartyPanel, "Lots", "1"),
        (Node("order:WO-1", "order", "WO-1", None), OrderPanel, "Item", "BAR"),
        (Node("operation:WO-1/Bake", "operation", "WO-1/Bake", "Bake"), OrderPanel, "Item", "BAR"),
        (Node("receipt:R-100", "receipt", "R-100", None), DocumentPanel, "Purchase order", "PO-7781"),
        (Node("shipment:SH-9", "shipment", "SH-9", None), DocumentPanel, "Customer order", "CUST-PO-55"),
        (Node("return:RMA-3", "return", "RMA-3", None), DocumentPanel, "Reason", "torn wrapper"),
    ]
    for node, kind, key, value in cases:
        with qtbot.waitSignal(panel.loaded, timeout=10000):
            panel.show_node(node)
        assert isinstance(panel.sheet, kind), node.id
        assert facts(panel.sheet)[key] == value, node.id
    lot = small_plant.lots["SUGAR/L2411"]
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        panel.show_node(Node("lot:SUGAR/L2411", "lot", "L2411", "Cane sugar", lot_facts(lot.id, "SUGAR", "L2411")))
    assert facts(panel.sheet)["Received"] == "300 kg"


def test_unknown_thing_says_so(qtbot, small_plant):
    panel = make_panel(qtbot, small_plant.plant)
    panel.show_node(Node("machine:NOPE", "machine", "NOPE"))
    qtbot.waitUntil(lambda: any("NOPE" in t for t in texts(panel.sheet)), timeout=10000)
    assert panel.details is None


def test_timeline_shows_the_lots_events(qtbot, small_plant):
    with small_plant.plant.Session() as s:
        details = lot_details(s, small_plant.lots["BAR/B-001"].id)
    timeline = LotTimeline()
    qtbot.addWidget(timeline)
    timeline.resize(900, 220)
    timeline.show()
    timeline.show_lot(details)
    kinds = [e.kind for e in timeline.events]
    assert kinds == ["operation", "operation", "produced", "shipped", "returned"]
    # markers for instants, bars for the two operations
    assert len(timeline.markers.points()) == 3
    assert timeline.bars is not None and len(timeline.bars.opts["x0"]) == 2
    shipped = next(e for e in timeline.events if e.kind == "shipped")
    assert timeline.event_at(epoch(shipped.at) + 30, 1.1, 60) is shipped
    assert timeline.event_at(epoch(shipped.at), 0.0, 60) is None  # other lane
    bake = timeline.events[1]
    middle = (epoch(bake.at) + epoch(bake.end)) / 2
    assert timeline.event_at(middle, 3, 1) is bake
    tip = timeline.tooltip(shipped)
    assert "Shipped to SHOP on SH-9" in tip and "600 kg" in tip
    assert "B-001" in timeline.title.text()
    timeline.clear()
    assert timeline.events == [] and len(timeline.markers.points()) == 0


def test_an_epcis_lot_lists_its_events_with_id_type_step_and_file(qtbot, plant):
    from sqlalchemy import select

    from tests.interchange.epcis.paths import REAL
    from workbench.facts import LotRef
    from workbench.interchange.epcisload import import_documents
    from workbench.plant.models import Item, Lot

    beef = REAL / "beef-leather-events.jsonld"
    with plant.Session.begin() as s:
        import_documents(s, [beef])
    with plant.Session() as s:
        lot_id = s.execute(select(Lot.id).join(Item, Item.id == Lot.item_id).where(
            Item.code == "10000082345676", Lot.code == "STEAKS20251107")).scalar_one()
    panel = make_panel(qtbot, plant)
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        panel.show_lot(LotRef(lot_id, "10000082345676", "STEAKS20251107"))
    tables = panel.sheet.findChildren(QTableWidget)
    [events] = [t for t in tables if t.horizontalHeaderItem(0).text() == "Date" and t.columnCount() == 3]
    rows = table_rows(events)
    assert rows[0][:2] == ["2025-11-07", "commissioning · Transformation"]
    assert all(r[2].startswith("ni:///sha-256;") for r in rows)  # no eventIDs in the beef file: the event hash
    tip = events.item(0, 0).toolTip()
    assert "type: TransformationEvent" in tip and f"from: {beef}" in tip and "bizStep: commissioning" in tip
    assert f"From beef-leather-events.jsonld ({len(rows)} events)." in texts(panel.sheet)


def test_a_customer_chosen_by_code_shows_its_sheet(qtbot, small_plant):
    """What the quantity flow's customer boxes open."""
    panel = make_panel(qtbot, small_plant.plant)
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        panel.show_party("customer", "SHOP")
    assert isinstance(panel.sheet, PartyPanel)
    assert facts(panel.sheet)["Lots"] == "1"
