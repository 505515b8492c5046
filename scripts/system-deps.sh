#!/usr/bin/env bash
# Installs the system packages the workbench needs (Graphviz for genealogy layout,
# the libraries Qt's platform plugins load). As root with apt-get it installs what is
# missing; otherwise it names what to install and stops.
set -euo pipefail
packages=(graphviz libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0)
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
