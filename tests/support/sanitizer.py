"""What changes when scripts/sanitize.sh runs the suite with the
AddressSanitizer runtime preloaded."""

import os

ASAN_PRELOADED = "libasan" in os.environ.get("LD_PRELOAD", "")

# RSS-based leak checks say nothing there: AddressSanitizer keeps freed
# memory in quarantine and maps shadow memory.  The main test run has them.
RSS_UNMEASURABLE = "AddressSanitizer's quarantine and shadow memory make RSS meaningless"


def preload(*libraries):
    """LD_PRELOAD for a child that preloads `libraries`: after the
    sanitizer runtime when it is preloaded (it must come first)."""
    return ":".join(filter(None, [os.environ.get("LD_PRELOAD", "") if ASAN_PRELOADED else "",
                                  *libraries]))
