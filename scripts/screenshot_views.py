"""Screenshots of every view of the workbench at one window size (offscreen).

    QT_QPA_PLATFORM=offscreen python scripts/screenshot_views.py DB_URL OUTDIR WxH [VIEW ...]

VIEW is any of: genealogy recall-lots recall-customers recall-reconciliation recall-flow
history commonality vendor flow-wide (the quantity flow with the side panels closed, for the
README) (default: all). Each PNG is OUTDIR/VIEW-WxH.png. The incident lot
of the demo plant is the one shown; used by ``scripts/screenshots.sh`` (the Sankey) and for
looking at every view at 1366x768 and 1920x1080.
"""

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from workbench.demo import INCIDENT
from workbench.plant import open_plant
from workbench.ui.app import application, find_lot_in_background
from workbench.ui.main_window import MainWindow

TIMEOUT_MS = 120_000
#: A granola lot of the incident (returned with illness complaints): its history has siblings.
HISTORY_LOT = ("26133C3", "FG-GRANOLA-COCO")
VIEWS = ("genealogy", "recall-lots", "recall-customers", "recall-reconciliation", "recall-flow", "history",
         "commonality", "vendor", "flow-wide")


def shoot(window, path: Path) -> None:
    if not window.wait_until_idle(TIMEOUT_MS):
        sys.exit(f"workbench: the window was still busy; no screenshot {path}")
    for _ in range(5):
        QCoreApplication.processEvents()
    if not window.grab().save(str(path)):
        sys.exit(f"workbench: could not write {path}")
    print(f"Saved {path}", file=sys.stderr)


def main() -> int:
    url, out, size = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    views = sys.argv[4:] or VIEWS
    w, h = (int(v) for v in size.split("x"))
    application()
    window = MainWindow(open_plant(url), persist=False)
    window.resize(w, h)
    window.show()
    ref, error = find_lot_in_background(window, INCIDENT.lot, INCIDENT.item)
    if error:
        sys.exit(f"workbench: {error}")
    window.open_lot(ref)
    window.wait_until_idle(TIMEOUT_MS)
    recall_tabs = {"recall-lots": 0, "recall-customers": 1, "recall-reconciliation": 2, "recall-flow": 3,
                   "flow-wide": 3}
    recall = None
    for view in views:
        if view == "genealogy":
            window.workspace.setCurrentIndex(0)
        elif view in recall_tabs:
            if recall is None:
                window.start_recall([ref])
                recall = window.workspace.currentWidget()
                window.wait_until_idle(TIMEOUT_MS)
            window.workspace.setCurrentWidget(recall)
            recall.tabs.setCurrentIndex(recall_tabs[view])
            if view == "flow-wide":
                window.search_dock.hide()
                window.details_dock.hide()
            for _ in range(5):
                QCoreApplication.processEvents()
            recall._flow_resize.timeout.emit()  # laid out again for the view's size (off the UI thread)
        elif view == "history":  # a finished lot the incident reached: its inputs and siblings
            product, perror = find_lot_in_background(window, *HISTORY_LOT)
            if perror:
                sys.exit(f"workbench: {perror}")
            window.open_history(product)
        elif view == "commonality":
            window.open_commonality([ref])
        elif view == "vendor":
            window.open_vendor(INCIDENT.vendor)
        else:
            sys.exit(f"workbench: no view {view!r}; views: {', '.join(VIEWS)}")
        shoot(window, out / f"{view}-{size}.png")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
