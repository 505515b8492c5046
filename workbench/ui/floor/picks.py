"""Pick & scan: the pick list, the proposed lots with where and why, and the scan field.

A USB scanner types the label and Enter into the field, as does a worker typing a lot code;
each scan is checked at once and answered in a large green (counted) or red (refused, with
the reason and a beep) banner. The field keeps the focus, so the next scan follows.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.actions import floor as actions
from workbench.floor.picking import PickListView, parse_needs
from workbench.format import day
from workbench.format import quantity as fmt
from workbench.ui.floor.dialogs import CompleteDialog, NewPickListDialog, OverrideDialog, ShipDialog
from workbench.ui.floor.feedback import GREEN, Feedback
from workbench.ui.ops import run_op
from workbench.ui.widgets import Row, RowsModel, heading, hint, table_view


class PickPage(QWidget):
    def __init__(self, floor, parent=None):
        super().__init__(parent)
        self.floor = floor
        self.view: PickListView | None = None
        self.chooser = QComboBox()
        self.chooser.setMinimumWidth(360)
        self.chooser.activated.connect(lambda _i: self.load(self.chooser.currentData()))
        new = QPushButton("New pick list…")
        new.clicked.connect(self.new_pick_list)
        self.override_button = QPushButton("Override…")
        self.override_button.setToolTip("Record the lot really taken instead of the proposed one, with a reason")
        self.override_button.clicked.connect(self.override)
        self.finish_button = QPushButton("Complete…")
        self.finish_button.clicked.connect(self.finish)
        bar = QHBoxLayout()
        bar.addWidget(self.chooser)
        bar.addWidget(new)
        bar.addStretch(1)
        bar.addWidget(self.override_button)
        bar.addWidget(self.finish_button)

        self.title = heading("No pick list open")
        self.summary = hint("")
        self.scan_field = QLineEdit()
        self.scan_field.setPlaceholderText("Scan a label here (or type a lot code and press Enter)")
        font = QFont(self.scan_field.font())
        font.setPointSize(20)
        self.scan_field.setFont(font)
        self.scan_field.setMinimumHeight(48)
        self.scan_field.returnPressed.connect(self.scan)
        self.feedback = Feedback()

        self.lines = RowsModel(["Line", "Item", "Name", "Needed", "Picked", "To pick", "Rule"], right=(3, 4, 5))
        self.proposals = RowsModel(["Line", "Take lot", "Quantity", "Picked", "Location", "Expires", "Why"],
                                   right=(2, 3))
        self.lines_table = table_view(self.lines)
        self.lines_table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.lines_table)
        self.proposals_table = table_view(self.proposals)
        split.addWidget(self.proposals_table)
        split.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.scan_field)
        layout.addWidget(self.feedback)
        layout.addWidget(split, 1)
        self.reasons: dict[str, str] = {}
        self._update_buttons()
        self.reload_choices()
        run_op(self, lambda _p: actions.override_reasons(self.floor.plant), self._set_reasons)

    def _set_reasons(self, reasons: dict[str, str]) -> None:
        self.reasons = reasons

    # -- loading ----------------------------------------------------------------------

    def reload_choices(self, select: str | None = None) -> None:
        def done(rows) -> None:
            current = select or self.chooser.currentData()
            self.chooser.clear()
            for code, purpose, what in rows:
                self.chooser.addItem(f"{code} · {purpose} · {what}", code)
            if current and self.view is not None and self.chooser.findData(current) < 0:
                self.chooser.addItem(f"{current} · closed", current)
            index = self.chooser.findData(current) if current else (0 if rows else -1)
            if index >= 0:
                self.chooser.setCurrentIndex(index)
                self.load(self.chooser.itemData(index))

        run_op(self, lambda _p: actions.open_pick_lists(self.floor.plant), done)

    def load(self, code: str | None) -> None:
        if not code:
            return
        run_op(self, lambda _p: actions.pick_list(self.floor.plant, code), self.show_pick_list)

    def reload(self) -> None:
        if self.view is not None:
            self.load(self.view.code)

    def show_pick_list(self, view: PickListView) -> None:
        self.view = view
        what = (f"production order {view.order} making {view.product}" if view.purpose == "production"
                else f"shipment to {view.customer}" + (f", order {view.order_ref}" if view.order_ref else ""))
        self.title.setText(f"Pick list {view.code}: {what}")
        done = sum(line.done for line in view.lines)
        state = ("closed" if view.status != "open" else
                 "every line picked: complete it" if view.complete else f"{done} of {len(view.lines)} lines picked")
        self.summary.setText(f"{state}; site {view.site}; opened by {view.created_by} "
                             f"{view.created_at:%Y-%m-%d %H:%M}")
        self.lines.set_rows([Row((line.line_no, line.item, line.item_name or "", fmt(line.quantity, line.unit),
                                  fmt(line.picked, line.unit), fmt(line.remaining, line.unit), line.rule),
                                 line, bold=not line.done, flagged=line.proposed < line.quantity)
                             for line in view.lines])
        rows = []
        for line in view.lines:
            for p in line.proposals:
                rows.append(Row((line.line_no, p.lot.lot, fmt(p.quantity, line.unit), fmt(p.picked, line.unit),
                                 p.location or "not recorded", day(p.expires_at), p.why), p,
                                bold=p.picked < p.quantity))
            for pick in line.picks:
                if pick.override_reason:
                    rows.append(Row((line.line_no, pick.lot.lot, "", fmt(pick.quantity, line.unit), "", "",
                                     f"override ({pick.override_reason}) by {pick.picked_by}"), pick, flagged=True))
        self.proposals.set_rows(rows)
        for table in (self.lines_table, self.proposals_table):
            table.resizeColumnsToContents()
        self._update_buttons()
        self.scan_field.setFocus()

    def _update_buttons(self) -> None:
        open_ = self.view is not None and self.view.status == "open"
        self.scan_field.setEnabled(open_)
        self.override_button.setEnabled(open_)
        self.finish_button.setEnabled(open_)
        if self.view is not None:
            self.finish_button.setText("Complete production…" if self.view.purpose == "production" else "Ship…")

    # -- writing ----------------------------------------------------------------------

    def scan(self) -> None:
        text = self.scan_field.text()
        self.scan_field.clear()
        if self.view is None or not text.strip():
            return
        code, who = self.view.code, self.floor.who()

        def done(result) -> None:
            self.feedback.show_result(result.result.ok, result.result.message)
            self.floor.changed(result.changes)
            self.load(code)

        def failed(message: str, _cancelled: bool) -> None:
            self.feedback.show_result(False, message)

        run_op(self, lambda _p: actions.scan(self.floor.plant, code, text, who), done, failed)

    def _selected_line(self, view: PickListView):
        rows = self.lines_table.selectionModel().selectedRows()
        if rows:
            return self.lines.payload(rows[0].row())
        open_lines = [line for line in view.lines if not line.done]
        return open_lines[0] if open_lines else None

    def override(self) -> None:
        view = self.view
        line = self._selected_line(view) if view else None
        if view is None or line is None:
            return
        dialog = OverrideDialog(line, self.reasons, self)
        if dialog.exec() != OverrideDialog.DialogCode.Accepted:
            return
        code, who = view.code, self.floor.who()
        fields = {"line": line.line_no, "lot": dialog.lot.text(), "quantity": dialog.quantity.text(),
                  "reason": dialog.reason.currentData(), "note": dialog.note.text(), "by": who}

        def done(result) -> None:
            ov = result.result
            self.feedback.show_text(f"Override recorded: {fmt(ov.quantity, ov.unit)} of {ov.lot.lot} for line "
                                    f"{ov.line_no} ({ov.reason_text}).", GREEN)
            self.floor.changed(result.changes)
            self.load(code)

        run_op(self, lambda _p: actions.override(self.floor.plant, code, **fields), done, self._refused)

    def finish(self) -> None:
        if self.view is None:
            return
        view, who = self.view, self.floor.who()
        if view.purpose == "production":
            dialog = CompleteDialog(view, self)
            if dialog.exec() != CompleteDialog.DialogCode.Accepted:
                return
            fields = {"quantity": dialog.quantity.text(), "location": dialog.location.text(),
                      "lot": dialog.lot.text() or None, "machine": dialog.machine.text() or None,
                      "operator": dialog.operator.text() or None, "by": who}

            def run(_p):
                return actions.complete(self.floor.plant, view.code, **fields)

            def said(done) -> str:
                return f"Order {done.order} made {fmt(done.quantity, done.unit)} as lot {done.lot.label}."
        else:
            ship = ShipDialog(view, self)
            if ship.exec() != ShipDialog.DialogCode.Accepted:
                return
            shipment = ship.shipment.text() or None

            def run(_p):
                return actions.ship(self.floor.plant, view.code, shipment=shipment, by=who)

            def said(done) -> str:
                return f"Shipment {done.shipment} to {done.customer}: {len(done.lines)} lines recorded."

        def done(result) -> None:
            self.feedback.show_text(said(result.result), GREEN)
            self.floor.changed(result.changes)
            self.reload_choices(view.code)

        run_op(self, run, done, self._refused)

    def new_pick_list(self) -> None:
        dialog = NewPickListDialog(self)
        if dialog.exec() != NewPickListDialog.DialogCode.Accepted:
            return
        purpose, who = dialog.purpose.currentText(), self.floor.who()
        fields = {"purpose": purpose, "needs_text": dialog.need_lines(), "by": who,
                  "order": dialog.order.text() or None, "product": dialog.product.text() or None,
                  "customer": dialog.customer.text() or None, "order_ref": dialog.order_ref.text() or None}

        def run(_p):
            needs = parse_needs(fields.pop("needs_text"))
            if fields["purpose"] == "production":
                fields.pop("customer"), fields.pop("order_ref")
            else:
                fields.pop("order"), fields.pop("product")
            return actions.open_picks(self.floor.plant, needs=needs, **fields)

        def done(result) -> None:
            self.floor.changed(result.changes)
            self.reload_choices(result.result.code)

        run_op(self, run, done, self._refused)

    def _refused(self, message: str, cancelled: bool) -> None:
        if not cancelled:
            self.feedback.show_result(False, message)
            QMessageBox.warning(self, "Floor", message)
