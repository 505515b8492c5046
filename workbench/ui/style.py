"""The workbench's look: palette, stylesheet, icons, node-kind colours and value formats.

One light theme on Qt's Fusion style so the app looks the same on every platform (and
offscreen, for the README screenshots). Node-kind colours come from
``workbench.reports.figures.KIND_STYLE`` so the graph, the timeline, the details panel and
the PDF figures agree.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QColor, QFont, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from workbench.config import resources_dir
from workbench.reports.figures import KIND_STYLE

ACCENT = "#2b6cb0"
TEXT = "#1a202c"
MUTED = "#5a6577"
BORDER = "#d5dbe3"
WINDOW = "#f4f6f9"
PANEL = "#ffffff"
HEADER = "#eef2f7"

#: Colours of lot statuses in tables and the details header.
STATUS_COLOURS = {
    "in stock": "#2f855a",
    "expired": "#b7791f",
    "consumed": "#5a6577",
    "shipped": "#2b6cb0",
    "empty": "#5a6577",
    "unaccounted": "#c53030",
    "on hold": "#c53030",
}

#: Life-event kinds -> the node kind whose colours they borrow.
EVENT_KIND = {
    "received": "receipt",
    "opening": "lot",
    "produced": "order",
    "operation": "operation",
    "consumed": "order",
    "shipped": "shipment",
    "returned": "return",
}


def kind_colours(kind: str) -> tuple[QColor, QColor]:
    """(fill, line) colour of a node kind."""
    _shape, fill, line = KIND_STYLE.get(kind, ("box", "#edf2f7", "#4a5568"))
    return QColor(fill), QColor(line)


@cache
def icon(name: str) -> QIcon:
    """An icon from ``resources/icons/NAME.svg`` (an empty icon if it is missing)."""
    path = resources_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


STYLESHEET = f"""
QMainWindow, QDialog {{ background: {WINDOW}; }}
QToolBar {{ background: {PANEL}; border: none; border-bottom: 1px solid {BORDER}; spacing: 4px; padding: 3px 6px; }}
QToolBar QToolButton {{ padding: 4px 8px; border-radius: 4px; color: {TEXT}; }}
QToolBar QToolButton:hover {{ background: {HEADER}; }}
QToolBar QToolButton:disabled {{ color: #a0aab8; }}
QStatusBar {{ background: {PANEL}; border-top: 1px solid {BORDER}; color: {MUTED}; }}
QStatusBar QLabel {{ color: {MUTED}; padding: 0 6px; }}
QDockWidget {{ font-weight: 600; color: {TEXT}; }}
QDockWidget::title {{ background: {HEADER}; padding: 6px 10px; border-bottom: 1px solid {BORDER}; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; background: {PANEL}; top: -1px; }}
QTabBar::tab {{ background: {HEADER}; border: 1px solid {BORDER}; padding: 6px 14px; margin-right: 2px;
               border-top-left-radius: 4px; border-top-right-radius: 4px; color: {MUTED}; }}
QTabBar::tab:selected {{ background: {PANEL}; color: {TEXT}; border-bottom-color: {PANEL}; }}
QLineEdit {{ border: 1px solid {BORDER}; border-radius: 4px; padding: 5px 8px; background: {PANEL};
             selection-background-color: {ACCENT}; }}
QLineEdit:focus {{ border-color: {ACCENT}; }}
QLineEdit#searchField {{ font-size: 11pt; padding: 7px 10px; }}
QTableView, QTreeView {{ border: 1px solid {BORDER}; background: {PANEL}; gridline-color: #edf0f4;
                         alternate-background-color: #f8fafc; selection-background-color: #cfe0f5;
                         selection-color: {TEXT}; }}
QHeaderView::section {{ background: {HEADER}; border: none; border-right: 1px solid {BORDER};
                        border-bottom: 1px solid {BORDER}; padding: 4px 6px; color: {MUTED}; font-weight: 600; }}
QLabel#panelTitle {{ font-size: 15pt; font-weight: 600; color: {TEXT}; }}
QLabel#panelSubtitle {{ color: {MUTED}; }}
QLabel#sectionHeading {{ font-weight: 700; color: {ACCENT}; padding-top: 10px; border-bottom: 1px solid {BORDER};
                         padding-bottom: 3px; font-size: 8.5pt; }}
QLabel#factKey {{ color: {MUTED}; }}
QLabel#hint {{ color: {MUTED}; }}
QLabel#badge {{ border-radius: 8px; padding: 2px 8px; color: white; font-weight: 600; font-size: 8.5pt; }}
QLabel#placeholderTitle {{ font-size: 16pt; font-weight: 600; color: {TEXT}; }}
QLabel#placeholderText {{ color: {MUTED}; font-size: 10.5pt; }}
QScrollArea {{ border: none; background: {PANEL}; }}
QWidget#detailsBody, QWidget#searchPanel {{ background: {PANEL}; }}
QSplitter::handle {{ background: {BORDER}; }}
"""


def apply_style(app: QApplication) -> None:
    """Fusion, a light palette, a readable UI font and the stylesheet."""
    app.setStyle("Fusion")
    pal = QPalette()
    pal.setColor(QPalette.ColorRole.Window, QColor(WINDOW))
    pal.setColor(QPalette.ColorRole.WindowText, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.Base, QColor(PANEL))
    pal.setColor(QPalette.ColorRole.AlternateBase, QColor("#f8fafc"))
    pal.setColor(QPalette.ColorRole.Text, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.Button, QColor(PANEL))
    pal.setColor(QPalette.ColorRole.ButtonText, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    pal.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    pal.setColor(QPalette.ColorRole.ToolTipBase, QColor("#ffffff"))
    pal.setColor(QPalette.ColorRole.ToolTipText, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8a94a6"))
    app.setPalette(pal)
    font = QFont(app.font())
    font.setPointSizeF(9.5)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
