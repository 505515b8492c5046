"""A screenshot of one lot's whole downstream trace, centred on one box (offscreen).

    QT_QPA_PLATFORM=offscreen python scripts/screenshot_downstream.py DB_URL LOT ITEM OUT.png NODE_ID

Used by ``scripts/screenshots.sh`` for the trace through a pallet and the second site:
``workbench gui --expand`` opens both ways, which buries a downstream path among siblings.
"""

import sys

from workbench.plant import open_plant
from workbench.ui.app import application, find_lot_in_background, save_screenshot
from workbench.ui.main_window import MainWindow

TIMEOUT_MS = 120_000

app = application()
window = MainWindow(open_plant(sys.argv[1]), persist=False)
window.resize(1600, 1000)
window.show()
ref, error = find_lot_in_background(window, sys.argv[2], sys.argv[3])
if error:
    sys.exit(f"workbench: {error}")
window.open_lot(ref)
window.wait_until_idle(TIMEOUT_MS)
graph = window.genealogy
graph.expand(next(iter(graph.state.roots)), "downstream", None)
window.wait_until_idle(TIMEOUT_MS)
graph.overview()
graph.centre_on(sys.argv[5])
window.wait_until_idle(TIMEOUT_MS)
sys.exit(save_screenshot(window, sys.argv[4]))
