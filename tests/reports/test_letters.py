"""Recall letters read right: whole codes, GTIN and best-by on every line, the company's
paper, one "Attn:" line; checked on the demo incident's busiest customer."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pytest
from pypdf import PdfReader

from workbench.demo import INCIDENT
from workbench.plant.lookup import find_lot
from workbench.recall.engine import recall
from workbench.reports.letters import _addressed, render_letter, shelf_code, together
from workbench.reports.paper import paper_name
from workbench.settings import default_letterhead

_RECALLS: dict = {}


def _incident(demo_plant, backend):
    if backend not in _RECALLS:
        with demo_plant.Session() as s:
            _RECALLS[backend] = recall(s, [find_lot(s, INCIDENT.lot, item=INCIDENT.item)], reason="Salmonella")
    return _RECALLS[backend]


def _lines_of(pdf: bytes) -> list[str]:
    return [line for page in PdfReader(BytesIO(pdf)).pages for line in page.extract_text().splitlines()]


def test_a_letter_keeps_every_code_whole_and_shows_gtin_and_best_by(demo_plant, backend):
    r = _incident(demo_plant, backend)
    customer = max(r.customers, key=lambda c: len(c.lines))
    assert len(customer.lines) >= 5
    pdf = render_letter(r, customer, default_letterhead())
    lines = _lines_of(pdf)
    text = "\n".join(lines)
    best_by = {lot.lot_id: lot.expires_at for lot in r.affected}
    for ln in customer.lines:
        # Each code sits whole on one printed line (never "SH26136-00" / "1").
        for code in (ln.shipment, ln.order_ref, ln.lot, ln.item, shelf_code(r.gtin_of(ln.item))):
            assert code and any(code in line for line in lines), code
        assert f"{best_by[ln.lot_id]:%Y-%m-%d}" in text
    assert "GTIN / UPC" in text and "Best by" in text
    assert text.count("Attn:") == 1
    box = PdfReader(BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # US Letter for a US company


def test_a_european_company_writes_on_a4(demo_plant, backend):
    r = _incident(demo_plant, backend)
    letterhead = replace(default_letterhead(), address="Mühlenweg 4\n37073 Göttingen\nGermany")
    box = PdfReader(BytesIO(render_letter(r, r.customers[0], letterhead))).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    chosen = replace(letterhead, paper="letter")
    box = PdfReader(BytesIO(render_letter(r, r.customers[0], chosen))).pages[0].mediabox
    assert round(float(box.width)) == 612


@pytest.mark.parametrize(("paper", "address", "expected"), [
    ("", "400 Mill Race Road\nNorthfield, MN 55057\nUnited States", "letter"),
    ("", "1 Front St\nToronto, ON M5J 2N1\nCanada", "letter"),
    ("", "Mühlenweg 4\n37073 Göttingen\nGermany", "a4"),
    ("", "", "a4"),
    ("A3", "anything\nUnited States", "a3"),
])
def test_paper_follows_the_setting_then_the_country(paper, address, expected):
    assert paper_name(paper, address) == expected


def test_attn_once_with_the_contact_in_it():
    dock = "Attn: Receiving Dock\n3771 Commerce Drive\nAllentown, PA 18101"
    assert _addressed("Pablo Novak", dock)[0] == "Attn: Pablo Novak, Receiving Dock"
    assert _addressed(None, dock)[0] == "Attn: Receiving Dock"
    assert _addressed("Pablo Novak", "3771 Commerce Drive")[0] == "Attn: Pablo Novak"
    assert sum(line.startswith("Attn") for line in _addressed("Receiving Dock", dock)) == 1


def test_shelf_codes_and_unbreakable_sizes():
    assert shelf_code("00614141000012") == "614141000012"  # GTIN-12 (UPC-A) as printed
    assert shelf_code("04006381333931") == "4006381333931"  # EAN-13
    assert shelf_code("10614141000415") == "10614141000415"  # a case GTIN-14 stays
    assert together("Granola, 6 x 500 g") == "Granola, 6\u00a0x\u00a0500\u00a0g"
    assert together("+1 507 555 0147") == "+1\u00a0507\u00a0555\u00a00147"
