"""The "Supplier corrective action…" dialog: issue a SCAR for a purchased lot.

Shows the D2/D3 facts (``workbench.supplier.scar.scar_facts``), asks for the defect found
and the vendor's response date, then records the SCAR and writes the 8D PDF
(``workbench.reports.scar``) in one background transaction: if the PDF cannot be
written, no SCAR is recorded.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.actions.scar import issue_scar, scar_path
from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.format import purchase_order
from workbench.format import quantity as fmt_quantity
from workbench.format import when as fmt_time
from workbench.outfile import FileExists
from workbench.supplier.records import DEFAULT_RESPONSE_DAYS, ScarFacts
from workbench.supplier.scar import scar_facts
from workbench.ui.ops import Op, plant_op, run_op


class ScarDialog(QDialog):
    """Issue a supplier corrective-action request (8D) to the vendor of ``lot``."""

    issued = Signal(str, str)  # SCAR code, PDF path

    def __init__(self, plant, lot: LotRef, parent: QWidget | None = None):
        super().__init__(parent)
        self.plant = plant
        self.lot = lot
        self.facts: ScarFacts | None = None
        self.issued_code: str | None = None
        self.pdf_path: Path | None = None
        self.error: str | None = None
        self._op: Op | None = None
        self.setWindowTitle(f"Supplier corrective action: {lot.label}")
        self.setMinimumWidth(680)

        self.heading = QLabel(f"Supplier corrective action · {lot.label}")
        self.heading.setObjectName("panelTitle")
        self.heading.setWordWrap(True)
        self.facts_label = QLabel("Loading the lot's receipt and downstream reach…")
        self.facts_label.setObjectName("panelSubtitle")
        self.facts_label.setWordWrap(True)
        self.problem_edit = QPlainTextEdit()
        self.problem_edit.setPlaceholderText("The defect found: what, where, how many, how it was detected")
        self.problem_edit.setMinimumHeight(90)  # and it takes the height a taller dialog gives, not the gaps between rows
        self.due_edit = QDateEdit()
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("yyyy-MM-dd")
        self.due_edit.setMaximumWidth(self.due_edit.sizeHint().width() + 40)  # a date, not a line of text
        self.due_edit.setDate(QDate.currentDate().addDays(DEFAULT_RESPONSE_DAYS))
        self.path_edit = QLineEdit(str(Path.home() / f"SCAR {lot.item} {lot.lot}.pdf".replace("/", "-")))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow("Defect found", self.problem_edit)
        form.addRow("Response due", self.due_edit)
        form.addRow("Save PDF as", where)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.issue_button = self.buttons.addButton("Issue SCAR and save PDF", QDialogButtonBox.ButtonRole.AcceptRole)
        self.issue_button.setEnabled(False)
        self.open_button = self.buttons.addButton("Open PDF", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setVisible(False)
        self.print_button = self.buttons.addButton("Print…", QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setVisible(False)
        self.print_button.clicked.connect(self._print_pdf)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.issue_button.clicked.connect(self.issue)
        self.open_button.clicked.connect(self._open_pdf)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.facts_label)
        layout.addLayout(form, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._load()

    def _load(self) -> None:
        lot = self.lot
        self._op = run_op(self, plant_op(self.plant, lambda s, p: scar_facts(s, lot)), self._loaded,
                          self._load_failed)

    def _load_failed(self, message: str, cancelled: bool) -> None:
        self._op = None
        self.error = message
        self.facts_label.setText(message)
        self.issue_button.setEnabled(False)

    def _loaded(self, facts: ScarFacts) -> None:
        self._op = None
        self.facts = facts
        receipts = "; ".join(f"{r.receipt} on {fmt_time(r.received_at)[:10]}" for r in facts.receipts)
        hold = facts.downstream_on_hand()
        self.facts_label.setText(
            f"<b>{facts.vendor.display}</b> · vendor lot <b>{facts.vendor_lot or '—'}</b> · {purchase_order(facts.po)} · "
            f"{receipts}: {fmt_quantity(facts.received, facts.unit)}<br>"
            f"Consumed {fmt_quantity(facts.consumed, facts.unit)}, on hand {fmt_quantity(facts.on_hand, facts.unit)} "
            f"· {len(facts.downstream)} downstream lots ("
            + (", ".join(fmt_quantity(q, u) for u, q in sorted(hold.items())) or "none")
            + f" on hand) · {len(facts.products)} products · {len(facts.customers)} customers"
            + (f"<br>Already open: {', '.join(s.code for s in facts.scars if s.status == 'open')}"
               if any(s.status == "open" for s in facts.scars) else ""))
        if not self.problem_edit.toPlainText().strip():
            self.problem_edit.setPlainText(facts.default_problem() or "")
        self.issue_button.setEnabled(True)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the SCAR as", self.path_edit.text(), "PDF (*.pdf)")
        if path:
            self.path_edit.setText(path)
            self._replace_confirmed = Path(path)  # the file dialog has asked already

    def _may_replace(self, path: Path) -> bool:
        """A file is there: replace it only if the user said so (in the file dialog, or now)."""
        if getattr(self, "_replace_confirmed", None) == path:
            return True
        answer = QMessageBox.question(self, "Replace the file?", f"{path} already exists. Replace it with the SCAR?")
        return answer == QMessageBox.StandardButton.Yes

    def due(self) -> date:
        d = self.due_edit.date()
        return date(d.year(), d.month(), d.day())

    def issue(self) -> None:
        """Record the SCAR and write the PDF in the background."""
        problem = self.problem_edit.toPlainText().strip()
        if not problem:
            self.status.setText("Describe the defect found.")
            return
        force = False
        try:
            path = scar_path(self.path_edit.text())
        except FileExists as exists:
            if not self._may_replace(exists.path):
                self.status.setText("Not issued: choose another file for the PDF.")
                return
            path, force = exists.path, True
        except WorkbenchError as exc:
            self.status.setText(str(exc))
            return
        self.path_edit.setText(str(path))
        due, lot, plant = self.due(), self.lot, self.plant

        def work(_progress):
            return issue_scar(plant, lot, problem, due, path, force=force)

        self.issue_button.setEnabled(False)
        self.status.setText("Issuing…")
        self._op = run_op(self, work, self._issued, self._issue_failed, label="Issuing the SCAR…")

    def _issue_failed(self, message: str, cancelled: bool) -> None:
        self._op = None
        self.error = message
        self.status.setText("Cancelled; nothing was recorded." if cancelled else f"Not issued: {message}")
        self.issue_button.setEnabled(True)

    def _issued(self, result) -> None:
        self._op = None
        self.issued_code, self.pdf_path = result.code, result.path
        self.status.setText(f"<b>{self.issued_code}</b> issued to {self.facts.vendor.display if self.facts else ''}, "
                            f"response due {self.due():%Y-%m-%d}. Saved to {self.pdf_path}.")
        self.issue_button.setVisible(False)
        self.open_button.setVisible(True)
        self.print_button.setVisible(True)
        self.issued.emit(self.issued_code, str(self.pdf_path))

    def _open_pdf(self) -> None:
        if self.pdf_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pdf_path)))

    def _print_pdf(self) -> None:
        if self.pdf_path is not None:
            from workbench.ui.printing import print_with_dialog

            print_with_dialog(self, self.pdf_path, "Print the SCAR")

    def is_idle(self) -> bool:
        return self._op is None
