"""How quantities, units, dates and unsafe characters are written: once, for every view."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from workbench import format as fmt


def test_quantities_are_exact_with_separators():
    assert fmt.quantity(Decimal("1200.000000"), "kg") == "1,200 kg"
    assert fmt.quantity(Decimal("12.500000"), "kg") == "12.5 kg"
    assert fmt.quantity(Decimal("0.000001"), "kg") == "0.000001 kg"
    assert fmt.quantity(None, "kg") == ""
    assert fmt.quantity(Decimal(3)) == "3"
    assert fmt.plain(Decimal("1E+2")) == "100"
    assert fmt.plain(Decimal("1234.5000")) == "1234.5"


@given(st.decimals(min_value=0, max_value=10**12, places=6, allow_nan=False, allow_infinity=False))
def test_plain_reads_back_exactly(value):
    assert Decimal(fmt.plain(value)) == value
    assert Decimal(fmt.number(value).replace(",", "")) == value


def test_per_unit_lists_units_in_order_and_says_none():
    assert fmt.per_unit({"kg": Decimal(900), "case": Decimal(1200)}) == "1,200 case, 900 kg"
    assert fmt.per_unit({}) == "none"
    assert fmt.per_unit({"kg": Decimal(0)}) == "none"
    assert fmt.per_unit({"kg": Decimal(0)}, zeros=True) == "0 kg"
    assert fmt.per_unit({}, empty="nothing") == "nothing"


def test_counts_agree_with_their_noun():
    assert fmt.count(1, "lot") == "1 lot"
    assert fmt.count(2, "lot") == "2 lots"
    assert fmt.count(1024, "SCAR") == "1,024 SCARs"
    assert fmt.count(3, "box") == "3 boxes"
    assert fmt.count(2, "factory") == "2 factories"
    assert fmt.count(2, "day") == "2 days"


def test_dates():
    at = datetime(2026, 5, 12, 4, 0, 7)
    assert fmt.day(at) == "2026-05-12" and fmt.day(date(2026, 5, 12)) == "2026-05-12"
    assert fmt.when(at) == "2026-05-12 04:00" and fmt.when(at, seconds=True) == "2026-05-12 04:00:07"
    assert fmt.clock(at, datetime(2026, 5, 12)) == "04:00"
    assert fmt.clock(at, datetime(2026, 5, 13)) == "05-12 04:00"
    assert fmt.when(None, empty="?") == "?"


def test_unsafe_characters_are_named_and_made_visible():
    assert fmt.unsafe_characters("R26132-01") == []
    assert fmt.unsafe_characters("A\x00B\u202eC\x85") == ["U+0000", "U+202E", "U+0085"]
    assert fmt.unsafe_characters("two\nlines\tok", multiline=True) == []
    assert fmt.unsafe_characters("two\nlines") == ["U+000A"]
    assert fmt.visible("evil\u202etxt.exe") == "evil\\u202etxt.exe"
    assert fmt.visible("nul\x00") == "nul\\x00"
    assert fmt.visible("Crème brûlée") == "Crème brûlée"


def test_a_purchase_order_is_named_once():
    from workbench.format import purchase_order

    assert purchase_order("4500021347") == "PO 4500021347"
    assert purchase_order("PO-4500021347") == "PO-4500021347"  # never "PO PO-…"
    assert purchase_order("po 17") == "po 17"
    assert purchase_order("PO123") == "PO123"
    assert purchase_order("POLAND-7") == "PO POLAND-7"  # a number that only starts with the letters
    assert purchase_order(None) == "PO —" and purchase_order("", "PO -") == "PO -"
