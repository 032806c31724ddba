"""Event callbacks: domain, network, storage pool, node device and secret
events (domainEventRegisterAny and friends, the legacy domainEventRegister),
close callbacks and stream callbacks, on libvirt's test driver with its
default event loop.

What the test driver of libvirt 9.0.0 raises, and so what is checked end
to end here: domain LIFECYCLE events (define, undefine, start, stop,
suspend, resume, save, restore) and METADATA_CHANGE; network LIFECYCLE;
storage pool LIFECYCLE and REFRESH; node device LIFECYCLE (creating and
destroying a vHBA on test:///default).  It raises no other domain event
(not even REBOOT: dom.reboot() changes no state there), has no secret
driver (registering fails with VIR_ERR_NO_SUPPORT), keeps no close
callbacks (registering and unregistering succeed and do nothing), and
gives fd streams (screenshot) that take stream callbacks.  Graphics,
reboot, tunable, QEMU monitor events and close callbacks of a real
connection are checked against a private libvirtd + QEMU at the end of
this file (skipped where that cannot run) and in test_qemu_events.py.

The default event loop is registered once for the process (like
test_event_functions.py does); the tests iterate it from the test's
thread (Pump), except the concurrency tests, which run it in a thread of
their own while the test's thread works.  Anything needing a Python event
loop implementation runs in a child interpreter (a process can register
only one implementation): tests/children/events_cases.py.
"""

import contextlib
import gc
import sys
import threading
import time
import weakref

import pytest

from support import api, child, waiting
from support.objects import Opaque, Recorder
from support.paths import DRIVER_URI
from test_event_functions import Tick

DOMAIN_XML = ("<domain type='test'><name>%s</name><memory>8192</memory>"
              "<os><type>hvm</type></os></domain>")
NETWORK_XML = ("<network><name>%s</name><bridge name='virbr%d'/>"
               "<ip address='192.168.%d.1' netmask='255.255.255.0'/></network>")
POOL_XML = ("<pool type='dir'><name>%s</name><target><path>/tmp/%s</path></target></pool>")
VHBA_XML = ("<device><parent>scsi_host1</parent><capability type='scsi_host'>"
            "<capability type='fc_host'><wwnn>2000000012345678</wwnn>"
            "<wwpn>1000000012345678</wwpn></capability></capability></device>")


# ---- fixtures ----------------------------------------------------------------

@pytest.fixture(scope="module")
def libvirt():
    import libvirt
    assert libvirt.virEventRegisterDefaultImpl() == 0
    return libvirt


class Pump(Tick):
    """Iterates the default event loop from the test's thread (a Tick: a
    20 ms timer keeps virEventRunDefaultImpl() from blocking for long)."""

    def until(self, predicate, max_iterations=300):
        return self.run_until(predicate, max_iterations)

    def settle(self):
        """Deliver whatever is queued (the test driver dispatches from a
        timer of the loop)."""
        self.run(10)


@pytest.fixture
def pump(libvirt):
    p = Pump(libvirt)
    yield p
    p.close()


def _close(c):
    try:
        c.close()
    except Exception:
        pass


@pytest.fixture
def conn(libvirt):
    """A connection to a private test driver state (tests/data/testdriver.xml)."""
    c = libvirt.open(DRIVER_URI)
    yield c
    _close(c)


@pytest.fixture
def default_conn(libvirt):
    """A connection to test:///default (its state is shared by every
    test:///default connection of the process: tests undo their changes)."""
    c = libvirt.open("test:///default")
    yield c
    _close(c)


@pytest.fixture
def unraisable(monkeypatch):
    """The exceptions sys.unraisablehook receives during the test."""
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", seen.append)
    return seen


def released_meanwhile(refs):
    """Whether every weakref's object goes away within about a second, the
    event loop running in its own thread."""
    for _ in range(100):
        gc.collect()
        if all(r() is None for r in refs):
            break
        time.sleep(0.01)
    return all(r() is None for r in refs)


def released(refs, pump):
    """Whether every weakref's object goes away within a few loop
    iterations (libvirt may free a registration from the loop)."""
    for i in range(50):
        gc.collect()
        if all(r() is None for r in refs):
            return True
        pump.run(1)
    gc.collect()
    return all(r() is None for r in refs)


@contextlib.contextmanager
def registered(conn, dom, event_id, callback, opaque):
    """domainEventRegisterAny() for the with block; yields the callback id."""
    cid = conn.domainEventRegisterAny(dom, event_id, callback, opaque)
    try:
        yield cid
    finally:
        conn.domainEventDeregisterAny(cid)


def exact_types(args, types):
    """The types of args are exactly `types` (int is not bool, ...)."""
    return tuple(type(a) for a in args) == tuple(types)


# ---- domain events -----------------------------------------------------------

def test_register_returns_int_and_deregister_none(libvirt, conn):
    cb = Recorder()
    cid = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, cb, None)
    assert type(cid) is int and cid >= 0
    assert conn.domainEventDeregisterAny(cid) is None


def test_lifecycle_transient_create_destroy(libvirt, conn, pump):
    cb, opaque = Recorder(), Opaque()
    with registered(conn, None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, cb, opaque):
        dom = conn.createXML(DOMAIN_XML % "ev-transient", 0)
        assert pump.until(lambda: len(cb.calls) == 1)
        dom.destroy()
        assert pump.until(lambda: len(cb.calls) == 2)
        pump.settle()
    assert len(cb.calls) == 2
    for args in cb.calls:
        assert len(args) == 5
        assert args[0] is conn
        assert isinstance(args[1], libvirt.virDomain)
        assert args[1].name() == "ev-transient"
        assert args[1].UUID() == dom.UUID()
        assert exact_types(args[2:4], (int, int))
        assert args[4] is opaque
    assert cb.calls[0][2:4] == (libvirt.VIR_DOMAIN_EVENT_STARTED,
                                libvirt.VIR_DOMAIN_EVENT_STARTED_BOOTED)
    assert cb.calls[1][2:4] == (libvirt.VIR_DOMAIN_EVENT_STOPPED,
                                libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED)


def test_lifecycle_define_undefine(libvirt, conn, pump):
    cb = Recorder()
    with registered(conn, None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, cb, "op"):
        dom = conn.defineXML(DOMAIN_XML % "ev-defined")
        assert pump.until(lambda: len(cb.calls) == 1)
        dom.undefine()
        assert pump.until(lambda: len(cb.calls) == 2)
    assert [c[2:] for c in cb.calls] == [
        (libvirt.VIR_DOMAIN_EVENT_DEFINED, libvirt.VIR_DOMAIN_EVENT_DEFINED_ADDED, "op"),
        (libvirt.VIR_DOMAIN_EVENT_UNDEFINED, libvirt.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED, "op"),
    ]
    assert all(c[1].name() == "ev-defined" for c in cb.calls)


def test_lifecycle_suspend_resume_save_restore(libvirt, conn, pump, tmp_path):
    cb = Recorder()
    with registered(conn, None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, cb, None):
        dom = conn.lookupByName("alpha")
        dom.suspend()
        assert pump.until(lambda: len(cb.calls) == 1)
        dom.resume()
        assert pump.until(lambda: len(cb.calls) == 2)
        dom.save(str(tmp_path / "alpha.save"))
        assert pump.until(lambda: len(cb.calls) == 3)
        conn.restore(str(tmp_path / "alpha.save"))
        assert pump.until(lambda: len(cb.calls) == 4)
    E = libvirt
    assert [c[2:4] for c in cb.calls] == [
        (E.VIR_DOMAIN_EVENT_SUSPENDED, E.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED),
        (E.VIR_DOMAIN_EVENT_RESUMED, E.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED),
        (E.VIR_DOMAIN_EVENT_STOPPED, E.VIR_DOMAIN_EVENT_STOPPED_SAVED),
        (E.VIR_DOMAIN_EVENT_STARTED, E.VIR_DOMAIN_EVENT_STARTED_RESTORED),
    ]
    assert all(exact_types(c[2:4], (int, int)) for c in cb.calls)


def test_domain_given_to_the_callback(libvirt, conn, pump):
    """A new virDomain object each time, owned by the registering
    connection, usable after the callback returned."""
    cb = Recorder()
    with registered(conn, None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, cb, None):
        looked_up = conn.lookupByName("alpha")
        looked_up.suspend()
        looked_up.resume()
        assert pump.until(lambda: len(cb.calls) == 2)
    d1, d2 = cb.calls[0][1], cb.calls[1][1]
    assert type(d1) is libvirt.virDomain
    assert d1 is not looked_up and d1 is not d2
    assert d1.connect() is conn
    assert d1.name() == "alpha" and d1.UUIDString() == looked_up.UUIDString()
    assert d1.info()[0] == libvirt.VIR_DOMAIN_RUNNING
    del cb.calls[:]
    gc.collect()


def test_registered_for_one_domain(libvirt, conn, pump):
    alpha, beta = conn.lookupByName("alpha"), conn.lookupByName("beta")
    cb = Recorder()
    with registered(conn, alpha, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, cb, None):
        beta.resume()
        alpha.suspend()
        assert pump.until(lambda: len(cb.calls) == 1)
        pump.settle()
    assert len(cb.calls) == 1
    assert cb.calls[0][1].name() == "alpha"
    assert cb.calls[0][2] == libvirt.VIR_DOMAIN_EVENT_SUSPENDED


def test_metadata_change(libvirt, conn, pump):
    cb = Recorder()
    with registered(conn, None, libvirt.VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, cb, 42):
        dom = conn.lookupByName("alpha")
        dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, "described", None, None)
        assert pump.until(lambda: len(cb.calls) == 1)
        dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, "<thing/>", "ev",
                        "http://example.org/ev/")
        assert pump.until(lambda: len(cb.calls) == 2)
    first, second = cb.calls
    assert first[0] is conn and first[1].name() == "alpha"
    assert first[2:] == (libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, None, 42)
    assert second[2:] == (libvirt.VIR_DOMAIN_METADATA_ELEMENT, "http://example.org/ev/", 42)
    assert exact_types(second[2:4], (int, str))


def test_reboot_registration(libvirt, conn, pump):
    """The test driver raises no REBOOT event (test_real_driver_events
    checks one): registering, rebooting and deregistering work, and
    nothing of the wrong shape arrives."""
    cb = Recorder()
    with registered(conn, None, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT, cb, "r"):
        conn.lookupByName("alpha").reboot(0)
        pump.settle()
    for args in cb.calls:
        assert len(args) == 3 and args[0] is conn and args[2] == "r"


def _event_ids(libvirt, prefix):
    names = sorted(n for n in dir(libvirt) if n.startswith(prefix) and not n.endswith("_LAST"))
    return [(n, getattr(libvirt, n)) for n in names]


def test_every_domain_event_id_registers_and_deregisters(libvirt, conn, pump):
    ids = _event_ids(libvirt, "VIR_DOMAIN_EVENT_ID_")
    # every domain event ID of the installed libvirt, as its API declares
    # them (VIR_DOMAIN_EVENT_ID_LAST is not exported)
    assert dict(ids) == api.enum_values("virDomainEventID")
    assert sorted(v for _, v in ids) == list(range(len(ids)))
    refs, cids = [], []
    for name, value in ids:
        cb, opaque = Recorder(), Opaque()
        refs += [weakref.ref(cb), weakref.ref(opaque)]
        cids.append(conn.domainEventRegisterAny(None, value, cb, opaque))
    assert len(set(cids)) == len(ids)
    # also on one domain
    dom = conn.lookupByName("alpha")
    for name, value in ids:
        cids.append(conn.domainEventRegisterAny(dom, value, Recorder(), None))
    for cid in cids:
        assert conn.domainEventDeregisterAny(cid) is None
    del cb, opaque
    assert released(refs, pump)


@pytest.mark.parametrize("family, prefix, objects", [
    ("network", "VIR_NETWORK_EVENT_ID_", "listAllNetworks"),
    ("storagePool", "VIR_STORAGE_POOL_EVENT_ID_", "listAllStoragePools"),
    ("nodeDevice", "VIR_NODE_DEVICE_EVENT_ID_", "listAllDevices"),
])
def test_every_other_event_id_registers_and_deregisters(libvirt, conn, pump, family, prefix,
                                                       objects):
    register = getattr(conn, family + "EventRegisterAny")
    deregister = getattr(conn, family + "EventDeregisterAny")
    ids = _event_ids(libvirt, prefix)
    assert dict(ids) == api.enum_values("vir%s%sEventID" % (family[0].upper(), family[1:]))
    assert sorted(v for _, v in ids) == list(range(len(ids)))
    obj = getattr(conn, objects)(0)[0]
    refs, cids = [], []
    for name, value in ids:
        for target in (None, obj):
            cb, opaque = Recorder(), Opaque()
            refs += [weakref.ref(cb), weakref.ref(opaque)]
            cid = register(target, value, cb, opaque)
            assert type(cid) is int
            cids.append(cid)
    for cid in cids:
        assert deregister(cid) is None
    del cb, opaque
    assert released(refs, pump)


def test_unknown_event_ids_raise_libvirt_error(libvirt, conn):
    cb, opaque = Recorder(), Opaque()
    refs = [weakref.ref(cb), weakref.ref(opaque)]
    for family, prefix in [("domain", "VIR_DOMAIN_EVENT_ID_"),
                           ("network", "VIR_NETWORK_EVENT_ID_"),
                           ("storagePool", "VIR_STORAGE_POOL_EVENT_ID_"),
                           ("nodeDevice", "VIR_NODE_DEVICE_EVENT_ID_"),
                           ("secret", "VIR_SECRET_EVENT_ID_")]:
        last = len(_event_ids(libvirt, prefix))   # the first ID past the known ones
        register = getattr(conn, family + "EventRegisterAny")
        for bad in (last, last + 100, -1, -(2 ** 31)):
            with pytest.raises(libvirt.libvirtError):
                register(None, bad, cb, opaque)
        with pytest.raises(OverflowError):
            register(None, 2 ** 40, cb, opaque)
    del cb, opaque
    gc.collect()
    assert all(r() is None for r in refs)   # released with the failed registration


def test_wrong_argument_types(libvirt, conn, quiet):
    cb = Recorder()
    net = conn.listAllNetworks(0)[0]
    dom = conn.lookupByName("alpha")
    E = libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE
    for bad_call in [
        lambda: conn.domainEventRegisterAny(5, E, cb, None),
        lambda: conn.domainEventRegisterAny("alpha", E, cb, None),
        lambda: conn.domainEventRegisterAny(net, E, cb, None),
        lambda: conn.domainEventRegisterAny(None, "0", cb, None),
        lambda: conn.domainEventRegisterAny(None, 0.0, cb, None),
        lambda: conn.domainEventRegisterAny(None, E, 5, None),
        lambda: conn.domainEventRegisterAny(None, E, None, None),
        lambda: conn.domainEventRegisterAny(None, E, cb),
        lambda: conn.domainEventRegisterAny(None, E, cb, None, None),
        lambda: conn.domainEventRegisterAny(dom=None, eventID=E, cb=cb, opaque=None, x=1),
        lambda: conn.domainEventDeregisterAny("1"),
        lambda: conn.domainEventDeregisterAny(),
        lambda: conn.networkEventRegisterAny(dom, 0, cb, None),
        lambda: conn.storagePoolEventRegisterAny(net, 0, cb, None),
        lambda: conn.nodeDeviceEventRegisterAny(dom, 0, cb, None),
        lambda: conn.secretEventRegisterAny(dom, 0, cb, None),
        lambda: conn.networkEventRegisterAny(None, 0, "cb", None),
        lambda: conn.networkEventDeregisterAny(None),
        lambda: conn.storagePoolEventDeregisterAny(1.5),
        lambda: conn.nodeDeviceEventDeregisterAny(b"1"),
        lambda: conn.secretEventDeregisterAny("1"),
        lambda: conn.domainEventRegister(5, None),
        lambda: conn.domainEventRegister(cb),
        lambda: conn.domainEventDeregister(),
        lambda: conn.registerCloseCallback(5, None),
        lambda: conn.registerCloseCallback(cb),
        lambda: conn.unregisterCloseCallback(cb),
    ]:
        with pytest.raises(TypeError):
            bad_call()
    # keyword arguments work
    cid = conn.domainEventRegisterAny(dom=None, eventID=E, cb=cb, opaque=None)
    assert conn.domainEventDeregisterAny(callbackID=cid) is None


def test_deregistering_an_unknown_id_raises(libvirt, conn, quiet):
    for family in ("domain", "network", "storagePool", "nodeDevice", "secret"):
        with pytest.raises(libvirt.libvirtError):
            getattr(conn, family + "EventDeregisterAny")(123456)
    cid = conn.domainEventRegisterAny(None, 0, Recorder(), None)
    conn.domainEventDeregisterAny(cid)
    with pytest.raises(libvirt.libvirtError) as info:
        conn.domainEventDeregisterAny(cid)
    assert info.value.get_error_code() == libvirt.VIR_ERR_INVALID_ARG


def test_id_of_another_connection_is_refused(libvirt, pump, quiet):
    c1, c2 = libvirt.open(DRIVER_URI), libvirt.open(DRIVER_URI)
    try:
        cid = c1.domainEventRegisterAny(None, 0, Recorder(), None)
        with pytest.raises(libvirt.libvirtError):
            c2.domainEventDeregisterAny(cid)
        c1.domainEventDeregisterAny(cid)
    finally:
        c1.close()
        c2.close()


def test_registering_on_a_closed_connection_or_foreign_domain(libvirt, pump, quiet):
    c1, c2 = libvirt.open(DRIVER_URI), libvirt.open(DRIVER_URI)
    cb, opaque = Recorder(), Opaque()
    refs = [weakref.ref(cb), weakref.ref(opaque)]
    try:
        with pytest.raises(libvirt.libvirtError):   # a domain of another connection
            c1.domainEventRegisterAny(c2.lookupByName("alpha"), 0, cb, opaque)
    finally:
        c2.close()
    c1.close()
    for register in (c1.domainEventRegisterAny, c1.networkEventRegisterAny,
                     c1.storagePoolEventRegisterAny, c1.nodeDeviceEventRegisterAny):
        with pytest.raises(libvirt.libvirtError):
            register(None, 0, cb, opaque)
    with pytest.raises(libvirt.libvirtError):
        c1.domainEventRegister(cb, opaque)
    with pytest.raises(libvirt.libvirtError):
        c1.domainEventDeregisterAny(0)
    del cb, opaque
    gc.collect()
    assert all(r() is None for r in refs)


def test_same_event_twice_on_one_connection_is_refused(libvirt, conn, pump, quiet):
    """libvirt keeps one registration per C callback, event and object (as
    with the reference binding): a second one for the same event of the
    same connection fails, and what it was given is released."""
    first = conn.domainEventRegisterAny(None, 0, Recorder(), None)
    cb, opaque = Recorder(), Opaque()
    refs = [weakref.ref(cb), weakref.ref(opaque)]
    try:
        with pytest.raises(libvirt.libvirtError):
            conn.domainEventRegisterAny(None, 0, cb, opaque)
        # a different domain filter is a different registration
        other = conn.domainEventRegisterAny(conn.lookupByName("alpha"), 0, Recorder(), None)
        conn.domainEventDeregisterAny(other)
    finally:
        conn.domainEventDeregisterAny(first)
    del cb, opaque
    gc.collect()
    assert all(r() is None for r in refs)


def test_two_connections_each_get_their_own(libvirt, pump):
    c1, c2 = libvirt.open("test:///default"), libvirt.open("test:///default")
    try:
        cb1, cb2 = Recorder(), Recorder()
        id1 = c1.domainEventRegisterAny(None, 0, cb1, "one")
        id2 = c2.domainEventRegisterAny(None, 0, cb2, "two")
        dom = c1.lookupByName("test")
        dom.suspend()
        dom.resume()
        assert pump.until(lambda: len(cb1.calls) == 2 and len(cb2.calls) == 2)
        c1.domainEventDeregisterAny(id1)
        c2.domainEventDeregisterAny(id2)
    finally:
        c1.close()
        c2.close()
    assert all(c[0] is c1 and c[-1] == "one" and c[1].connect() is c1 for c in cb1.calls)
    assert all(c[0] is c2 and c[-1] == "two" and c[1].connect() is c2 for c in cb2.calls)


def test_exception_in_callback_goes_to_unraisablehook(libvirt, conn, pump, unraisable):
    calls = []

    def failing(*args):
        calls.append(args)
        raise ValueError("callback failed %d" % len(calls))

    with registered(conn, None, 0, failing, None):
        dom = conn.lookupByName("alpha")
        dom.suspend()
        assert pump.until(lambda: len(calls) == 1)
        dom.resume()
        assert pump.until(lambda: len(calls) == 2)   # delivery goes on
    assert [str(u.exc_value) for u in unraisable] == ["callback failed 1", "callback failed 2"]
    assert all(type(u.exc_value) is ValueError and u.object is failing for u in unraisable)


def test_callback_with_wrong_signature_is_reported(libvirt, conn, pump, unraisable):
    with registered(conn, None, 0, lambda conn, dom: None, None):
        conn.lookupByName("alpha").suspend()
        assert pump.until(lambda: len(unraisable) == 1)
    assert type(unraisable[0].exc_value) is TypeError


def test_deregistration_stops_delivery(libvirt, conn, pump):
    cb = Recorder()
    cid = conn.domainEventRegisterAny(None, 0, cb, None)
    dom = conn.lookupByName("alpha")
    dom.suspend()
    assert pump.until(lambda: len(cb.calls) == 1)
    conn.domainEventDeregisterAny(cid)
    dom.resume()
    pump.settle()
    assert len(cb.calls) == 1


def test_callback_and_opaque_released_after_deregistration(libvirt, conn, pump):
    cb, opaque = Recorder(), Opaque()
    refs = [weakref.ref(cb), weakref.ref(opaque)]
    cid = conn.domainEventRegisterAny(None, 0, cb, opaque)
    del cb, opaque
    gc.collect()
    assert all(r() is not None for r in refs)   # kept alive by the registration
    conn.lookupByName("alpha").suspend()
    assert pump.until(lambda: len(refs[0]().calls) == 1)
    conn.domainEventDeregisterAny(cid)
    assert released(refs, pump)


def test_registration_keeps_the_connection_object(libvirt, pump):
    """The callback gets the very connection object registered through,
    even when the program kept no reference to it."""
    c = libvirt.open(DRIVER_URI)
    cb = Recorder()
    cid = c.domainEventRegisterAny(None, 0, cb, None)
    c.lookupByName("alpha").suspend()
    conn_ref = weakref.ref(c)
    conn_id = id(c)
    del c
    gc.collect()
    assert conn_ref() is not None
    assert pump.until(lambda: len(cb.calls) == 1)
    assert id(cb.calls[0][0]) == conn_id
    c = cb.calls[0][0]
    del cb.calls[:]
    c.domainEventDeregisterAny(cid)
    c.close()
    del c
    assert released([conn_ref], pump)


def test_callback_deregistering_itself(libvirt, conn, pump):
    state = {"calls": 0}

    def once(c, dom, event, detail, opaque):
        state["calls"] += 1
        c.domainEventDeregisterAny(state["id"])

    ref = weakref.ref(once)
    state["id"] = conn.domainEventRegisterAny(None, 0, once, None)
    del once
    dom = conn.lookupByName("alpha")
    dom.suspend()
    dom.resume()
    assert pump.until(lambda: state["calls"] >= 1)
    pump.settle()
    dom.suspend()
    pump.settle()
    assert state["calls"] == 1
    assert released([ref], pump)


# ---- legacy domainEventRegister ---------------------------------------------

def test_legacy_register_and_deregister(libvirt, conn, pump):
    cb1, cb2 = Recorder(), Recorder()
    assert conn.domainEventRegister(cb1, "one") is None
    assert conn.domainEventRegister(cb2, "two") is None
    dom = conn.lookupByName("alpha")
    dom.suspend()
    assert pump.until(lambda: len(cb1.calls) == 1 and len(cb2.calls) == 1)
    args = cb1.calls[0]
    assert len(args) == 5 and args[0] is conn and args[1].name() == "alpha"
    assert args[2:] == (libvirt.VIR_DOMAIN_EVENT_SUSPENDED,
                        libvirt.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED, "one")
    assert exact_types(args[2:4], (int, int))
    assert cb2.calls[0][4] == "two"
    assert conn.domainEventDeregister(cb1) is None
    dom.resume()
    assert pump.until(lambda: len(cb2.calls) == 2)
    pump.settle()
    assert len(cb1.calls) == 1
    assert conn.domainEventDeregister(cb2) is None
    dom.suspend()
    pump.settle()
    assert len(cb2.calls) == 2


def test_legacy_register_again_replaces_opaque(libvirt, conn, pump):
    cb = Recorder()
    conn.domainEventRegister(cb, "first")
    conn.domainEventRegister(cb, "second")
    conn.lookupByName("alpha").suspend()
    assert pump.until(lambda: len(cb.calls) >= 1)
    pump.settle()
    assert [c[4] for c in cb.calls] == ["second"]
    conn.domainEventDeregister(cb)


def test_legacy_deregister_by_equal_bound_method(libvirt, conn, pump):
    class Handler:
        def __init__(self):
            self.calls = []

        def on_event(self, *args):
            self.calls.append(args)

    h = Handler()
    conn.domainEventRegister(h.on_event, None)
    conn.lookupByName("alpha").suspend()
    assert pump.until(lambda: len(h.calls) == 1)
    conn.domainEventDeregister(h.on_event)      # another bound method object
    conn.lookupByName("alpha").resume()
    pump.settle()
    assert len(h.calls) == 1
    ref = weakref.ref(h)
    del h
    assert released([ref], pump)


def test_legacy_unknown_callable_raises_key_error_while_any_is_registered(libvirt, conn):
    # As the reference: a no-op with none registered, KeyError for a stranger.
    assert conn.domainEventDeregister(Recorder()) is None   # none registered
    conn.domainEventRegister(print, None)
    stranger = Recorder()
    with pytest.raises(KeyError):
        conn.domainEventDeregister(stranger)
    assert conn.domainEventDeregister(print) is None
    assert conn.domainEventDeregister(print) is None


def test_legacy_and_any_coexist(libvirt, conn, pump):
    legacy, any_cb = Recorder(), Recorder()
    conn.domainEventRegister(legacy, None)
    cid = conn.domainEventRegisterAny(None, 0, any_cb, None)
    conn.lookupByName("alpha").suspend()
    assert pump.until(lambda: len(legacy.calls) == 1 and len(any_cb.calls) == 1)
    conn.domainEventDeregisterAny(cid)
    conn.domainEventDeregister(legacy)


def test_legacy_releases_callables_and_opaques(libvirt, conn, pump):
    cbs = [Recorder() for _ in range(3)]
    opaques = [Opaque() for _ in range(3)]
    refs = [weakref.ref(o) for o in cbs + opaques]
    for cb, op in zip(cbs, opaques):
        conn.domainEventRegister(cb, op)
    conn.lookupByName("alpha").suspend()
    assert pump.until(lambda: all(len(cb.calls) == 1 for cb in cbs))
    for cb in cbs:
        conn.domainEventDeregister(cb)
    del cb, op, cbs, opaques
    assert released(refs, pump)


def test_legacy_callback_exception(libvirt, conn, pump, unraisable):
    good = Recorder()

    def bad(*args):
        raise RuntimeError("legacy failure")

    conn.domainEventRegister(bad, None)
    conn.domainEventRegister(good, None)
    conn.lookupByName("alpha").suspend()
    assert pump.until(lambda: len(good.calls) == 1)
    conn.domainEventDeregister(bad)
    conn.domainEventDeregister(good)
    assert [str(u.exc_value) for u in unraisable] == ["legacy failure"]


# ---- networks, storage pools, node devices, secrets ------------------------

def test_network_lifecycle(libvirt, conn, pump):
    cb, opaque = Recorder(), Opaque()
    cid = conn.networkEventRegisterAny(None, libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE, cb, opaque)
    try:
        net = conn.networkDefineXML(NETWORK_XML % ("ev-net", 77, 177))
        net.create()
        net.destroy()
        net.undefine()
        assert pump.until(lambda: len(cb.calls) == 4)
        pump.settle()
    finally:
        conn.networkEventDeregisterAny(cid)
    E = libvirt
    assert [c[2:4] for c in cb.calls] == [
        (E.VIR_NETWORK_EVENT_DEFINED, 0), (E.VIR_NETWORK_EVENT_STARTED, 0),
        (E.VIR_NETWORK_EVENT_STOPPED, 0), (E.VIR_NETWORK_EVENT_UNDEFINED, 0)]
    for args in cb.calls:
        assert len(args) == 5 and args[0] is conn and args[4] is opaque
        assert type(args[1]) is libvirt.virNetwork and args[1].name() == "ev-net"
        assert args[1].connect() is conn
        assert exact_types(args[2:4], (int, int))


def test_network_registered_for_one_network(libvirt, conn, pump):
    one, two = conn.networkLookupByName("net-one"), conn.networkLookupByName("net-two")
    cb = Recorder()
    cid = conn.networkEventRegisterAny(two, 0, cb, None)
    try:
        one.destroy()
        two.destroy()
        assert pump.until(lambda: len(cb.calls) == 1)
        pump.settle()
    finally:
        conn.networkEventDeregisterAny(cid)
    assert [(c[1].name(), c[2]) for c in cb.calls] == [("net-two",
                                                        libvirt.VIR_NETWORK_EVENT_STOPPED)]


def test_storage_pool_lifecycle_and_refresh(libvirt, conn, pump):
    life, refresh = Recorder(), Recorder()
    id1 = conn.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                                           life, "life")
    id2 = conn.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                                           refresh, "refresh")
    try:
        pool = conn.storagePoolDefineXML(POOL_XML % ("ev-pool", "ev-pool"), 0)
        pool.create(0)
        pool.refresh(0)
        pool.destroy()
        pool.undefine()
        assert pump.until(lambda: len(life.calls) == 4 and len(refresh.calls) == 1)
        pump.settle()
    finally:
        conn.storagePoolEventDeregisterAny(id1)
        conn.storagePoolEventDeregisterAny(id2)
    E = libvirt
    assert [c[2:] for c in life.calls] == [
        (E.VIR_STORAGE_POOL_EVENT_DEFINED, 0, "life"), (E.VIR_STORAGE_POOL_EVENT_STARTED, 0, "life"),
        (E.VIR_STORAGE_POOL_EVENT_STOPPED, 0, "life"),
        (E.VIR_STORAGE_POOL_EVENT_UNDEFINED, 0, "life")]
    assert len(refresh.calls) == 1
    args = refresh.calls[0]
    assert len(args) == 3 and args[0] is conn and args[2] == "refresh"
    assert type(args[1]) is libvirt.virStoragePool and args[1].name() == "ev-pool"
    assert all(type(c[1]) is libvirt.virStoragePool and c[0] is conn for c in life.calls)


def test_node_device_lifecycle(libvirt, default_conn, pump):
    cb, update = Recorder(), Recorder()
    id1 = default_conn.nodeDeviceEventRegisterAny(
        None, libvirt.VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE, cb, None)
    id2 = default_conn.nodeDeviceEventRegisterAny(
        None, libvirt.VIR_NODE_DEVICE_EVENT_ID_UPDATE, update, None)
    try:
        dev = default_conn.nodeDeviceCreateXML(VHBA_XML, 0)
        name = dev.name()
        dev.destroy()
        assert pump.until(lambda: len(cb.calls) == 2)
        pump.settle()
    finally:
        default_conn.nodeDeviceEventDeregisterAny(id1)
        default_conn.nodeDeviceEventDeregisterAny(id2)
    assert [c[2:] for c in cb.calls] == [(libvirt.VIR_NODE_DEVICE_EVENT_CREATED, 0, None),
                                         (libvirt.VIR_NODE_DEVICE_EVENT_DELETED, 0, None)]
    for args in cb.calls:
        assert args[0] is default_conn
        assert type(args[1]) is libvirt.virNodeDevice and args[1].name() == name
    for args in update.calls:   # the test driver raises none; if it did:
        assert len(args) == 3 and args[0] is default_conn


def test_secret_events_unsupported_by_the_test_driver(libvirt, conn, pump, quiet):
    """The test driver has no secrets: registering fails (and releases what
    it was given) with libvirt's error; so does deregistering."""
    cb, opaque = Recorder(), Opaque()
    refs = [weakref.ref(cb), weakref.ref(opaque)]
    for event_id in (libvirt.VIR_SECRET_EVENT_ID_LIFECYCLE,
                     libvirt.VIR_SECRET_EVENT_ID_VALUE_CHANGED):
        with pytest.raises(libvirt.libvirtError) as info:
            conn.secretEventRegisterAny(None, event_id, cb, opaque)
        assert info.value.get_error_code() == libvirt.VIR_ERR_NO_SUPPORT
    with pytest.raises(libvirt.libvirtError):
        conn.secretEventDeregisterAny(0)
    del cb, opaque
    gc.collect()
    assert all(r() is None for r in refs)


# ---- close callbacks -----------------------------------------------------------

def test_close_callback_registration(libvirt, pump):
    """The test driver keeps no close callback: registering and
    unregistering succeed (0 and None, like the reference binding), and
    what was registered is released by unregistering."""
    c = libvirt.open(DRIVER_URI)
    cb, opaque = Recorder(), Opaque()
    refs = [weakref.ref(cb), weakref.ref(opaque)]
    assert c.registerCloseCallback(cb, opaque) == 0
    gc.collect()
    assert all(r() is not None for r in refs)
    assert c.unregisterCloseCallback() is None
    del cb, opaque
    assert released(refs, pump)
    # again, twice in a row (the test driver does not refuse it)
    assert c.registerCloseCallback(Recorder(), None) == 0
    assert c.registerCloseCallback(Recorder(), None) == 0
    assert c.unregisterCloseCallback() is None
    assert c.close() == 0


def test_close_callback_then_close_connection(libvirt, pump, quiet):
    c = libvirt.open(DRIVER_URI)
    cb = Recorder()
    assert c.registerCloseCallback(cb, None) == 0
    c.close()
    pump.settle()
    assert cb.calls == []    # the test driver never calls it
    with pytest.raises(libvirt.libvirtError):
        c.unregisterCloseCallback()   # closed connection


# ---- stream callbacks ------------------------------------------------------------

def test_stream_event_callback(libvirt, conn, pump):
    st = conn.newStream(libvirt.VIR_STREAM_NONBLOCK)
    assert conn.lookupByName("alpha").screenshot(st, 0, 0) == "image/png"
    cb, opaque = Recorder(), Opaque()
    refs = [weakref.ref(cb), weakref.ref(opaque)]
    assert st.eventAddCallback(libvirt.VIR_STREAM_EVENT_READABLE, cb, opaque) is None
    assert pump.until(lambda: len(cb.calls) >= 1)
    args = cb.calls[0]
    assert len(args) == 3 and args[0] is st and args[2] is opaque
    assert type(args[1]) is int and args[1] & libvirt.VIR_STREAM_EVENT_READABLE
    assert st.eventUpdateCallback(0) == 0
    pump.settle()
    n = len(cb.calls)
    pump.settle()
    assert len(cb.calls) == n     # no events asked for: none arrive
    assert st.eventUpdateCallback(libvirt.VIR_STREAM_EVENT_READABLE) == 0
    assert pump.until(lambda: len(cb.calls) > n)
    data = st.recv(1 << 20)
    assert isinstance(data, bytes) and data.startswith(b"\x89PNG")
    assert st.eventRemoveCallback() == 0
    del cb.calls[:], args
    del cb, opaque
    assert released(refs, pump)
    st.abort()


def test_stream_second_callback_is_refused(libvirt, conn, pump, quiet):
    st = conn.newStream(libvirt.VIR_STREAM_NONBLOCK)
    conn.lookupByName("alpha").screenshot(st, 0, 0)
    st.eventAddCallback(libvirt.VIR_STREAM_EVENT_READABLE, Recorder(), None)
    cb, opaque = Recorder(), Opaque()
    refs = [weakref.ref(cb), weakref.ref(opaque)]
    with pytest.raises(libvirt.libvirtError):
        st.eventAddCallback(libvirt.VIR_STREAM_EVENT_READABLE, cb, opaque)
    del cb, opaque
    gc.collect()
    assert all(r() is None for r in refs)
    st.eventRemoveCallback()
    with pytest.raises(libvirt.libvirtError):
        st.eventRemoveCallback()
    st.abort()


def test_stream_callback_errors(libvirt, conn, quiet):
    st = conn.newStream(0)
    with pytest.raises(libvirt.libvirtError):      # no driver behind this stream yet
        st.eventAddCallback(libvirt.VIR_STREAM_EVENT_READABLE, Recorder(), None)
    with pytest.raises(TypeError):
        st.eventAddCallback("1", Recorder(), None)
    with pytest.raises(TypeError):
        st.eventAddCallback(1, None, None)
    with pytest.raises(TypeError):
        st.eventAddCallback(1, Recorder())


def test_stream_callback_exception(libvirt, conn, pump, unraisable):
    st = conn.newStream(libvirt.VIR_STREAM_NONBLOCK)
    conn.lookupByName("alpha").screenshot(st, 0, 0)
    calls = []

    def bad(stream, events, opaque):
        calls.append(events)
        raise KeyError("stream")

    st.eventAddCallback(libvirt.VIR_STREAM_EVENT_READABLE, bad, None)
    assert pump.until(lambda: len(calls) >= 2)      # delivery goes on
    st.eventRemoveCallback()
    st.abort()
    assert len(unraisable) >= 2 and type(unraisable[0].exc_value) is KeyError


# ---- concurrency ---------------------------------------------------------------

class LoopThread:
    """The default event loop run by a thread of its own."""

    def __init__(self, libvirt):
        self.libvirt = libvirt
        self.stop = False
        self.timer = libvirt.virEventAddTimeout(10, lambda t, o: None, None)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop:
            self.libvirt.virEventRunDefaultImpl()

    def close(self):
        self.stop = True
        self.thread.join(10)
        assert not self.thread.is_alive()
        self.libvirt.virEventRemoveTimeout(self.timer)


@pytest.fixture
def loop_thread(libvirt):
    t = LoopThread(libvirt)
    yield t
    t.close()


def _wait(predicate, timeout=10.0):
    return waiting.until(predicate, timeout)


def test_events_from_a_loop_thread(libvirt, conn, loop_thread):
    cb = Recorder()
    cid = conn.domainEventRegisterAny(None, 0, cb, None)
    dom = conn.lookupByName("alpha")
    for _ in range(20):
        dom.suspend()
        dom.resume()
    assert _wait(lambda: len(cb.calls) == 40)
    conn.domainEventDeregisterAny(cid)
    assert [c[2] for c in cb.calls] == [libvirt.VIR_DOMAIN_EVENT_SUSPENDED,
                                        libvirt.VIR_DOMAIN_EVENT_RESUMED] * 20


def test_many_registrations_while_events_flow(libvirt, conn, loop_thread, unraisable):
    """Registering and deregistering over and over while another thread
    generates events and the loop thread delivers them: no crash, every
    event a registration gets has the right shape, and everything
    registered is released at the end."""
    dom = conn.lookupByName("alpha")
    stop = threading.Event()
    errors = []

    def churn_domain():
        try:
            while not stop.is_set():
                dom.suspend()
                dom.resume()
        except Exception as e:   # pragma: no cover - reported below
            errors.append(e)

    worker = threading.Thread(target=churn_domain)
    worker.start()
    refs, bad = [], []

    def check(*args):
        if len(args) != 5 or args[0] is not conn or type(args[2]) is not int:
            bad.append(repr(args))

    try:
        for i in range(300):
            cb = Recorder()
            opaque = Opaque()
            refs += [weakref.ref(cb), weakref.ref(opaque)]
            cids = [conn.domainEventRegisterAny(None, 0, cb, opaque),
                    conn.domainEventRegisterAny(dom, 0, check, i),
                    conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT, cb, i)]
            conn.domainEventRegister(check, i)
            if i % 3 == 0:
                time.sleep(0.001)
            for cid in cids:
                conn.domainEventDeregisterAny(cid)
            conn.domainEventDeregister(check)
            bad.extend(repr(c) for c in cb.calls
                       if len(c) != 5 or c[0] is not conn or c[4] is not opaque)
    finally:
        stop.set()
        worker.join(10)
    del cb, opaque
    assert not errors and not bad and not unraisable
    assert released_meanwhile(refs)


def test_deregistering_while_a_callback_runs(libvirt, conn, loop_thread):
    """The test's thread deregisters while the loop thread is inside the
    callback: libvirt frees the registration only once the callback
    returned, and the callback still sees valid objects."""
    inside, leave = threading.Event(), threading.Event()
    seen = []

    def slow(c, dom, event, detail, opaque):
        inside.set()
        leave.wait(5)
        seen.append((c is conn, dom.name(), opaque.__class__.__name__))

    opaque = Opaque()
    refs = [weakref.ref(slow), weakref.ref(opaque)]
    cid = conn.domainEventRegisterAny(None, 0, slow, opaque)
    del slow, opaque
    conn.lookupByName("alpha").suspend()
    assert inside.wait(10)
    conn.domainEventDeregisterAny(cid)      # while it runs
    leave.set()
    assert _wait(lambda: len(seen) == 1)
    assert seen == [(True, "alpha", "Opaque")]
    conn.lookupByName("alpha").resume()
    time.sleep(0.1)
    assert len(seen) == 1
    assert released_meanwhile(refs)


# ---- processes of their own (tests/children/events_cases.py) -------------------

def test_events_during_interpreter_shutdown():
    """The interpreter exits while a loop thread delivers events and
    another thread keeps raising them: events arriving once it finalizes
    are dropped, without a crash."""
    result = child.run("events_cases", "interpreter_shutdown", DRIVER_URI)
    assert result.lines == ["OK"]
    assert "Fatal Python error" not in result.stderr


def test_events_with_a_python_event_loop():
    """A Python event loop implementation (virEventRegisterImpl) delivers
    the events; deregistering frees the registration through it."""
    result = child.run("events_cases", "python_event_loop", DRIVER_URI)
    assert result.lines == ["OK"]


# ---- a real driver (private libvirtd + QEMU) ---------------------------------------

def _qemu_requirements():
    try:
        import qemu_daemon
    except ImportError:
        return None, "tests/qemu_daemon.py missing"
    return qemu_daemon, qemu_daemon.missing_requirements()


@pytest.fixture(scope="module")
def qemu(libvirt):
    qd, reason = _qemu_requirements()
    if reason:
        pytest.skip("real libvirtd/QEMU: %s" % reason)
    d = qd.QemuDaemon(cache_dir=qd.shared_cache_dir()).start()
    yield qd, d
    d.stop()


def test_real_driver_events(libvirt, qemu, loop_thread):
    """REBOOT, TUNABLE and LIFECYCLE events of a QEMU guest, and the close
    callback of a remote connection when its daemon goes away."""
    qd, daemon = qemu
    c = libvirt.open(daemon.uri)
    reboot, tunable, life, closed = Recorder(), Recorder(), Recorder(), Recorder()
    ids = [c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT, reboot, "r"),
           c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_TUNABLE, tunable, "t"),
           c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, life, "l")]
    assert c.registerCloseCallback(closed, "c") == 0
    with pytest.raises(libvirt.libvirtError):          # one per connection
        c.registerCloseCallback(Recorder(), None)
    dom, _ = qd.start_vnc_guest(c, name="evguest", graphics=False)
    assert _wait(lambda: any(a[2] == libvirt.VIR_DOMAIN_EVENT_STARTED for a in life.calls))
    dom.reset(0)
    assert _wait(lambda: len(reboot.calls) >= 1)
    args = reboot.calls[0]
    assert len(args) == 3 and args[0] is c and args[1].name() == "evguest" and args[2] == "r"
    dom.pinVcpuFlags(0, (True,), libvirt.VIR_DOMAIN_AFFECT_LIVE)
    assert _wait(lambda: len(tunable.calls) >= 1)
    args = tunable.calls[0]
    assert len(args) == 4 and args[0] is c and args[3] == "t"
    assert args[2] == {"cputune.vcpupin0": "0"}
    dom.destroy()
    assert _wait(lambda: any(a[2] == libvirt.VIR_DOMAIN_EVENT_STOPPED for a in life.calls))
    for cid in ids:
        c.domainEventDeregisterAny(cid)
    # unregistering, then registering again, on a remote connection
    assert c.unregisterCloseCallback() is None
    with pytest.raises(libvirt.libvirtError):
        c.unregisterCloseCallback()
    assert c.registerCloseCallback(closed, "c") == 0
    daemon.stop()
    assert _wait(lambda: len(closed.calls) == 1)
    args = closed.calls[0]
    assert len(args) == 3 and args[0] is c and args[2] == "c"
    assert type(args[1]) is int and args[1] in (libvirt.VIR_CONNECT_CLOSE_REASON_EOF,
                                                libvirt.VIR_CONNECT_CLOSE_REASON_ERROR)
    ref = weakref.ref(closed)
    del closed, args
    # libvirt frees the registration once the callback returned
    assert _wait(lambda: gc.collect() is not None and ref() is None)
    try:
        c.close()
    except libvirt.libvirtError:
        pass
