"""Small forms of the Floor tab: a new pick list, an override (a reason is required),
production completion and shipping. Each only collects fields; the page runs the action."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)


class Form(QDialog):
    def __init__(self, title: str, intro: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        layout = QVBoxLayout(self)
        if intro:
            note = QLabel(intro)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addLayout(self.form)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b42318;")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def field(self, label: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        self.form.addRow(label, edit)
        return edit

    def problem(self) -> str | None:
        return None

    def _accept(self) -> None:
        why = self.problem()
        if why:
            self.error.setText(why)
            return
        self.accept()


class NewPickListDialog(Form):
    def __init__(self, parent=None):
        super().__init__("New pick list", "Pick materials for a production order, or products for a shipment. "
                         "The system proposes the lots by FEFO or FIFO.", parent)
        self.purpose = QComboBox()
        self.purpose.addItems(["production", "shipment"])
        self.form.addRow("For", self.purpose)
        self.order = self.field("Production order", "MO-1234")
        self.product = self.field("Makes (new order)", "item code")
        self.customer = self.field("Customer (shipment)", "customer code")
        self.order_ref = self.field("Customer order ref")
        self.needs = QPlainTextEdit()
        self.needs.setPlaceholderText("one line each: ITEM=QUANTITY\nRM-OATS=120\nRM-HONEY=12.5")
        self.needs.setFixedHeight(110)
        self.form.addRow("What to pick", self.needs)

    def need_lines(self) -> list[str]:
        return [line.strip() for line in self.needs.toPlainText().splitlines() if line.strip()]

    def problem(self) -> str | None:
        if not self.need_lines():
            return "Name what to pick, one ITEM=QUANTITY a line."
        if self.purpose.currentText() == "production" and not self.order.text().strip():
            return "Name the production order."
        if self.purpose.currentText() == "shipment" and not self.customer.text().strip():
            return "Name the customer."
        return None


class OverrideDialog(Form):
    """The lot actually taken instead of the proposed ones; the reason is required."""

    def __init__(self, line, reasons: dict[str, str], parent=None):
        proposed = ", ".join(f"{p.lot.lot} ({p.quantity} {line.unit})" for p in line.proposals) or "none"
        super().__init__(f"Override line {line.line_no}: {line.item}",
                         f"Proposed: {proposed}. Record the lot you really take; the override is kept with "
                         "your name, the time and the reason.", parent)
        self.lot = self.field("Lot taken", "lot code")
        self.quantity = self.field("Quantity", f"{line.remaining} {line.unit} still to pick")
        self.quantity.setText(str(line.remaining))
        self.reason = QComboBox()
        self.reason.addItem("— choose a reason —", "")
        for code, text in reasons.items():
            self.reason.addItem(text, code)
        self.form.addRow("Reason", self.reason)
        self.note = self.field("Note", "what happened (required for Other)")

    def problem(self) -> str | None:
        if not self.lot.text().strip():
            return "Name the lot you take."
        if not self.reason.currentData():
            return "Choose the reason for the override."
        if self.reason.currentData() == "OTHER" and not self.note.text().strip():
            return "With the reason Other, say what happened."
        return None


class CompleteDialog(Form):
    def __init__(self, view, parent=None):
        super().__init__(f"Complete production order {view.order}",
                         f"Makes {view.product}: the picked lots are recorded as consumed, the batch gets a "
                         "new lot and its labels.", parent)
        self.quantity = self.field("Quantity made")
        self.location = self.field("Put away at", "location code")
        self.lot = self.field("New lot code", "default: the next of the day")
        self.machine = self.field("Machine")
        self.operator = self.field("Operator")

    def problem(self) -> str | None:
        if not self.quantity.text().strip():
            return "Say how much was made."
        if not self.location.text().strip():
            return "Say where the batch is put away."
        return None


class ShipDialog(Form):
    def __init__(self, view, parent=None):
        super().__init__(f"Ship pick list {view.code}", f"To {view.customer}: one shipment line per lot picked.",
                         parent)
        self.shipment = self.field("Shipment", view.shipment or "default: the next of the day")
