#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for the binding: system packages,
# then a virtual environment in .venv (Debian's own Python refuses pip
# installs) with the binding built and installed from this tree.
set -euo pipefail
# Our builds fail on any compiler warning (setup.py).
export LIBVIRT_PYTHON_WERROR=1
cd "$(dirname "$0")/.."

# python3-dev/python3-venv matter only for Debian's python3; a python3
# from elsewhere (pyenv, ...) brings its own headers and venv.
bash scripts/apt-install-missing.sh libvirt-dev pkg-config gcc python3-dev python3-venv

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q ".[test]"
