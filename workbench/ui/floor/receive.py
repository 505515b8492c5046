"""Receive: a purchase-order line (or a free receipt) becomes a new lot, and its labels PDF."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.actions import floor as actions
from workbench.errors import WorkbenchError
from workbench.format import quantity as fmt
from workbench.ui.floor.feedback import GREEN, RED, Feedback
from workbench.ui.ops import run_op
from workbench.ui.printing import print_with_dialog
from workbench.ui.widgets import heading, hint


def _date(text: str, what: str) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise WorkbenchError(f"The {what} '{text}' is not a date as YYYY-MM-DD.") from None


class ReceivePage(QWidget):
    def __init__(self, floor, parent=None):
        super().__init__(parent)
        self.floor = floor
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for key, label, hint_text in (
                ("item", "Item", "item code"), ("quantity", "Quantity", "in the item's unit"),
                ("unit", "Unit", "optional: checked against the item"), ("vendor", "Vendor", "vendor code"),
                ("vendor_lot", "Vendor lot", "the vendor's lot number"), ("po", "Purchase order", "PO line"),
                ("location", "Put away at", "location code"), ("produced", "Produced on", "YYYY-MM-DD"),
                ("expiry", "Expiry / best before", "YYYY-MM-DD, default from the shelf life"),
                ("sscc", "Pallet SSCC", "18 digits, optional")):
            edit = QLineEdit()
            edit.setPlaceholderText(hint_text)
            form.addRow(label, edit)
            self.fields[key] = edit
        self.quarantine = QCheckBox("Hold in quarantine until QA releases it")
        form.addRow("", self.quarantine)
        self.label_size = QComboBox()
        self.label_size.addItems(["4x6in", "100x150mm", "2x1in", "a4", "letter"])
        self.copies = QSpinBox()
        self.copies.setRange(1, 500)
        labels = QHBoxLayout()
        labels.addWidget(self.label_size)
        labels.addWidget(self.copies)
        labels.addStretch(1)
        form.addRow("Labels (size, copies)", labels)
        self.button = QPushButton("Receive and make labels")
        self.button.setToolTip("Record the receipt as a new lot and write its labels (then Print labels…)")
        self.button.clicked.connect(self.receive)
        self.last_labels: Path | None = None
        self.print_labels = QPushButton("Print labels…")
        self.print_labels.setToolTip("Print the labels of the lot just received (the printer's paper set to the "
                                     "label size)")
        self.print_labels.setEnabled(False)
        self.print_labels.clicked.connect(self.print_last_labels)
        self.open_labels = QPushButton("Open labels PDF")
        self.open_labels.setToolTip("Open the labels in the PDF viewer")
        self.open_labels.setEnabled(False)
        self.open_labels.clicked.connect(
            lambda: self.last_labels and QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_labels))))
        buttons = QHBoxLayout()
        buttons.addWidget(self.button)
        buttons.addWidget(self.print_labels)
        buttons.addWidget(self.open_labels)
        buttons.addStretch(1)
        self.feedback = Feedback()
        self.feedback.show_text("Fill in the receipt line and press Receive.", "#5b6572")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Receive a lot"))
        layout.addWidget(hint("What was received at once against one purchase-order line becomes one new lot; "
                              "the vendor's lot is kept beside it."))
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.feedback)
        layout.addStretch(1)

    def print_last_labels(self) -> int:
        """The print dialog for the labels just made; the pages printed (0 when cancelled)."""
        if self.last_labels is None:
            return 0
        return print_with_dialog(self, self.last_labels, "Print labels")

    def receive(self) -> None:
        f = {k: e.text().strip() or None for k, e in self.fields.items()}
        who, quarantine = self.floor.who(), self.quarantine.isChecked()
        size, copies = self.label_size.currentText(), self.copies.value()
        out = Path(tempfile.mkdtemp(prefix="labels-")) / "labels.pdf"

        def run(_p):
            produced, expiry = _date(f.pop("produced") or "", "production date"), _date(f.pop("expiry") or "",
                                                                                         "expiry date")
            done = actions.receive(self.floor.plant, item=f["item"] or "", quantity=f["quantity"] or "",
                                   unit=f["unit"], vendor=f["vendor"] or "", vendor_lot=f["vendor_lot"], po=f["po"],
                                   location=f["location"], produced_at=produced, expires_at=expiry, sscc=f["sscc"],
                                   quarantine=quarantine, by=who)
            path = actions.print_labels(self.floor.plant, [done.result.lot], out, size, copies)
            return done, path

        def done(result) -> None:
            got, path = result
            r = got.result
            self.feedback.show_text(f"Received {fmt(r.quantity, r.unit)} as lot {r.lot.label} ({r.receipt}) at "
                                    f"{r.location}. Labels: {path}", GREEN)
            self.floor.changed(got.changes)
            self.last_labels = path
            self.open_labels.setEnabled(True)
            self.print_labels.setEnabled(True)
            self.print_labels.setFocus()  # Enter prints

        run_op(self, run, done, lambda message, _c: self.feedback.show_text(message, RED))
