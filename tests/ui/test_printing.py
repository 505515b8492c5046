"""Printing PDFs through Qt's printer: labels printed (to a PDF file, no dialog) keep their
paper size and page count, and their barcodes still decode with a real decoder."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from tests.floor.test_labels import BAR, OATS, _check, _png, zbar
from workbench.errors import WorkbenchError
from workbench.reports.labels import write_labels
from workbench.ui.printing import chosen_pages, load_pdf, match_paper, print_pdf


def pdf_printer(out, dpi: int = 300) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printer.setResolution(dpi)
    return printer


def test_printed_labels_keep_their_paper_and_pages_and_still_scan(qapp, tmp_path):
    labels = write_labels([BAR, OATS], tmp_path / "labels.pdf", "4x6in")
    printer = pdf_printer(tmp_path / "printed.pdf")
    match_paper(printer, load_pdf(labels))
    assert print_pdf(labels, printer) == 2
    printed = PdfReader(tmp_path / "printed.pdf")
    assert len(printed.pages) == 2
    for page in printed.pages:  # 4 x 6 in = 288 x 432 pt
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (288, 432)
    for png, facts in zip(_png(tmp_path / "printed.pdf", tmp_path), [BAR, OATS], strict=True):
        codes = zbar(png)
        assert codes, f"nothing decoded on the printed {facts.lot}"
        _check([c for c in codes if not c.startswith("http")], facts)


def test_a_page_range_prints_only_those_pages(qapp, tmp_path):
    labels = write_labels([BAR, OATS], tmp_path / "labels.pdf", "2x1in")
    printer = pdf_printer(tmp_path / "second.pdf", dpi=200)
    match_paper(printer, load_pdf(labels))
    printer.setFromTo(2, 2)
    assert chosen_pages(printer) == range(1, 2)
    assert print_pdf(labels, printer, chosen_pages(printer)) == 1
    page = PdfReader(tmp_path / "second.pdf").pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (144, 72)
    printer.setFromTo(0, 0)
    assert chosen_pages(printer) is None


def test_a_letter_sheet_prints_on_letter(qapp, tmp_path):
    sheet = write_labels([BAR, OATS], tmp_path / "sheet.pdf", "letter")
    printer = pdf_printer(tmp_path / "sheet-printed.pdf", dpi=150)
    match_paper(printer, load_pdf(sheet))
    assert print_pdf(sheet, printer) == len(PdfReader(sheet).pages)
    page = PdfReader(tmp_path / "sheet-printed.pdf").pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_a_file_that_is_not_a_pdf_is_refused_in_one_sentence(qapp, tmp_path):
    bad = tmp_path / "labels.pdf"
    bad.write_text("not a pdf")
    with pytest.raises(WorkbenchError, match=r"labels.pdf: the PDF could not be read for printing"):
        print_pdf(bad, pdf_printer(tmp_path / "out.pdf"))
