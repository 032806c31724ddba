"""What changes when scripts/sanitize.sh runs the suite with the
AddressSanitizer runtime preloaded: the one place that tells."""

import os

_PRELOADED = os.environ.get("LD_PRELOAD", "").replace(" ", ":").split(":")

ASAN_PRELOADED = any("libasan" in library for library in _PRELOADED)

# ASan binds its XDR interceptors (xdrmem_create, xdr_int, ...) when it
# starts, to the next definition after it; glibc's are compatibility
# symbols dlsym() skips, so unless libtirpc is preloaded after the runtime
# (scripts/sanitize.sh does) they call address 0 from libvirt's remote
# client, in virNetMessageEncodeHeader, with or without the binding.
REMOTE_CLIENT_BROKEN = (
    "the AddressSanitizer runtime is preloaded without libtirpc after it: its XDR "
    "interceptors call a null pointer from libvirt's remote client"
    if ASAN_PRELOADED and not any("libtirpc" in library for library in _PRELOADED) else None)

# RSS-based leak checks say nothing there: AddressSanitizer keeps freed
# memory in quarantine and maps shadow memory.  The main test run has them.
RSS_UNMEASURABLE = "AddressSanitizer's quarantine and shadow memory make RSS meaningless"


def preload(*libraries):
    """LD_PRELOAD for a child that preloads `libraries`: after the
    sanitizer runtime when it is preloaded (it must come first)."""
    return ":".join(filter(None, [os.environ.get("LD_PRELOAD", "") if ASAN_PRELOADED else "",
                                  *libraries]))


def without_runtime(environ):
    """`environ` less what scripts/sanitize.sh sets for the sanitizer, for
    processes that are not under test (the private libvirtd)."""
    return {k: v for k, v in environ.items()
            if not k.startswith(("ASAN_", "UBSAN_")) and k not in ("LD_PRELOAD", "PYTHONMALLOC")}
