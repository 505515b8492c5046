"""File → Export EPCIS document…: the events of the chosen lot's trace, of a period, or of the whole plant, as an
EPCIS 2.0 JSON-LD or XML document (what ``workbench export-epcis`` writes), off the UI thread."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
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
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from workbench.actions.epcis_export import EpcisExport, day_period, export_document, export_path, format_of
from workbench.errors import WorkbenchError
from workbench.facts import LotRef
from workbench.outfile import FileExists
from workbench.plant import Plant
from workbench.ui.ops import run_op

FILTERS = "EPCIS 2.0 JSON-LD (*.jsonld *.json);;EPCIS 2.0 XML (*.xml)"
DIRECTIONS = (("Both ways", "both"), ("Forward (where it went)", "forward"), ("Backward (what went into it)", "backward"))


def install(window) -> QAction:
    """The File menu's action (the window adds it to its menu)."""
    action = QAction("Export EPCIS document…", window)
    action.setShortcut(QKeySequence("Ctrl+Shift+E"))
    action.setStatusTip("Write the events of the chosen lot's trace, of a period, or of the whole plant as EPCIS 2.0")
    action.triggered.connect(lambda _checked=False: open_dialog(window))
    window.epcis_export_action = action
    return action


def open_dialog(window) -> EpcisExportDialog:
    dialog = EpcisExportDialog(window.plant, window._chosen_lot(), window)
    dialog.open()
    return dialog


def _day(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


class EpcisExportDialog(QDialog):
    def __init__(self, plant: Plant, lot: LotRef | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.plant, self.lot = plant, lot
        self.done_export: EpcisExport | None = None
        self._replace_confirmed: Path | None = None
        self.setWindowTitle("Export EPCIS document")
        self.trace = QRadioButton(f"The trace of {lot.label}" if lot else "The trace of a lot (open one first)")
        self.trace.setEnabled(lot is not None)
        self.whole = QRadioButton("The whole plant")
        group = QButtonGroup(self)
        group.addButton(self.trace)
        group.addButton(self.whole)
        (self.trace if lot else self.whole).setChecked(True)
        self.direction = QComboBox()
        for text, value in DIRECTIONS:
            self.direction.addItem(text, value)
        self.direction.setEnabled(lot is not None)
        self.trace.toggled.connect(self.direction.setEnabled)
        self.in_period = QCheckBox("Only the events from")
        today = date.today()
        self.since, self.until = self._date(today - timedelta(days=30)), self._date(today)
        self.since.setEnabled(False)
        self.until.setEnabled(False)
        self.in_period.toggled.connect(self.since.setEnabled)
        self.in_period.toggled.connect(self.until.setEnabled)
        period = QHBoxLayout()
        period.addWidget(self.in_period)
        period.addWidget(self.since)
        period.addWidget(QLabel("to"))
        period.addWidget(self.until)
        period.addStretch(1)
        self.path_edit = QLineEdit(str(Path.home() / (f"{lot.lot}-trace.jsonld" if lot else "plant.jsonld")))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow("Events of", self.trace)
        form.addRow("", self.whole)
        form.addRow("Direction", self.direction)
        form.addRow("Period", period)
        form.addRow("File", where)
        self.status = QLabel("JSON-LD for a .jsonld or .json name, XML for .xml. A trace or a period carries the master "
                             "data of what its events name only.")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(620, 250)

    @staticmethod
    def _date(day: date) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export EPCIS document", self.path_edit.text(), FILTERS)
        if path:
            self.path_edit.setText(path)
            self._replace_confirmed = Path(path)  # the file dialog has asked already

    def _may_replace(self, path: Path) -> bool:
        if self._replace_confirmed == path:
            return True
        answer = QMessageBox.question(self, "Replace the file?", f"{path} already exists. Replace it?")
        return answer == QMessageBox.StandardButton.Yes

    def export(self) -> None:
        """Check the choices, then write the document in the background."""
        text = self.path_edit.text()
        fmt = format_of(text)
        force = False
        try:
            period = None
            if self.in_period.isChecked():
                period = day_period(_day(self.since), _day(self.until))
            path = export_path(text, fmt)
        except FileExists as exists:
            if not self._may_replace(exists.path):
                self.status.setText("Not exported: choose another file.")
                return
            path, force = exists.path, True
        except WorkbenchError as exc:
            self.status.setText(str(exc))
            return
        lot = self.lot if self.trace.isChecked() else None
        direction = self.direction.currentData()
        plant = self.plant
        self.export_button.setEnabled(False)
        self.status.setText("Exporting…")
        run_op(self, lambda _p: export_document(plant, path, fmt, lot, None, direction, period, force),
               self._exported, self._failed, label="Exporting the EPCIS document…")

    def _exported(self, done: EpcisExport) -> None:
        self.done_export = done
        self.export_button.setEnabled(True)
        self.status.setText(f"Exported {done.events:,} events of {done.what} to {done.path} "
                            f"(EPCIS 2.0 {'XML' if done.format == 'xml' else 'JSON-LD'}).")

    def _failed(self, message: str, cancelled: bool) -> None:
        self.export_button.setEnabled(True)
        self.status.setText("Cancelled; nothing was written." if cancelled else f"Not exported: {message}")
