"""Labels scan with real decoders: the PDF is rendered (poppler's pdftoppm), GS1-128 and QR
read by zbar (zbarimg), GS1 DataMatrix by libdmtx (dmtxread, GS1 mode), the result parsed by
biip and compared with the lot."""

from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal

import pytest

from tests.floor.conftest import receive
from workbench.actions import floor as actions
from workbench.floor.gs1 import LabelFacts
from workbench.floor.scanning import read_label
from workbench.reports.labels import write_labels

GS = "\x1d"
BAR = LabelFacts(item="FG-BAR", item_name="Oat bar, 12 x 40 g", gtin="10614141000415", lot="26133C3", unit="case",
                 quantity=Decimal(40), produced=date(2026, 5, 13), expires=date(2027, 1, 31),
                 sscc="106141411234567897")
OATS = LabelFacts(item="RM-OATS", item_name="Rolled oats", gtin=None, lot="R26132-01", unit="kg",
                  quantity=Decimal("22.68"), produced=None, expires=date(2027, 5, 12), date_ai="15",
                  vendor="Sierra", vendor_lot="SN-1", location="WH-A-01")


def _png(pdf, tmp_path, dpi=250):
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


def zbar(png) -> list[str]:
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if line]


def dmtx(png) -> list[str]:
    out = subprocess.run(["dmtxread", "--gs1=29", "-N1", "-S2", "-m", "20000", str(png)], capture_output=True,
                         text=True)
    return [out.stdout] if out.stdout else []


def _merged(texts: list[str]):
    """What several symbols of one label say together (a long element list takes two)."""
    found: dict = {}
    for text in texts:
        label = read_label(text if text.startswith(("(", "http", GS)) else GS + text)
        assert label is not None, text
        found.update({k: v for k, v in vars(label).items() if v is not None and k != "raw"})
    return type(label)(raw="", **found)


def _check(texts: str | list[str], facts: LabelFacts) -> None:
    label = _merged([texts] if isinstance(texts, str) else texts)
    assert label.lot == facts.lot
    assert label.gtin == facts.gtin and label.item == (None if facts.gtin else facts.item)
    assert (label.expires if facts.date_ai == "17" else label.best_before) == facts.expires
    assert label.quantity == facts.quantity


@pytest.mark.parametrize("size", ["4x6in", "100x150mm"])
def test_thermal_label_decodes_in_both_symbologies(tmp_path, size):
    pdf = write_labels([BAR, OATS], tmp_path / "labels.pdf", size, qr=True)
    bar_page, oats_page = _png(pdf, tmp_path)
    read = zbar(bar_page)
    assert "https://id.gs1.org/01/10614141000415/10/26133C3?11=260513&17=270131&30=40" in read
    assert "00106141411234567897" in read  # the pallet's SSCC
    _check([r for r in read if not r.startswith(("http", "00"))], BAR)
    [matrix] = dmtx(bar_page)
    assert matrix.startswith(GS), "a GS1 DataMatrix starts with FNC1"
    _check(matrix[1:], BAR)
    # without a GTIN the item travels as AI 240; the lot in a second symbol where one is too long
    _check(zbar(oats_page), OATS)
    [matrix] = dmtx(oats_page)
    _check(matrix[1:], OATS)


def test_small_label_carries_a_datamatrix(tmp_path):
    pdf = write_labels([OATS], tmp_path / "small.pdf", "2x1in")
    [page] = _png(pdf, tmp_path, dpi=400)
    [matrix] = dmtx(page)
    _check(matrix[1:], OATS)


def test_sheet_labels_decode(tmp_path):
    pdf = write_labels([BAR, OATS], tmp_path / "sheet.pdf", "letter")
    [page] = _png(pdf, tmp_path, dpi=200)
    read = zbar(page)
    _check([r for r in read if r.startswith(("01", "30"))], BAR)
    _check([r for r in read if not r.startswith(("01", "30"))], OATS)


def test_label_of_a_received_lot(floor_plant, tmp_path):
    got = receive(floor_plant, qty="25", vendor_lot="VL-1")
    path = actions.print_labels(floor_plant, [got.lot], tmp_path / "rcv", "4x6in", per_label=Decimal("12.5"))
    assert path.suffix == ".pdf"
    [page] = _png(path, tmp_path)
    [matrix] = dmtx(page)
    label = read_label(matrix)
    assert (label.item, label.lot, label.quantity, label.expires) == (
        "RM-OATS", got.lot.lot, Decimal("12.5"), got.expires_at.date())
    with pytest.raises(Exception, match="label size"):
        actions.print_labels(floor_plant, [got.lot], tmp_path / "x.pdf", "3x3in")
