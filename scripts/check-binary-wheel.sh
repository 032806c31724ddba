#!/usr/bin/env bash
# Test the binary wheel that scripts/build-binary-wheel.sh left in dist/ as
# a user without libvirt would: in a private mount namespace where the
# system's libvirt libraries, /etc/libvirt and /usr/share/libvirt are hidden,
# a fresh venv installs the wheel and pytest, runs the main example
# (examples/list_domains.py) and tests/binary_wheel/test_smoke.py.
#
#   bash scripts/check-binary-wheel.sh [WHEEL]
#
# Exits non-zero on any failure.  Needs root (uses sudo when not root) for
# unshare --mount.  PYTHON: the interpreter of the venv (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
START=$(date +%s)

if [ $# -ge 1 ]; then
    WHEEL=$(realpath "$1")
else
    shopt -s nullglob
    wheels=(dist/libvirt_python-*manylinux*.whl)
    shopt -u nullglob
    if [ ${#wheels[@]} -ne 1 ]; then
        echo "expected exactly one dist/libvirt_python-*manylinux*.whl, found ${#wheels[@]}" \
             "(run scripts/build-binary-wheel.sh)" >&2
        exit 1
    fi
    WHEEL=$TOP/${wheels[0]}
fi
PYTHON=$(command -v "${PYTHON:-python3}")
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

WORK=$(mktemp -d /tmp/check-binary-wheel.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cp tests/binary_wheel/test_smoke.py "$WORK/"

cat > "$WORK/inner.sh" <<'EOF'
set -euo pipefail
step() { echo "== $(date -u +%H:%M:%S) $*"; }
LIBDIR=/usr/lib/x86_64-linux-gnu

step "hiding the system's libvirt"
mount -t tmpfs none "$WORK/hide"
mkdir -p "$WORK/hide/empty-dir"
: > "$WORK/hide/empty-file"
hidden=0
for f in "$LIBDIR"/libvirt*.so* /lib/x86_64-linux-gnu/libvirt*.so*; do
    [ -e "$f" ] || continue
    real=$(readlink -f "$f")
    if ! grep -q " $real " /proc/self/mountinfo; then
        mount --bind "$WORK/hide/empty-file" "$real"
        hidden=$((hidden + 1))
    fi
done
for d in "$LIBDIR/libvirt" /etc/libvirt /usr/share/libvirt; do
    [ -d "$d" ] && mount --bind "$WORK/hide/empty-dir" "$d"
done
echo "hid $hidden library files, $LIBDIR/libvirt, /etc/libvirt, /usr/share/libvirt"

# Really hidden: the loader cache still names the files, but they are empty
# and cannot be loaded.
cache=$(ldconfig -p)
grep -q 'libvirt.so.0 ' <<<"$cache" || { echo "ldconfig -p does not list libvirt.so.0" >&2; exit 1; }
for lib in libvirt.so.0 libvirt-qemu.so.0 libvirt-lxc.so.0; do
    path=$(awk -v l="$lib" '$1 == l {print $NF; exit}' <<<"$cache")
    echo "  ldconfig -p: $lib => $path ($(stat -L -c %s "$path") bytes)"
    if [ -n "$path" ] && [ -s "$path" ]; then echo "$path is not hidden" >&2; exit 1; fi
done
"$PYTHON" - <<'PY'
import ctypes, os, sys
for name in ("libvirt.so.0", "libvirt-qemu.so.0", "libvirt-lxc.so.0"):
    try:
        ctypes.CDLL(name)
    except OSError as e:
        print(f"  {name}: cannot be loaded ({e})")
    else:
        sys.exit(f"{name} can still be loaded")
for d in ("/usr/share/libvirt/schemas", "/usr/share/libvirt/cpu_map", "/etc/libvirt/libvirt.conf"):
    if os.path.exists(d):
        sys.exit(f"{d} is not hidden")
PY

step "fresh venv: the wheel and pytest"
"$PYTHON" -m venv "$WORK/venv"
VPY=$WORK/venv/bin/python
"$VPY" -m pip install -q --disable-pip-version-check "$WHEEL" pytest
# libvirt-override.py points libxml2 at the wheel's catalog at import.
grep -q 'libvirt_python.share' "$("$VPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/libvirt.py" \
    || { echo "the installed libvirt.py has no catalog hook" >&2; exit 1; }

cd "$WORK"   # nothing of the source tree on sys.path
step "main example: examples/list_domains.py test:///default"
"$VPY" "$TOP/examples/list_domains.py" test:///default

if command -v strace >/dev/null; then
    step "where the schemas and the CPU map are read from (strace)"
    strace -f -qq -e trace=openat -o "$WORK/strace.log" "$VPY" - <<'PY'
import libvirt
libvirt.registerErrorHandler(lambda ctx, err: None, None)
c = libvirt.open("test:///default")
try:
    c.defineXMLFlags("<domain type='test'><name>x</name><memory>1024</memory>"
                     "<os><type>hvm</type></os><bogus/></domain>",
                     libvirt.VIR_DOMAIN_DEFINE_VALIDATE)
except libvirt.libvirtError as e:
    assert e.get_error_code() == libvirt.VIR_ERR_XML_INVALID_SCHEMA, e
c.baselineCPU(["<cpu><arch>x86_64</arch><model>Haswell</model></cpu>"])
PY
    grep -E 'libvirt_python.share/(schemas|cpu_map)/' "$WORK/strace.log" \
        | grep -v ENOENT | sed -E 's/.*"(.*)".*/  \1/' | sort -u | sed -n '1,4p;$p'
    grep -q 'libvirt_python.share/schemas/domain.rng' "$WORK/strace.log" \
        || { echo "domain.rng not read from the wheel" >&2; exit 1; }
    grep -q 'libvirt_python.share/cpu_map/index.xml' "$WORK/strace.log" \
        || { echo "cpu_map not read from the wheel" >&2; exit 1; }
fi

step "tests/binary_wheel/test_smoke.py"
LIBVIRT_BINARY_WHEEL_CHECK=1 "$VPY" -m pytest -v -p no:cacheprovider test_smoke.py
EOF

mkdir -p "$WORK/hide"
echo "== checking $(basename "$WHEEL")"
$SUDO env WORK="$WORK" WHEEL="$WHEEL" TOP="$TOP" PYTHON="$PYTHON" PATH="$PATH" \
    unshare --mount --propagation private bash "$WORK/inner.sh"
echo "== binary wheel check passed in $(( $(date +%s) - START )) s"
