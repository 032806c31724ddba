#!/usr/bin/env bash
# Set up (scripts/setup.sh), then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# libvirtd, QEMU and the VNC/TLS/SASL tools for the real-daemon event tests.
bash scripts/setup-qemu.sh
.venv/bin/python -m pytest tests -q "$@"
