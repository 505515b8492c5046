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


# --- the fast letter layout: wrapping, hostile text, files from recorded pages -------------

def _letter_context(n_lines: int = 3, name: str = "Fresh Market", code: str = "C-1"):
    from datetime import datetime
    from decimal import Decimal

    from workbench.facts import PartyFacts, ShipmentLine
    from workbench.recall.records import CustomerRecall
    from workbench.reports.letters import _Context

    at = datetime(2026, 3, 1, 12, 0)
    lines = tuple(ShipmentLine(f"SH-{i:04d}", at, f"SO-{i:04d}", code, name, "BAR", "Almond oat bar, 12 x 40 g",
                               f"B-{i:03d}", i, Decimal(10 + i), "case") for i in range(n_lines))
    customer = CustomerRecall(PartyFacts(code, name, "Buyer", address="1 Market Street\nTown, ST 01000"), lines)
    return _Context("RC-20260301-X", at, "Salmonella", {"BAR": "00614141000012"}, {}), customer


@pytest.mark.sqlite
def test_wrapping_keeps_words_sizes_and_cuts_only_what_is_too_wide():
    from workbench.reports import pdfstyle as ps

    assert ps.wrap_lines("FG-BAR Almond\u00a0oat bar, 12\u00a0x\u00a040\u00a0g", 60) == \
        ["FG-BAR", "Almond\u00a0oat", "bar, 12\u00a0x\u00a040\u00a0g"]  # never inside "12 x 40 g"
    assert ps.wrap_lines("line one\nline two", 500) == ["line one", "line two"]
    long = "x" * 40_000
    pieces = ps.wrap_lines(long, 100)  # linear, not quadratic, in the word's length
    assert "".join(pieces) == long and all(ps.string_width(p) <= 100 for p in pieces)


@pytest.mark.sqlite
def test_a_letter_with_hostile_text_is_complete_and_quick():
    import time

    name = "Ω " + "VeryLongCustomerNameWithoutSpaces" * 300 + " \u202eend"
    context, customer = _letter_context(60, name=name, code="A/B")
    started = time.process_time()
    pdf = render_letter(context, customer, default_letterhead())
    assert time.process_time() - started < 10
    text = "".join(_lines_of(pdf)).replace("\n", "")
    for ln in customer.lines:
        assert ln.shipment in text and ln.lot in text
    assert "VeryLongCustomerNameWithoutSpaces" in text and "\\u202eend" in text  # bidi override escaped
    assert len(PdfReader(BytesIO(pdf)).pages) >= 2


@pytest.mark.sqlite
def test_letter_files_from_recorded_pages_read_like_a_fresh_layout(tmp_path):
    from workbench.reports import letters
    from workbench.reports import pdfstyle as ps

    context, customer = _letter_context(40)
    story = letters.letter_story(context, customer, default_letterhead())
    doc = letters._document(BytesIO(), context, default_letterhead(), "t")
    pages = ps.build_sections(doc, story, write=False)
    assert pages and all(p.stream for p in pages) and not any(p.code for p in pages)
    ps.pages_pdf(tmp_path / "a.pdf", pages, default_letterhead(), "Recall notice to Fresh Market (é)")
    reader = PdfReader(tmp_path / "a.pdf", strict=True)
    assert reader.metadata is not None and reader.metadata.title == "Recall notice to Fresh Market (é)"
    fresh = PdfReader(BytesIO(render_letter(context, customer, default_letterhead())))
    assert [p.extract_text() for p in reader.pages] == [p.extract_text() for p in fresh.pages]
    # The canvas route (used where a page needs more than the shared resources) reads the same.
    ps._pages_pdf_canvas(tmp_path / "b.pdf", pages, default_letterhead(), "t")
    assert [p.extract_text() for p in PdfReader(tmp_path / "b.pdf").pages] == \
        [p.extract_text() for p in reader.pages]
