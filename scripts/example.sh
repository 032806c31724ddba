#!/usr/bin/env bash
# Set up (scripts/setup.sh), then list the domains of test:///default.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python examples/list_domains.py "${1:-test:///default}"
