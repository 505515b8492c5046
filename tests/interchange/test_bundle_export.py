"""Export writes the plant in the import format; import(export(plant)) reproduces it.

Plants are compared table by table by natural keys (codes), never by ids, which a
new database assigns afresh.
"""

from __future__ import annotations

import errno
import hashlib
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from tests.factories import PlantBuilder
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.interchange.bundle import ImportFailed, import_bundle, manifest
from workbench.interchange.bundle import export as export_module
from workbench.interchange.bundle.export import check_export_folder, export_bundle
from workbench.interchange.bundle.format import FILES_V2
from workbench.plant import (
    Base,
    Consumption,
    Customer,
    Item,
    Lot,
    LotEdge,
    Operation,
    Output,
    ProductionOrder,
    Receipt,
    Return,
    Shipment,
    Vendor,
    open_plant,
)
from workbench.plant.parties import link_parties


def snapshot(session) -> dict[str, Counter]:
    """Every exported table's rows, ids replaced by codes, as multisets."""
    lot_item = aliased(Item)

    def rows(stmt) -> Counter:
        return Counter(tuple(r) for r in session.execute(stmt))

    def with_lot(stmt, model):
        return stmt.join(Lot, Lot.id == model.lot_id).join(lot_item, lot_item.id == Lot.item_id)

    party = ("code", "name", "contact", "email", "phone", "address")
    parent, child, parent_item, child_item = aliased(Lot), aliased(Lot), aliased(Item), aliased(Item)
    return {
        "items": rows(select(Item.code, Item.name, Item.kind, Item.unit, Item.gtin, Item.shelf_life_days)),
        "vendors": rows(select(*(getattr(Vendor, c) for c in party))),
        "customers": rows(select(*(getattr(Customer, c) for c in party))),
        "lots": rows(
            select(lot_item.code, Lot.code, Lot.vendor_lot, Lot.quantity, Lot.created_at, Lot.expires_at, Lot.origin)
            .join(lot_item, lot_item.id == Lot.item_id)
        ),
        "receipts": rows(with_lot(
            select(Receipt.code, Receipt.received_at, Vendor.code, Receipt.po, lot_item.code, Lot.code,
                   Receipt.vendor_lot, Receipt.quantity).join(Vendor, Vendor.id == Receipt.vendor_id), Receipt)),
        "orders": rows(select(ProductionOrder.code, Item.code, ProductionOrder.started_at, ProductionOrder.finished_at)
                       .join(Item, Item.id == ProductionOrder.item_id)),
        "operations": rows(select(ProductionOrder.code, Operation.step, Operation.machine, Operation.operator,
                                  Operation.started_at, Operation.finished_at)
                           .join(ProductionOrder, ProductionOrder.id == Operation.order_id)),
        # Consumptions sharing the import key are one line of the bundle: compare sums.
        "consumptions": rows(with_lot(
            select(ProductionOrder.code, lot_item.code, Lot.code, Consumption.consumed_at,
                   func.sum(Consumption.quantity))
            .join(ProductionOrder, ProductionOrder.id == Consumption.order_id), Consumption)
            .group_by(ProductionOrder.code, lot_item.code, Lot.code, Consumption.consumed_at)),
        "outputs": rows(with_lot(select(ProductionOrder.code, lot_item.code, Lot.code, Output.quantity)
                                 .join(ProductionOrder, ProductionOrder.id == Output.order_id), Output)),
        "shipments": rows(with_lot(
            select(Shipment.code, Shipment.shipped_at, Customer.code, Shipment.order_ref, lot_item.code, Lot.code,
                   Shipment.quantity).join(Customer, Customer.id == Shipment.customer_id), Shipment)),
        "returns": rows(with_lot(
            select(Return.rma, Return.received_at, Customer.code, lot_item.code, Lot.code, Return.quantity,
                   Return.reason).join(Customer, Customer.id == Return.customer_id), Return)),
        "lot_edges": rows(
            select(parent_item.code, parent.code, child_item.code, child.code, ProductionOrder.code, LotEdge.quantity)
            .join(parent, parent.id == LotEdge.parent_lot_id).join(parent_item, parent_item.id == parent.item_id)
            .join(child, child.id == LotEdge.child_lot_id).join(child_item, child_item.id == child.item_id)
            .join(ProductionOrder, ProductionOrder.id == LotEdge.order_id)),
    }


#: The supply-chain tables, compared whole; and the supply-chain columns of the older tables.
CHAIN_TABLES = ("parties", "locations", "containers", "packings", "events", "event_lots", "key_data_elements",
                "item_units", "reference_documents")
CHAIN_COLUMNS = {
    "vendors": ("code", "party_id"), "customers": ("code", "party_id"),
    "lots": ("item_id", "code", "location_id", "tlc_source_id", "tlc_source_ref", "production_date", "harvest_date",
             "pack_date", "best_before", "country_of_origin", "event_id"),
    "receipts": ("code", "lot_id", "vendor_id", "location_id", "ship_from_id", "shipment_id", "container_id",
                 "event_id", "received_at", "quantity"),
    "production_orders": ("code", "location_id", "event_id"),
    "consumptions": ("order_id", "lot_id", "consumed_at", "event_id"),
    "outputs": ("order_id", "lot_id", "event_id"),
    "shipments": ("code", "lot_id", "customer_id", "ship_from_id", "ship_to_id", "carrier_id", "container_id",
                  "event_id"),
    "returns": ("rma", "lot_id", "location_id", "event_id"),
}


def _natural_keys(session) -> dict[str, dict[int, tuple]]:
    """table -> id -> the row's key in codes (what a new database keeps of it)."""
    tables = Base.metadata.tables
    keys: dict[str, dict[int, tuple]] = {}
    for name, columns in (("items", ("code",)), ("parties", ("code",)), ("locations", ("code",)),
                          ("containers", ("code",)), ("events", ("ref",)), ("vendors", ("code",)),
                          ("customers", ("code",)), ("production_orders", ("code",))):
        t = tables[name]
        keys[name] = {r[0]: tuple(r[1:]) for r in session.execute(select(t.c.id, *(t.c[c] for c in columns)))}
    keys["lots"] = {i: (keys["items"][item], code) for i, item, code in session.execute(
        select(Lot.id, Lot.item_id, Lot.code))}
    keys["shipments"] = {i: (code, keys["lots"][lot]) for i, code, lot in session.execute(
        select(Shipment.id, Shipment.code, Shipment.lot_id))}
    return keys


def _in_codes(session, table, columns, keys) -> Counter:
    """The rows of ``table`` (``columns``, all but the id by default), ids replaced by keys."""
    columns = columns or [c.name for c in table.c if not c.primary_key or len(table.primary_key.columns) > 1]
    targets = {}
    for name in columns:
        fks = list(table.c[name].foreign_keys)
        if fks:
            targets[name] = fks[0].column.table.name
    out: Counter = Counter()
    for row in session.execute(select(*(table.c[c] for c in columns))):
        out[tuple(keys[targets[c]].get(v) if c in targets and v is not None else v
                  for c, v in zip(columns, row, strict=True))] += 1
    return out


def chain_snapshot(session) -> dict[str, Counter]:
    keys = _natural_keys(session)
    tables = Base.metadata.tables
    out = {name: _in_codes(session, tables[name], None, keys) for name in CHAIN_TABLES}
    for name, columns in CHAIN_COLUMNS.items():
        rows = _in_codes(session, tables[name], list(columns), keys)
        out[f"{name} (chain)"] = Counter(set(rows)) if name == "consumptions" else rows
    return out


def round_trip(source_session, db_factory, folder: Path) -> tuple[dict, dict]:
    """Export ``source_session``'s plant to ``folder``, import it into a new database;
    returns both snapshots."""
    written = export_bundle(source_session, folder)
    assert set(written) == {spec.name for spec in FILES_V2}
    before = snapshot(source_session) | chain_snapshot(source_session)
    target = open_plant(db_factory.empty_url())
    try:
        with target.Session.begin() as s:
            summary = import_bundle(s, folder)
        assert summary.present == 0 and summary.inserted == summary.read == sum(written.values())
        with target.Session() as s:
            after = snapshot(s) | chain_snapshot(s)
            again = import_bundle(s, folder)  # and the export is idempotent to import
            assert again.inserted == 0
    finally:
        target.dispose()
    return before, after


def build_small_plant(session) -> None:
    """Every kind of row: receipt, opening stock, two levels of production with a
    multi-output order, rework of a returned lot, shipments, a return; awkward text."""
    b = PlantBuilder(session)
    b.item("FLOUR", shelf_life_days=None)
    b.receive("FLOUR", "F1", "1000.5", vendor="MILL", receipt="R-1", po="PO-9")
    b.receive("SUGAR", "S1", 200, vendor="MILL", receipt="R-1", po=None)
    b.opening("SALT", "SA-OPEN", "12.000001")
    b.produce("MO-1", "DOUGH", [("FLOUR", "F1", 600), ("SUGAR", "S1", 100), ("SALT", "SA-OPEN", 2)],
              [("D1", 690)], operations=[("mix", "MIXER-1", "Jo"), ("rest", "CHILLER", "Jo")], kind="intermediate")
    b.produce("MO-2", "BISCUIT", [("DOUGH", "D1", 400)], [("B1", 2000), ("B2", 1900)],
              operations=[("bake", "OVEN-3", "Al")])
    b.consume("MO-2", "DOUGH", "D1", 10)  # a second pick of the same lot, later
    salt = session.scalars(select(Consumption).where(Consumption.lot_id == b.lot("SALT", "SA-OPEN").id)).one()
    session.add(Consumption(order_id=salt.order_id, lot_id=salt.lot_id, quantity=1, consumed_at=salt.consumed_at))
    b.ship("SH-1", "ACME", "BISCUIT", "B1", 1200)
    b.ship("SH-1", "ACME", "BISCUIT", "B2", 300)
    b.ship("SH-2", "CAFÉ, \"LUX\"", "BISCUIT", "B1", 700)
    b.ret("RMA-1", "ACME", "BISCUIT", "B1", 50, reason="crushed,\nwet")
    b.produce("MO-3", "BISCUIT", [("BISCUIT", "B1", 50)], [("B1-RW", 48)])  # rework of the return
    b.done()
    link_parties(session)  # every vendor and customer is a party (schema 0003)


def test_round_trip_of_a_hand_made_plant(plant, db_factory, tmp_path):
    with plant.Session.begin() as s:
        build_small_plant(s)
    with plant.Session() as s:
        before, after = round_trip(s, db_factory, tmp_path / "bundle")
    assert before["lot_edges"] and before["returns"] and before["operations"]
    assert after == before


def test_round_trip_of_the_demo_plant(demo_plant, db_factory, tmp_path):
    with demo_plant.Session() as s:
        before, after = round_trip(s, db_factory, tmp_path / "bundle")
    assert sum(before["lots"].values()) > 100
    for table in before:
        assert after[table] == before[table], table


def test_export_is_deterministic_and_in_the_format(plant, tmp_path):
    with plant.Session.begin() as s:
        build_small_plant(s)
    with plant.Session() as s:
        first = export_bundle(s, tmp_path / "one")
        export_bundle(s, tmp_path / "two")
    for spec in FILES_V2:
        one = (tmp_path / "one" / spec.name).read_text(encoding="utf-8")
        assert one == (tmp_path / "two" / spec.name).read_text(encoding="utf-8")
        assert one.splitlines()[0] == ",".join(spec.columns)
    assert first["lots.csv"] == 1 and first["receipts.csv"] == 2 and first["outputs.csv"] == 4
    # MO-2's two picks of D1 differ in time (two lines); MO-1's two picks of SA-OPEN at
    # the same time share the import key (one line, summed).
    assert first["consumptions.csv"] == 6
    assert "MO-1,SALT,SA-OPEN,3," in (tmp_path / "one" / "consumptions.csv").read_text()


def test_export_refuses_a_folder_it_did_not_write(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    for force in (False, True):
        with pytest.raises(WorkbenchError, match="is not empty and is not a previous export"):
            check_export_folder(tmp_path / "full", force=force)
    assert check_export_folder(tmp_path / "new") == tmp_path / "new"
    with pytest.raises(WorkbenchError, match="is a file"):
        check_export_folder(tmp_path / "full" / "notes.txt")
    with pytest.raises(WorkbenchError, match=r"^Give the folder to export into"):
        check_export_folder("", force=True)
    for here in (".", str(tmp_path), str(tmp_path.parent)):
        with pytest.raises(WorkbenchError, match="is the current folder or holds it"):
            check_export_folder(here, force=True)
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "plant.sqlite").write_bytes(b"SQLite format 3\x00" + bytes(100))
    with pytest.raises(WorkbenchError, match=r"holds a database \(plant.sqlite\)"):
        check_export_folder(tmp_path / "db", force=True)
    with pytest.raises(WorkbenchError, match="holds the plant's database"):
        check_export_folder(tmp_path / "db", force=True, database=str(tmp_path / "db" / "plant.sqlite"))
    assert (tmp_path / "full" / "notes.txt").read_text() == "mine"


def test_a_previous_export_is_replaced_only_whole_and_only_when_it_is_one(plant, tmp_path):
    with plant.Session.begin() as s:
        build_small_plant(s)
    folder = tmp_path / "out"
    with plant.Session() as s:
        export_bundle(s, folder)
        with pytest.raises(WorkbenchError, match=r"holds a previous export; replace it with --force"):
            check_export_folder(folder)
        assert check_export_folder(folder, force=True) == folder
        export_bundle(s, folder)  # replaced
        (folder / "notes.txt").write_text("added by a user")
        with pytest.raises(WorkbenchError, match="is not a previous export"):
            export_bundle(s, folder)
    assert (folder / "notes.txt").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_manifest_lists_rows_and_sha256_of_every_file(plant, tmp_path):
    with plant.Session.begin() as s:
        build_small_plant(s)
    with plant.Session() as s:
        written = export_bundle(s, tmp_path / "out")
    found = manifest.read(tmp_path / "out")
    assert found.version == 2 and (tmp_path / "out" / "version.txt").read_text() == "2\n"
    entries = found.entries
    assert {name: e.rows for name, e in entries.items()} == written
    for name, entry in entries.items():
        assert hashlib.sha256((tmp_path / "out" / name).read_bytes()).hexdigest() == entry.sha256


def _tamper_cut(folder):
    path = folder / "shipments.csv"
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:-1]))


def _tamper_edit(folder):
    path = folder / "lots.csv"
    path.write_text(path.read_text().replace("12.000001", "12.000002"))


@pytest.mark.parametrize("tamper, expected", [
    (_tamper_cut, "out/shipments.csv: does not match manifest.json"),
    (_tamper_edit, "out/lots.csv: does not match manifest.json"),
    (lambda f: (f / "returns.csv").unlink(), "out/returns.csv: is missing, but manifest.json lists it"),
    (lambda f: (f / "manifest.json").write_text("{not json"), "out/manifest.json: is not JSON"),
])
def test_import_refuses_a_bundle_that_does_not_match_its_manifest(plant, db_factory, tmp_path, monkeypatch, tamper,
                                                                 expected):
    monkeypatch.chdir(tmp_path)
    with plant.Session.begin() as s:
        build_small_plant(s)
    with plant.Session() as s:
        export_bundle(s, "out")
    tamper(Path("out"))
    target = open_plant(db_factory.empty_url())
    try:
        with target.Session() as s, pytest.raises(ImportFailed) as caught:
            import_bundle(s, "out")
        assert str(caught.value.faults[0]).startswith(expected), caught.value.faults
    finally:
        target.dispose()


def test_a_manifest_without_the_file_it_does_not_list(plant, db_factory, tmp_path):
    with plant.Session.begin() as s:
        build_small_plant(s)
    with plant.Session() as s:
        export_bundle(s, tmp_path / "out")
    entries = manifest.read(tmp_path / "out").entries
    del entries["returns.csv"]
    (tmp_path / "out" / "manifest.json").write_text(manifest.dump(entries))
    target = open_plant(db_factory.empty_url())
    try:
        with target.Session() as s, pytest.raises(ImportFailed) as caught:
            import_bundle(s, tmp_path / "out")
        assert "returns.csv: is not listed in manifest.json" in str(caught.value.faults[0])
    finally:
        target.dispose()


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()])
def test_an_export_interrupted_midway_leaves_nothing_at_the_target(plant, tmp_path, monkeypatch, error):
    with plant.Session.begin() as s:
        build_small_plant(s)
    real = export_module._cell
    calls = []

    def failing(value):
        calls.append(value)
        if len(calls) > 40:  # some files written, some not
            raise error
        return real(value)

    monkeypatch.setattr(export_module, "_cell", failing)
    expected = WorkbenchError if isinstance(error, OSError) else type(error)  # an OS error is one sentence
    with plant.Session() as s, pytest.raises(expected):
        export_bundle(s, tmp_path / "new" / "out")
    assert not (tmp_path / "new").exists()
    # Over a previous export: it stays as it was, byte for byte.
    monkeypatch.setattr(export_module, "_cell", real)
    with plant.Session() as s:
        export_bundle(s, tmp_path / "out")
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    calls.clear()
    monkeypatch.setattr(export_module, "_cell", failing)
    with plant.Session() as s, pytest.raises(expected):
        export_bundle(s, tmp_path / "out")
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_cli_export_then_import(plant, db_factory, tmp_path, capsys):
    with plant.Session.begin() as s:
        build_small_plant(s)
    folder = tmp_path / "out"
    assert main(["export", "--db", plant.url, str(folder)]) == 0
    assert "(bundle version 2): " in (out := capsys.readouterr().out) and f"rows in {len(FILES_V2)} files" in out
    assert main(["export", "--db", plant.url, str(folder)]) == 1
    assert "holds a previous export" in capsys.readouterr().err
    assert main(["export", "--db", plant.url, "--force", str(folder)]) == 0
    capsys.readouterr()
    assert main(["export", "--db", plant.url, "--force", ""]) == 1
    assert capsys.readouterr().err.startswith("workbench: Give the folder to export into")
    target = db_factory.empty_url()
    assert main(["import", "--db", target, str(folder)]) == 0
    assert "total" in capsys.readouterr().out


def test_a_version_2_round_trip_of_the_demo_plant_traces_and_recalls_the_same(demo_plant, db_factory, tmp_path):
    """Traces (both ways) and recalls of the incident lot, of a lot the distribution centre
    shipped on pallets and of the salt lot used everywhere are identical after export and
    import into a new database."""
    from datetime import datetime

    from workbench.demo import INCIDENT, everywhere_material
    from workbench.plant.lookup import find_lot
    from workbench.recall.engine import recall
    from workbench.trace.genealogy import trace

    with demo_plant.Session() as s:
        export_bundle(s, tmp_path / "out")
        pallet_lot = s.execute(
            select(Item.code, Lot.code).join(Lot, Lot.item_id == Item.id).join(Shipment, Shipment.lot_id == Lot.id)
            .where(Shipment.container_id.is_not(None), Shipment.customer_id.is_not(None))
            .order_by(Shipment.shipped_at, Lot.code).limit(1)).one()
        roots = [(INCIDENT.item, INCIDENT.lot), tuple(pallet_lot), everywhere_material(s)]

    def answers(session) -> list:
        out = []
        for item, lot in roots:
            ref = find_lot(session, lot, item)
            out += [trace(session, ref, direction).to_json() for direction in ("forward", "backward")]
            out.append(recall(session, [ref], reason="test", now=datetime(2026, 11, 2)).to_json())
        return out

    target = open_plant(db_factory.empty_url())
    try:
        with target.Session.begin() as s:
            import_bundle(s, tmp_path / "out")
        with demo_plant.Session() as s:
            before = answers(s)
        with target.Session() as s:
            after = answers(s)
    finally:
        target.dispose()
    assert len(before) == 9 and before[0]["nodes"]
    for n, (one, two) in enumerate(zip(before, after, strict=True)):
        assert _differences(one, two) == [], n  # (compared part by part: a whole diff is too long to show)


def _differences(one, two, path: str = "") -> list[str]:
    """The first few places where two JSON values differ (database ids, ``…_id``, aside:
    a new database numbers its rows afresh)."""
    if isinstance(one, dict) and isinstance(two, dict):
        out = [f"{path}.{k}: only on one side" for k in sorted(set(one) ^ set(two), key=str)]
        for k in sorted(set(one) & set(two), key=str):
            if str(k).endswith("_id"):
                continue
            out += _differences(one[k], two[k], f"{path}.{k}")
        return out[:5]
    if isinstance(one, list) and isinstance(two, list):
        if len(one) != len(two):
            return [f"{path}: {len(one)} against {len(two)} entries"]
        out = []
        for i, (a, b) in enumerate(zip(one, two, strict=True)):
            out += _differences(a, b, f"{path}[{i}]")
            if len(out) >= 5:
                break
        return out[:5]
    return [] if one == two else [f"{path}: {str(one)[:80]} against {str(two)[:80]}"]
