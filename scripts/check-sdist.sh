#!/usr/bin/env bash
# The sdist is complete and honest: build it, unpack it in an empty
# directory, build the wheel from that alone, install the wheel into a fresh
# virtual environment, and run the test suite (unpacked with the sdist)
# against the installed wheel.  Needs scripts/setup.sh done (.venv).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
WORK="$REPO/build/sdist-check"
rm -rf "$WORK"
mkdir -p "$WORK/sdist" "$WORK/unpacked" "$WORK/wheel"

.venv/bin/python -m pip install -q build
.venv/bin/python -m build --sdist --outdir "$WORK/sdist" .
SDIST=$(ls "$WORK"/sdist/*.tar.gz)
# No build outputs: nothing generated, compiled or from a virtual environment.
if tar tzf "$SDIST" | grep -E '/build/|\.so$|\.o$|__pycache__|/\.venv|-generated\.c$'; then
    echo "the sdist carries build outputs (listed above)" >&2
    exit 1
fi
tar xzf "$SDIST" -C "$WORK/unpacked"
SRC=$(ls -d "$WORK"/unpacked/*/)

"${PYTHON:-python3}" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q --upgrade pip
"$WORK/venv/bin/python" -m pip wheel -q --no-deps --wheel-dir "$WORK/wheel" "$SRC"
"$WORK/venv/bin/python" -m pip install -q "$WORK"/wheel/*.whl pytest cffi lxml

# The suite from the unpacked sdist, the binding from the wheel (pytest's
# own script: `python -m` would put the unpacked sources on sys.path); the
# reference binding's venv is the checkout's (tests/reference_venv.py).
cd "$SRC"
LIBVIRT_REFERENCE_VENV="$REPO/bench/.venv-reference" \
    "$WORK/venv/bin/pytest" tests -q -p no:cacheprovider "$@"
