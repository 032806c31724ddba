"""Event loop functions: virEventAddHandle/virEventAddTimeout with libvirt's
default event loop, and a Python event loop given to virEventRegisterImpl.

libvirt keeps the first event implementation registered in a process for
the life of the process.  The default-implementation tests run in the test
process itself (they register it when first needed, as most applications
do); everything using a Python implementation runs in a subprocess of its
own (see PY_LOOP and run_script).
"""

import gc
import os
import subprocess
import sys
import textwrap
import weakref

import pytest

READABLE = 1    # VIR_EVENT_HANDLE_READABLE
WRITABLE = 2    # VIR_EVENT_HANDLE_WRITABLE


# ---- the default implementation -------------------------------------------

class Tick:
    """Keeps a 20 ms timer registered, so that virEventRunDefaultImpl()
    never blocks for long whatever the test registered (not much shorter:
    a timer due at every iteration would starve the loop's idle work)."""

    def __init__(self, libvirt):
        self.libvirt = libvirt
        self.timer = libvirt.virEventAddTimeout(20, lambda timer, opaque: None, None)

    def run(self, iterations):
        for _ in range(iterations):
            self.libvirt.virEventRunDefaultImpl()

    def run_until(self, predicate, max_iterations=400):
        for _ in range(max_iterations):
            if predicate():
                return True
            self.libvirt.virEventRunDefaultImpl()
        return predicate()

    def close(self):
        # No iteration afterwards: with nothing registered it would block.
        self.libvirt.virEventRemoveTimeout(self.timer)


@pytest.fixture(scope="module")
def libvirt():
    import libvirt
    assert libvirt.virEventRegisterDefaultImpl() == 0
    return libvirt


@pytest.fixture
def loop(libvirt):
    tick = Tick(libvirt)
    yield tick
    tick.close()


class Opaque:
    """Something weakref-able to hand to libvirt as opaque."""


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
    calls, others = [], []

    def bad(timer, opaque):
        calls.append(timer)
        raise ValueError("boom from callback")

    bad_timer = libvirt.virEventAddTimeout(0, bad, None)
    good_timer = libvirt.virEventAddTimeout(0, lambda *args: others.append(args), None)
    try:
        assert loop.run_until(lambda: len(calls) >= 3 and len(others) >= 3)
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


# ---- a Python implementation (each test in a subprocess) -------------------

# A small select()-based loop following the protocol libvirt's Python
# binding defines: libvirt's registrations arrive as (cb, opaque); the loop
# calls cb(watch, fd, events, opaque) / cb(timer, opaque) and, once a
# registration is removed, virEventInvokeFreeCallback(opaque) from the loop
# (not from inside removeHandle/removeTimeout).
PY_LOOP = r'''
import gc, os, select, sys, time, weakref
import libvirt, libvirtmod

invokeFree = getattr(libvirt, "virEventInvokeFreeCallback", None) \
    or libvirtmod.virEventInvokeFreeCallback


class Loop:
    def __init__(self):
        self.next_id = 1
        self.handles = {}     # watch -> [fd, events, cb, opaque]
        self.timers = {}      # timer -> [timeout, cb, opaque, deadline]
        self.to_free = []
        self.log = []         # (method, args...) as libvirt called them
        self.seen = {}        # method -> (cb, opaque) last received
        self.eager_free = False   # free inside removeTimeout (bad, tested)

    def _id(self):
        self.next_id += 1
        return self.next_id - 1

    def addHandle(self, fd, events, cb, opaque):
        self.log.append(("addHandle", fd, events))
        self.seen["addHandle"] = (cb, opaque)
        watch = self._id()
        self.handles[watch] = [fd, events, cb, opaque]
        return watch

    def updateHandle(self, watch, events):
        self.log.append(("updateHandle", watch, events))
        if watch in self.handles:
            self.handles[watch][1] = events

    def removeHandle(self, watch):
        self.log.append(("removeHandle", watch))
        entry = self.handles.pop(watch, None)
        if entry is None:
            return -1
        self.to_free.append(entry[3])
        return 0

    def addTimeout(self, timeout, cb, opaque):
        self.log.append(("addTimeout", timeout))
        self.seen["addTimeout"] = (cb, opaque)
        timer = self._id()
        self.timers[timer] = [timeout, cb, opaque, time.monotonic() + max(timeout, 0) / 1000]
        return timer

    def updateTimeout(self, timer, timeout):
        self.log.append(("updateTimeout", timer, timeout))
        if timer in self.timers:
            entry = self.timers[timer]
            entry[0] = timeout
            entry[3] = time.monotonic() + max(timeout, 0) / 1000

    def removeTimeout(self, timer):
        self.log.append(("removeTimeout", timer))
        entry = self.timers.pop(timer, None)
        if entry is None:
            return -1
        if self.eager_free:
            invokeFree(entry[2])
        else:
            self.to_free.append(entry[2])
        return 0

    def register(self):
        libvirt.virEventRegisterImpl(self.addHandle, self.updateHandle, self.removeHandle,
                                     self.addTimeout, self.updateTimeout, self.removeTimeout)

    def run_once(self, max_wait=0.05):
        now = time.monotonic()
        wait = max_wait
        for timeout, cb, opaque, deadline in self.timers.values():
            if timeout >= 0:
                wait = min(wait, max(deadline - now, 0))
        rlist = [fd for fd, ev, cb, op in self.handles.values() if ev & 1]
        wlist = [fd for fd, ev, cb, op in self.handles.values() if ev & 2]
        r, w, _ = select.select(rlist, wlist, [], wait)
        for watch, (fd, events, cb, opaque) in list(self.handles.items()):
            got = (1 if fd in r else 0) | (2 if fd in w else 0)
            if got and watch in self.handles:
                cb(watch, fd, got, opaque)
        now = time.monotonic()
        for timer, entry in list(self.timers.items()):
            timeout, cb, opaque, deadline = entry
            if timeout >= 0 and deadline <= now and timer in self.timers:
                entry[3] = now + timeout / 1000
                cb(timer, opaque)
        frees, self.to_free = self.to_free, []
        for opaque in frees:
            invokeFree(opaque)

    def run_until(self, predicate, iterations=200):
        for _ in range(iterations):
            if predicate():
                return True
            self.run_once()
        return predicate()


class Opaque:
    pass


loop = Loop()
loop.register()
'''


def run_script(body):
    """Run PY_LOOP + body in a fresh interpreter; return its stdout lines.
    The body signals success by printing OK last."""
    script = PY_LOOP + textwrap.dedent(body)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, f"rc={proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    lines = proc.stdout.splitlines()
    assert lines and lines[-1] == "OK", f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return lines


def test_python_impl_timeout_path():
    run_script(r'''
    calls = []
    opaque = Opaque()
    ref = weakref.ref(opaque)
    timer = libvirt.virEventAddTimeout(0, lambda t, o: calls.append((t, o is opaque)), opaque)
    # libvirt asked our loop: addTimeout(timeout, cb, opaque)
    assert loop.log == [("addTimeout", 0)], loop.log
    assert timer in loop.timers
    cb, op = loop.seen["addTimeout"]
    assert callable(cb)
    assert cb is libvirtmod.virEventInvokeTimeoutCallback or cb == libvirtmod.virEventInvokeTimeoutCallback
    assert type(op).__name__ == "_EventOpaque", type(op)
    assert calls == []
    assert loop.run_until(lambda: len(calls) >= 2)
    assert calls[0] == (timer, True), calls
    # updates reach the loop
    libvirt.virEventUpdateTimeout(timer, -1)
    assert loop.log[-1] == ("updateTimeout", timer, -1)
    count = len(calls)
    for _ in range(3):
        loop.run_once(0.01)
    assert len(calls) == count
    # removal reaches the loop; the loop frees the opaque afterwards
    assert libvirt.virEventRemoveTimeout(timer) == 0
    assert loop.log[-1] == ("removeTimeout", timer)
    del opaque
    gc.collect()
    assert ref() is not None        # not freed before the loop says so
    loop.run_once(0)
    gc.collect()
    assert ref() is None
    # the opaque object is now spent
    try:
        cb(timer, op)
    except ValueError:
        pass
    else:
        raise AssertionError("dispatching a freed registration must raise")
    assert invokeFree(op) is None   # a second free does nothing
    assert "freed" in repr(op)
    print("OK")
    ''')


def test_python_impl_handle_path():
    run_script(r'''
    calls = []
    rfd, wfd = os.pipe()
    def cb(watch, fd, events, opaque):
        calls.append((watch, fd, events, type(opaque).__name__))
        os.read(fd, 1)
    opaque = Opaque()
    ref = weakref.ref(opaque)
    watch = libvirt.virEventAddHandle(rfd, 1, cb, opaque)
    assert loop.log == [("addHandle", rfd, 1)], loop.log
    hcb, op = loop.seen["addHandle"]
    assert hcb == libvirtmod.virEventInvokeHandleCallback
    loop.run_once(0.01)
    assert calls == []
    os.write(wfd, b"x")
    assert loop.run_until(lambda: calls)
    assert calls == [(watch, rfd, 1, "Opaque")], calls
    libvirt.virEventUpdateHandle(watch, 0)
    assert loop.log[-1] == ("updateHandle", watch, 0)
    # a handle opaque is not a timeout opaque
    try:
        libvirtmod.virEventInvokeTimeoutCallback(watch, op)
    except TypeError:
        pass
    else:
        raise AssertionError("timeout dispatch of a handle opaque must raise TypeError")
    assert libvirt.virEventRemoveHandle(watch) == 0
    del opaque, cb
    loop.run_once(0)
    gc.collect()
    assert ref() is None
    os.close(rfd); os.close(wfd)
    print("OK")
    ''')


def test_python_impl_registered_once_and_opaque_not_instantiable():
    run_script(r'''
    try:
        libvirt.virEventRegisterImpl(loop.addHandle, loop.updateHandle, loop.removeHandle,
                                     loop.addTimeout, loop.updateTimeout, loop.removeTimeout)
    except RuntimeError:
        pass
    else:
        raise AssertionError("a second registration must raise RuntimeError")
    timer = libvirt.virEventAddTimeout(-1, lambda *a: None, None)
    op = loop.seen["addTimeout"][1]
    try:
        type(op)()
    except TypeError:
        pass
    else:
        raise AssertionError("opaque objects cannot be made from Python")
    libvirt.virEventRemoveTimeout(timer)
    loop.run_once(0)
    print("OK")
    ''')


def test_python_impl_non_callable_registers_nothing():
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(r'''
        import libvirt
        f = lambda *a: 0
        try:
            libvirt.virEventRegisterImpl(f, f, f, None, f, f)
        except TypeError as e:
            print("TypeError", e)
        # still unregistered: a valid registration works now
        libvirt.virEventRegisterImpl(f, f, f, lambda t, cb, op: 7, f, f)
        print(libvirt.virEventAddTimeout(0, f, None))
    ''')], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("TypeError") and "addTimeout" in lines[0]
    assert lines[1] == "7"


def test_python_impl_raising_loop_callables():
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(r'''
        import gc, sys, weakref, libvirt
        reported = []
        sys.unraisablehook = reported.append
        mode = {"add": "ok"}
        def addTimeout(timeout, cb, opaque):
            if mode["add"] == "raise":
                raise ValueError("no timers today")
            if mode["add"] == "str":
                return "7"
            if mode["add"] == "big":
                return 2 ** 40
            return 5
        def removeTimeout(timer):
            if timer == 99:
                raise KeyError(timer)
            return None      # the value is ignored, as with the original binding
        def updateTimeout(timer, timeout):
            raise RuntimeError("update")
        f = lambda *a: 0
        libvirt.virEventRegisterImpl(f, f, f, addTimeout, updateTimeout, removeTimeout)
        libvirt.registerErrorHandler(lambda ctx, err: None, None)
        class Opaque: pass
        for m in ("raise", "str", "big"):
            mode["add"] = m
            op = Opaque(); ref = weakref.ref(op)
            try:
                libvirt.virEventAddTimeout(0, f, op)
            except libvirt.libvirtError:
                print(m, "libvirtError", type(reported[-1].exc_value).__name__)
            del op; gc.collect()
            print(m, "released", ref() is None)
        mode["add"] = "ok"
        print("add", libvirt.virEventAddTimeout(0, f, None))
        print("remove", libvirt.virEventRemoveTimeout(5))
        try:
            libvirt.virEventRemoveTimeout(99)
        except libvirt.libvirtError:
            print("remove99 libvirtError", type(reported[-1].exc_value).__name__)
        n = len(reported)
        libvirt.virEventUpdateTimeout(5, 10)
        print("update", len(reported) - n, type(reported[-1].exc_value).__name__)
    ''')], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "raise libvirtError ValueError",
        "raise released True",
        "str libvirtError TypeError",
        "str released True",
        "big libvirtError OverflowError",
        "big released True",
        "add 5",
        "remove 0",
        "remove99 libvirtError KeyError",
        "update 1 RuntimeError",
    ]


def test_python_impl_raising_callback_reported_and_loop_continues():
    run_script(r'''
    reported = []
    sys.unraisablehook = reported.append
    calls, others = [], []
    def bad(timer, opaque):
        calls.append(timer)
        raise ValueError("boom")
    t1 = libvirt.virEventAddTimeout(0, bad, None)
    t2 = libvirt.virEventAddTimeout(0, lambda *a: others.append(a), None)
    assert loop.run_until(lambda: len(calls) >= 3 and len(others) >= 3)
    assert len(reported) >= 3 and isinstance(reported[0].exc_value, ValueError)
    assert reported[0].object is bad
    libvirt.virEventRemoveTimeout(t1)
    libvirt.virEventRemoveTimeout(t2)
    loop.run_once(0)
    print("OK")
    ''')


def test_python_impl_free_during_dispatch_is_deferred():
    # A loop that frees a registration right inside removeTimeout (which
    # the protocol forbids) while that registration's callback runs: the
    # free is deferred until the callback returns, nothing crashes.
    run_script(r'''
    loop.eager_free = True
    calls = []
    opaque = Opaque()
    ref = weakref.ref(opaque)
    def cb(timer, op):
        calls.append(timer)
        assert libvirt.virEventRemoveTimeout(timer) == 0
        calls.append(op is ref())
    timer = libvirt.virEventAddTimeout(0, cb, opaque)
    del opaque
    op = loop.seen["addTimeout"][1]
    loop.run_once(0)
    assert calls == [timer, True], calls
    assert loop.timers == {} and loop.to_free == []
    del cb
    gc.collect()
    assert ref() is None
    assert "freed" in repr(op)
    invokeFree(op)            # already freed: nothing happens
    print("OK")
    ''')


def test_python_impl_threads():
    run_script(r'''
    import threading
    calls = []
    errors = []
    def worker(n):
        try:
            for i in range(20):
                t = libvirt.virEventAddTimeout(0, lambda *a: calls.append(a), n)
                libvirt.virEventRemoveTimeout(t)
        except Exception as e:
            errors.append(e)
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for th in threads: th.start()
    for th in threads: th.join()
    loop.run_once(0)
    assert errors == [], errors
    assert loop.timers == {} and loop.to_free == []
    print("OK")
    ''')


def test_python_impl_asyncio_loop_and_connection():
    # The shape of an asyncio integration (what libvirtaio does): callbacks
    # dispatched from asyncio's reader/timer callbacks, frees scheduled with
    # call_soon.  A connection to test:///default works alongside it.
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(r'''
        import asyncio, gc, os, weakref
        import libvirt, libvirtmod
        invokeFree = getattr(libvirt, "virEventInvokeFreeCallback", None) \
            or libvirtmod.virEventInvokeFreeCallback

        class AsyncioImpl:
            def __init__(self, loop):
                self.loop = loop
                self.ids = iter(range(1, 1 << 30))
                self.handles = {}
                self.timers = {}

            def add_handle(self, fd, events, cb, opaque):
                watch = next(self.ids)
                self.handles[watch] = [fd, 0, cb, opaque]
                self.update_handle(watch, events)
                return watch

            def update_handle(self, watch, events):
                fd, old, cb, opaque = entry = self.handles[watch]
                if old & 1:
                    self.loop.remove_reader(fd)
                if events & 1:
                    self.loop.add_reader(fd, cb, watch, fd, 1, opaque)
                entry[1] = events

            def remove_handle(self, watch):
                fd, events, cb, opaque = self.handles.pop(watch)
                if events & 1:
                    self.loop.remove_reader(fd)
                self.loop.call_soon(invokeFree, opaque)
                return 0

            def add_timeout(self, timeout, cb, opaque):
                timer = next(self.ids)
                self.timers[timer] = [None, cb, opaque]
                self.update_timeout(timer, timeout)
                return timer

            def _fire(self, timer, timeout):
                entry = self.timers.get(timer)
                if entry is None:
                    return
                entry[0] = self.loop.call_later(timeout / 1000, self._fire, timer, timeout)
                entry[1](timer, entry[2])

            def update_timeout(self, timer, timeout):
                entry = self.timers[timer]
                if entry[0] is not None:
                    entry[0].cancel()
                    entry[0] = None
                if timeout >= 0:
                    entry[0] = self.loop.call_later(timeout / 1000, self._fire, timer, timeout)

            def remove_timeout(self, timer):
                handle, cb, opaque = self.timers.pop(timer)
                if handle is not None:
                    handle.cancel()
                self.loop.call_soon(invokeFree, opaque)
                return 0

        class Opaque:
            pass

        async def main():
            impl = AsyncioImpl(asyncio.get_running_loop())
            libvirt.virEventRegisterImpl(impl.add_handle, impl.update_handle, impl.remove_handle,
                                         impl.add_timeout, impl.update_timeout,
                                         impl.remove_timeout)
            conn = libvirt.open("test:///default")
            fired = []
            op = Opaque()
            ref = weakref.ref(op)
            t = libvirt.virEventAddTimeout(5, lambda timer, o: fired.append(("t", timer)), op)
            r, w = os.pipe()
            def hcb(watch, fd, events, o):
                fired.append(("h", watch, fd, events, o))
                os.read(fd, 1)
            h = libvirt.virEventAddHandle(r, libvirt.VIR_EVENT_HANDLE_READABLE, hcb, "hop")
            os.write(w, b"x")
            await asyncio.sleep(0.1)
            print("names", conn.listDefinedDomains() is not None)
            libvirt.virEventRemoveTimeout(t)
            libvirt.virEventRemoveHandle(h)
            del op
            await asyncio.sleep(0.02)
            gc.collect()
            print("handle", [f for f in fired if f[0] == "h"] == [("h", h, r, 1, "hop")])
            print("timer", sum(1 for f in fired if f == ("t", t)) >= 3)
            print("released", ref() is None, impl.handles == {} and impl.timers == {})
            conn.close()

        asyncio.run(main())
    ''')], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["names True", "handle True", "timer True",
                                        "released True True"], proc.stdout + proc.stderr
