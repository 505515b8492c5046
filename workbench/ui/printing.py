"""Printing the PDFs the workbench writes (labels, SCARs, letters) through Qt's print dialog.

The PDFs are the documents (reportlab draws them, the tests decode their barcodes); printing
puts their pages on whatever printer the user picks, the way a PDF viewer does: each page is
rendered by QtPdf (``QPdfDocument.render``) at the printer's resolution and drawn onto the
printer's page, scaled to fit (never distorted) and centred. The printer's paper follows the
PDF's first page (a 4x6 in label prints on a 4x6 in label printer without choosing it), and
the page range and copies chosen in the dialog are honoured.

``print_pdf(path, printer)`` prints without a dialog (tests print to a PDF file through a
``QPrinter`` in ``PdfFormat``); ``PrintPdf`` is the "Print…" button's action.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from workbench.errors import WorkbenchError

#: Render at most this many pixels on a page's long side (a 1200-dpi A3 page would be ~20,000).
MAX_RENDER_PX = 6000


def load_pdf(path: Path) -> QPdfDocument:
    doc = QPdfDocument()
    error = doc.load(str(path))
    if error != QPdfDocument.Error.None_ or doc.pageCount() < 1:
        raise WorkbenchError(f"{path}: the PDF could not be read for printing ({error.name}).")
    return doc


def match_paper(printer: QPrinter, doc: QPdfDocument) -> None:
    """Paper the size of the PDF's first page, no margins (labels are laid out edge to edge)."""
    size = doc.pagePointSize(0)
    page = QPageSize(QSizeF(size.width(), size.height()), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = (QPageLayout.Orientation.Landscape if size.width() > size.height()
                   else QPageLayout.Orientation.Portrait)
    printer.setPageLayout(QPageLayout(page, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    if orientation == QPageLayout.Orientation.Landscape and page.id() != QPageSize.PageSizeId.Custom:
        printer.setPageLayout(QPageLayout(page, orientation, QMarginsF(0, 0, 0, 0)))
    printer.setFullPage(True)


def print_pdf(path: Path | str, printer: QPrinter, pages: range | None = None) -> int:
    """Print the pages of the PDF at ``path`` (all, or ``pages``: 0-based) on ``printer``;
    returns how many pages were printed."""
    doc = load_pdf(Path(path))
    chosen = [i for i in (pages if pages is not None else range(doc.pageCount())) if 0 <= i < doc.pageCount()]
    if not chosen:
        raise WorkbenchError(f"{path}: none of the chosen pages exist (it has {doc.pageCount()}).")
    painter = QPainter()
    if not painter.begin(printer):
        raise WorkbenchError("The printer could not be started; check that it is connected and try again.")
    try:
        dpi = printer.resolution()
        for n, i in enumerate(chosen):
            if n and not printer.newPage():
                raise WorkbenchError("The printer refused a new page; the print job was stopped.")
            target = QRectF(printer.pageLayout().paintRectPixels(dpi))
            pt = doc.pagePointSize(i)
            fit = min(target.width() / pt.width(), target.height() / pt.height())
            w, h = pt.width() * fit, pt.height() * fit
            render = min(1.0, MAX_RENDER_PX / max(w, h))
            image = doc.render(i, QSize(max(1, round(w * render)), max(1, round(h * render))))
            if image.isNull():
                raise WorkbenchError(f"{path}: page {i + 1} could not be rendered for printing.")
            box = QRectF(target.x() + (target.width() - w) / 2, target.y() + (target.height() - h) / 2, w, h)
            painter.drawImage(box, image)
    finally:
        painter.end()
    return len(chosen)


def chosen_pages(printer: QPrinter) -> range | None:
    """The dialog's page range (1-based, both ends) as 0-based pages; None for all."""
    first, last = printer.fromPage(), printer.toPage()
    if first <= 0:
        return None
    return range(first - 1, (last or first))


def print_with_dialog(parent: QWidget | None, path: Path | str, title: str = "Print") -> int:
    """Ask for a printer (the paper set to the PDF's) and print; returns pages printed (0: cancelled)."""
    path = Path(path)
    try:
        doc = load_pdf(path)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(path.name)
        match_paper(printer, doc)
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(title)
        dialog.setMinMax(1, doc.pageCount())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
        return print_pdf(path, printer, chosen_pages(printer))
    except WorkbenchError as exc:
        QMessageBox.warning(parent, title, str(exc))
        return 0
