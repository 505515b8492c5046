"""The "Vendor" view: a vendor's receipts and lots, how many were implicated, and its SCARs.

Data from ``workbench.supplier.quality.vendor_quality``: every receipt line with the customer
returns traced to its lot (downstream at any depth) and the SCARs issued on it; a
monthly chart (receipts, receipts later implicated, returns traced); the returns and
the SCARs, open ones first. A purchased lot chosen in the receipts table can get a new
SCAR from here ("Supplier corrective action…"); the view reloads after one is issued.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.facts import LotRef
from workbench.format import quantity as fmt_quantity
from workbench.supplier.quality import vendor_quality
from workbench.supplier.records import VendorQuality
from workbench.ui.ops import Op, plant_op, run_op
from workbench.ui.widgets import RowsModel, heading, hint, style_plot, table_view

RECEIPTS = "#7f9cb0"
IMPLICATED = "#dd8a3e"
RETURNS = "#c53030"
DAY = 86400


def _month_epoch(m) -> float:
    return datetime(m.year, m.month, 15, tzinfo=UTC).timestamp()


class VendorView(QWidget):
    """One vendor's quality history."""

    lotActivated = Signal(object)  # LotRef
    loaded = Signal()

    def __init__(self, plant, vendor_code: str, parent=None):
        super().__init__(parent)
        self.plant = plant
        self.vendor_code = vendor_code
        self.quality: VendorQuality | None = None
        self.error: str | None = None
        self._op: Op | None = None

        self.title = heading(f"Vendor {vendor_code}")
        self.summary = hint("Loading…")
        self.contact = hint("")
        self.scar_button = QPushButton("Supplier corrective action…")
        self.scar_button.setToolTip("Issue a SCAR for the lot chosen in the receipts table")
        self.scar_button.setEnabled(False)
        self.scar_button.clicked.connect(self._scar_clicked)
        export = QPushButton("Export…")
        export.setToolTip("Save the receipts as CSV and the chart as PNG")
        export.clicked.connect(self._export_clicked)
        bar = QHBoxLayout()
        bar.addWidget(self.title)
        bar.addStretch(1)
        bar.addWidget(self.scar_button)
        bar.addWidget(export)

        axis = pg.DateAxisItem(orientation="bottom", utcOffset=0)
        self.plot = pg.PlotWidget(axisItems={"bottom": axis}, background="w")
        style_plot(self.plot, self.font())
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.showGrid(x=False, y=True, alpha=0.15)
        self.plot.getPlotItem().setLabel("left", "per month")
        self.legend = self.plot.addLegend(offset=(10, 4), labelTextSize="8pt", colCount=3,
                                          brush=pg.mkBrush(255, 255, 255, 230))

        self.receipts = RowsModel(("Received", "Receipt", "PO", "Lot", "Item", "Vendor lot", "Quantity",
                                   "Returns traced", "SCARs"), right=(6, 7, 8))
        self.returns = RowsModel(("Received", "RMA", "Customer", "Returned lot", "From our lots", "Quantity",
                                  "Cause", "Counts against vendor", "Reason"), right=(5,))
        self.scars = RowsModel(("SCAR", "Status", "Lot", "Issued", "Due", "Problem"))
        self.receipts_table = table_view(self.receipts, self.lotActivated.emit)
        self.receipts_table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.receipts_table, "Receipts")
        self.tabs.addTab(table_view(self.returns), "Returns traced")
        self.tabs.addTab(table_view(self.scars), "SCARs")

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.plot)
        split.addWidget(self.tabs)
        split.setSizes([300, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.contact)
        layout.addWidget(split, 1)
        layout.addWidget(hint("Implicated: a customer return traced to the lot (of the lot or anything made "
                              "from it) whose cause is the material, or a SCAR issued on it; transit damage, "
                              "picking errors and our own process do not count. Double-click a receipt to open "
                              "its lot."))
        self.load()

    def on_changes(self, changes) -> None:
        if changes.scars or changes.touches_lots():
            self.load()

    def load(self) -> None:
        code = self.vendor_code
        self._op = run_op(self, plant_op(self.plant, lambda s, p: vendor_quality(s, code)), self._loaded,
                          self._failed)

    def _failed(self, message: str, cancelled: bool) -> None:
        self._op = None
        self.error = message
        self.summary.setText("Cancelled." if cancelled else message)
        self.loaded.emit()

    def _loaded(self, q: VendorQuality) -> None:
        self._op = None
        self.quality = q
        v = q.vendor
        self.title.setText(f"{v.name or v.code} ({v.code})" if v.name else v.code)
        opened = len(q.open_scars)
        overdue = sum(1 for s in q.open_scars if s.overdue)
        self.summary.setText(
            f"{len(q.receipts)} receipt lines · {q.lots} lots · <b>{len(q.implicated_lots)}</b> implicated · "
            f"{len(q.returns)} customer returns caused by the material"
            + (f" ({len(q.excluded)} more traced, not the vendor's)" if q.excluded else "")
            + f" · {len(q.scars)} SCAR{'' if len(q.scars) == 1 else 's'}, "
            f"<b>{opened} open</b>" + (f" (<span style='color:{RETURNS}'>{overdue} overdue</span>)" if overdue else ""))
        self.contact.setText(" · ".join(x for x in (v.contact, v.phone, v.email,
                                                    (v.address or "").replace("\n", ", ")) if x))
        self.receipts.set_rows([
            ((r.line.received_at, r.line.receipt, r.line.po, r.lot.lot, r.lot.item, r.line.vendor_lot,
              fmt_quantity(r.line.quantity, r.line.unit), r.returns, r.scars), r.lot) for r in q.receipts])
        traced = sorted(q.returns + q.excluded, key=lambda r: (r.line.received_at, r.line.rma, r.line.ref.label))
        self.returns.set_rows([
            ((r.line.received_at, r.line.rma, r.line.customer, r.line.ref.label, ", ".join(r.from_lots),
              fmt_quantity(r.line.quantity), r.cause, "yes" if r.vendor_attributable else f"no: {r.why}",
              r.line.reason), r) for r in traced])
        scars = sorted(q.scars, key=lambda s: (s.status != "open", s.issued_at))
        self.scars.set_rows([
            ((s.code, "open, overdue" if s.overdue else s.status, s.lot.label, s.issued_at, s.due_at, s.problem), s)
            for s in scars])
        self.tabs.setTabText(1, f"Returns traced ({len(q.returns)} the vendor's, {len(q.excluded)} not)")
        self.tabs.setTabText(2, f"SCARs ({opened} open)")
        for i in range(self.tabs.count()):
            table = self.tabs.widget(i)
            if not isinstance(table, QTableView):  # every tab is a table
                continue
            table.resizeColumnsToContents()
            for col in range(table.model().columnCount() - 1):
                table.setColumnWidth(col, min(table.columnWidth(col), 200))
        self._draw_chart(q)
        self.loaded.emit()

    def _draw_chart(self, q: VendorQuality) -> None:
        self.plot.clear()
        self.legend.clear()
        if not q.monthly:
            return
        xs = [_month_epoch(m.month) for m in q.monthly]
        width = 8 * DAY
        for offset, values, colour, name in (
                (-width, [m.receipts for m in q.monthly], RECEIPTS, "Receipt lines"),
                (0, [m.implicated for m in q.monthly], IMPLICATED, "Receipts later implicated"),
                (width, [m.returns for m in q.monthly], RETURNS, "Returns traced to its lots")):
            item = pg.BarGraphItem(x=[x + offset for x in xs], height=values, width=width * 0.92,
                                   brush=pg.mkBrush(colour), pen=pg.mkPen(None))
            self.plot.addItem(item)
            self.legend.addItem(item, name)
        top = max(max(m.receipts, m.implicated, m.returns) for m in q.monthly)
        self.plot.setYRange(0, max(top, 1) * 1.3, padding=0)
        self.plot.setXRange(xs[0] - 20 * DAY, xs[-1] + 20 * DAY, padding=0)

    def chosen_lot(self) -> LotRef | None:
        rows = self.receipts_table.selectionModel().selectedRows()
        return self.receipts.payload(rows[0].row()) if rows else None

    def _selection_changed(self, *_args) -> None:
        self.scar_button.setEnabled(self.chosen_lot() is not None)

    def _scar_clicked(self) -> None:
        lot = self.chosen_lot()
        if lot is None:
            return
        from workbench.ui.scar_dialog import ScarDialog

        dialog = ScarDialog(self.plant, lot, self)
        dialog.issued.connect(lambda *_: self.load())
        dialog.exec()

    def is_idle(self) -> bool:
        return self._op is None

    def export_csv(self, path: str | Path) -> Path:
        return self.receipts.write_csv(path)

    def export_chart(self, path: str | Path) -> Path:
        from pyqtgraph.exporters import ImageExporter

        exporter = ImageExporter(self.plot.getPlotItem())
        exporter.parameters()["width"] = max(1200, self.plot.width() * 2)
        exporter.export(str(path))
        return Path(path)

    def _export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the receipts", f"vendor-{self.vendor_code}.csv",
                                              "CSV (*.csv)")
        if path:
            self.export_csv(path)
            self.export_chart(Path(path).with_suffix(".png"))
