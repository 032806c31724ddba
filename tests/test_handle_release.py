"""Every wrapper object releases the one libvirt reference it owns.

Two kinds of checks:

* RSS: a child Python repeats one operation that makes and drops objects
  (100,000-200,000 calls; 2,000 for opening connections) and reports how
  much its resident set grew after a warm-up.  A leaked libvirt handle costs
  about 120 bytes (a leaked wrapper about 200), so a leak of one handle per
  call grows the RSS by 10 MB or more, well over the fixed slack.
  test_rss_check_detects_one_leaked_handle_per_call proves that, by leaking
  one reference per call on purpose (through cffi) in the same loop.

* References, through libvirt's C API in cffi ABI mode (no binding code
  involved).  virConnectClose returns 0 when it released the last
  reference and 1 otherwise (libvirt 9 does not return a count), and every
  domain, network, pool, ... holds a reference to its connection: so after
  every binding object made from a connection is dropped, close() must
  return 0.  An object kept alive by a reference of our own (virXxxRef)
  must survive the binding dropping its wrapper (no double release) and go
  when we release ours (the binding did release its reference).  Where
  libvirt's objects are GObjects (libvirt >= 6.2), the exact count is read
  from the GObject header too, after checking that virConnectRef and
  virConnectClose move it by one; otherwise those exact checks skip.
"""

import gc
import os
import sys

from support import child, sanitizer
from support.memory import rss_kib

URI = "test:///default"
HERE = os.path.abspath(__file__)
DRIVER_XML = os.path.join(os.path.dirname(HERE), "data", "testdriver.xml")
DRIVER_URI = "test://" + DRIVER_XML

SLACK_KIB = 4 * 1024          # fixed allowance for allocator noise
WARMUP = 2000

MINI_XML = """<node>
  <domain type='test'>
    <name>mini</name>
    <memory>1024</memory>
    <os><type>hvm</type></os>
  </domain>
</node>
"""


# ---- the child: one operation, repeated ----------------------------------

def _operations(libvirt, tmpdir):
    """name -> (number of calls, function making one call)."""
    conn = libvirt.open(URI)
    dom = conn.lookupByName("test")
    mini_uri = "test://" + os.path.join(tmpdir, "mini.xml")
    with open(os.path.join(tmpdir, "mini.xml"), "w") as f:
        f.write(MINI_XML)

    def failing_lookup():
        try:
            conn.lookupByName("no-such-domain")
        except libvirt.libvirtError:
            pass
        else:
            raise AssertionError("lookup of a missing domain succeeded")

    def failing_method():
        try:
            dom.snapshotLookupByName("no-such-snapshot", 0)
        except libvirt.libvirtError:
            pass

    def construct():
        for make in (lambda: libvirt.virDomain(conn),
                     lambda: libvirt.virDomain(conn, _obj=dom.c_pointer()),
                     lambda: libvirt.virConnect(URI),
                     lambda: libvirt.virStream(conn)):
            try:
                make()
            except TypeError:
                pass
            else:
                raise AssertionError("a wrapper was made from Python")

    def bad_argument():
        try:
            conn.lookupByName(dom)
        except TypeError:
            pass

    def open_close():
        c = libvirt.open(mini_uri)
        if c.close() != 0:
            raise AssertionError("close() of an unused connection did not return 0")

    def open_drop():
        c = libvirt.open(mini_uri)
        del c

    def open_keep_child():
        c = libvirt.open(mini_uri)
        d = c.lookupByName("mini")
        c.close()
        d.name()

    return {
        "lookupByName": (200000, lambda: conn.lookupByName("test")),
        "listAllDomains": (100000, lambda: conn.listAllDomains()),
        "networkLookupByName": (100000, lambda: conn.networkLookupByName("default")),
        "storagePoolLookupByName": (100000, lambda: conn.storagePoolLookupByName("default-pool")),
        "listAllDevices": (50000, lambda: conn.listAllDevices()),
        "XMLDesc": (50000, lambda: dom.XMLDesc()),
        "failing_lookup": (100000, failing_lookup),
        "failing_method": (100000, failing_method),
        "info": (100000, lambda: dom.info()),
        "getAllDomainStats": (100000, lambda: conn.getAllDomainStats()),
        "domainListGetStats": (100000, lambda: conn.domainListGetStats([dom])),
        "newStream": (100000, lambda: conn.newStream(0)),
        "domain.connect": (200000, lambda: dom.connect()),
        "construction_attempts": (50000, construct),
        "wrong_argument_type": (100000, bad_argument),
        "open_close_2000": (2000, open_close),
        "open_drop_2000": (2000, open_drop),
        "open_close_with_child_alive_2000": (2000, open_keep_child),
    }


def case_rss(name):
    """The child: {calls, before_kib, growth_kib} of operation `name`."""
    import tempfile

    import libvirt
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    with tempfile.TemporaryDirectory(prefix="release-") as tmpdir:
        return _measure(libvirt, name, tmpdir)


def _measure(libvirt, name, tmpdir):
    if name == "calibration":
        # the lookupByName loop, with one libvirt reference leaked per call
        import cffi
        ffi = cffi.FFI()
        ffi.cdef("int virDomainRef(void *dom);")
        lib = ffi.dlopen("libvirt.so.0")
        conn = libvirt.open(URI)

        def leak():
            d = conn.lookupByName("test")
            if lib.virDomainRef(ffi.cast("void *", d.c_pointer())) != 0:
                raise AssertionError("virDomainRef failed")

        calls, op = 100000, leak
    else:
        calls, op = _operations(libvirt, tmpdir)[name]
    for _ in range(min(WARMUP, calls // 2)):
        op()
    gc.collect()
    before = rss_kib()
    for _ in range(calls):
        op()
    gc.collect()
    after = rss_kib()
    return {"calls": calls, "before_kib": before, "growth_kib": after - before}


def _run_child(name):
    return child.run(HERE, "rss", name, timeout=300, cwd="/",
                     env=dict(os.environ, PYTHONFAULTHANDLER="1")).value


if __name__ == "__main__":
    child.main(globals())
    sys.exit(0)


import cffi  # noqa: E402  (not needed by the child)
import pytest  # noqa: E402

import libvirt  # noqa: E402

OPERATIONS = [
    "lookupByName", "listAllDomains", "networkLookupByName",
    "storagePoolLookupByName", "listAllDevices", "XMLDesc", "failing_lookup",
    "failing_method", "info", "getAllDomainStats", "domainListGetStats",
    "newStream", "domain.connect", "construction_attempts",
    "wrong_argument_type", "open_close_2000", "open_drop_2000",
    "open_close_with_child_alive_2000",
]


@pytest.mark.skipif(sanitizer.ASAN_PRELOADED, reason=sanitizer.RSS_UNMEASURABLE)
@pytest.mark.parametrize("name", OPERATIONS)
def test_rss_stays_flat(name):
    r = _run_child(name)
    assert r["growth_kib"] < SLACK_KIB, (
        "%s: RSS grew by %d KiB over %d calls (%.0f bytes per call) after warm-up"
        % (name, r["growth_kib"], r["calls"], r["growth_kib"] * 1024.0 / r["calls"]))


def test_rss_check_detects_one_leaked_handle_per_call():
    r = _run_child("calibration")
    assert r["growth_kib"] > 2 * SLACK_KIB, (
        "leaking one virDomain reference per call grew the RSS by only %d KiB: "
        "the RSS checks could not see such a leak" % r["growth_kib"])


# ---- references through cffi (ABI mode) ---------------------------------

_CDEF = """
int virConnectRef(void *conn);
int virConnectClose(void *conn);
int virDomainRef(void *p);
int virDomainFree(void *p);
int virNetworkRef(void *p);
int virNetworkFree(void *p);
int virInterfaceRef(void *p);
int virInterfaceFree(void *p);
int virStoragePoolRef(void *p);
int virStoragePoolFree(void *p);
int virStorageVolRef(void *p);
int virStorageVolFree(void *p);
int virNodeDeviceRef(void *p);
int virNodeDeviceFree(void *p);
int virStreamRef(void *p);
int virStreamFree(void *p);
int virDomainSnapshotRef(void *p);
int virDomainSnapshotFree(void *p);
int virDomainCheckpointRef(void *p);
int virDomainCheckpointFree(void *p);
"""

C_NAMES = {"domain": "virDomain", "network": "virNetwork", "interface": "virInterface",
           "pool": "virStoragePool", "volume": "virStorageVol", "nodedev": "virNodeDevice",
           "stream": "virStream", "snapshot": "virDomainSnapshot",
           "checkpoint": "virDomainCheckpoint"}


class _CLib:
    """libvirt's C functions of _CDEF, with the FFI that declared them."""

    def __init__(self, ffi, lib):
        self.ffi = ffi
        self._lib = lib

    def __getattr__(self, name):
        return getattr(self._lib, name)

    def ptr(self, obj):
        return self.ffi.cast("void *", obj.c_pointer())

    def refs(self, p):
        """The reference count in the GObject header of a libvirt object
        (GTypeInstance, then guint ref_count)."""
        field = self.ffi.cast("char *", p) + self.ffi.sizeof("void *")
        return self.ffi.cast("unsigned int *", field)[0]


@pytest.fixture(scope="module")
def clib():
    ffi = cffi.FFI()
    ffi.cdef(_CDEF)
    return _CLib(ffi, ffi.dlopen("libvirt.so.0"))


@pytest.fixture(scope="module")
def counts(clib):
    """clib, if the GObject reference count can be read here."""
    c = libvirt.open(DRIVER_URI)
    p = clib.ptr(c)
    ok = clib.refs(p) == 1
    clib.virConnectRef(p)
    ok = ok and clib.refs(p) == 2
    clib.virConnectClose(p)
    ok = ok and clib.refs(p) == 1
    c.close()
    if not ok:
        pytest.skip("libvirt objects have no readable GObject reference count here")
    return clib


@pytest.fixture
def quiet():
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    yield
    libvirt.registerErrorHandler(None, None)


@pytest.fixture
def private_conn(clib):
    """A connection to a private copy of tests/data/testdriver.xml and its C
    pointer.  At the end every binding object made from it must be gone:
    close() releases the last reference and returns 0."""
    c = libvirt.open(DRIVER_URI)
    p = clib.ptr(c)
    yield c, p
    gc.collect()
    assert c.close() == 0, "objects made from the connection still hold references to it"


def _make_objects(c):
    """Objects of every kind the test driver makes."""
    dom = c.lookupByName("alpha")
    pool = c.storagePoolLookupByName("pool-a")
    return {
        "domain": dom,
        "network": c.networkLookupByName("net-one"),
        "interface": c.interfaceLookupByName("eth7"),
        "pool": pool,
        "volume": pool.storageVolLookupByName("disk1.img"),
        "nodedev": c.nodeDeviceLookupByName("computer"),
        "stream": c.newStream(0),
        "snapshot": dom.snapshotLookupByName("snap1", 0),
    }


def _exercise(c, how):
    """One round of calls that make and drop objects."""
    dom = c.lookupByName("alpha")
    if how == "lookups":
        c.lookupByName("alpha")
        c.lookupByID(dom.ID())
        c.lookupByUUIDString("5a1f0e2c-0001-4a6b-9c3d-1e2f3a4b5c01")
        c.lookupByUUID(dom.UUID())
        c.networkLookupByName("net-one")
        c.networkLookupByUUIDString("5a1f0e2c-0101-4a6b-9c3d-1e2f3a4b5d01")
        c.storagePoolLookupByName("pool-a").storageVolLookupByName("disk2.img")
        c.storageVolLookupByPath(c.storagePoolLookupByName("pool-a")
                                 .storageVolLookupByName("disk1.img").path())
        c.nodeDeviceLookupByName("scsi_host5")
        c.interfaceLookupByName("eth8")
        dom.snapshotLookupByName("snap2", 0).getParent(0)
        dom.snapshotCurrent(0)
    elif how == "lists":
        c.listAllDomains()
        c.listAllNetworks()
        c.listAllStoragePools()
        c.listAllInterfaces()
        c.listAllDevices()
        c.storagePoolLookupByName("pool-a").listAllVolumes()
        dom.listAllSnapshots(0)
        dom.snapshotLookupByName("snap1", 0).listAllChildren(0)
    elif how == "stats":
        c.getAllDomainStats()
        c.domainListGetStats([dom, c.lookupByName("beta")])
    elif how == "failures":
        for call in (lambda: c.lookupByName("nope"),
                     lambda: c.networkLookupByName("nope"),
                     lambda: dom.snapshotLookupByName("nope", 0),
                     lambda: c.storagePoolLookupByName("pool-a")
                     .storageVolLookupByName("nope")):
            with pytest.raises(libvirt.libvirtError):
                call()
        with pytest.raises(TypeError):
            c.lookupByName(5)
        # a list with what is no domain: the reference's libvirtError
        for call in (lambda: c.domainListGetStats([dom, None]),
                     lambda: c.domainListGetStats([dom, c.lookupByName("beta"), "x"]),
                     lambda: c.domainListGetStats([dom, c.networkLookupByName("net-one")])):
            with pytest.raises(libvirt.libvirtError, match="non-domain elements"):
                call()
    elif how == "accessors":
        dom.connect()
        c.storagePoolLookupByName("pool-a").storageVolLookupByName("disk1.img").connect()
        s = dom.snapshotLookupByName("snap1", 0)
        s.domain()
        s.connect()
        c.storagePoolLookupByName("pool-a").storageVolLookupByName(
            "disk1.img").storagePoolLookupByVolume()
    elif how == "construction":
        for make in (lambda: libvirt.virDomain(c),
                     lambda: libvirt.virDomain(c, _obj=dom.c_pointer())):
            with pytest.raises(TypeError):
                make()


EXERCISES = ["lookups", "lists", "stats", "failures", "accessors", "construction"]


@pytest.mark.parametrize("how", EXERCISES)
def test_close_returns_0_after_objects_are_dropped(private_conn, quiet, how):
    """The brief's check: after 300 rounds, with every object dropped, the
    connection's close() (in the fixture) releases the last reference."""
    c, p = private_conn
    for _ in range(300):
        _exercise(c, how)


@pytest.mark.parametrize("how", EXERCISES)
def test_reference_count_is_back_after_calls(counts, private_conn, quiet, how):
    c, p = private_conn
    _exercise(c, how)
    gc.collect()
    base = counts.refs(p)
    assert base == 1
    for _ in range(300):
        _exercise(c, how)
    gc.collect()
    assert counts.refs(p) == base


def test_close_returns_1_while_a_domain_is_alive(clib, quiet):
    c = libvirt.open(DRIVER_URI)
    dom = c.lookupByName("alpha")
    assert c.close() == 1
    assert dom.name() == "alpha"          # the domain still works
    del c, dom


def test_each_object_holds_one_connection_reference(counts, private_conn):
    c, p = private_conn
    doms = c.listAllDomains()
    assert len(doms) >= 2
    assert counts.refs(p) == 1 + len(doms)
    objs = _make_objects(c)
    # the snapshot holds its domain, not the connection
    assert counts.refs(p) == 1 + len(doms) + len(objs) - 1
    del doms, objs
    gc.collect()
    assert counts.refs(p) == 1


@pytest.mark.parametrize("kind", sorted(set(C_NAMES) - {"checkpoint"}))
def test_dropping_a_wrapper_releases_exactly_its_reference(clib, quiet, kind):
    """Take a reference of our own on the object, drop the wrapper: the
    object must survive (the binding released only its own reference), and
    go when we release ours (the binding did release its reference)."""
    fn = C_NAMES[kind]
    c = libvirt.open(DRIVER_URI)
    p = clib.ptr(c)
    assert clib.virConnectRef(p) == 0      # ours, to see the end of it
    objs = _make_objects(c)
    obj = objs.pop(kind)
    del objs
    q = clib.ptr(obj)
    assert getattr(clib, fn + "Ref")(q) == 0
    del obj
    gc.collect()
    # ours on the connection and the object's are left
    assert c.close() == 1
    del c
    gc.collect()
    # releasing ours frees the object (else a reference of the binding is
    # left), which releases the connection reference the object held
    assert getattr(clib, fn + "Free")(q) == 0
    assert clib.virConnectClose(p) == 0, "%s: the wrapper did not release its reference" % kind


def test_checkpoint_wrapper_releases_its_reference(clib, quiet):
    c = libvirt.open(DRIVER_URI)
    p = clib.ptr(c)
    assert clib.virConnectRef(p) == 0
    dom = c.lookupByName("beta")          # no snapshots: checkpoints allowed
    ck = dom.checkpointCreateXML("<domaincheckpoint><name>ck1</name></domaincheckpoint>", 0)
    q = clib.ptr(ck)
    assert clib.virDomainCheckpointRef(q) == 0
    del ck, dom
    gc.collect()
    assert c.close() == 1
    del c
    gc.collect()
    assert clib.virDomainCheckpointFree(q) == 0
    assert clib.virConnectClose(p) == 0


def test_dropped_connection_is_released(clib):
    c = libvirt.open(DRIVER_URI)
    p = clib.ptr(c)
    assert clib.virConnectRef(p) == 0
    del c
    gc.collect()
    assert clib.virConnectClose(p) == 0


def test_closed_connection_is_not_released_twice(counts):
    c = libvirt.open(DRIVER_URI)
    p = counts.ptr(c)
    assert counts.virConnectRef(p) == 0
    assert c.close() == 1       # ours is left
    assert counts.refs(p) == 1
    del c
    gc.collect()
    assert counts.refs(p) == 1
    assert counts.virConnectClose(p) == 0


def test_close_with_children_alive(clib, quiet):
    """The children of a closed connection keep working, and release the
    connection when they go."""
    c = libvirt.open(DRIVER_URI)
    p = clib.ptr(c)
    assert clib.virConnectRef(p) == 0
    dom = c.lookupByName("alpha")
    snap = dom.snapshotLookupByName("snap1", 0)
    assert c.close() == 1
    assert dom.name() == "alpha"
    assert snap.getName() == "snap1"
    with pytest.raises(libvirt.libvirtError):
        c.lookupByName("alpha")   # the closed connection object itself
    del c, dom, snap
    gc.collect()
    assert clib.virConnectClose(p) == 0


def test_closing_twice_raises(quiet):
    c = libvirt.open(DRIVER_URI)
    assert c.close() == 0
    with pytest.raises(libvirt.libvirtError):
        c.close()


@pytest.mark.parametrize("make", [
    lambda c, d: libvirt.virDomain(),
    lambda c, d: libvirt.virDomain(c),
    lambda c, d: libvirt.virDomain(c, _obj=d.c_pointer()),
    lambda c, d: libvirt.virConnect(),
    lambda c, d: libvirt.virConnect(URI),
    lambda c, d: libvirt.virStream(c),
    lambda c, d: libvirt.virDomainSnapshot(d, None),
    lambda c, d: type(d)(),
    lambda c, d: type(d).__new__(type(d)),
    lambda c, d: object.__new__(type(d)),
    lambda c, d: type("Sub", (libvirt.virDomain,), {})(),
    lambda c, d: type("Sub", (libvirt.virDomain,), {
        "__new__": lambda cls: object.__new__(cls)})(),
    lambda c, d: __import__("copy").copy(d),
    lambda c, d: __import__("copy").deepcopy(d),
    lambda c, d: __import__("pickle").dumps(d),
], ids=["virDomain()", "virDomain(conn)", "virDomain(conn,_obj)", "virConnect()",
        "virConnect(uri)", "virStream(conn)", "virDomainSnapshot(dom,None)", "type(dom)()",
        "type(dom).__new__", "object.__new__", "subclass()", "subclass-object.__new__",
        "copy", "deepcopy", "pickle"])
def test_wrappers_cannot_be_made_from_python(private_conn, make):
    """Only the binding makes wrappers (each owning a reference it got from
    libvirt): every way of making one from Python raises TypeError, and
    leaves no reference behind (the fixture's close() returns 0)."""
    c, p = private_conn
    d = c.lookupByName("alpha")
    with pytest.raises(TypeError):
        make(c, d)
    del d
