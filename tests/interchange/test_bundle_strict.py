"""Each way a bundle can be wrong is refused as a FILE:LINE fault (one test per rule).

The strict CSV reading, unsafe characters, the limits of the plant's columns, ASCII
numbers and dates, GTINs, quantity totals. Every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.interchange.plantdump import dump
from tests.interchange.test_bundle_import import (  # noqa: F401 - fixtures
    BASE,
    _in_tmp_path,
    bundle,
    refused,
    run_import,
    write_bundle,
)
from workbench.cli import main
from workbench.interchange.bundle import csvtext, import_bundle
from workbench.interchange.bundle.format import MAX_TOTAL_QUANTITY
from workbench.interchange.bundle.limits import max_length
from workbench.plant import Customer, Lot, open_plant

RETURNS_HEAD = "rma,received_at,customer,item,lot,quantity,reason\n"

# -- strict CSV ---------------------------------------------------------------------------


def test_an_unclosed_quote_is_refused_where_it_opens(scratch, tmp_path):
    """The lost customer return: an unclosed quote used to swallow every later row."""
    folder = bundle(tmp_path, returns_csv=RETURNS_HEAD
                    + 'RMA-1,2026-03-09,SHOP,BISCUIT,B-1,6,"crushed\n'
                    + "RMA-2,2026-03-10,SHOP,BISCUIT,B-1,2,wet\n")
    faults = refused(scratch, folder)
    assert len(faults) == 1 and faults[0].startswith("bundle/returns.csv:2: a quoted value opens on this line and is "
                                                     "never closed"), faults


def test_a_stray_quote_inside_a_value_is_refused(scratch, tmp_path):
    folder = bundle(tmp_path, customers_csv='customer,name\nSHOP,Corner "Shop\n')
    assert refused(scratch, folder) == [
        ('bundle/customers.csv:2: has a stray quote inside an unquoted value; a value holding a quote must be quoted, '
        'with the quote doubled ("a ""b"" c")')]


def test_a_stray_quote_after_a_closing_quote_is_refused(scratch, tmp_path):
    folder = bundle(tmp_path, customers_csv='customer,name\n"SHOP"x,Corner Shop\n')
    faults = refused(scratch, folder)
    assert len(faults) == 1 and faults[0].startswith("bundle/customers.csv:2: has a stray quote after a closing quote")


def test_a_doubled_quote_in_a_quoted_value_and_line_breaks_are_fine(plant, tmp_path):
    folder = bundle(tmp_path, customers_csv='customer,name,address\nSHOP,"Corner ""Best"" Shop","1 Road\r\nTown"\n')
    run_import(plant, folder)
    with plant.Session() as s:
        shop = s.query(Customer).one()
    assert shop.name == 'Corner "Best" Shop' and shop.address == "1 Road\r\nTown"


@pytest.mark.parametrize("line, values", [("SHOP", 1), ("SHOP,Corner Shop,extra", 3), ("SHOP,Corner Shop,,", 4)])
def test_a_row_with_too_few_or_too_many_fields_is_refused(scratch, tmp_path, line, values):
    folder = bundle(tmp_path, customers_csv=f"customer,name\n{line}\n")
    assert refused(scratch, folder) == [
        f"bundle/customers.csv:2: has {values} value{'s' if values > 1 else ''} but the header names 2 columns"]


def test_the_record_count_cross_check_catches_a_reader_that_loses_rows(scratch, tmp_path, monkeypatch):
    """Defence in depth: were the reader lenient again, the structure check refuses."""
    lenient = csv.reader
    monkeypatch.setattr(csvtext.csv, "reader", lambda f, **kw: lenient(f))
    folder = bundle(tmp_path, returns_csv=RETURNS_HEAD
                    + 'RMA-1,2026-03-09,SHOP,BISCUIT,B-1,6,"crushed\n'
                    + "RMA-2,2026-03-10,SHOP,BISCUIT,B-1,2,wet\n")
    faults = refused(scratch, folder)
    assert faults == [("bundle/returns.csv: has an odd number of quote characters (1): a quote is unclosed or stray, "
                      "and a record may have been lost; check the file's quotes")], faults


def test_record_breaks_count_line_breaks_outside_quotes():
    assert csvtext.record_breaks('a,b\n1,"x\ny"\r\n2,"p""q"\r3,4') == (4, 6)
    assert csvtext.record_breaks("a\n\n") == (2, 0)


# -- unsafe characters --------------------------------------------------------------------


@pytest.mark.parametrize("char, name", [("\u202e", "U+202E"), ("\x00", "U+0000"), ("\x85", "U+0085"),
                                        ("\u200b", "U+200B"), ("\t", "U+0009"), ("\x1f", "U+001F")])
def test_an_unsafe_character_in_a_code_or_name_is_refused_by_name(db_url, tmp_path, capsys, char, name):
    folder = bundle(tmp_path, customers_csv=f"customer,name\nSHOP,Corner{char}Shop\n")
    assert main(["import", "--db", db_url, str(folder)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("bundle/customers.csv:2: name 'Corner\\") and name in err, err
    assert char not in err


def test_an_unsafe_character_at_the_edge_of_a_lot_code_is_refused(scratch, tmp_path):
    faults = refused(scratch, bundle(tmp_path, lots_csv="item,lot,quantity\nSUGAR,S-OPEN,50\nSUGAR,\x1fS-2,50\n"))
    assert len(faults) == 1 and faults[0].startswith("bundle/lots.csv:3: lot '\\x1fS-2' holds U+001F"), faults


def test_line_breaks_and_tabs_are_allowed_in_an_address_only(plant, tmp_path):
    run_import(plant, bundle(tmp_path, customers_csv='customer,address\nSHOP,"9 Street\n\tRivertown"\n'))
    faults = refused_in(plant, bundle(tmp_path, customers_csv='customer,address,name\nSHOP2,,"Corner\nShop"\n'))
    assert len(faults) == 1 and "holds U+000A" in faults[0]


def refused_in(plant, folder):
    with plant.Session() as s:
        return refused_keeping(s, folder)


def refused_keeping(s, folder):
    from workbench.interchange.bundle import ImportFailed
    with pytest.raises(ImportFailed) as caught:
        import_bundle(s, folder)
    s.rollback()
    return [str(f) for f in caught.value.faults]


# -- the plant's column limits, the same on both databases --------------------------------


def test_codes_as_long_as_the_plant_column_are_accepted_one_more_is_refused(plant, tmp_path):
    limit = max_length("lots.csv", "lot")
    assert limit == Lot.__table__.c.code.type.length
    ok, long = "L" * limit, "L" * (limit + 1)
    run_import(plant, bundle(tmp_path, lots_csv=f"item,lot,quantity\nSUGAR,S-OPEN,50\nSUGAR,{ok},5\n"))
    before = dump(plant)
    faults = refused_in(plant, bundle(tmp_path, lots_csv=f"item,lot,quantity\nSUGAR,S-OPEN,50\nSUGAR,{ok},5\nSUGAR,{long},5\n"))
    assert faults == [(f"bundle/lots.csv:4: lot '{'L' * 40}…' is {limit + 1} characters long; "
                      f"the plant stores at most {limit}")]
    assert dump(plant) == before


def test_a_gtin_of_more_than_14_digits_is_refused(scratch, tmp_path):
    items = BASE["items.csv"].replace("09506000134352", "095060001343520")
    faults = refused(scratch, bundle(tmp_path, items_csv=items))
    assert faults == ["bundle/items.csv:5: gtin '095060001343520' is not a GTIN (8, 12, 13 or 14 digits 0-9)"]


# -- numbers and dates: ASCII, in range -----------------------------------------------------


@pytest.mark.parametrize("text", ["1_000", "\uff11\uff12", "\u0661\u0662", "1e3", "Infinity", "+5", "\u0968"])
def test_a_quantity_is_ascii_decimal_digits(scratch, tmp_path, text):
    faults = refused(scratch, bundle(tmp_path, lots_csv=f"item,lot,quantity\nSUGAR,S-OPEN,{text}\n"))
    assert len(faults) == 1 and faults[0].startswith("bundle/lots.csv:2: quantity '"), faults


@pytest.mark.parametrize("text", ["\uff12\uff10\uff12\uff16-03-01", "2026-03-01X06:30", "20260301", "2026-W10-1",
                                  "2026-03-01T06", "\u0662\u0660\u0662\u0666-03-01"])
def test_a_date_is_one_of_the_documented_iso_forms(scratch, tmp_path, text):
    faults = refused(scratch, bundle(tmp_path, lots_csv=f"item,lot,quantity,created_at\nSUGAR,S-OPEN,5,{text}\n"))
    assert len(faults) == 1 and "is not an ISO 8601 date or date-time" in faults[0], faults


@pytest.mark.parametrize("text", ["9999-12-31T23:30:00-01:00", "0001-01-01T00:30:00+01:00"])
def test_a_date_pushed_out_of_range_by_its_offset_is_a_fault_not_a_crash(scratch, tmp_path, text):
    faults = refused(scratch, bundle(tmp_path, lots_csv=f"item,lot,quantity,created_at\nSUGAR,S-OPEN,5,{text}\n"))
    assert faults == [(f"bundle/lots.csv:2: created_at {text} falls outside the years 1 to 9999 once converted to UTC; "
                      "the plant cannot store it")]


@pytest.mark.parametrize("days, message", [
    ("\u0663\u0660", "is not a whole number of days"), ("1_0", "is not a whole number of days"),
    ("999999999999", "is longer than 36,525 days"), ("-1", "is not a whole number of days"),
])
def test_a_shelf_life_is_ascii_and_at_most_a_century(scratch, tmp_path, days, message):
    items = BASE["items.csv"].replace("FLOUR,Flour,material,kg,,100", f"FLOUR,Flour,material,kg,,{days}")
    faults = refused(scratch, bundle(tmp_path, items_csv=items))
    assert len(faults) == 1 and faults[0].startswith("bundle/items.csv:2: shelf_life_days") and message in faults[0]


def test_a_shelf_life_that_would_expire_a_lot_past_9999_is_refused(scratch, tmp_path):
    folder = bundle(tmp_path, lots_csv="item,lot,quantity,created_at\nSUGAR,S-OPEN,50,\nFLOUR,F-OPEN,5,9999-12-01\n")
    faults = refused(scratch, folder)
    assert faults == [("bundle/lots.csv:3: lot F-OPEN of item FLOUR would expire 100 days after 9999-12-01T00:00:00, "
                      "beyond the year 9999; give its expires_at")]


def test_quantities_whose_total_the_plant_could_not_sum_are_refused(plant, tmp_path):
    """Lots of 10^12 each: ten of them would overflow a SUM of millionths in 64 bits (SQLite
    stops with "integer overflow"); the line that takes the total past the limit is named."""
    run_import(plant, bundle(tmp_path, lots_csv="item,lot,quantity\nSUGAR,S-OPEN,50\nSUGAR,BIG-1,1000000000000\n"))
    before = dump(plant)
    faults = refused_in(plant, write_bundle(Path("more"), {
        "items.csv": "item,kind,unit\n",
        "lots.csv": "item,lot,quantity\nSUGAR,BIG-2,1000000000000\nSUGAR,BIG-3,1000000000000\n",
    }))
    assert faults == [(f"more/lots.csv:2: quantity 1000000000000 takes the total of all lots quantities in the plant "
                      f"past {MAX_TOTAL_QUANTITY:,}, the most the plant can add up exactly; is a quantity mistyped?")]
    assert dump(plant) == before


# -- GTINs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("gtin, message", [
    ("09506000134353", "is not a valid GTIN (Invalid GTIN check digit"),
    ("00000000000000", "is not a GTIN (all zeros)"),
    ("9506000l34352", "is not a GTIN (8, 12, 13 or 14 digits 0-9)"),
])
def test_a_gtin_needs_its_check_digit(scratch, tmp_path, gtin, message):
    items = BASE["items.csv"].replace("09506000134352", gtin)
    faults = refused(scratch, bundle(tmp_path, items_csv=items))
    assert len(faults) == 1 and faults[0].startswith("bundle/items.csv:5: gtin") and message in faults[0], faults


def test_two_items_may_not_share_a_gtin_in_the_bundle(scratch, tmp_path):
    items = BASE["items.csv"].replace("DOUGH,Dough,intermediate,kg,,", "DOUGH,Dough,intermediate,kg,9506000134352,")
    assert refused(scratch, bundle(tmp_path, items_csv=items)) == [
        ("bundle/items.csv:5: item BISCUIT has the GTIN 09506000134352 of item DOUGH on line 4; two items may not share "
        "a GTIN (a scan could not tell them apart)")]


def test_two_items_may_not_share_a_gtin_with_the_plant_but_other_packaging_levels_may(plant, tmp_path):
    run_import(plant, bundle(tmp_path))
    faults = refused_in(plant, write_bundle(Path("more"), {"items.csv": "item,kind,unit,gtin\nCRACKER,product,box,"
                                                                        "9506000134352\n"}))
    assert faults == [("more/items.csv:2: item CRACKER has the GTIN 9506000134352 of item BISCUIT in the plant; two "
                      "items may not share a GTIN (a scan could not tell them apart)")]
    # The case of 12 boxes: indicator digit 1, its own check digit; another packaging level.
    run_import(plant, write_bundle(Path("case"), {"items.csv": "item,kind,unit,gtin\nBISCUIT-12,product,case,"
                                                               "19506000134359\n"}))


def test_a_refused_bundle_leaves_the_plant_byte_identical_through_the_cli(db_url, tmp_path, capsys):
    assert main(["import", "--db", db_url, str(bundle(tmp_path))]) == 0
    plant = open_plant(db_url)
    try:
        before = dump(plant)
        folder = bundle(tmp_path, shipments_csv="shipment,shipped_at,customer,item,lot,quantity\n"
                                                "SH-9,2026-03-05,SHOP,BISCUIT,B-1,\uff15\n")
        capsys.readouterr()
        assert main(["import", "--db", db_url, str(folder)]) == 1
        err = capsys.readouterr().err
        assert err.splitlines()[-1] == "workbench: import refused: 1 fault; nothing was written."
        assert dump(plant) == before
    finally:
        plant.dispose()


def test_the_fast_and_exact_paths_agree_on_every_value():
    """The column screens never let through what the exact parse refuses."""
    from workbench.interchange.bundle import reading, values
    from workbench.interchange.bundle.faults import FaultLog

    samples = ["1", "0.5", "1.", ".5", "1_0", "\uff11", "1e3", "-1", "1.0000001", "1.5000000", "", "NaN", " "]
    for sample in samples:
        try:
            exact = values.parse_quantity("quantity", sample)
        except values.ValueFault:
            exact = None
        fast = reading._fast(values.parse_quantity, False, [sample])
        assert fast is None or fast == [exact], sample
    log = FaultLog()
    out = reading._convert("lots.csv", "created_at", False, ["2026-03-01", "9999-12-31T23:30:00-01:00"], [2, 3],
                           set(), "f", log)
    assert out[0] is not None and out[1] is None and len(log) == 1
    assert isinstance(io.StringIO, type)
