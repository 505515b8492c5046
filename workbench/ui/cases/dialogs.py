"""Dialogs of the case work: open a case, sign (21 CFR Part 11: name, meaning, password),
and follow a SCAR to closure (the vendor's answers D4-D8, dues, verification, closure)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.actions import scar_followup as fu
from workbench.facts import LotRef
from workbench.supplier.followup import DISCIPLINES, ScarFollowUp
from workbench.ui.ops import Op, run_op
from workbench.ui.widgets import heading, hint


class NewCaseDialog(QDialog):
    """Title, where the case starts (a lot, a complaint, a return, a supplier notice), problem."""

    def __init__(self, lots: list[LotRef], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Open a case")
        self.setMinimumWidth(520)
        self.lots = lots
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("What is investigated, e.g. Salmonella in almonds")
        self.origin = QComboBox()
        for key, text in (("lot", "a suspect lot"), ("complaint", "a customer complaint"), ("return", "a return"),
                          ("supplier_notice", "a supplier notice")):
            self.origin.addItem(text, key)
        self.ref_edit = QLineEdit()
        self.ref_edit.setPlaceholderText("complaint no., RMA, notice reference")
        self.problem = QPlainTextEdit()
        self.problem.setFixedHeight(70)
        form = QFormLayout()
        form.addRow("Title", self.title_edit)
        form.addRow("Starts from", self.origin)
        form.addRow("Reference", self.ref_edit)
        form.addRow("Problem", self.problem)
        form.addRow("Suspect lots", QLabel(", ".join(x.label for x in lots) or "none yet (add them later)"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, str, str | None, str | None]:
        return (self.title_edit.text(), self.origin.currentData(), self.ref_edit.text() or None,
                self.problem.toPlainText() or None)


class SignDialog(QDialog):
    """An electronic signature: the signer's full name, its meaning, and the database
    password where the database can check it (the result says how the signer was proven)."""

    def __init__(self, what: str, postgres: bool, parent: QWidget | None = None, vendor_choice: bool = False):
        super().__init__(parent)
        self.setWindowTitle("Sign")
        self.setMinimumWidth(460)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Your full name as it appears on the record")
        self.meaning = QComboBox()
        self.meaning.setEditable(True)
        self.meaning.addItems(["approved", "reviewed", "verified"])
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.vendor_cause = QCheckBox("The root cause was the vendor's (unticked: it no longer counts against them)")
        self.vendor_cause.setChecked(True)
        form = QFormLayout()
        form.addRow("Full name", self.name)
        form.addRow("Meaning", self.meaning)
        if vendor_choice:
            form.addRow("", self.vendor_cause)
        if postgres:
            form.addRow("Database password", self.password)
        note = ("Your database role's password is checked by the server. If the server trusts this "
                "connection without one, the signature records that no password could be checked."
                if postgres else "A SQLite plant has no users: the signature records your OS login, no password.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(what))
        layout.addLayout(form)
        layout.addWidget(hint(note))
        layout.addWidget(buttons)

    def values(self) -> tuple[str, str, str | None]:
        return self.name.text(), self.meaning.currentText(), self.password.text() or None


class ScarFollowUpDialog(QDialog):
    """A SCAR's answers, files, due dates, verification and closure, edited in place."""

    changed = Signal(object)  # Changes

    def __init__(self, plant, code: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.plant = plant
        self.code = code
        self.follow: ScarFollowUp | None = None
        self.files: list[str] = []
        self._op: Op | None = None
        self.setWindowTitle(f"SCAR follow-up: {code}")
        self.setMinimumWidth(700)
        self.title = heading(code)
        self.state = hint()
        self.answers = {d: QPlainTextEdit() for d in DISCIPLINES}
        form = QFormLayout()
        for d, edit in self.answers.items():
            edit.setFixedHeight(48)
            form.addRow(DISCIPLINES[d], edit)
        self.file_list = QListWidget()
        self.file_list.setFixedHeight(54)
        add_file = QPushButton("Add vendor file…")
        add_file.clicked.connect(self._add_file)
        self.verify_by = QDateEdit(QDate.currentDate().addDays(60))
        self.verify_by.setCalendarPopup(True)
        files_row = QHBoxLayout()
        files_row.addWidget(self.file_list, 1)
        files_row.addWidget(add_file)
        form.addRow("Files", files_row)
        form.addRow("Verify by", self.verify_by)
        self.evidence = QLineEdit()
        self.evidence.setPlaceholderText("Evidence of effectiveness: tests, audits, receipts checked")
        form.addRow("Verification", self.evidence)
        self.save = QPushButton("Record answer")
        self.save.clicked.connect(self._save)
        self.effective = QPushButton("Verified effective")
        self.effective.clicked.connect(lambda: self._verify(True))
        self.not_effective = QPushButton("Not effective")
        self.not_effective.clicked.connect(lambda: self._verify(False))
        self.close_button = QPushButton("Close and sign…")
        self.close_button.clicked.connect(self._close)
        self.message = hint()
        buttons = QHBoxLayout()
        for b in (self.save, self.effective, self.not_effective, self.close_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        done = QPushButton("Done")
        done.clicked.connect(self.accept)
        buttons.addWidget(done)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.state)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.load()

    def load(self) -> None:
        code = self.code
        self._op = run_op(self, lambda _p: fu.show_scar(self.plant, code), self._loaded, self._failed)

    def _failed(self, message: str, cancelled: bool) -> None:
        self._op = None
        self.message.setText("Cancelled." if cancelled else message)

    def _loaded(self, f: ScarFollowUp) -> None:
        self._op = None
        self.follow = f
        r = f.record
        self.title.setText(f"{r.code} · {r.vendor} · {r.lot.label}")
        late = f.overdue()
        self.state.setText(
            f"Stage <b>{f.stage}</b> · issued {r.issued_at:%Y-%m-%d} · response due "
            f"{r.due_at:%Y-%m-%d}" + (f" · <span style='color:#c53030'><b>{late}</b></span>" if late else "")
            + (f" · repeats {f.repeats}" if f.repeats else "") + f" · problem: {r.problem}")
        for d, edit in self.answers.items():
            edit.setPlainText(f.answers.get(d) or "")
            edit.setReadOnly(f.stage == "closed")
        self.file_list.clear()
        for _id, name, size, sha in f.files:
            self.file_list.addItem(f"{name} ({size:,} bytes) sha256 {sha[:16]}…")
        closed = f.stage == "closed"
        self.save.setEnabled(not closed)
        self.effective.setEnabled(f.stage == "answered")
        self.not_effective.setEnabled(f.stage == "answered")
        self.close_button.setEnabled(not closed)

    def _add_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "A file the vendor sent")
        if path:
            self.files.append(path)
            self.file_list.addItem(f"{path} (to be kept)")

    def _done(self, result) -> None:
        self._op = None
        self.files = []
        f, changes = result[0], result[1]
        self.message.setText(result[2] if len(result) > 2 else "Saved.")
        self.changed.emit(changes)
        self._loaded(f)

    def _save(self) -> None:
        assert self.follow is not None
        answers: dict[str, str | None] = {d: e.toPlainText() for d, e in self.answers.items()}
        version, files = self.follow.version, list(self.files)
        q = self.verify_by.date()
        verify_by = date(q.year(), q.month(), q.day())
        self._op = run_op(self, lambda _p: fu.record_answer(self.plant, self.code, answers, files, None, verify_by,
                                                            version), self._done, self._failed)

    def _verify(self, effective: bool) -> None:
        assert self.follow is not None
        version, evidence = self.follow.version, self.evidence.text()
        self._op = run_op(self, lambda _p: fu.verify(self.plant, self.code, effective, evidence, version),
                          self._done, self._failed)

    def _close(self) -> None:
        assert self.follow is not None
        dialog = SignDialog(f"Close {self.code}", self.plant.dialect == "postgresql", self, vendor_choice=True)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name, meaning, password = dialog.values()
        vendor, version = dialog.vendor_cause.isChecked(), self.follow.version
        self._op = run_op(self, lambda _p: fu.close(self.plant, self.code, vendor, name, meaning, password, version),
                          self._done, self._failed)
