"""Every view at 1366x768 and 1920x1080 without clipping, checked from the widgets' geometry
on offscreen screenshots of the demo plant (the PNGs are looked at through
``scripts/screenshot_views.py``, which opens the same views)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QAbstractScrollArea, QHeaderView, QLabel, QWidget

from workbench.demo import INCIDENT
from workbench.plant.lookup import find_lot
from workbench.ui.app import find_lot_in_background

SIZES = [(1366, 768), (1920, 1080)]


def settle(window) -> None:
    assert window.wait_until_idle(120_000)
    for _ in range(5):
        QCoreApplication.processEvents()


def assert_fits(window, size, what: str) -> None:
    """The window kept the size asked for: no view's minimum size pushed it past the screen."""
    assert (window.width(), window.height()) == size, f"{what}: the window grew to {window.width()}x{window.height()}"
    shot = window.grab()
    assert (shot.width(), shot.height()) == size


def clipped_labels(root: QWidget) -> list[str]:
    """Labels whose longest word is wider than the label (cut off, not wrapped)."""
    out = []
    for label in root.findChildren(QLabel):
        if not label.isVisible() or not label.text() or label.textFormat() == 1:  # rich text wraps itself
            continue
        words = label.text().split() if label.wordWrap() else [label.text()]
        if not words:
            continue
        need = max(label.fontMetrics().horizontalAdvance(w) for w in words)
        room = label.contentsRect().width()
        if need > room + 1:
            out.append(f"{label.text()!r} needs {need} px, has {room}")
    return out


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_view_fits_without_clipping(demo_plant, make_main_window, size, tmp_path):
    window = make_main_window(demo_plant, size=size, persist=False)
    ref, error = find_lot_in_background(window, INCIDENT.lot, INCIDENT.item)
    assert error is None
    window.open_lot(ref)
    settle(window)
    assert_fits(window, size, "genealogy")

    # The details panel: every fact readable (nothing cut sideways), and it scrolls down
    # where its facts are taller than the panel.
    sheet = window.details.scroll_area.widget()
    assert clipped_labels(sheet) == []
    area = window.details.scroll_area
    if sheet.sizeHint().height() > area.viewport().height():
        assert area.verticalScrollBar().maximum() > 0
    # The genealogy's Find box keeps its width on the toolbar.
    find = window.genealogy.search_box
    assert find.isVisible() and find.width() >= find.minimumWidth() >= 170, find.width()

    # The recall: the hold list's On hand column on screen without scrolling.
    window.start_recall([ref])
    recall = window.workspace.currentWidget()
    settle(window)
    assert_fits(window, size, "recall")
    table = recall.lot_table
    col = recall.LOT_HEADERS.index("On hand")
    right = table.horizontalHeader().sectionViewportPosition(col) + table.columnWidth(col)
    assert right <= table.viewport().width(), f"On hand ends at {right} of {table.viewport().width()} px"
    recall.tabs.setCurrentIndex(3)  # the quantity flow, laid out for its view
    settle(window)
    recall._flow_resize.timeout.emit()
    settle(window)
    flows = recall.flow_view
    layout = recall.flow_layout
    assert layout is not None
    assert flows.scene().sceneRect().contains(flows.scene().itemsBoundingRect().adjusted(3, 3, -3, -3))
    port = flows.viewport().size()
    assert layout.width >= min(port.width() - 4, 900) - 1

    # History of a finished lot (siblings, Gantt) and commonality, each in the window as asked.
    with demo_plant.Session() as s:
        product = find_lot(s, "26133C3", "FG-GRANOLA-COCO")
    window.open_history(product)
    settle(window)
    assert_fits(window, size, "history")
    history = window.workspace.currentWidget()
    assert "folded away" in history.summary.text()  # salt and the like
    for area in history.findChildren(QAbstractScrollArea):  # the graph, the tables: not squeezed to a strip
        if area.isVisible() and not isinstance(area, QHeaderView):
            assert area.width() > 80 and area.height() > 40, type(area).__name__
    window.open_commonality([product])
    settle(window)
    assert_fits(window, size, "commonality")
    window.open_vendor(INCIDENT.vendor)
    settle(window)
    assert_fits(window, size, "vendor")
    window.grab().save(str(tmp_path / f"vendor-{size[0]}x{size[1]}.png"))
