#!/usr/bin/env bash
# Make the README screenshots (docs/screenshots/*.png) from the demo plant, offscreen.
#
#   scripts/screenshots.sh            # uses a fresh demo plant in a temporary folder
#   WORKBENCH=.venv/bin/workbench scripts/screenshots.sh
#
# Each shot is `workbench gui --screenshot`: the window opens as asked, waits until every
# query and the graph layout are done, saves a PNG and exits (non-zero on any problem).
set -euo pipefail

cd "$(dirname "$0")/.."
WORKBENCH=${WORKBENCH:-.venv/bin/workbench}
PYTHON=${PYTHON:-.venv/bin/python}
OUT=docs/screenshots
SIZE=${SIZE:-1600x1000}
mkdir -p "$OUT"

# A private home: the demo plant is built there and no user settings are read or written.
WORKBENCH_HOME=$(mktemp -d)
export WORKBENCH_HOME QT_QPA_PLATFORM=offscreen
unset WORKBENCH_DB
trap 'rm -rf "$WORKBENCH_HOME"' EXIT

# The planted incident: its item, lot and vendor lot, from the demo's own description.
read -r ITEM LOT VENDOR_LOT < <("$PYTHON" -c \
  'from workbench.demo import INCIDENT as i; print(i.item, i.lot, i.vendor_lot)')

# Search results for a common word (every almond item), the first lot's details beside.
"$WORKBENCH" gui --search almond --size "$SIZE" --screenshot "$OUT/search.png"

# The incident lot found by its vendor lot, its genealogy opened one more level both ways.
"$WORKBENCH" gui --search "$VENDOR_LOT" --lot "$LOT" --item "$ITEM" --expand 1 \
  --size "$SIZE" --screenshot "$OUT/genealogy.png"

# A lot of almond cookies on a pallet to the distribution centre (the overnight truck) and on
# the centre's own pallet to a customer: its whole downstream trace, centred on the transfer.
"$PYTHON" scripts/screenshot_downstream.py "$("$PYTHON" -c 'from workbench.config import resolve_url; print(resolve_url(None))')" \
  26141A1 FG-COOKIE-ALMOND "$OUT/pallet-and-site.png" shipment:TR26143-01

# Legible at any size (1366x768): the salt lot's whole downstream tree at Fit (level bands,
# groups by item and region), and the incident's downstream tree with the trace table.
read -r SALT_ITEM SALT_LOT < <("$PYTHON" -c \
  'from workbench.demo import demo_summary; print(*demo_summary().everywhere_lot)')
"$WORKBENCH" gui --lot "$SALT_LOT" --item "$SALT_ITEM" --downstream --size 1366x768 \
  --screenshot "$OUT/large-graph-overview.png"
"$WORKBENCH" gui --lot "$LOT" --item "$ITEM" --downstream --table --size 1366x768 \
  --screenshot "$OUT/trace-table.png"

# The incident's quantity flow (Sankey) in the recall view at 1366x768, the side panels closed.
SHOTS=$(mktemp -d)
"$PYTHON" scripts/screenshot_views.py "$("$PYTHON" -c 'from workbench.config import resolve_url; print(resolve_url(None))')" \
  "$SHOTS" 1366x768 flow-wide
mv "$SHOTS/flow-wide-1366x768.png" "$OUT/quantity-flow.png"
rmdir "$SHOTS"

ls -l "$OUT"/search.png "$OUT"/genealogy.png "$OUT"/pallet-and-site.png "$OUT"/large-graph-overview.png \
  "$OUT"/trace-table.png "$OUT"/quantity-flow.png
