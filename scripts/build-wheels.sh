#!/usr/bin/env bash
# Build every artefact a CI system ships into dist/, and test each one:
#   1. the sdist: complete and honest (no build outputs);
#   2. the one abi3 wheel (cp310-abi3), built from the unpacked sdist alone,
#      checked by abi3audit, and the whole suite (from the sdist) run against
#      it on every CPython 3.10-3.13 this machine has;
#   3. the self-contained binary wheel (scripts/build-binary-wheel.sh),
#      tested with the system's libvirt hidden (scripts/check-binary-wheel.sh).
# Needs scripts/setup.sh done (.venv). Arguments go to pytest.
# LIBVIRT_PYTHONS overrides the versions ("3.10 3.11 3.12 3.13"); under CI
# (CI set) a missing version fails, elsewhere it is skipped with a warning.
set -euo pipefail
# Our builds fail on any compiler warning (setup.py).
export LIBVIRT_PYTHON_WERROR=1
cd "$(dirname "$0")/.."
REPO="$PWD"
DIST="$REPO/dist"
WORK="$REPO/build/wheels-check"
rm -rf "$WORK" "$DIST"
mkdir -p "$WORK/unpacked" "$DIST"

.venv/bin/python -m pip install -q build abi3audit

echo "== sdist"
.venv/bin/python -m build --sdist --outdir "$DIST" .
SDIST=$(ls "$DIST"/*.tar.gz)
# No build outputs: nothing generated, compiled or from a virtual environment.
if tar tzf "$SDIST" | grep -E '/build/|\.so$|\.o$|__pycache__|/\.venv|-generated\.c$'; then
    echo "the sdist carries build outputs (listed above)" >&2
    exit 1
fi
tar xzf "$SDIST" -C "$WORK/unpacked"
SRC=$(ls -d "$WORK"/unpacked/*/)

echo "== abi3 wheel, from the unpacked sdist alone"
"${PYTHON:-python3}" -m venv "$WORK/build-venv"
"$WORK/build-venv/bin/python" -m pip install -q --upgrade pip
"$WORK/build-venv/bin/python" -m pip wheel -q --no-deps --wheel-dir "$DIST" "$SRC"
WHEEL=$(ls "$DIST"/*-cp310-abi3-linux_x86_64.whl 2>/dev/null || true)
if [ -z "$WHEEL" ]; then
    echo "no cp310-abi3 wheel was built:" "$DIST"/*.whl >&2
    exit 1
fi
.venv/bin/abi3audit --strict --report "$WHEEL"

find_python() {  # the path of a working CPython $1 (with venv), or nothing
    local version="$1" candidate
    for candidate in "$(command -v "python$version" || true)" \
            "$HOME"/.pyenv/versions/"$version".*/bin/"python$version" \
            /root/.pyenv/versions/"$version".*/bin/"python$version" "/usr/bin/python$version"; do
        # The interpreter itself, not a shim (pyenv's) that picks one.
        if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -c \
                "import sys, venv; assert sys.version_info[:2] == tuple(map(int, '$version'.split('.'))); print(sys.executable)" \
                2>/dev/null; then
            return
        fi
    done
}

tested=()
for version in ${LIBVIRT_PYTHONS:-3.10 3.11 3.12 3.13}; do
    python=$(find_python "$version")
    if [ -z "$python" ]; then
        if [ -n "${CI:-}" ]; then
            echo "CPython $version not found: CI must test the abi3 wheel on it" >&2
            exit 1
        fi
        echo "WARNING: CPython $version not found, the abi3 wheel is not tested on it" >&2
        continue
    fi
    echo "== the suite on CPython $version ($python), against the abi3 wheel"
    venv="$WORK/venv-$version"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q "$WHEEL[test]"
    # The suite from the unpacked sdist, the binding from the wheel (pytest's
    # own script: `python -m` would put the unpacked sources on sys.path);
    # the reference binding's venv is the checkout's (tests/reference_venv.py).
    (cd "$SRC" && LIBVIRT_REFERENCE_VENV="$REPO/bench/.venv-reference" \
        "$venv/bin/pytest" tests -q -p no:cacheprovider "$@")
    tested+=("$version")
done

echo "== binary wheel"
bash scripts/build-binary-wheel.sh "$WHEEL"
bash scripts/check-binary-wheel.sh

echo "== dist/ (abi3 wheel tested on CPython ${tested[*]})"
ls -l "$DIST"
