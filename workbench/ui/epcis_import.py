"""File → Import EPCIS documents…: EPCIS files (and bundle folders) into the plant, off the UI thread.

The import runs on a worker thread through ``ui.ops.run_op`` (progress with Cancel after 600 ms; a cancel
rolls the one transaction back); the summary, or every fault with its place, is shown in a dialog, and
the change is broadcast to every open view.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from workbench.actions.imports import import_paths
from workbench.errors import WorkbenchError
from workbench.interchange.bundle import ImportFailed
from workbench.interchange.epcisload import EpcisImportFailed
from workbench.interchange.epcisload.summary import format_epcis_summary
from workbench.ui.ops import run_op

FILTER = "EPCIS documents (*.json *.jsonld *.xml);;All files (*)"


def install(window) -> QAction:
    """The File menu's action (the window adds it to its menu)."""
    action = QAction("Import EPCIS documents…", window)
    action.setShortcut(QKeySequence("Ctrl+Shift+I"))
    action.setStatusTip("Import EPCIS 2.0 JSON/JSON-LD or EPCIS 2.0/1.2 XML documents into this plant, all in one go")
    action.triggered.connect(lambda _checked=False: import_dialog(window))
    window.epcis_import_action = action
    return action


def import_dialog(window) -> None:
    files, _ = QFileDialog.getOpenFileNames(window, "Import EPCIS documents", "", FILTER)
    if files:
        import_files(window, files)


def import_files(window, paths: Sequence[str]) -> None:
    """Import in the background, in one transaction; show the summary or the faults; broadcast the change."""
    plant = window.plant

    def run(progress):
        try:
            return import_paths(plant, list(paths), progress)
        except (EpcisImportFailed, ImportFailed) as exc:
            return exc

    def done(outcome) -> None:
        if isinstance(outcome, EpcisImportFailed | ImportFailed):
            show(window, "Import refused", f"<b>{outcome}</b> Correct these places and import again:",
                 "\n".join(str(f) for f in outcome.faults))
            return
        result, changes = outcome
        texts = []
        if result.epcis is not None:
            texts.append(format_epcis_summary(result.epcis, plant.display_url, shown=1000))
        texts += [f"{b.directory}: {b.inserted:,} new rows, {b.present:,} present" for b in result.bundles]
        show(window, "Import finished", f"<b>{result.inserted:,} new events and rows</b> imported.", "\n\n".join(texts))
        window.broadcast(changes)

    def failed(message: str, cancelled: bool) -> None:
        if not cancelled:
            show(window, "Import refused", f"<b>{message}</b>", "")

    try:
        label = f"Importing {len(paths)} document{'s' if len(paths) != 1 else ''}…"
        run_op(window, run, done, failed, label=label)
    except WorkbenchError as exc:  # pragma: no cover - run_op reports failures through ``failed``
        failed(str(exc), False)


def show(parent: QWidget, title: str, head: str, body: str) -> QDialog:
    box = QDialog(parent)
    box.setWindowTitle(title)
    label = QLabel(head)
    label.setWordWrap(True)
    text = QPlainTextEdit()
    text.setReadOnly(True)
    text.setPlainText(body)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(box.reject)
    layout = QVBoxLayout(box)
    layout.addWidget(label)
    layout.addWidget(text)
    layout.addWidget(buttons)
    box.resize(760, 420)
    box.open()
    return box
