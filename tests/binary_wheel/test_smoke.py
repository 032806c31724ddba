"""Smoke test of the self-contained binary wheel (packaging/BINARY-WHEEL.md).

Skipped unless LIBVIRT_BINARY_WHEEL_CHECK=1: it expects the repaired wheel
installed and the system's libvirt hidden, as scripts/check-binary-wheel.sh
arranges.  The tests run in file order and share one process; the last one
checks what the whole process has mapped.
"""

import os
import re
import struct
import subprocess
import sys

import pytest

HERE = os.path.abspath(__file__)


def open_remote(uri):
    """The child of test_remote_uri_fails_cleanly (this file run by path:
    scripts/check-binary-wheel.sh copies it alone, so it is its own
    child): exit status 0 and libvirt's error when opening `uri` fails."""
    import libvirt
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    try:
        libvirt.open(uri)
    except libvirt.libvirtError as e:
        print("libvirtError", e.get_error_code(), e)
        sys.exit(0)
    print("opened?!")
    sys.exit(3)


if __name__ == "__main__":
    open_remote(sys.argv[1])

if os.environ.get("LIBVIRT_BINARY_WHEEL_CHECK") != "1":
    pytest.skip("binary wheel check: set LIBVIRT_BINARY_WHEEL_CHECK=1 "
                "(scripts/check-binary-wheel.sh does)", allow_module_level=True)

import libvirt  # noqa: E402

SITE = os.path.dirname(os.path.abspath(libvirt.__file__))
LIBS = os.path.join(SITE, "libvirt_python.libs")
SHARE = os.path.join(SITE, "libvirt_python.share")

VALID = """<domain type='test'>
  <name>binary-wheel-valid</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64'>hvm</type></os>
</domain>"""
# Well-formed, parsable by libvirt (which ignores unknown elements), but not
# valid for domain.rng.
INVALID = """<domain type='test'>
  <name>binary-wheel-invalid</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64'>hvm</type></os>
  <no-such-element/>
</domain>"""
HOST_CPUS = [
    """<cpu><arch>x86_64</arch><model>Haswell-noTSX</model><vendor>Intel</vendor>
         <topology sockets='1' cores='2' threads='1'/>
         <feature name='vmx'/></cpu>""",
    """<cpu><arch>x86_64</arch><model>SandyBridge</model><vendor>Intel</vendor>
         <topology sockets='1' cores='4' threads='1'/></cpu>""",
]
REMOTE_URIS = [
    "qemu+ssh://nosuchuser@127.0.0.1:1/system?no_tty=1",
    "qemu+tcp://127.0.0.1:1/system",
    "qemu+unix:///system?socket=/nonexistent/sock",
    # the bundled libssh, libssh2 and gnutls on their error paths
    "qemu+libssh://nosuchuser@127.0.0.1:1/system?known_hosts=/dev/null&no_verify=1",
    "qemu+libssh2://nosuchuser@127.0.0.1:1/system?known_hosts=/dev/null&no_verify=1",
    "qemu+tls://127.0.0.1:1/system",
]


@pytest.fixture(scope="module")
def conn():
    c = libvirt.open("test:///default")
    yield c
    c.close()


def mapped_files():
    """The files mapped into this process (/proc/self/maps)."""
    paths = set()
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split(None, 5)
            if len(parts) == 6 and parts[5].startswith("/"):
                paths.add(parts[5].strip().replace(" (deleted)", ""))
    return paths


def mapped_libraries():
    return {p for p in mapped_files() if re.search(r"\.so(\.|$)", os.path.basename(p))}


HASH = re.compile(r"-[0-9a-f]{8}(?=\.)")


def family(name):
    """libxml2-1a2b3c4d.so.2.9.14 -> libxml2.so; liblber-2-1a2b3c4d.5.so.0 ->
    liblber-2.5.so (auditwheel puts its hash before the first dot)."""
    return HASH.sub("", name, count=1).split(".so")[0] + ".so"


def soname(path):
    """DT_SONAME of an ELF64 little-endian shared object, or None."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
                for i in range(shnum)]
    for sec in sections:
        if sec[1] != 6:  # SHT_DYNAMIC
            continue
        strtab = sections[sec[6]]
        for off in range(sec[4], sec[4] + sec[5], 16):
            tag, val = struct.unpack_from("<qQ", data, off)
            if tag == 0:
                break
            if tag == 14:  # DT_SONAME
                start = strtab[4] + val
                return data[start:data.index(b"\0", start)].decode()
    return None


def test_system_libvirt_hidden():
    import ctypes
    with pytest.raises(OSError):
        ctypes.CDLL("libvirt.so.0")


def test_libvirt_loaded_from_wheel():
    import libvirtmod
    assert os.path.dirname(os.path.abspath(libvirtmod.__file__)) == SITE
    libvirt_maps = {p for p in mapped_libraries()
                    if re.match(r"libvirt(-[0-9a-f]{8})?\.so\.0", os.path.basename(p))}
    assert libvirt_maps, "no libvirt.so.0 mapped"
    for p in libvirt_maps:
        assert os.path.dirname(p) == LIBS, f"libvirt mapped from {p}, not from {LIBS}"
    assert "site-packages" in LIBS


def test_open_list_xmldesc(conn):
    doms = conn.listAllDomains()
    assert [d.name() for d in doms] == ["test"]
    xml = doms[0].XMLDesc()
    assert "<name>test</name>" in xml
    assert conn.getType() == "TEST"


def test_validate_accepts_valid_domain(conn):
    dom = conn.defineXMLFlags(VALID, libvirt.VIR_DOMAIN_DEFINE_VALIDATE)
    try:
        assert dom.name() == "binary-wheel-valid"
    finally:
        dom.undefine()


def test_validate_rejects_invalid_domain(conn):
    with pytest.raises(libvirt.libvirtError) as exc:
        conn.defineXMLFlags(INVALID, libvirt.VIR_DOMAIN_DEFINE_VALIDATE)
    err = exc.value
    # The schema was read (from the wheel) and the document failed it; a
    # missing schema gives VIR_ERR_INTERNAL_ERROR / an I/O message instead.
    assert err.get_error_code() == libvirt.VIR_ERR_XML_INVALID_SCHEMA, str(err)
    assert "no-such-element" in str(err) or "domain.rng" in str(err), str(err)
    assert "failed to load" not in str(err).lower(), str(err)


def test_data_redirected_to_wheel():
    # libvirt's own data directory is hidden; the wheel's copies are found
    # through the XML catalog the binding names in XML_CATALOG_FILES.
    assert not os.path.exists("/usr/share/libvirt/schemas/domain.rng")
    assert os.path.isfile(os.path.join(SHARE, "schemas", "domain.rng"))
    assert os.path.isfile(os.path.join(SHARE, "cpu_map", "index.xml"))
    catalog = os.path.join(SHARE, "catalog.xml")
    from urllib.parse import quote
    assert "file://" + quote(catalog) in os.environ.get("XML_CATALOG_FILES", "").split()


def test_baseline_cpu(conn):
    assert not os.path.exists("/usr/share/libvirt/cpu_map/index.xml")
    out = conn.baselineCPU(HOST_CPUS)
    assert out and "<model" in out, out
    assert "SandyBridge" in out, out
    expanded = conn.baselineCPU(HOST_CPUS, libvirt.VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES)
    assert "<feature" in expanded, expanded


@pytest.mark.parametrize("uri", REMOTE_URIS)
def test_remote_uri_fails_cleanly(uri):
    try:
        r = subprocess.run([sys.executable, HERE, uri], capture_output=True,
                           text=True, timeout=60, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{uri}: no answer in 60 s")
    assert r.returncode == 0, f"{uri}: rc={r.returncode}\n{r.stdout}\n{r.stderr}"
    assert r.stdout.startswith("libvirtError"), r.stdout + r.stderr


def test_import_qemu_lxc():
    import libvirt_lxc
    import libvirt_qemu
    for mod in ("libvirtmod_qemu", "libvirtmod_lxc"):
        assert os.path.dirname(os.path.abspath(sys.modules[mod].__file__)) == SITE
    assert callable(libvirt_qemu.qemuMonitorCommand)
    assert callable(libvirt_lxc.lxcOpenNamespace)


def test_no_library_mapped_twice(conn):
    # what a program also commonly loads from the system
    import ctypes  # noqa: F401  (libffi)
    import hashlib  # noqa: F401  (libcrypto)
    import lzma  # noqa: F401  (liblzma)
    import ssl  # noqa: F401  (libssl, libcrypto)
    import zlib  # noqa: F401
    ssl.create_default_context()
    hashlib.sha256(b"x").hexdigest()
    by_family, by_soname = {}, {}
    for p in mapped_libraries():
        real = os.path.realpath(p)
        by_family.setdefault(family(os.path.basename(p)), set()).add(real)
        name = soname(real)
        if name:
            by_soname.setdefault(HASH.sub("", name, count=1), set()).add(real)
    twice = {k: sorted(v) for k, v in by_family.items() if len(v) > 1}
    twice.update({k: sorted(v) for k, v in by_soname.items() if len(v) > 1})
    assert not twice, f"libraries mapped from two files: {twice}"
    # nothing of the system's libvirt
    system = [p for p in mapped_libraries()
              if os.path.basename(p).startswith("libvirt") and not p.startswith(SITE)]
    assert not system, system
