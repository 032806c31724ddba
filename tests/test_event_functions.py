"""Event loop functions: virEventAddHandle/virEventAddTimeout with libvirt's
default event loop, and a Python event loop given to virEventRegisterImpl.

libvirt keeps the first event implementation registered in a process for
the life of the process.  The default-implementation tests run in the test
process itself (they register it when first needed, as most applications
do); everything using a Python implementation runs in a child interpreter
of its own (tests/children/event_functions_cases.py).
"""

import gc
import os
import sys
import weakref

import pytest

from support import child
from support.event_tests import Tick, libvirt  # noqa: F401 (libvirt: a fixture)
from support.objects import Opaque, Recorder

READABLE = 1    # VIR_EVENT_HANDLE_READABLE
WRITABLE = 2    # VIR_EVENT_HANDLE_WRITABLE


# ---- the default implementation -------------------------------------------

@pytest.fixture
def loop(libvirt):
    tick = Tick(libvirt)
    yield tick
    tick.close()


def collected(ref, loop):
    """Whether `ref`'s object (or all of a list's) goes away within a few
    loop iterations.

    libvirt's default (GLib) loop releases removed registrations from an
    idle source, which only runs in an iteration where no timer is due."""
    refs = ref if isinstance(ref, list) else [ref]
    for i in range(60):
        # Iterations back to back: the tick must not be due at each one.
        loop.run(1)
        if i % 20 == 19:
            gc.collect()
        if all(r() is None for r in refs):
            return True
    return False


def test_timeout_fires_with_timer_and_opaque_and_stops_after_removal(libvirt, loop):
    calls = []
    opaque = Opaque()
    timer = libvirt.virEventAddTimeout(0, lambda *args: calls.append(args), opaque)
    assert isinstance(timer, int) and timer >= 0
    assert loop.run_until(lambda: len(calls) >= 3)
    assert all(args == (timer, opaque) for args in calls)
    assert libvirt.virEventRemoveTimeout(timer) == 0
    count = len(calls)
    loop.run(5)
    assert len(calls) == count


def test_update_timeout_disables_and_reenables(libvirt, loop):
    calls = []
    timer = libvirt.virEventAddTimeout(-1, lambda *args: calls.append(args), None)
    try:
        loop.run(5)
        assert calls == []
        libvirt.virEventUpdateTimeout(timer, 0)
        assert loop.run_until(lambda: calls)
        libvirt.virEventUpdateTimeout(timer, -1)
        loop.run(2)
        count = len(calls)
        loop.run(5)
        assert len(calls) == count
    finally:
        libvirt.virEventRemoveTimeout(timer)


def test_handle_fires_when_pipe_becomes_readable(libvirt, loop):
    calls = []
    opaque = Opaque()
    rfd, wfd = os.pipe()
    try:
        def cb(*args):
            calls.append(args)
            os.read(rfd, 1)

        watch = libvirt.virEventAddHandle(rfd, READABLE, cb, opaque)
        assert isinstance(watch, int) and watch >= 0
        loop.run(5)
        assert calls == []            # nothing to read yet
        os.write(wfd, b"x")
        assert loop.run_until(lambda: calls)
        assert calls == [(watch, rfd, READABLE, opaque)]
        # Not watched for reading any more: data stays unread.
        libvirt.virEventUpdateHandle(watch, 0)
        os.write(wfd, b"y")
        loop.run(5)
        assert len(calls) == 1
        libvirt.virEventUpdateHandle(watch, READABLE)
        assert loop.run_until(lambda: len(calls) == 2)
        assert libvirt.virEventRemoveHandle(watch) == 0
        os.write(wfd, b"z")
        loop.run(5)
        assert len(calls) == 2
    finally:
        os.close(rfd)
        os.close(wfd)


def test_timeout_callback_and_opaque_released_after_removal(libvirt, loop):
    opaque = Opaque()
    calls = []

    def cb(timer, op):
        calls.append(timer)

    opaque_ref, cb_ref = weakref.ref(opaque), weakref.ref(cb)
    timer = libvirt.virEventAddTimeout(0, cb, opaque)
    del opaque, cb
    assert loop.run_until(lambda: calls)
    gc.collect()
    alive = opaque_ref() is not None and cb_ref() is not None
    assert alive        # still registered (no assert on the objects: pytest keeps them)
    libvirt.virEventRemoveTimeout(timer)
    assert collected(opaque_ref, loop)
    assert collected(cb_ref, loop)


def test_handle_callback_and_opaque_released_after_removal(libvirt, loop):
    opaque = Opaque()
    rfd, wfd = os.pipe()
    try:
        def cb(*args):
            pass

        opaque_ref, cb_ref = weakref.ref(opaque), weakref.ref(cb)
        watch = libvirt.virEventAddHandle(rfd, READABLE, cb, opaque)
        del opaque, cb
        loop.run(3)
        gc.collect()
        alive = opaque_ref() is not None and cb_ref() is not None
        assert alive
        libvirt.virEventRemoveHandle(watch)
        assert collected(opaque_ref, loop)
        assert collected(cb_ref, loop)
    finally:
        os.close(rfd)
        os.close(wfd)


def test_callback_removing_its_own_timeout(libvirt, loop):
    calls = []
    opaque = Opaque()
    opaque_ref = weakref.ref(opaque)

    def cb(timer, op):
        calls.append(timer)
        libvirt.virEventRemoveTimeout(timer)

    libvirt.virEventAddTimeout(0, cb, opaque)
    del opaque
    assert loop.run_until(lambda: calls)
    loop.run(5)
    assert len(calls) == 1
    assert collected(opaque_ref, loop)


def test_raising_callback_goes_to_unraisablehook_and_loop_continues(libvirt, loop, monkeypatch):
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)
    bad, good = Recorder(raises=ValueError, message="boom from callback"), Recorder()
    bad_timer = libvirt.virEventAddTimeout(0, bad, None)
    good_timer = libvirt.virEventAddTimeout(0, good, None)
    try:
        assert loop.run_until(lambda: len(bad.calls) >= 3 and len(good.calls) >= 3)
    finally:
        libvirt.virEventRemoveTimeout(bad_timer)
        libvirt.virEventRemoveTimeout(good_timer)
    assert len(reported) >= 3
    assert isinstance(reported[0].exc_value, ValueError)
    assert str(reported[0].exc_value) == "boom from callback"
    assert reported[0].object is bad


def test_raising_handle_callback_is_reported(libvirt, loop, monkeypatch):
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)
    rfd, wfd = os.pipe()
    try:
        def bad(watch, fd, events, opaque):
            os.read(fd, 1)
            raise KeyError("handle")

        watch = libvirt.virEventAddHandle(rfd, READABLE, bad, None)
        os.write(wfd, b"ab")
        assert loop.run_until(lambda: len(reported) >= 2)
        libvirt.virEventRemoveHandle(watch)
    finally:
        os.close(rfd)
        os.close(wfd)
    assert isinstance(reported[0].exc_value, KeyError)


def test_many_registrations_are_released(libvirt, loop):
    refs, timers = [], []
    for i in range(50):
        opaque = Opaque()
        refs.append(weakref.ref(opaque))
        timers.append(libvirt.virEventAddTimeout(1000, lambda *a: None, opaque))
    del opaque
    for timer in timers:
        libvirt.virEventRemoveTimeout(timer)
    assert collected(refs, loop)


# ---- bad arguments (nothing gets registered) -------------------------------

def _noop(*args):
    return 0


@pytest.mark.parametrize("args, exc", [
    (("3", READABLE, _noop, None), TypeError),
    ((3.0, READABLE, _noop, None), TypeError),
    ((None, READABLE, _noop, None), TypeError),
    ((2 ** 40, READABLE, _noop, None), OverflowError),
    ((0, "1", _noop, None), TypeError),
    ((0, 2 ** 31, _noop, None), OverflowError),
    ((0, READABLE, 5, None), TypeError),
    ((0, READABLE, None, None), TypeError),
    ((0, READABLE, _noop), TypeError),
    ((0, READABLE, _noop, None, None), TypeError),
])
def test_add_handle_bad_arguments(libvirt, args, exc):
    with pytest.raises(exc):
        libvirt.virEventAddHandle(*args)


@pytest.mark.parametrize("args, exc", [
    (("10", _noop, None), TypeError),
    ((1.5, _noop, None), TypeError),
    ((-2 ** 40, _noop, None), OverflowError),
    ((10, "callback", None), TypeError),
    ((10, _noop), TypeError),
    ((), TypeError),
])
def test_add_timeout_bad_arguments(libvirt, args, exc):
    with pytest.raises(exc):
        libvirt.virEventAddTimeout(*args)


def test_add_keyword_arguments(libvirt, loop):
    calls = []
    timer = libvirt.virEventAddTimeout(timeout=0, cb=lambda *a: calls.append(a), opaque="kw")
    try:
        assert loop.run_until(lambda: calls)
        assert calls[0] == (timer, "kw")
    finally:
        libvirt.virEventRemoveTimeout(timer)
    with pytest.raises(TypeError):
        libvirt.virEventAddTimeout(0, _noop, None, timeout=0)
    with pytest.raises(TypeError):
        libvirt.virEventAddTimeout(0, _noop, bogus=None)


@pytest.mark.parametrize("position", range(6))
def test_register_impl_rejects_non_callables(libvirt, position):
    import libvirtmod
    args = [_noop] * 6
    args[position] = 42
    with pytest.raises(TypeError, match="callable"):
        libvirtmod.virEventRegisterImpl(*args)


@pytest.mark.parametrize("value", ["a\0b", "x", None, 1, (None, None, None), object()])
def test_invoke_free_callback_rejects_foreign_objects(value):
    import libvirtmod
    with pytest.raises(TypeError):
        libvirtmod.virEventInvokeFreeCallback(value)


def test_invoke_callbacks_reject_foreign_objects():
    import libvirtmod
    with pytest.raises(TypeError):
        libvirtmod.virEventInvokeHandleCallback(1, 0, READABLE, "a\0b")
    with pytest.raises(TypeError):
        libvirtmod.virEventInvokeHandleCallback("1", 0, READABLE, None)
    with pytest.raises(OverflowError):
        libvirtmod.virEventInvokeHandleCallback(2 ** 40, 0, READABLE, None)
    with pytest.raises(TypeError):
        libvirtmod.virEventInvokeTimeoutCallback(1, (None, None, None))
    with pytest.raises(TypeError):
        libvirtmod.virEventInvokeTimeoutCallback(1)


def test_event_function_signatures():
    import inspect
    import libvirtmod
    assert str(inspect.signature(libvirtmod.virEventInvokeFreeCallback)) == "(opaque)"
    assert (str(inspect.signature(libvirtmod.virEventInvokeHandleCallback))
            == "(watch, fd, events, opaque)")
    assert str(inspect.signature(libvirtmod.virEventInvokeTimeoutCallback)) == "(timer, opaque)"
    assert str(inspect.signature(libvirtmod.virEventAddHandle)) == "(fd, events, cb, opaque)"
    assert str(inspect.signature(libvirtmod.virEventAddTimeout)) == "(timeout, cb, opaque)"
    assert (str(inspect.signature(libvirtmod.virEventRegisterImpl))
            == "(addHandle, updateHandle, removeHandle, addTimeout, updateTimeout, removeTimeout)")


# ---- a Python implementation (each test in a child of its own) -------------
#
# The cases are in tests/children/event_functions_cases.py; each registers
# the Python event loop double of support/eventloop.py.

CASES = "event_functions_cases"


@pytest.mark.parametrize("case", [
    "timeout_path",
    "handle_path",
    "registered_once_and_opaque_not_instantiable",
    "raising_callback_reported_and_loop_continues",
    # A loop that frees a registration right inside removeTimeout (which
    # the protocol forbids) while that registration's callback runs: the
    # free is deferred until the callback returns, nothing crashes.
    "free_during_dispatch_is_deferred",
    "threads",
])
def test_python_impl(case):
    """The cases that check everything in the child."""
    child.run(CASES, case)


def test_python_impl_non_callable_registers_nothing():
    refused, timer, made = child.run(CASES, "non_callable_registers_nothing").value
    assert refused is not None, "a non-callable addTimeout was registered"
    assert refused[0] == "TypeError" and "addTimeout" in refused[1]
    # the valid registration afterwards is the one libvirt uses
    assert made == [timer]


def test_python_impl_raising_loop_callables():
    lines, made = child.run(CASES, "raising_loop_callables").value
    assert len(made) == 1, made     # the three failing adds made no timer
    assert lines == [
        "raise libvirtError ValueError",
        "raise released True",
        "str libvirtError TypeError",
        "str released True",
        "big libvirtError OverflowError",
        "big released True",
        f"add {made[0]}",
        "remove 0",
        "remove99 libvirtError KeyError",
        "update 1 RuntimeError",
    ]


def test_python_impl_asyncio_loop_and_connection():
    # The shape of an asyncio integration (what libvirtaio does): callbacks
    # dispatched from asyncio's reader/timer callbacks, frees scheduled with
    # call_soon.  A connection to test:///default works alongside it.
    report = child.run(CASES, "asyncio_loop_and_connection").value
    assert report == {"names": True, "handle": True, "timer": True, "released": True,
                      "nothing registered": True}
