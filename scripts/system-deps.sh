#!/usr/bin/env bash
# Installs the system packages the workbench needs. As root with apt-get it installs what
# is missing; otherwise it names what to install and stops.
#
#   scripts/system-deps.sh          what `make run` needs: Graphviz (genealogy layout) and
#                                   every library Qt's xcb platform plugin loads (checked
#                                   against `ldd` of the plugin in tests/ui/test_real_window.py)
#   scripts/system-deps.sh --test   also what `make test` needs: Xvfb (a real window in CI),
#                                   poppler-utils (PDF pages to PNG), zbar-tools and
#                                   dmtx-utils (real barcode decoders for the label tests)
set -euo pipefail
packages=(
    graphviz
    libegl1 libgl1 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
    libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4
    libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-render0
    libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1
    fonts-dejavu-core
)
if [ "${1:-}" = "--test" ]; then
    packages+=(xvfb xauth poppler-utils zbar-tools libzbar0 dmtx-utils libdmtx0b)
fi
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
elif ! command -v dot >/dev/null 2>&1; then
    echo "Graphviz's 'dot' is not on PATH: install Graphviz (https://graphviz.org/download/) and run again." >&2
    exit 1
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "Missing system packages: ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
