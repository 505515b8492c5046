"""The CSV-bundle import: whole or not at all, every fault with FILE:LINE, idempotent.

Every test runs on SQLite and PostgreSQL (the ``plant`` fixture). Bundles are written
as text into ``tmp_path/bundle`` so that each fault's line number is visible here.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from workbench.cli import main
from workbench.config import resources_dir
from workbench.errors import WorkbenchError
from workbench.interchange.bundle import ImportFailed, import_bundle
from workbench.plant import Base, Item, Lot, LotEdge, Plant, open_plant
from workbench.progress import Cancelled, Progress

#: A small, valid bundle. Line numbers matter: the header is line 1.
BASE = {
    "items.csv": """\
        item,name,kind,unit,gtin,shelf_life_days
        FLOUR,Flour,material,kg,,100
        SUGAR,Sugar,material,kg,,
        DOUGH,Dough,intermediate,kg,,
        BISCUIT,Biscuit box,product,box,09506000134352,180
    """,
    "vendors.csv": """\
        vendor,name,contact,email,phone,address
        MILL,Mill & Co,Ann,qa@mill.example,+1 555,1 Mill Road
    """,
    "customers.csv": """\
        customer,name,contact,email,phone,address
        SHOP,Corner Shop,Bob,bob@shop.example,,
    """,
    "lots.csv": """\
        item,lot,quantity,created_at,expires_at
        SUGAR,S-OPEN,50,2026-03-01,
    """,
    "receipts.csv": """\
        receipt,received_at,vendor,po,item,lot,vendor_lot,quantity,expires_at
        R-1,2026-03-02T08:00:00+02:00,MILL,PO-1,FLOUR,F-1,VF-1,100,
        R-1,2026-03-02T08:00:00+02:00,MILL,PO-1,SUGAR,S-1,VS-1,40.125,2027-01-01
    """,
    "orders.csv": """\
        order,item,started_at,finished_at
        MO-1,DOUGH,2026-03-03T06:00:00,2026-03-03T08:00:00
        MO-2,BISCUIT,2026-03-04T06:00:00,2026-03-04T10:00:00
    """,
    "operations.csv": """\
        order,step,machine,operator,started_at,finished_at
        MO-1,mix,MIXER-1,Jo,2026-03-03T06:00:00,2026-03-03T08:00:00
        MO-2,bake,OVEN-1,Al,2026-03-04T06:00:00,2026-03-04T10:00:00
    """,
    "consumptions.csv": """\
        order,item,lot,quantity,consumed_at
        MO-1,FLOUR,F-1,60,2026-03-03T06:05:00
        MO-1,SUGAR,S-1,20,2026-03-03T06:05:00
        MO-1,SUGAR,S-OPEN,5,
        MO-2,DOUGH,D-1,70,2026-03-04T06:00:00
    """,
    "outputs.csv": """\
        order,lot,quantity,expires_at
        MO-1,D-1,80,
        MO-2,B-1,300,
    """,
    "shipments.csv": """\
        shipment,shipped_at,customer,order_ref,item,lot,quantity
        SH-1,2026-03-05T09:00:00Z,SHOP,SO-1,BISCUIT,B-1,120
    """,
    "returns.csv": """\
        rma,received_at,customer,item,lot,quantity,reason
        RMA-1,2026-03-09,SHOP,BISCUIT,B-1,6,"crushed, wet"
    """,
}

#: Every plant table but the edge change counter (one row from the schema on, see migration 0007).
TABLES = [t.name for t in Base.metadata.sorted_tables if t.name != "lot_edge_version"]


def write_bundle(folder: Path, files: dict[str, str | None]) -> Path:
    """Write ``files`` (name -> CSV text; None leaves the file out) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if content is not None:
            (folder / name).write_text(dedent(content), encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def _in_tmp_path(monkeypatch, tmp_path):
    """Bundles are given as ``bundle`` relative to the test's own folder, as a user would."""
    monkeypatch.chdir(tmp_path)


def bundle(tmp_path: Path, **changes: str | None) -> Path:
    """``bundle/``: the BASE bundle with some files replaced (``lots_csv="..."``) or left out (None)."""
    files = dict(BASE)
    for key, content in changes.items():
        files[key.replace("_csv", ".csv")] = content
    target = Path("bundle")
    if (tmp_path / target).exists():
        shutil.rmtree(tmp_path / target)
    return write_bundle(target, files)


def counts_in(s) -> dict[str, int]:
    return {t: s.execute(select(func.count()).select_from(Base.metadata.tables[t])).scalar_one() for t in TABLES}


def counts(plant) -> dict[str, int]:
    with plant.Session() as s:
        return counts_in(s)


_SCRATCH: dict[str, Plant] = {}


@pytest.fixture(scope="module", autouse=True)
def _dispose_scratch():
    yield
    while _SCRATCH:
        _SCRATCH.popitem()[1].dispose()


@pytest.fixture
def scratch(backend, db_factory):
    """A session on one empty plant per backend, shared by the tests that write
    nothing or roll back (fewer databases to create); it must be empty on entry."""
    if backend not in _SCRATCH:
        _SCRATCH[backend] = open_plant(db_factory.empty_url())
    with _SCRATCH[backend].Session() as s:
        assert set(counts_in(s).values()) == {0}
        yield s
        s.rollback()


def refused(s, folder) -> list[str]:
    """The faults of ``folder``, having checked that the refused import wrote nothing
    (counted in the same transaction, where any written row would show)."""
    with pytest.raises(ImportFailed) as caught:
        import_bundle(s, folder)
    assert set(counts_in(s).values()) == {0}, "a refused bundle writes nothing"
    return [str(f) for f in caught.value.faults]


def run_import(plant, folder, **kw):
    with plant.Session.begin() as s:
        return import_bundle(s, folder, **kw)


def faults_of(plant, folder) -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        run_import(plant, folder)
    return [str(f) for f in caught.value.faults]


# -- a clean bundle -------------------------------------------------------------------


def test_base_bundle_imports_every_row(plant, tmp_path):
    summary = run_import(plant, bundle(tmp_path))
    assert summary.inserted == summary.read == 21 and summary.present == 0
    assert summary.warnings == []
    got = counts(plant)
    assert got["audit_entries"] == 1  # the import, one entry (workbench.plant.audit)
    written = {table: n for table, n in got.items() if n and table != "audit_entries"}  # the rest stays empty
    assert written | {"lot_edges": 0} == {
        "items": 4, "vendors": 1, "customers": 1, "lots": 5, "receipts": 2, "production_orders": 2,
        "operations": 2, "consumptions": 4, "outputs": 2, "shipments": 1, "returns": 1, "lot_edges": 0,
        "parties": 2,
    }
    with plant.Session() as s:
        lots = {(lot.item.code, lot.code): lot for lot in s.scalars(select(Lot))}
        flour = lots[("FLOUR", "F-1")]
        # +02:00 becomes naive UTC; no expiry given: receipt + 100 days of shelf life.
        assert flour.created_at == datetime(2026, 3, 2, 6, 0)
        assert flour.expires_at == datetime(2026, 6, 10, 6, 0)
        assert flour.origin == "receipt" and flour.vendor_lot == "VF-1" and flour.quantity == 100
        assert lots[("SUGAR", "S-1")].quantity == Decimal("40.125")
        assert lots[("SUGAR", "S-1")].expires_at == datetime(2027, 1, 1)
        assert lots[("SUGAR", "S-OPEN")].origin == "opening"
        assert lots[("SUGAR", "S-OPEN")].expires_at is None  # no shelf life for sugar
        biscuit = lots[("BISCUIT", "B-1")]
        # An output's lot is of the order's item, made when the order finished.
        assert biscuit.origin == "production" and biscuit.created_at == datetime(2026, 3, 4, 10, 0)
        assert biscuit.expires_at == datetime(2026, 8, 31, 10, 0)
        edges = {
            (s.get(Lot, e.parent_lot_id).code, s.get(Lot, e.child_lot_id).code, e.quantity)
            for e in s.scalars(select(LotEdge))
        }
        assert edges == {("F-1", "D-1", 60), ("S-1", "D-1", 20), ("S-OPEN", "D-1", 5), ("D-1", "B-1", 70)}


def test_example_bundle_imports_cleanly(plant):
    summary = run_import(plant, resources_dir() / "example-bundle")
    assert summary.present == 0 and summary.inserted == summary.read > 40
    assert summary.warnings == [] and summary.ignored == ()
    kinds = {f.file: f.read for f in summary.files}
    assert kinds["orders.csv"] >= 2 and kinds["returns.csv"] == 1 and kinds["vendors.csv"] == 2
    with plant.Session() as s:
        assert set(s.scalars(select(Item.kind))) == {"material", "intermediate", "product"}
        assert s.execute(select(func.count()).select_from(LotEdge)).scalar_one() > 0


def test_reimport_changes_nothing(plant, tmp_path):
    folder = bundle(tmp_path)
    run_import(plant, folder)
    before = counts(plant)
    again = run_import(plant, folder)
    assert again.inserted == 0 and again.present == again.read == 21
    assert counts(plant) == before


def test_a_later_bundle_adds_to_the_plant_and_refers_to_it(plant, tmp_path):
    run_import(plant, bundle(tmp_path))
    later = write_bundle(Path("later"), {
        "items.csv": "item,kind,unit\n",  # header only: every item is already in the plant
        "shipments.csv": """\
            shipment,shipped_at,customer,order_ref,item,lot,quantity
            SH-2,2026-03-06T09:00:00,SHOP,SO-2,BISCUIT,B-1,100
        """,
        "consumptions.csv": """\
            order,item,lot,quantity,consumed_at
            MO-2,SUGAR,S-OPEN,1.5,2026-03-04T06:30:00
        """,
    })
    summary = run_import(plant, later)
    assert summary.inserted == 2 and summary.present == 0
    with plant.Session() as s:
        # The genealogy of the touched order was rebuilt with the new input.
        parents = set(s.scalars(select(Lot.code).join(LotEdge, LotEdge.parent_lot_id == Lot.id)))
        assert "S-OPEN" in parents and counts(plant)["lot_edges"] == 5


def test_extra_columns_are_ignored_and_optional_ones_may_be_absent(plant, tmp_path):
    folder = bundle(
        tmp_path,
        items_csv="""\
            remark,item,kind,unit
            first,FLOUR,material,kg
            ,SUGAR,material,kg
            ,DOUGH,intermediate,kg
            ,BISCUIT,product,box
        """,
        shipments_csv="""\
            shipment,shipped_at,customer,item,lot,quantity,carrier,seal
            SH-1,2026-03-05T09:00:00Z,SHOP,BISCUIT,B-1,120,DHL,44
        """,
    )
    summary = run_import(plant, folder)
    assert summary.inserted == 21
    with plant.Session() as s:
        assert s.scalars(select(Item.name).where(Item.code == "FLOUR")).one() is None


def test_decimals_dates_and_blank_lines(plant, tmp_path):
    folder = bundle(tmp_path, lots_csv="""\
        item,lot,quantity,created_at,expires_at
        SUGAR,S-OPEN,50,2026-03-01,

        SUGAR,S-FINE,0.000001,2026-03-01T23:30:00-01:00,
        SUGAR,S-ZEROS,1.5000000,2026-03-01 12:00,2026-04-01T00:00:00+00:00
    """)
    run_import(plant, folder)
    with plant.Session() as s:
        lots = {lot.code: lot for lot in s.scalars(select(Lot))}
    assert lots["S-FINE"].quantity == Decimal("0.000001")
    assert lots["S-FINE"].created_at == datetime(2026, 3, 2, 0, 30)
    assert lots["S-ZEROS"].quantity == Decimal("1.5")
    assert lots["S-ZEROS"].expires_at == datetime(2026, 4, 1)


# -- faults, one class at a time ------------------------------------------------------

FAULTS = {
    "unknown item": (
        {"lots_csv": "item,lot,quantity\nSUGAR,S-OPEN,50\nSALT,X-1,5\n"},
        "bundle/lots.csv:3: item SALT is in neither items.csv nor the plant",
    ),
    "unknown vendor": (
        {"vendors_csv": "vendor,name\nOTHER,Other\n"},
        "bundle/receipts.csv:2: vendor MILL is in neither vendors.csv nor the plant",
        2,  # both receipt lines name it
    ),
    "unknown customer": (
        {"returns_csv": "rma,received_at,customer,item,lot,quantity\nRMA-1,2026-03-09,NOBODY,BISCUIT,B-1,6\n"},
        "bundle/returns.csv:2: customer NOBODY is in neither customers.csv nor the plant",
    ),
    "unknown order": (
        {"operations_csv": "order,step\nMO-1,mix\nMO-9,bake\n"},
        "bundle/operations.csv:3: order MO-9 is in neither orders.csv nor the plant",
    ),
    "unknown lot": (
        {"shipments_csv": "shipment,shipped_at,customer,item,lot,quantity\nSH-1,2026-03-05,SHOP,BISCUIT,B-7,1\n"},
        ("bundle/shipments.csv:2: lot B-7 of item BISCUIT is created by no line of lots.csv, receipts.csv or "
        "outputs.csv and is not in the plant"),
    ),
    "lot created twice": (
        {"lots_csv": "item,lot,quantity\nSUGAR,S-OPEN,50\nFLOUR,F-1,3\n"},
        "bundle/receipts.csv:2: lot F-1 of item FLOUR is already created at bundle/lots.csv:3; a lot is created once",
    ),
    "quantity not a number": (
        {"lots_csv": "item,lot,quantity\nSUGAR,S-OPEN,fifty\n"},
        "bundle/lots.csv:2: quantity 'fifty' is not a number",
    ),
    "negative quantity": (
        {"outputs_csv": "order,lot,quantity\nMO-1,D-1,80\nMO-2,B-1,-300\n"},
        "bundle/outputs.csv:3: quantity -300 is negative",
    ),
    "too many decimals": (
        {"lots_csv": "item,lot,quantity\nSUGAR,S-OPEN,1.0000001\n"},
        "bundle/lots.csv:2: quantity 1.0000001 has more than 6 decimals",
    ),
    "date that does not parse": (
        {"orders_csv": "order,item,started_at\nMO-1,DOUGH,2026-03-03\nMO-2,BISCUIT,03/04/2026\n"},
        "bundle/orders.csv:3: started_at '03/04/2026' is not an ISO 8601 date or date-time",
    ),
    "missing required column": (
        {"consumptions_csv": "order,item,quantity\nMO-1,FLOUR,60\n"},
        "bundle/consumptions.csv:1: the header lacks the required column lot",
    ),
    "required value empty": (
        {"receipts_csv": "receipt,received_at,vendor,item,lot,quantity\nR-1,,MILL,FLOUR,F-1,100\n"
                         "R-1,2026-03-02,MILL,SUGAR,S-1,40\n"},
        "bundle/receipts.csv:2: received_at is empty",
    ),
    "missing items.csv": (
        {"items_csv": None},
        "bundle/items.csv: is missing; every bundle needs an items.csv (a header row is enough)",
    ),
    "empty items.csv": (
        {"items_csv": ""},
        "bundle/items.csv:1: is empty; its first line must be the header row",
    ),
    "unknown item kind": (
        {"items_csv": "item,kind,unit\nFLOUR,material,kg\nSUGAR,raw,kg\nDOUGH,intermediate,kg\nBISCUIT,product,box\n"},
        "bundle/items.csv:3: kind 'raw' is not one of material, intermediate, product",
    ),
    "key given twice": (
        {"operations_csv": "order,step\nMO-1,mix\nMO-2,bake\nMO-1,mix\n"},
        "bundle/operations.csv:4: operation mix of order MO-1 is already given on line 2; give each once",
    ),
    "row longer than the header": (
        {"customers_csv": "customer,name\nSHOP,Corner Shop,oops\n"},
        "bundle/customers.csv:2: has 3 values but the header names 2 columns",
    ),
}


@pytest.mark.parametrize("case", list(FAULTS))
def test_each_fault_class_refuses_the_whole_bundle(scratch, tmp_path, case):
    changes, expected, *how_many = FAULTS[case]
    faults = refused(scratch, bundle(tmp_path, **changes))
    assert len(faults) == (how_many or [1])[0], faults
    assert faults[0].startswith(expected), faults


def test_ill_formed_utf8_is_one_clear_fault(scratch, tmp_path):
    folder = bundle(tmp_path)
    (folder / "customers.csv").write_bytes("customer,name\nSHOP,Café\n".encode("latin-1"))
    faults = refused(scratch, folder)
    assert faults == ["bundle/customers.csv:2: is not UTF-8 text (byte 0xE9 at column 9); save the file as UTF-8"]


def test_every_fault_is_reported_with_its_file_and_line(scratch, tmp_path):
    folder = bundle(
        tmp_path,
        lots_csv="item,lot,quantity,created_at\nSUGAR,S-OPEN,lots,2026-03-01\nSALT,X-1,5,yesterday\n",
        receipts_csv="""\
            receipt,received_at,vendor,po,item,lot,vendor_lot,quantity,expires_at
            R-1,2026-03-02T08:00:00+02:00,MILL,PO-1,FLOUR,F-1,VF-1,100,
            R-1,2026-03-02T08:00:00+02:00,NOBODY,PO-1,SUGAR,S-1,VS-1,-40,2027-01-01
        """,
        shipments_csv="shipment,shipped_at,customer,item,lot,quantity\nSH-1,2026-03-05,SHOP,BISCUIT,B-9,1\n",
    )
    faults = refused(scratch, folder)
    locations = [re.match(r"(bundle/[a-z]+\.csv:\d+):", f).group(1) for f in faults]
    assert locations == [
        "bundle/lots.csv:2", "bundle/lots.csv:3", "bundle/lots.csv:3", "bundle/receipts.csv:3",
        "bundle/receipts.csv:3", "bundle/shipments.csv:2",
    ], faults
    text = "\n".join(faults)
    for part in ("'lots' is not a number", "item SALT", "'yesterday'", "vendor NOBODY", "-40 is negative", "B-9"):
        assert part in text


def test_a_faulty_bundle_leaves_an_existing_plant_untouched(plant, tmp_path):
    run_import(plant, bundle(tmp_path))
    before = counts(plant)
    faulty = write_bundle(Path("faulty"), {
        "items.csv": "item,kind,unit\nSALT,material,kg\n",
        "lots.csv": "item,lot,quantity\nSALT,SA-1,10\nSALT,SA-2,ten\n",
    })
    assert faults_of(plant, faulty) == [
        "faulty/lots.csv:3: quantity 'ten' is not a number (write it with the digits 0-9 and a point, such as 12 or 0.5)"
    ]
    assert counts(plant) == before


def test_a_row_contradicting_the_plant_is_a_fault_naming_the_field(plant, tmp_path):
    run_import(plant, bundle(tmp_path))
    changed = dict(BASE)
    changed["receipts.csv"] = BASE["receipts.csv"].replace(",VF-1,100,", ",VF-1,120,")
    changed["customers.csv"] = BASE["customers.csv"].replace("Corner Shop", "Corner Store")
    folder = write_bundle(Path("again"), changed)
    before = counts(plant)
    assert faults_of(plant, folder) == [
        ("again/customers.csv:2: customer SHOP is already in the plant and differs in "
        "name (plant: Corner Shop, here: Corner Store)"),
        ("again/receipts.csv:2: receipt R-1 line lot F-1 of item FLOUR is already in the plant and differs in "
        "quantity (plant: 100, here: 120)"),
    ]
    assert counts(plant) == before


def test_a_lot_of_the_plant_created_again_by_another_line_is_a_fault(plant, tmp_path):
    run_import(plant, bundle(tmp_path))
    folder = write_bundle(Path("again"), {
        "items.csv": "item,kind,unit\n",
        "receipts.csv": "receipt,received_at,vendor,item,lot,quantity\nR-2,2026-03-10,MILL,BISCUIT,B-1,1\n",
    })
    faults = faults_of(plant, folder)
    assert len(faults) == 1 and "lot B-1 of item BISCUIT was already created in the plant by order MO-2" in faults[0]


def test_over_consumption_is_imported_with_a_warning(plant, tmp_path):
    folder = bundle(tmp_path, shipments_csv="""\
        shipment,shipped_at,customer,order_ref,item,lot,quantity
        SH-1,2026-03-05T09:00:00Z,SHOP,SO-1,BISCUIT,B-1,290
        SH-2,2026-03-05T10:00:00Z,SHOP,SO-1,BISCUIT,B-1,20.5
    """)
    summary = run_import(plant, folder)
    assert summary.inserted == 22
    assert [str(w) for w in summary.warnings] == [
        ("bundle/outputs.csv:3: Lot B-1 of item BISCUIT was consumed 0 box and shipped 310.5 box, but only 300 box "
         "were made and 6 box came back: 4.5 box more than it held.")
    ]
    assert (summary.warnings[0].item, summary.warnings[0].lot) == ("BISCUIT", "B-1")
    assert counts(plant)["shipments"] == 2


def test_dry_run_checks_but_writes_nothing(scratch, tmp_path):
    summary = import_bundle(scratch, bundle(tmp_path), dry_run=True)
    assert summary.dry_run and summary.inserted == 21
    assert set(counts_in(scratch).values()) == {0}


def test_not_a_folder_is_one_sentence(scratch, tmp_path):
    with pytest.raises(WorkbenchError, match=r"^The bundle folder .*nowhere does not exist"):
        import_bundle(scratch, tmp_path / "nowhere")


def test_unknown_files_are_named_in_the_summary(scratch, tmp_path):
    folder = bundle(tmp_path)
    (folder / "shipment.csv").write_text("typo,in,name\n")
    assert import_bundle(scratch, folder).ignored == ("shipment.csv",)


# -- the mass-balance warnings against a brute-force reference --------------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lots=st.lists(st.integers(0, 50), min_size=1, max_size=5),
    moves=st.lists(
        st.tuples(st.sampled_from(["consume", "ship", "return"]), st.integers(0, 4), st.integers(0, 30)),
        max_size=12,
    ),
)
def test_warnings_name_exactly_the_overdrawn_lots(scratch, tmp_path_factory, lots, moves):
    folder = tmp_path_factory.mktemp("prop")
    held = {f"L{i}": q for i, q in enumerate(lots)}
    rows = defaultdict(list)
    balance = dict.fromkeys(held, 0)
    for n, (kind, index, qty) in enumerate(moves):
        code = f"L{index % len(lots)}"
        if kind == "consume":
            rows["consumptions.csv"].append(f"MO-1,SUGAR,{code},{qty},2026-03-03T06:{n:02d}:00")
        elif kind == "ship":
            rows["shipments.csv"].append(f"SH-{n},2026-03-05,SHOP,,SUGAR,{code},{qty}")
        else:
            rows["returns.csv"].append(f"RMA-{n},2026-03-06,SHOP,SUGAR,{code},{qty},")
        balance[code] += -qty if kind == "return" else qty
    write_bundle(folder, {
        "items.csv": "item,kind,unit\nSUGAR,material,kg\nDOUGH,intermediate,kg\n",
        "customers.csv": "customer\nSHOP\n",
        "lots.csv": "item,lot,quantity\n" + "".join(f"SUGAR,{c},{q}\n" for c, q in held.items()),
        "orders.csv": "order,item\nMO-1,DOUGH\n",
        "consumptions.csv": "order,item,lot,quantity,consumed_at\n" + "".join(r + "\n" for r in rows["consumptions.csv"]),
        "shipments.csv": "shipment,shipped_at,customer,order_ref,item,lot,quantity\n"
        + "".join(r + "\n" for r in rows["shipments.csv"]),
        "returns.csv": "rma,received_at,customer,item,lot,quantity,reason\n"
        + "".join(r + "\n" for r in rows["returns.csv"]),
    })
    summary = import_bundle(scratch, folder)
    scratch.rollback()
    overdrawn = {code for code in held if balance[code] > held[code]}
    assert {w.lot for w in summary.warnings if w.message.startswith("Lot ")} == overdrawn
    assert len([w for w in summary.warnings if w.message.startswith("Lot ")]) == len(overdrawn)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bad=st.sets(st.tuples(st.integers(0, 19), st.sampled_from(["x", "-1", "1e400", "1.0000001", "", "NaN"])),
                   max_size=6))
def test_every_malformed_quantity_is_found_on_its_line(scratch, tmp_path_factory, bad):
    folder = tmp_path_factory.mktemp("qty")
    broken = dict(bad)  # one bad text per row
    lines = [f"SUGAR,S-{i},{broken.get(i, i + 1)}" for i in range(20)]
    write_bundle(folder, {
        "items.csv": "item,kind,unit\nSUGAR,material,kg\n",
        "lots.csv": "item,lot,quantity\n" + "\n".join(lines) + "\n",
    })
    if not broken:
        assert import_bundle(scratch, folder).inserted == 21
        scratch.rollback()
        return
    with pytest.raises(ImportFailed) as caught:
        import_bundle(scratch, folder)
    assert sorted(f.line for f in caught.value.faults) == sorted(row + 2 for row in broken)


# -- the command line -----------------------------------------------------------------


def test_cli_import_prints_the_summary(db_url, tmp_path, capsys):
    assert main(["import", "--db", db_url, str(bundle(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^receipts\.csv\s+2\s+2\s+0$", out, re.M)
    assert re.search(r"^total\s+21\s+21\s+0$", out, re.M)
    assert main(["import", "--db", db_url, str(bundle(tmp_path))]) == 0
    assert re.search(r"^total\s+21\s+0\s+21$", capsys.readouterr().out, re.M)


def test_cli_import_lists_every_fault_and_exits_1(db_url, tmp_path, capsys):
    folder = bundle(tmp_path, lots_csv="item,lot,quantity\nSUGAR,S-OPEN,-1\nSALT,X,1\n")
    assert main(["import", "--db", db_url, str(folder)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "bundle/lots.csv:2: quantity -1 is negative",
        "bundle/lots.csv:3: item SALT is in neither items.csv nor the plant",
        "workbench: import refused: 2 faults; nothing was written.",
    ]
    assert "Traceback" not in captured.err


def test_cli_import_dry_run_and_missing_folder(db_url, tmp_path, capsys):
    assert main(["import", "--db", db_url, "--dry-run", str(bundle(tmp_path))]) == 0
    assert "Dry run: nothing was written." in capsys.readouterr().out
    assert main(["import", "--db", db_url, str(tmp_path / "missing")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("workbench: The bundle folder ") and err.count("\n") == 1


def test_progress_is_reported_and_cancel_writes_nothing(plant, tmp_path):
    seen: list[tuple[float, str]] = []
    run_import(plant, bundle(tmp_path), progress=lambda fraction, message: seen.append((fraction, message)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and len(seen) >= 5
    assert any("genealogy" in m for _, m in seen)

    progress = Progress()
    calls = []

    def cancel_while_writing(fraction, message):
        calls.append(message)
        if message.startswith("Writing lots"):
            progress.cancel()
        progress(fraction, message)

    later = write_bundle(Path("later"), {"items.csv": "item,kind,unit\nSALT,material,kg\n",
                                          "lots.csv": "item,lot,quantity\nSALT,SA-1,5\n"})
    before = counts(plant)
    with pytest.raises(Cancelled):
        run_import(plant, later, progress=cancel_while_writing)
    assert counts(plant) == before and "Writing lots" in calls[-1]


def test_cli_import_will_not_fill_the_embedded_demo_plant(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    assert main(["import", str(bundle(tmp_path))]) == 1
    assert "--db" in capsys.readouterr().err


def test_refused_import_leaves_no_new_database_file(tmp_path, capsys):
    target = tmp_path / "new-plant.sqlite"
    folder = bundle(tmp_path, **{"lots.csv": "item,lot,quantity\nNOPE,L1,5\n"})
    assert main(["import", "--db", f"sqlite:///{target}", str(folder)]) == 1
    assert "nothing was written" in capsys.readouterr().err
    assert not target.exists() and not list(tmp_path.glob("new-plant.sqlite*"))
    assert main(["import", "--db", f"sqlite:///{target}", "--dry-run", str(folder.parent / "missing")]) == 1
    assert not target.exists()
