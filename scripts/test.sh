#!/usr/bin/env bash
# Set up (scripts/setup.sh), then run the whole test suite; then the same
# suite again from the sdist, against the wheel built from it alone
# (scripts/check-sdist.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# libvirtd, QEMU and the VNC/TLS/SASL tools for the real-daemon event tests.
bash scripts/setup-qemu.sh
.venv/bin/python -m pytest tests -q "$@"
bash scripts/check-sdist.sh "$@"
