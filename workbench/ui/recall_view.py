"""The recall view: from suspect lots to the hold list, the customers and the mass balance.

``RecallView(plant, lots)`` runs ``workbench.recall.engine.recall`` in the background and shows
three tabs: the affected lots with their on-hand quantities (the hold list first), the
customers with every shipment line beside a bar chart of quantity by customer, and the
reconciliation with anything unaccounted for in red. "Export recall package…" asks for a
folder and writes the package (``write_recall_package``) in the background, with a
progress bar over the files, Cancel, and "Open folder" at the end.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from workbench.actions.recall import start_recall, write_recall_package
from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.format import per_unit
from workbench.format import quantity as fmt_quantity
from workbench.format import when as fmt_time
from workbench.recall.flows import FlowLayout, QuantityFlows, layout_flows, recall_flows
from workbench.recall.records import Recall
from workbench.reports.paper import page_points
from workbench.reports.sankey import TITLE_ROOM
from workbench.settings import load_letterhead
from workbench.ui.flow_view import QuantityFlowView
from workbench.ui.ops import Op, run_op
from workbench.ui.style import MUTED
from workbench.ui.widgets import Row, RowsModel, table_view

ALERT = "#c53030"
HOLD = "#2f855a"
BAR = "#2b6cb0"
#: The quantity flow is laid out to fill its view, at least this size (pixels; it scrolls then).
FLOW_MIN_SIZE = (900, 360)
#: Customers shown in the bar chart (the rest are in the table).
CHART_CUSTOMERS = 25


class RecallView(QWidget):
    """A recall of one or more suspect lots, with the export of its package."""

    lotSelected = Signal(object)  # LotRef: a box of the quantity flow was clicked
    lotActivated = Signal(object)  # LotRef: open it in the genealogy
    customerSelected = Signal(str)

    #: On hand (what to hold) beside the lot, so it is on screen in a narrow window.
    LOT_HEADERS = ("Item", "Description", "Lot", "On hand", "Unit", "Kind", "Depth", "Made/received", "Consumed",
                   "Shipped", "Returned", "Expires")
    REC_HEADERS = ("Item", "Lot", "Kind", "Made/received", "Returned", "Consumed", "Shipped", "On hand",
                   "Unaccounted", "Record diff.", "Unit", "Findings")

    def __init__(self, plant, lots: list[LotRef], parent: QWidget | None = None):
        super().__init__(parent)
        self.plant = plant
        self.lots = list(lots)
        self.recall: Recall | None = None
        self.export_op: Op | None = None
        self.exported_to: Path | None = None
        self.error: str | None = None
        self.flow_layout: FlowLayout | None = None
        self.flows: QuantityFlows | None = None
        self._build()
        self.refresh()

    # --- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        names = ", ".join(r.label for r in self.lots)
        self.title = QLabel(f"<b>Recall of {names}</b>")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.summary = QLabel("Tracing forward…")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(f"color: {MUTED};")
        layout.addWidget(self.title)
        layout.addWidget(self.summary)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Reason:"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why the lots are recalled (quoted in the letters)")
        bar.addWidget(self.reason, 1)
        self.export_button = QPushButton("Export recall package…")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.choose_folder_and_export)
        bar.addWidget(self.export_button)
        self.hold_button = QPushButton("Put hold list on hold…")
        self.hold_button.setToolTip("Hold every affected lot with stock on hand, in one action (Floor holds)")
        self.hold_button.setEnabled(False)
        self.hold_button.clicked.connect(self.hold_the_hold_list)
        bar.addWidget(self.hold_button)
        layout.addLayout(bar)

        status = QHBoxLayout()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.status = QLabel("")
        self.open_button = QPushButton("Open folder")
        self.open_button.setVisible(False)
        self.open_button.clicked.connect(self.open_folder)
        status.addWidget(self.progress_bar, 1)
        status.addWidget(self.cancel_button)
        status.addWidget(self.status, 1)
        status.addWidget(self.open_button)
        self.print_button = QPushButton("Print letters…")
        self.print_button.setToolTip("Print every customer's recall letter (letters.pdf) through the print dialog")
        self.print_button.setVisible(False)
        self.print_button.clicked.connect(self.print_letters)
        status.addWidget(self.print_button)
        layout.addLayout(status)
        self.poll = QTimer(self)
        self.poll.setInterval(100)
        self.poll.timeout.connect(self._show_progress)

        self.tabs = QTabWidget()
        self.lot_model = RowsModel(self.LOT_HEADERS, right=(3, 6, 7, 8, 9, 10))
        self.lot_table = table_view(self.lot_model)
        self.tabs.addTab(self.lot_table, "Affected lots")

        customers = QSplitter(Qt.Orientation.Horizontal)
        self.customer_model = QStandardItemModel(0, 7)
        self.customer_model.setHorizontalHeaderLabels(
            ["Customer · shipment", "Name · shipped", "Contact · order ref.", "Phone · item", "Lot",
             "Quantity", "Unit"])
        self.customer_tree = QTreeView()
        self.customer_tree.setModel(self.customer_model)
        self.customer_tree.setUniformRowHeights(True)
        self.customer_tree.setAlternatingRowColors(True)
        self.customer_tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        customers.addWidget(self.customer_tree)
        self.chart = pg.PlotWidget(background="w")
        self.chart.setMinimumWidth(260)
        self.chart.showGrid(y=True, alpha=0.25)
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.hideButtons()
        self.bars: pg.BarGraphItem | None = None
        customers.addWidget(self.chart)
        customers.setStretchFactor(0, 3)
        customers.setStretchFactor(1, 2)
        customers.setSizes([640, 420])
        self.tabs.addTab(customers, "Customers")

        rec = QWidget()
        rec_layout = QVBoxLayout(rec)
        rec_layout.setContentsMargins(0, 0, 0, 0)
        self.found = QLabel("")
        self.found.setWordWrap(True)
        rec_layout.addWidget(self.found)
        self.rec_model = RowsModel(self.REC_HEADERS, right=range(3, 10))
        self.rec_table = table_view(self.rec_model)
        rec_layout.addWidget(self.rec_table)
        self.tabs.addTab(rec, "Reconciliation")

        flow = QWidget()
        flow_layout = QVBoxLayout(flow)
        flow_layout.setContentsMargins(0, 0, 0, 0)
        flow_bar = QHBoxLayout()
        self.flow_note = QLabel("Where the suspect quantity went: band widths in the suspect lots' unit, "
                                "converted through each order; red is what the records cannot place. "
                                "Click a box for its details, double-click a lot to open it.")
        self.flow_note.setWordWrap(True)
        self.flow_note.setStyleSheet(f"color: {MUTED};")
        flow_bar.addWidget(self.flow_note, 1)
        self.flow_fit = QPushButton("Fit")
        self.flow_fit.setToolTip("Show the whole diagram")
        self.flow_export = QPushButton("Export…")
        self.flow_export.setToolTip("Save the quantity flow as PNG, SVG or PDF (one landscape page)")
        self.flow_export.setEnabled(False)
        flow_bar.addWidget(self.flow_fit)
        flow_bar.addWidget(self.flow_export)
        flow_layout.addLayout(flow_bar)
        self.flow_view = QuantityFlowView()
        self._flow_resize = QTimer(self)
        self._flow_resize.setSingleShot(True)
        self._flow_resize.setInterval(150)
        self._flow_resize.timeout.connect(self._relayout_flows)
        self.flow_view.resized.connect(self._flow_resize.start)
        self.flow_view.lotSelected.connect(self.lotSelected)
        self.flow_view.lotActivated.connect(self.lotActivated)
        self.flow_view.customerSelected.connect(self.customerSelected)
        self.flow_fit.clicked.connect(self.flow_view.fit)
        self.flow_export.clicked.connect(self.choose_flow_file)
        flow_layout.addWidget(self.flow_view, 1)
        self.tabs.addTab(flow, "Quantity flow")
        layout.addWidget(self.tabs, 1)

    # --- loading -------------------------------------------------------------------------

    def on_changes(self, changes) -> None:
        if changes.touches_lots():
            self.refresh()

    def hold_the_hold_list(self) -> None:
        """Put every lot of the hold list on hold, with the recall's reason (real holds:
        never proposed for a pick, refused at a scan)."""
        from workbench.ui.floor import hold_recall

        hold_recall(self, self.plant, self.lots, self.reason.text())

    def refresh(self) -> None:
        """(Re)run the recall query in the background."""
        lots = list(self.lots)
        self.summary.setText("Tracing forward…")
        plant = self.plant
        run_op(self, lambda p: start_recall(plant, lots, progress=p), self._loaded,
               self._load_failed, label="Tracing the recall…")

    def _load_failed(self, message: str, cancelled: bool) -> None:
        self.error = message
        self.summary.setText("Cancelled." if cancelled else f"The recall could not be traced: {message}")

    def _loaded(self, r: Recall) -> None:
        self.hold_button.setEnabled(bool(r.hold))
        self.recall = r
        t = r.totals
        flagged = (f"<span style='color:{ALERT}'><b>{t.flagged} lot(s) with units unaccounted for</b></span>"
                   if t.flagged else "the reconciliation balances")
        self.summary.setText(
            f"{t.affected_lots:,} affected lots · <b>{t.lots_on_hold:,} to hold</b> ({per_unit(t.on_hold)}) · "
            f"{t.customers:,} customers · {t.shipment_lines:,} shipment lines ({per_unit(t.shipped)}) · {flagged}")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self._fill_lots(r)
        self._fill_customers(r)
        self._fill_chart(r)
        self._fill_reconciliation(r)
        self.tabs.setTabText(0, f"Affected lots ({t.affected_lots:,}; {t.lots_on_hold:,} to hold)")
        self.tabs.setTabText(1, f"Customers ({t.customers:,})")
        self.tabs.setTabText(2, f"Reconciliation ({t.flagged:,} flagged)" if t.flagged else "Reconciliation")
        self.export_button.setEnabled(True)
        self.flow_layout = None
        self.flows = None
        run_op(self, lambda _p: recall_flows(r), self._flows_computed, self._flows_failed,
               label="Following the suspect quantity…")

    def _flows_computed(self, flows: QuantityFlows) -> None:
        self.flows = flows
        self._relayout_flows()

    def _flow_size(self) -> tuple[int, int]:
        """The layout fills the view at 1:1 (text at its real size), never below FLOW_MIN_SIZE."""
        port = self.flow_view.viewport().size()
        return max(FLOW_MIN_SIZE[0], port.width() - 4), max(FLOW_MIN_SIZE[1], port.height() - 4 - int(TITLE_ROOM))

    def _relayout_flows(self) -> None:
        flows = self.flows
        if flows is None:
            return
        w, h = self._flow_size()
        if self.flow_layout is not None and (self.flow_layout.width, self.flow_layout.height) == (w, h):
            return
        run_op(self, lambda _p: layout_flows(flows, w, h), self._flows_ready, self._flows_failed,
               label="Laying out the quantity flow…")

    def _flows_ready(self, layout: FlowLayout) -> None:
        self.flow_layout = layout
        self.flow_view.show_layout(layout)
        self.flow_export.setEnabled(True)

    def _flows_failed(self, message: str, cancelled: bool) -> None:
        self.flow_note.setText("Cancelled." if cancelled else f"The quantity flow could not be laid out: {message}")

    def choose_flow_file(self) -> None:
        name = f"{self.recall.reference}-flow.pdf" if self.recall else "quantity-flow.pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Export the quantity flow", str(Path.home() / name),
                                              "PDF (*.pdf);;SVG (*.svg);;PNG image (*.png)")
        if path:
            self.export_flows(Path(path))

    def export_flows(self, path: Path) -> Path | None:
        if path.suffix.lower() not in (".pdf", ".svg", ".png"):
            path = path.with_suffix(".pdf")
        try:
            page = page_points(load_letterhead(None))
            written = self.flow_view.export(path, page=page)
        except (OSError, WorkbenchError) as exc:
            QMessageBox.warning(self, "Export the quantity flow", f"{path} could not be written: {exc}")
            return None
        self.status.setText(f"Quantity flow saved to {written}")
        return written

    def _fill_lots(self, r: Recall) -> None:
        on_hold = {a.lot_id for a in r.hold}
        order = sorted(r.affected, key=lambda a: (a.lot_id not in on_hold, -a.on_hand, a.depth, a.item, a.lot))
        rows = []
        for a in order:
            b = a.balance
            rows.append(Row((a.item, a.item_name, a.lot, b.on_hand, a.unit, a.kind, a.depth, b.made, b.consumed,
                             b.shipped, b.returned, a.expires_at), a.ref, flagged=b.unaccounted > 0,
                            bold=a.lot_id in on_hold, tip="On hand: put on hold" if a.lot_id in on_hold else None))
        self.lot_model.set_rows(rows)
        self.lot_table.resizeColumnsToContents()

    def _fill_customers(self, r: Recall) -> None:
        model = self.customer_model
        model.removeRows(0, model.rowCount())
        for c in r.customers:
            quantities = c.quantities()
            unit = next(iter(quantities)) if len(quantities) == 1 else ""
            total = quantities[unit] if unit else None
            row = [QStandardItem(c.customer), QStandardItem(c.display_name), QStandardItem(c.contact or ""),
                   QStandardItem(c.phone or ""), QStandardItem(f"{len(c.lots())} lot(s)"),
                   QStandardItem(fmt_quantity(total) if total is not None else per_unit(quantities)),
                   QStandardItem(unit)]
            row[0].setToolTip("\n".join(x for x in (c.email, c.address) if x))
            row[5].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for ln in c.lines:
                child = [QStandardItem(ln.shipment), QStandardItem(fmt_time(ln.shipped_at)),
                         QStandardItem(ln.order_ref or ""), QStandardItem(ln.item), QStandardItem(ln.lot),
                         QStandardItem(fmt_quantity(ln.quantity)), QStandardItem(ln.unit)]
                child[5].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                row[0].appendRow(child)
            model.appendRow(row)
        self.customer_tree.resizeColumnToContents(0)
        self.customer_tree.resizeColumnToContents(1)

    def _fill_chart(self, r: Recall) -> None:
        """Quantity by customer (top ``CHART_CUSTOMERS``), in the unit most shipped."""
        self.chart.clear()
        units: dict[str, Decimal] = {}
        for ln in r.lines:
            units[ln.unit] = units.get(ln.unit, Decimal(0)) + ln.quantity
        if not units:
            self.chart.setTitle("No customer received an affected lot", color=MUTED, size="9pt")
            self.bars = None
            return
        unit = max(units, key=lambda u: units[u])
        ranked = sorted(((c.quantities().get(unit, Decimal(0)), c.customer) for c in r.customers), reverse=True)
        ranked = [(q, code) for q, code in ranked if q > 0][:CHART_CUSTOMERS]
        self.bars = pg.BarGraphItem(x0=0, y=list(range(len(ranked))), height=0.6,
                                    width=[float(q) for q, _ in ranked], brush=BAR, pen=None)
        self.chart.addItem(self.bars)
        self.chart.getAxis("left").setTicks([[(i, code) for i, (_q, code) in enumerate(ranked)]])
        self.chart.getViewBox().invertY(True)
        more = f" (top {CHART_CUSTOMERS} of {len(r.customers):,})" if len(r.customers) > CHART_CUSTOMERS else ""
        self.chart.setTitle(f"Quantity by customer, {unit}{more}", color=MUTED, size="9pt")
        self.chart.setLabel("bottom", unit)
        self.chart_data = ranked

    def _fill_reconciliation(self, r: Recall) -> None:
        rows = []
        for row in r.reconciliation:
            rows.append(Row((row.item, row.lot, row.kind, row.made, row.returned, row.consumed, row.shipped,
                             row.on_hand, row.unaccounted, row.record_difference, row.unit, "; ".join(row.findings)),
                            flagged=row.flagged, tip="; ".join(row.findings) or None))
        self.rec_model.set_rows(rows)
        self.rec_table.resizeColumnsToContents()
        t = r.totals
        pct = t.found_percent()
        parts = [f"{fmt_quantity(q, u)} in question, {fmt_quantity(t.found.get(u, Decimal(0)), u)} found "
                 f"({pct.get(u, 0)} %)" for u, q in sorted(t.in_question.items())]
        off = any(t.found.get(u, 0) != q for u, q in t.in_question.items())
        colour = ALERT if off else HOLD
        self.found.setText(f"<span style='color:{colour}'>Suspect lots: {'; '.join(parts)}.</span> "
                           "Found = consumed into traced orders + shipped to named customers + on hand.")
        self.found.setTextFormat(Qt.TextFormat.RichText)

    # --- export --------------------------------------------------------------------------

    def target_folder(self, chosen: Path) -> Path:
        """The chosen folder if empty, else a new folder named after the recall inside it."""
        if not chosen.exists() or not any(chosen.iterdir()):
            return chosen
        base = chosen / (self.recall.reference if self.recall else "recall")
        target, n = base, 1
        while target.exists():
            n += 1
            target = base.with_name(f"{base.name}-{n}")
        return target

    def choose_folder_and_export(self) -> None:
        if self.recall is None or self.export_op is not None:
            return
        # A save dialog, not a folder picker: the package goes into a new folder the user
        # names (a folder picker refuses one that does not exist yet).
        suggested = str(Path.home() / f"recall-{self.recall.reference}")
        chosen, _ = QFileDialog.getSaveFileName(self, "Export the recall package as a new folder", suggested,
                                                "Recall package folder (*)")
        if not chosen:
            return
        self.export_to(self.target_folder(Path(chosen)))

    def export_to(self, target: Path) -> Op:
        """Write the package into ``target`` in the background, with progress and Cancel."""
        r, reason = self.recall, self.reason.text()
        if r is None:
            raise WorkbenchError("The recall is still being traced; export it once it is shown.")

        def work(progress):
            return write_recall_package(r, target, reason=reason, progress=progress)

        self.exported_to = None
        self.open_button.setVisible(False)
        self.print_button.setVisible(False)
        self.progress_bar.setValue(0)
        self.progress_bar.setVisible(True)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.export_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText("Writing the recall package…")
        self.export_op = run_op(self, work, lambda files: self._exported(target, files), self._export_failed)
        self.poll.start()
        return self.export_op

    def cancel_export(self) -> None:
        if self.export_op is not None:
            self.export_op.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling…")

    def _show_progress(self) -> None:
        if self.export_op is None:
            return
        fraction, message = self.export_op.progress.snapshot()
        self.progress_bar.setValue(int(fraction * 1000))
        if message and not self.export_op.progress.cancelled:
            self.status.setText(message)

    def _export_done(self) -> None:
        self.poll.stop()
        self.export_op = None
        self.progress_bar.setVisible(False)
        self.cancel_button.setVisible(False)
        self.export_button.setEnabled(True)

    def _exported(self, target: Path, files: list[Path]) -> None:
        self._export_done()
        self.exported_to = target
        self.status.setText(f"Wrote {len(files):,} files to {target}")
        self.open_button.setVisible(True)
        self.print_button.setVisible((target / "letters.pdf").is_file())

    def print_letters(self) -> int:
        """The print dialog for the package's letters.pdf; the pages printed (0 when cancelled)."""
        if self.exported_to is None:
            return 0
        from workbench.ui.printing import print_with_dialog

        return print_with_dialog(self, self.exported_to / "letters.pdf", "Print the recall letters")

    def _export_failed(self, message: str, cancelled: bool) -> None:
        self._export_done()
        if cancelled:
            self.status.setText("Export cancelled; nothing was written.")
            return
        self.status.setStyleSheet(f"color: {ALERT};")
        self.status.setText("The export failed; nothing was written.")
        QMessageBox.warning(self, "Recall package", message)

    def open_folder(self) -> None:
        if self.exported_to is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.exported_to)))
