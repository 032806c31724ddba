"""Close callbacks (registerCloseCallback) and stream callbacks."""

import gc
import weakref

import pytest

from support.event_tests import released
from support.event_tests import conn, libvirt, pump, unraisable  # noqa: F401 (fixtures)
from support.objects import Opaque, Recorder
from support.paths import DRIVER_URI


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
