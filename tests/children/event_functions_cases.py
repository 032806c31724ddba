"""Cases of tests/test_event_functions.py that register a Python event loop
implementation (support/eventloop.py), one per process: libvirt keeps the
first implementation registered in a process.

    python tests/children/event_functions_cases.py CASE
"""

import asyncio
import gc
import os
import sys
import threading
import weakref

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import libvirt  # noqa: E402
import libvirtmod  # noqa: E402

from support import child  # noqa: E402
from support.eventloop import READABLE, PythonEventLoop, invoke_free  # noqa: E402
from support.objects import Opaque, Recorder  # noqa: E402


def _raises(exc, call, message):
    try:
        call()
    except exc:
        return
    raise AssertionError(message)


def case_timeout_path():
    loop = PythonEventLoop().register()
    calls = []
    opaque = Opaque()
    ref = weakref.ref(opaque)
    timer = libvirt.virEventAddTimeout(0, lambda t, o: calls.append((t, o is ref())), opaque)
    # libvirt asked our loop: add_timeout(timeout, cb, opaque)
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
    _raises(ValueError, lambda: cb(timer, op), "dispatching a freed registration must raise")
    assert invoke_free(op) is None  # a second free does nothing
    assert "freed" in repr(op)


def case_handle_path():
    loop = PythonEventLoop().register()
    calls = []
    rfd, wfd = os.pipe()

    def cb(watch, fd, events, opaque):
        calls.append((watch, fd, events, type(opaque).__name__))
        os.read(fd, 1)

    opaque = Opaque()
    ref = weakref.ref(opaque)
    watch = libvirt.virEventAddHandle(rfd, READABLE, cb, opaque)
    assert loop.log == [("addHandle", rfd, READABLE)], loop.log
    hcb, op = loop.seen["addHandle"]
    assert hcb == libvirtmod.virEventInvokeHandleCallback
    loop.run_once(0.01)
    assert calls == []
    os.write(wfd, b"x")
    assert loop.run_until(lambda: calls)
    assert calls == [(watch, rfd, READABLE, "Opaque")], calls
    libvirt.virEventUpdateHandle(watch, 0)
    assert loop.log[-1] == ("updateHandle", watch, 0)
    # a handle opaque is not a timeout opaque
    _raises(TypeError, lambda: libvirtmod.virEventInvokeTimeoutCallback(watch, op),
            "timeout dispatch of a handle opaque must raise TypeError")
    assert libvirt.virEventRemoveHandle(watch) == 0
    del opaque, cb
    loop.run_once(0)
    gc.collect()
    assert ref() is None
    os.close(rfd)
    os.close(wfd)


def case_registered_once_and_opaque_not_instantiable():
    loop = PythonEventLoop().register()
    _raises(RuntimeError, lambda: loop.register(),
            "a second registration must raise RuntimeError")
    timer = libvirt.virEventAddTimeout(-1, lambda *a: None, None)
    op = loop.seen["addTimeout"][1]
    _raises(TypeError, lambda: type(op)(), "opaque objects cannot be made from Python")
    libvirt.virEventRemoveTimeout(timer)
    loop.run_once(0)


def case_non_callable_registers_nothing():
    """[exception, its message], then what a valid registration made
    afterwards gives: the timer, and the one the loop made."""
    loop = PythonEventLoop()
    try:
        loop.register(add_timeout=None)
    except TypeError as e:
        refused = [type(e).__name__, str(e)]
    else:
        refused = None
    # still unregistered: a valid registration works now
    loop.register()
    timer = libvirt.virEventAddTimeout(0, lambda *a: 0, None)
    return [refused, timer, [reg.id for reg in loop.added]]


def case_raising_loop_callables():
    """What each misbehaving loop callable leads to, a line each; and the
    timer the loop made for the one valid add."""
    reported = []
    sys.unraisablehook = reported.append
    loop = PythonEventLoop()
    mode = {"add": "ok"}

    def add_timeout(timeout, cb, opaque):
        if mode["add"] == "raise":
            raise ValueError("no timers today")
        if mode["add"] == "str":
            return "7"
        if mode["add"] == "big":
            return 2 ** 40
        return loop.add_timeout(timeout, cb, opaque)

    def remove_timeout(timer):
        if timer == 99:
            raise KeyError(timer)
        loop.remove_timeout(timer)
        return None      # the value is ignored, as with the original binding

    def update_timeout(timer, timeout):
        raise RuntimeError("update")

    loop.register(add_timeout=add_timeout, update_timeout=update_timeout,
                  remove_timeout=remove_timeout)
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    out = []
    for m in ("raise", "str", "big"):
        mode["add"] = m
        op = Opaque()
        ref = weakref.ref(op)
        try:
            libvirt.virEventAddTimeout(0, lambda *a: 0, op)
        except libvirt.libvirtError:
            out.append("%s libvirtError %s" % (m, type(reported[-1].exc_value).__name__))
        del op
        gc.collect()
        out.append("%s released %s" % (m, ref() is None))
    mode["add"] = "ok"
    timer = libvirt.virEventAddTimeout(0, lambda *a: 0, None)
    out.append("add %s" % timer)
    out.append("remove %s" % libvirt.virEventRemoveTimeout(timer))
    try:
        libvirt.virEventRemoveTimeout(99)
    except libvirt.libvirtError:
        out.append("remove99 libvirtError %s" % type(reported[-1].exc_value).__name__)
    n = len(reported)
    libvirt.virEventUpdateTimeout(timer, 10)
    out.append("update %d %s" % (len(reported) - n, type(reported[-1].exc_value).__name__))
    return [out, [reg.id for reg in loop.added]]


def case_raising_callback_reported_and_loop_continues():
    loop = PythonEventLoop().register()
    reported = []
    sys.unraisablehook = reported.append
    bad, good = Recorder(raises=ValueError, message="boom"), Recorder()
    t1 = libvirt.virEventAddTimeout(0, bad, None)
    t2 = libvirt.virEventAddTimeout(0, good, None)
    assert loop.run_until(lambda: len(bad.calls) >= 3 and len(good.calls) >= 3)
    assert len(reported) >= 3 and isinstance(reported[0].exc_value, ValueError)
    assert reported[0].object is bad
    libvirt.virEventRemoveTimeout(t1)
    libvirt.virEventRemoveTimeout(t2)
    loop.run_once(0)


def case_free_during_dispatch_is_deferred():
    # A loop that frees a registration right inside remove_timeout (which
    # the protocol forbids) while that registration's callback runs.
    loop = PythonEventLoop(eager_free=True).register()
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
    invoke_free(op)            # already freed: nothing happens


def case_threads():
    loop = PythonEventLoop().register()
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
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    loop.run_once(0)
    assert errors == [], errors
    assert loop.timers == {} and loop.to_free == []


async def case_asyncio_loop_and_connection():
    """What an asyncio-driven loop delivered, alongside a connection."""
    loop = PythonEventLoop(asyncio_loop=asyncio.get_running_loop()).register()
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
    names = conn.listDefinedDomains() is not None
    libvirt.virEventRemoveTimeout(t)
    libvirt.virEventRemoveHandle(h)
    del op
    await asyncio.sleep(0.02)
    gc.collect()
    report = {
        "names": names,
        "handle": [f for f in fired if f[0] == "h"] == [("h", h, r, 1, "hop")],
        "timer": sum(1 for f in fired if f == ("t", t)) >= 3,
        "released": ref() is None,
        "nothing registered": loop.handles == {} and loop.timers == {},
    }
    conn.close()
    os.close(r)
    os.close(w)
    return report


if __name__ == "__main__":
    child.main(globals())
