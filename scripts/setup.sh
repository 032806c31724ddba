#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for the binding: system packages,
# then a virtual environment in .venv (Debian's own Python refuses pip
# installs) with the binding built and installed from this tree.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES="libvirt-dev pkg-config gcc python3-dev python3-venv"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# python3-dev/python3-venv matter only for Debian's python3; a python3
# from elsewhere (pyenv, ...) brings its own headers and venv.
if [ -n "$missing" ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q ".[test]"
