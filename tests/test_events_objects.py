"""Network, storage pool, node device and secret events."""

import gc
import weakref

import pytest

from support.event_tests import NETWORK_XML, POOL_XML, VHBA_XML, exact_types
from support.event_tests import conn, default_conn, libvirt, pump  # noqa: F401 (fixtures)
from support.objects import Opaque, Recorder


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
