"""`workbench trace` and finding a lot from what a user types or scans."""

from __future__ import annotations

import json

import pytest

from tests.factories import PlantBuilder
from workbench.cli import main
from workbench.errors import Ambiguous, NotFound
from workbench.plant.lookup import find_lot, parse_gs1

GTIN = "09501101530003"


@pytest.fixture
def traced(plant):
    with plant.Session.begin() as s:
        b = PlantBuilder(s)
        b.item("FLOUR")
        b.item("BAR", kind="product", gtin=GTIN)
        b.item("CRUMB", kind="product")
        b.receive("FLOUR", "L2411", 100, vendor="MILL")
        b.produce("O1", "BAR", [("FLOUR", "L2411", 60)], [("L2411", 50)], [("bake", "OV1", "ann")])
        b.produce("O2", "CRUMB", [("BAR", "L2411", 5)], [("C7", 5)])
        b.ship("SH1", "ACME", "BAR", "L2411", 20)
        b.done()
    return plant


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_trace_has_the_documented_shape(traced, capsys):
    code, out, err = run(capsys, "trace", "--db", traced.url, "L2411", "--item", "FLOUR", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["root"] == {"item": "FLOUR", "lot": "L2411"} and doc["direction"] == "forward"
    nodes = {n["id"]: n for n in doc["nodes"]}
    bar = nodes["lot:BAR/L2411"]
    assert (bar["item"], bar["lot"], bar["quantity"], bar["unit"]) == ("BAR", "L2411", 50, "kg")
    assert bar["created_at"].startswith("2026-")
    assert nodes["customer:ACME"]["code"] == "ACME" and nodes["customer:ACME"]["name"] == "ACME Foods"
    assert nodes["order:O1"]["code"] == "O1"
    edges = {(e["source"], e["target"]): e for e in doc["edges"]}
    assert edges[("lot:BAR/L2411", "shipment:SH1")]["quantity"] == 20
    assert edges[("lot:BAR/L2411", "shipment:SH1")]["unit"] == "kg"
    assert edges[("lot:FLOUR/L2411", "order:O1")]["kind"] == "consumed"


def test_tree_output_backward(traced, capsys):
    code, out, _ = run(capsys, "trace", "--db", traced.url, "C7", "--direction", "backward")
    assert code == 0
    assert "received 100 kg on R-L2411" in out and "from MILL (MILL Supplies)" in out
    assert "step bake on OV1 by ann" in out


def test_ambiguous_lot_names_every_item(traced, capsys):
    code, out, err = run(capsys, "trace", "--db", traced.url, "L2411")
    assert code == 1 and out == ""
    assert "BAR" in err and "FLOUR" in err and "--item" in err
    assert "Traceback" not in err and err.count("\n") == 1


@pytest.mark.parametrize("scan", [
    f"(01){GTIN}(10)L2411",
    f"01{GTIN}10L2411",
    f"01{GTIN}10L2411\x1d17271231",
    f"]C101{GTIN}10L2411",
    f"https://id.gs1.org/01/{GTIN}/10/L2411",
])
def test_scanned_barcodes_find_the_lot_by_gtin(traced, capsys, scan):
    code, out, err = run(capsys, "trace", "--db", traced.url, scan, "--json")
    assert code == 0, err
    assert json.loads(out)["root"] == {"item": "BAR", "lot": "L2411"}


@pytest.mark.parametrize("argv, words", [
    (["NOPE"], "no lot 'NOPE'"),
    (["L2411", "--item", "NOITEM"], "no item 'NOITEM'"),
    (["(01)09506000134352(10)L2411"], "No item has the GTIN"),
    (["L2411", "--item", "BAR", "--depth", "-1"], "zero or more"),
])
def test_bad_input_is_one_sentence(traced, capsys, argv, words):
    code, _out, err = run(capsys, "trace", "--db", traced.url, *argv)
    assert code == 1 and words in err and "Traceback" not in err


def test_unreachable_database_is_one_sentence(capsys, tmp_path):
    code, _, err = run(capsys, "trace", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "X")
    assert code == 1 and err.startswith("workbench: Cannot connect to the database")
    code, _, err = run(capsys, "trace", "--db", f"sqlite:///{tmp_path}/missing.sqlite", "X")
    assert code == 1 and "no plant database" in err


def test_find_lot_and_parse_gs1(traced):
    with traced.Session() as s:
        assert find_lot(s, "C7").label == "CRUMB/C7"
        assert find_lot(s, f"(01){GTIN}(10)L2411").label == "BAR/L2411"
        with pytest.raises(Ambiguous) as exc:
            find_lot(s, "L2411")
        assert exc.value.choices == ["BAR", "FLOUR"]
        with pytest.raises(NotFound):
            find_lot(s, "L2411", item="CRUMB")
    assert parse_gs1("L2411") is None
    assert parse_gs1("0123456789") is None
    scanned = parse_gs1(f"(01){GTIN}(10)ABC")
    assert (scanned.gtin, scanned.lot) == (GTIN, "ABC")


def test_the_trace_table_is_written_as_a_spreadsheet(traced, capsys, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "flour.xlsx"
    code, out, err = run(capsys, "trace", "--db", traced.url, "L2411", "--item", "FLOUR", "--xlsx", str(target))
    assert code == 0, err
    assert out.strip() == f"Wrote the forward trace of FLOUR/L2411 (4 rows) to {target}."
    sheet = load_workbook(target).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert rows[0][0] == "Forward trace of FLOUR/L2411"
    assert rows[1] == ("Level", "Kind", "Item", "Lot", "Description", "Quantity", "Unit", "Date", "Customer / vendor",
                       "On hand")
    body = {(r[0], r[1], r[2], r[3]): r for r in rows[2:]}
    assert set(body) == {(0, "lot", "FLOUR", "L2411"), (1, "lot", "BAR", "L2411"), (2, "lot", "CRUMB", "C7"),
                         (2, "shipment", "BAR", "L2411")}
    bar = body[(1, "lot", "BAR", "L2411")]
    assert (bar[5], bar[6], bar[9]) == (50, "kg", 25)  # made 50, shipped 20, 5 into crumbs: 25 on hand
    assert "made by O1" in bar[4]
    shipment = body[(2, "shipment", "BAR", "L2411")]
    assert (shipment[5], shipment[8]) == (20, "ACME ACME Foods")
    assert body[(0, "lot", "FLOUR", "L2411")][9] == 40


def test_the_trace_table_refuses_what_it_would_overwrite_or_cannot_write(traced, capsys, tmp_path):
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"someone's spreadsheet")
    argv = ("trace", "--db", traced.url, "C7", "--direction", "backward", "--xlsx")
    refusals = [
        ((str(target),), f"{target} exists; add --force to replace it."),
        ((str(tmp_path / "t.csv"),), (f"{tmp_path / 't.csv'}: the trace table is written as .xlsx, not .csv; "
                                     "name the file so.")),
        ((str(tmp_path / "none" / "t.xlsx"),), (f"{tmp_path / 'none' / 't.xlsx'}: the folder {tmp_path / 'none'} "
                                               "does not exist; choose an existing folder.")),
        ((str(tmp_path / "u.xlsx"), "--json"), "--xlsx writes the trace table; it goes with neither --json nor --events."),
    ]
    for extra, sentence in refusals:
        code, out, err = run(capsys, *argv, *extra)
        assert code != 0 and out == "" and "Traceback" not in err
        assert sentence in err
    assert target.read_bytes() == b"someone's spreadsheet"
    assert not (tmp_path / "u.xlsx").exists() and not (tmp_path / "t.csv").exists()
    code, out, err = run(capsys, *argv, str(target), "--force")
    assert code == 0, err
    assert target.read_bytes()[:2] == b"PK" and out.startswith("Wrote the backward trace of CRUMB/C7 (")


@pytest.fixture
def pallets(plant):
    """IFT's query document: SSCC 08600031303.0003 used twice (February and March 2022) for one tuna lot, and
    0614141.1234567890 carrying two lots of fish."""
    from tests.interchange.epcis.paths import REAL
    from workbench.interchange.epcisload import import_documents

    with plant.Session.begin() as s:
        import_documents(s, [REAL / "epcisquerydoc-example01.jsonld"])
    return plant


TUNA = "urn:gdst:example.org:product:class:processor.2/v1-0122-2022"
FISH = ["urn:gdst:wholechain.com:product:class:fishcompany.hgtuna/8a25a035",
        "urn:gdst:wholechain.com:product:class:fishcompany.sal-whole/eiwo493"]


@pytest.mark.parametrize("given", ["urn:epc:id:sscc:0614141.1234567890", "https://id.gs1.org/00/106141412345678908",
                                   "(00)106141412345678908", "00106141412345678908"])
def test_a_pallet_is_traced_by_its_sscc_in_any_form(pallets, capsys, given):
    code, out, err = run(capsys, "trace", "--db", pallets.url, given, "--direction", "both", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["container"] == {"code": "urn:epc:id:sscc:0614141.1234567890", "lots": FISH, "packings": 1}
    assert sorted(f"{r['item']}/{r['lot']}" for r in data["roots"]) == FISH
    made = {f"{n['item']}/{n['lot']}" for n in data["nodes"] if n["kind"] == "lot"}
    assert "urn:gdst:wholechain.com:product:class:processingcompany.tunafilet/34e5e863" in made  # forward: the fillets


def test_a_reused_pallet_is_traced_whole_or_on_one_day(pallets, capsys, tmp_path):
    code, out, err = run(capsys, "trace", "--db", pallets.url, "urn:epc:id:sscc:08600031303.0003", "--events")
    assert code == 0, err
    first = out.splitlines()[0]
    assert first == (f"Pallet urn:epc:id:sscc:08600031303.0003: 1 lot in 2 packings, packed 2022-02-18 … 2022-03-22: "
                     f"{TUNA}")
    assert "Recorded events of pallet urn:epc:id:sscc:08600031303.0003 (" in out
    code, out, err = run(capsys, "trace", "--db", pallets.url, "urn:epc:id:sscc:08600031303.0003", "--on", "2022-03-23",
                         "--json")
    assert code == 0 and json.loads(out)["container"]["packings"] == 1
    table = tmp_path / "pallet.xlsx"
    code, out, err = run(capsys, "trace", "--db", pallets.url, "urn:epc:id:sscc:08600031303.0003", "--direction", "both",
                         "--xlsx", str(table))
    assert code == 0 and out.startswith("Wrote the trace both ways of pallet urn:epc:id:sscc:08600031303.0003 (")
    refusals = [
        (("urn:epc:id:sscc:08600031303.0003", "--on", "2021-01-01"),
         "The pallet urn:epc:id:sscc:08600031303.0003 carried no lot on 2021-01-01 that the plant knows of."),
        (("urn:epc:id:sscc:0614141.9999999999",),
         "No pallet or other container has the identifier urn:epc:id:sscc:0614141.9999999999."),
        (("commingle-01232022", "--on", "2022-03-01"),
         "--on goes with a pallet's SSCC: it picks the lots that were on it that day."),
    ]
    for argv, sentence in refusals:
        code, out, err = run(capsys, "trace", "--db", pallets.url, *argv)
        assert code == 1 and err.strip() == f"workbench: {sentence}", err
