"""The legacy domainEventRegister/domainEventDeregister."""

import weakref

import pytest

from support.event_tests import exact_types, released
from support.event_tests import conn, libvirt, pump, unraisable  # noqa: F401 (fixtures)
from support.objects import Opaque, Recorder


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
