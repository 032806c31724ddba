#!/usr/bin/env bash
# Set up (scripts/setup.sh), run the whole test suite on the tree's build,
# run it again on a build with the address and undefined-behaviour
# sanitizers (scripts/sanitize.sh), then build every wheel and test each
# (scripts/build-wheels.sh: the sdist, the abi3 wheel on every CPython
# 3.10-3.13, the self-contained binary wheel).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# libvirtd, QEMU and the VNC/TLS/SASL tools for the real-daemon event tests.
bash scripts/setup-qemu.sh
.venv/bin/python -m pytest tests -q "$@"
bash scripts/sanitize.sh "$@"
bash scripts/build-wheels.sh "$@"
