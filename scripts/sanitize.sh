#!/usr/bin/env bash
# The sanitizer run: the extensions built with -fsanitize=address,undefined
# into .venv-sanitize, and the test suite run against them with the
# sanitizer runtimes preloaded.  CPython and libvirt are not instrumented;
# PYTHONMALLOC=malloc lets AddressSanitizer see Python's allocations.  Any
# report aborts the process it is in, so the test that ran it fails, and
# the reports are kept in build/sanitize/reports.
#
# Not checked, with the reason:
# - leaks (detect_leaks=0): every stack passes through the uninstrumented
#   interpreter, which frees little at exit, so LeakSanitizer cannot tell
#   our leaks from CPython's; tests/ checks ours with refcounts and RSS.
# - the one-definition rule across libraries (detect_odr_violation=0):
#   three extensions link typewrappers.c each, by design (one .so each).
# - RSS bounds (tests/support/sanitizer.py, RSS_UNMEASURABLE): ASan's
#   quarantine and shadow memory make RSS meaningless; the tests' other
#   checks hold, and the main test run has the bounds.
# - the private libvirtd and virtlogd themselves (tests/qemu_daemon.py
#   starts them without the runtimes): they are not under test.
# - reports from the reference binding (the differential tests run it in
#   child processes, where it crashes by design: NULL dereferences in its
#   libvirt_virConnectOpenAuth, or in libvirt under its
#   libvirt_virDomainGetInterfaceParameters and libvirt_virDomainMigrate3):
#   told apart by their frames, see the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export LIBVIRT_PYTHON_WERROR=1 LIBVIRT_PYTHON_SANITIZE=address,undefined

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv-sanitize/bin/python ]; then
    "$PYTHON" -m venv .venv-sanitize
fi
.venv-sanitize/bin/python -m pip install -q --upgrade pip
.venv-sanitize/bin/python -m pip install -q ".[test]"
.venv-sanitize/bin/python -m pip install -q --force-reinstall --no-deps .

REPORTS="$PWD/build/sanitize/reports"
rm -rf "$REPORTS"
mkdir -p "$REPORTS"
# libtirpc right after the runtimes: ASan binds its XDR interceptors when
# it starts, and glibc's XDR functions are compatibility symbols it cannot
# bind to (see tests/support/sanitizer.py).
libvirt_so="$(pkg-config --variable=libdir libvirt)/libvirt.so.0"
tirpc="$(ldd "$libvirt_so" | awk '$1 ~ /^libtirpc/ { print $3 }')"
runtimes="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)${tirpc:+:$tirpc}"
status=0
# CI unset: what this machine lacks (QEMU, the reference binding) skips
# here; the main test run is the one that insists on it.
env -u CI LD_PRELOAD="$runtimes" PYTHONMALLOC=malloc \
    ASAN_OPTIONS="detect_leaks=0:detect_odr_violation=0:abort_on_error=1:log_path=$REPORTS/asan" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$REPORTS/ubsan" \
    .venv-sanitize/bin/python -m pytest -q -p no:cacheprovider "${@:-tests}" || status=$?
# A report is ours when one of its frames is (every function of ours is
# lv_-prefixed), the reference's when it has none of ours and one of the
# reference's (libvirt_-prefixed; libvirt's own are vir-prefixed).  Any
# other report (libvirt's or CPython's own) fails the run too, until it is
# explained here.
all=$(ls "$REPORTS"/* 2>/dev/null || true)
ours=$(grep -l ' in lv_' $all /dev/null || true)
reference=$(grep -L ' in lv_' $all /dev/null | grep -v '^/dev/null$' | xargs -r grep -l ' in libvirt_' || true)
other=$(printf '%s\n' $all | grep -vxF -e "$ours" -e "$reference" | grep . || true)
count() { printf '%s' "$1" | grep -c . || true; }
for kind in ours other; do
    files=${!kind}
    if [ -n "$files" ]; then
        echo "sanitizer reports ($kind):" >&2
        cat $files >&2
        status=1
    fi
done
echo "sanitizer: $(count "$all") reports: $(count "$ours") from our code," \
     "$(count "$reference") from the reference binding, $(count "$other") other"
exit $status
