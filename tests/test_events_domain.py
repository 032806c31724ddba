"""Domain events (domainEventRegisterAny): delivery, registration errors, release."""

import gc
import weakref

import pytest

from support import api, child
from support.event_tests import DOMAIN_XML, exact_types, registered, released
from support.event_tests import conn, libvirt, pump, unraisable  # noqa: F401 (fixtures)
from support.objects import Opaque, Recorder
from support.paths import DRIVER_URI


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


def test_events_with_a_python_event_loop():
    """A Python event loop implementation (virEventRegisterImpl) delivers
    the events; deregistering frees the registration through it."""
    result = child.run("events_cases", "python_event_loop", DRIVER_URI)
    assert result.lines == ["OK"]
