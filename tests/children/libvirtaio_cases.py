"""Cases of tests/test_libvirtaio.py: libvirtaio, libvirt's event loop on
asyncio, each in a process of its own (libvirt keeps the first event
implementation registered in a process).

    python tests/children/libvirtaio_cases.py CASE

The module under test is whatever `import libvirtaio` finds, and it must
be this repository's libvirtaio.py (checked at import): the installed copy
for our binding, or, to run these cases on the reference binding, a
directory holding only a copy of our libvirtaio.py put first with
PYTHONPATH.
"""

import asyncio
import contextlib
import gc
import os
import socket
import sys
import threading
import time
import weakref

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import libvirt  # noqa: E402
import libvirtaio  # noqa: E402

from support import child  # noqa: E402
from support.objects import Opaque, Recorder  # noqa: E402
from support.paths import check_libvirtaio  # noqa: E402
from support.waiting import async_until as wait_until  # noqa: E402

check_libvirtaio(libvirtaio)

READABLE = libvirt.VIR_EVENT_HANDLE_READABLE
WRITABLE = libvirt.VIR_EVENT_HANDLE_WRITABLE
ERROR = libvirt.VIR_EVENT_HANDLE_ERROR
HANGUP = libvirt.VIR_EVENT_HANDLE_HANGUP


async def released(ref, timeout=5.0):
    """Whether the object of weakref `ref` goes away while the loop runs."""
    deadline = time.monotonic() + timeout
    while True:
        gc.collect()
        if ref() is None:
            return True
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.005)


async def drained(impl, timeout=5.0):
    try:
        await asyncio.wait_for(impl.drain(), timeout)
    except asyncio.TimeoutError:
        return False
    return impl.is_idle()


@contextlib.contextmanager
def a_pipe():
    """An os.pipe() for the block: (read end, write end), both closed after it."""
    rfd, wfd = os.pipe()
    try:
        yield rfd, wfd
    finally:
        os.close(rfd)
        os.close(wfd)


async def case_register_in_running_loop_returns_the_current_impl():
    assert libvirtaio.getCurrentImpl() is None
    impl = libvirtaio.virEventRegisterAsyncIOImpl()
    assert isinstance(impl, libvirtaio.virEventAsyncIOImpl)
    assert libvirtaio.getCurrentImpl() is impl
    assert impl.is_idle()
    await impl.drain()          # nothing registered: returns at once
    seen = []
    def cb(timer, opaque):
        seen.append((timer, opaque, asyncio.get_running_loop(), threading.current_thread()))
    timer = libvirt.virEventAddTimeout(10, cb, "data")
    assert isinstance(timer, int) and timer >= 0
    assert not impl.is_idle()
    assert await wait_until(lambda: seen)
    assert seen[0] == (timer, "data", asyncio.get_running_loop(), threading.main_thread())
    assert libvirt.virEventRemoveTimeout(timer) == 0
    assert await drained(impl)


def case_register_with_a_given_loop():
    loop = asyncio.new_event_loop()      # not the current loop of the thread
    impl = libvirtaio.virEventRegisterAsyncIOImpl(loop=loop)
    assert libvirtaio.getCurrentImpl() is impl
    seen = []
    timer = libvirt.virEventAddTimeout(5, lambda t, o: seen.append(asyncio.get_running_loop()), None)

    async def main():
        assert await wait_until(lambda: seen)
        libvirt.virEventRemoveTimeout(timer)
        assert await drained(impl)

    loop.run_until_complete(main())
    assert seen[0] is loop
    loop.close()


def case_register_outside_a_running_loop_uses_the_current_loop():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    impl = libvirtaio.virEventRegisterAsyncIOImpl()
    seen = []
    timer = libvirt.virEventAddTimeout(0, lambda t, o: seen.append(asyncio.get_running_loop()), None)

    async def main():
        assert await wait_until(lambda: len(seen) >= 3)
        libvirt.virEventRemoveTimeout(timer)
        assert await drained(impl)

    loop.run_until_complete(main())
    assert all(l is loop for l in seen)
    loop.close()


async def case_timer_fires_periodically_and_update_disables_and_reenables():
    impl = libvirtaio.virEventRegisterAsyncIOImpl()
    stamps = []
    timer = libvirt.virEventAddTimeout(30, lambda t, o: stamps.append(time.monotonic()), None)
    start = time.monotonic()
    assert await wait_until(lambda: len(stamps) >= 4)
    assert stamps[0] - start >= 0.025, stamps[0] - start
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert min(gaps) >= 0.025, gaps          # every 30 ms, not faster
    # -1 disables
    libvirt.virEventUpdateTimeout(timer, -1)
    count = len(stamps)
    await asyncio.sleep(0.15)
    assert len(stamps) == count
    # 0 fires at every iteration of the loop
    libvirt.virEventUpdateTimeout(timer, 0)
    await asyncio.sleep(0)
    count = len(stamps)
    for _ in range(50):
        await asyncio.sleep(0)
    assert len(stamps) - count >= 25, len(stamps) - count
    # a long timeout again: nothing for a while
    libvirt.virEventUpdateTimeout(timer, 10000)
    count = len(stamps)
    await asyncio.sleep(0.15)
    assert len(stamps) == count
    # removed: never again
    libvirt.virEventUpdateTimeout(timer, 10)
    assert await wait_until(lambda: len(stamps) > count)
    assert libvirt.virEventRemoveTimeout(timer) == 0
    count = len(stamps)
    await asyncio.sleep(0.1)
    assert len(stamps) == count
    assert await drained(impl)


async def case_timer_update_restarts_the_countdown():
    libvirtaio.virEventRegisterAsyncIOImpl()
    stamps = []
    timer = libvirt.virEventAddTimeout(300, lambda t, o: stamps.append(time.monotonic()), None)
    await asyncio.sleep(0.2)
    libvirt.virEventUpdateTimeout(timer, 300)
    updated = time.monotonic()
    await asyncio.sleep(0.15)        # past the first deadline, not the new one
    assert stamps == []
    assert await wait_until(lambda: stamps)
    assert stamps[0] - updated >= 0.28, stamps[0] - updated
    libvirt.virEventRemoveTimeout(timer)


def case_free_callback_runs_from_the_loop_after_removal_not_during_it():
    freed = []
    real_free = libvirt.virEventInvokeFreeCallback
    def recording_free(opaque):
        freed.append((opaque, asyncio.get_running_loop()))
        return real_free(opaque)
    libvirt.virEventInvokeFreeCallback = recording_free

    async def main():
        impl = libvirtaio.virEventRegisterAsyncIOImpl()
        calls = []
        timer = libvirt.virEventAddTimeout(0, lambda t, o: calls.append(t), None)
        assert await wait_until(lambda: calls)
        rfd, wfd = os.pipe()
        watch = libvirt.virEventAddHandle(rfd, READABLE, lambda *a: None, None)
        await asyncio.sleep(0.01)
        assert freed == []
        assert libvirt.virEventRemoveTimeout(timer) == 0
        assert libvirt.virEventRemoveHandle(watch) == 0
        assert freed == []                 # not from within the removal
        assert not impl.is_idle()          # but pending
        await asyncio.wait_for(impl.drain(), 5)
        assert impl.is_idle()
        assert len(freed) == 2, freed      # once each, from the loop
        assert freed[0][0] is not freed[1][0]
        assert all(loop is asyncio.get_running_loop() for _, loop in freed)
        count = len(calls)
        await asyncio.sleep(0.05)
        assert len(calls) == count
        assert len(freed) == 2
        os.close(rfd)
        os.close(wfd)

    asyncio.run(main())


async def case_removed_registrations_release_their_callback_and_opaque():
    impl = libvirtaio.virEventRegisterAsyncIOImpl()
    refs = []
    def register(kind, timeout_or_fd, remove_itself=False):
        opaque = Opaque()
        calls = []
        def cb(*args):
            calls.append(args[0])
            if remove_itself:
                libvirt.virEventRemoveTimeout(args[0])
        refs.append((kind, weakref.ref(opaque), weakref.ref(cb)))
        if kind == "handle":
            return libvirt.virEventAddHandle(timeout_or_fd, READABLE, cb, opaque), calls
        return libvirt.virEventAddTimeout(timeout_or_fd, cb, opaque), calls
    with a_pipe() as (rfd, wfd):
        os.write(wfd, b"x")
        timer, timer_calls = register("timer", 0)
        watch, watch_calls = register("handle", rfd)
        _, self_calls = register("self-removing timer", 0, remove_itself=True)
        many = [register("timer", 1000)[0] for _ in range(50)]
        assert await wait_until(lambda: timer_calls and watch_calls and self_calls)
        gc.collect()
        registered = refs[:2] + refs[3:]      # the third one removed itself
        assert all(o() is not None and c() is not None for _, o, c in registered)
        libvirt.virEventRemoveTimeout(timer)
        libvirt.virEventRemoveHandle(watch)
        for t in many:
            libvirt.virEventRemoveTimeout(t)
        gc.collect()
        assert all(o() is not None for _, o, c in refs[:2])    # not inside the removal
        assert await drained(impl)
        gc.collect()
        alive = [kind for kind, o, c in refs if o() is not None or c() is not None]
        assert alive == [], alive


async def case_callback_removing_its_own_timer():
    impl = libvirtaio.virEventRegisterAsyncIOImpl()
    calls = []
    def cb(timer, op):
        calls.append(timer)
        assert libvirt.virEventRemoveTimeout(timer) == 0
    timer = libvirt.virEventAddTimeout(0, cb, None)
    assert await wait_until(lambda: calls)
    await asyncio.sleep(0.05)
    assert calls == [timer]
    assert await drained(impl)


async def case_drain_waits_for_the_last_registration():
    impl = libvirtaio.virEventRegisterAsyncIOImpl()
    timer = libvirt.virEventAddTimeout(-1, lambda t, o: None, None)
    task = asyncio.ensure_future(impl.drain())
    await asyncio.sleep(0.05)
    assert not task.done()               # a timer is still registered
    assert not impl.is_idle()
    libvirt.virEventRemoveTimeout(timer)
    await asyncio.wait_for(task, 5)
    assert impl.is_idle()


async def case_many_timers():
    impl = libvirtaio.virEventRegisterAsyncIOImpl()
    counts = {}
    timers = []
    def cb(timer, opaque):
        counts[timer] = counts.get(timer, 0) + 1
    for i in range(300):
        timers.append(libvirt.virEventAddTimeout(1 + i % 20, cb, i))
    assert len(set(timers)) == len(timers)
    assert await wait_until(lambda: len(counts) == len(timers)
                            and min(counts.values()) >= 3, timeout=15)
    # disable half of them, remove the rest
    for timer in timers[::2]:
        libvirt.virEventUpdateTimeout(timer, -1)
    for timer in timers[1::2]:
        assert libvirt.virEventRemoveTimeout(timer) == 0
    await asyncio.sleep(0)
    before = dict(counts)
    await asyncio.sleep(0.1)
    assert counts == before
    for timer in timers[::2]:
        assert libvirt.virEventRemoveTimeout(timer) == 0
    assert await drained(impl, 15)


async def case_timer_added_from_another_thread_fires_in_the_loop():
    impl = libvirtaio.virEventRegisterAsyncIOImpl()
    seen, timers = [], []
    def cb(timer, opaque):
        seen.append(threading.current_thread())
    def worker():
        timers.append(libvirt.virEventAddTimeout(5, cb, None))
    thread = threading.Thread(target=worker)
    thread.start()
    await wait_until(lambda: not thread.is_alive())
    assert await wait_until(lambda: len(seen) >= 2)
    assert set(seen) == {threading.main_thread()}
    remover = threading.Thread(target=libvirt.virEventRemoveTimeout, args=(timers[0],))
    remover.start()
    await wait_until(lambda: not remover.is_alive())
    assert await drained(impl)
    count = len(seen)
    await asyncio.sleep(0.05)
    assert len(seen) == count


async def case_handle_on_a_pipe_fires_when_readable():
    impl = libvirtaio.virEventRegisterAsyncIOImpl()
    with a_pipe() as (rfd, wfd):
        calls = []
        opaque = Opaque()
        def cb(watch, fd, events, op):
            calls.append((watch, fd, events, op is opaque))
            os.read(fd, 1)
        watch = libvirt.virEventAddHandle(rfd, READABLE, cb, opaque)
        assert isinstance(watch, int) and watch >= 0
        await asyncio.sleep(0.05)
        assert calls == []                  # nothing to read yet
        os.write(wfd, b"x")
        assert await wait_until(lambda: calls)
        assert calls == [(watch, rfd, READABLE, True)], calls
        # not watched any more: the data stays unread
        libvirt.virEventUpdateHandle(watch, 0)
        os.write(wfd, b"y")
        await asyncio.sleep(0.05)
        assert len(calls) == 1
        libvirt.virEventUpdateHandle(watch, READABLE)
        assert await wait_until(lambda: len(calls) == 2)
        assert calls[1] == (watch, rfd, READABLE, True)
        assert libvirt.virEventRemoveHandle(watch) == 0
        os.write(wfd, b"z")
        await asyncio.sleep(0.05)
        assert len(calls) == 2
        assert await drained(impl)


async def case_handle_on_a_pipe_fires_when_writable():
    impl = libvirtaio.virEventRegisterAsyncIOImpl()
    with a_pipe() as (rfd, wfd):
        calls = []
        watch = libvirt.virEventAddHandle(wfd, WRITABLE, lambda *a: calls.append(a[:3]), None)
        assert await wait_until(lambda: len(calls) >= 2)    # level-triggered
        assert set(calls) == {(watch, wfd, WRITABLE)}, set(calls)
        libvirt.virEventUpdateHandle(watch, 0)
        await asyncio.sleep(0)
        count = len(calls)
        await asyncio.sleep(0.05)
        assert len(calls) == count
        libvirt.virEventRemoveHandle(watch)
        assert await drained(impl)


async def case_handle_reports_the_peer_hanging_up():
    impl = libvirtaio.virEventRegisterAsyncIOImpl()
    rfd, wfd = os.pipe()
    calls, reads = [], []
    def cb(watch, fd, events, opaque):
        calls.append(events)
        reads.append(os.read(fd, 10))
        libvirt.virEventRemoveHandle(watch)     # like libvirt does on EOF
    assert libvirt.virEventAddHandle(rfd, READABLE, cb, None) >= 0
    os.close(wfd)
    assert await wait_until(lambda: calls)
    await asyncio.sleep(0.05)
    assert len(calls) == 1 and reads == [b""]
    # readable (EOF) and/or hangup, nothing else
    assert calls[0] and not calls[0] & ~(READABLE | HANGUP | ERROR), calls
    assert await drained(impl)
    os.close(rfd)


async def case_several_watches_on_one_descriptor():
    impl = libvirtaio.virEventRegisterAsyncIOImpl()
    a, b = socket.socketpair()
    a.setblocking(False)
    fd = a.fileno()
    calls = {"r1": [], "r2": [], "w": [], "rw": []}
    def recorder(name):
        return lambda watch, fd_, events, opaque: calls[name].append(events)
    r1 = libvirt.virEventAddHandle(fd, READABLE, recorder("r1"), None)
    r2 = libvirt.virEventAddHandle(fd, READABLE, recorder("r2"), None)
    w = libvirt.virEventAddHandle(fd, WRITABLE, recorder("w"), None)
    assert len({r1, r2, w}) == 3
    # writable at once; nothing to read
    assert await wait_until(lambda: calls["w"])
    assert calls["r1"] == calls["r2"] == []
    assert set(calls["w"]) == {WRITABLE}
    libvirt.virEventUpdateHandle(w, 0)
    await asyncio.sleep(0)
    # data: both readers are called
    b.send(b"ping")
    assert await wait_until(lambda: calls["r1"] and calls["r2"])
    assert set(calls["r1"]) == set(calls["r2"]) == {READABLE}
    # one removed: the other still fires, the removed one never again
    libvirt.virEventRemoveHandle(r1)
    count1, count2 = len(calls["r1"]), len(calls["r2"])
    assert await wait_until(lambda: len(calls["r2"]) > count2 + 2)
    assert len(calls["r1"]) == count1
    a.recv(100)
    await asyncio.sleep(0)
    count2 = len(calls["r2"])
    await asyncio.sleep(0.05)
    assert len(calls["r2"]) == count2      # drained: no longer readable
    # one watch for both directions
    rw = libvirt.virEventAddHandle(fd, READABLE | WRITABLE, recorder("rw"), None)
    assert await wait_until(lambda: WRITABLE in calls["rw"])
    assert all(ev & WRITABLE and not ev & ~(READABLE | WRITABLE) for ev in calls["rw"])
    b.send(b"pong")
    assert await wait_until(lambda: any(ev & READABLE for ev in calls["rw"]))
    for watch in (r2, w, rw):
        assert libvirt.virEventRemoveHandle(watch) == 0
    assert await drained(impl)
    count = sum(len(v) for v in calls.values())
    await asyncio.sleep(0.05)
    assert sum(len(v) for v in calls.values()) == count
    # the descriptor can be watched afresh
    again = []
    watch = libvirt.virEventAddHandle(fd, READABLE, lambda *args: again.append(args[2]), None)
    assert await wait_until(lambda: again)
    libvirt.virEventRemoveHandle(watch)
    assert await drained(impl)
    a.close()
    b.close()


async def case_raising_callbacks_are_reported_and_the_loop_goes_on():
    loop = asyncio.get_running_loop()
    reported = []
    loop.set_exception_handler(lambda l, context: reported.append(context.get("exception")))
    sys.unraisablehook = lambda u: reported.append(u.exc_value)
    impl = libvirtaio.virEventRegisterAsyncIOImpl()
    bad, good = Recorder(raises=ValueError, message="boom from a timer"), Recorder()
    bad_calls, good_calls = bad.calls, good.calls
    bad_timer = libvirt.virEventAddTimeout(1, bad, None)
    good_timer = libvirt.virEventAddTimeout(1, good, None)
    with a_pipe() as (rfd, wfd):
        handle_calls = []
        def bad_handle(watch, fd, events, opaque):
            handle_calls.append(os.read(fd, 1))
            raise KeyError("boom from a handle")
        watch = libvirt.virEventAddHandle(rfd, READABLE, bad_handle, None)
        os.write(wfd, b"ab")
        assert await wait_until(lambda: len(bad_calls) >= 3 and len(good_calls) >= 3
                                and len(handle_calls) == 2)
        libvirt.virEventRemoveTimeout(bad_timer)
        libvirt.virEventRemoveHandle(watch)
        count = len(good_calls)
        assert await wait_until(lambda: len(good_calls) > count + 2)   # still going
        libvirt.virEventRemoveTimeout(good_timer)
        assert await drained(impl)
        messages = [str(e) for e in reported]
    # how often each exception reached a hook, and the bad timer's calls
    return {"timer hooked": messages.count("boom from a timer"), "timer calls": len(bad_calls),
            "handle hooked": messages.count("'boom from a handle'")}


async def case_domain_lifecycle_events_are_delivered_through_asyncio():
    impl = libvirtaio.virEventRegisterAsyncIOImpl()
    conn = libvirt.open("test:///default")
    events = []
    def lifecycle(c, dom, event, detail, opaque):
        events.append((dom.name(), event, detail, opaque,
                       asyncio.get_running_loop(), threading.current_thread()))
    cid = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                      lifecycle, "my opaque")
    assert not impl.is_idle()
    dom = conn.lookupByName("test")
    dom.suspend()
    assert events == []                  # delivered by the loop, not by the call
    assert await wait_until(lambda: len(events) == 1)
    dom.resume()
    assert await wait_until(lambda: len(events) == 2)
    loop, main_thread = asyncio.get_running_loop(), threading.main_thread()
    assert events == [
        ("test", libvirt.VIR_DOMAIN_EVENT_SUSPENDED,
         libvirt.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED, "my opaque", loop, main_thread),
        ("test", libvirt.VIR_DOMAIN_EVENT_RESUMED,
         libvirt.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED, "my opaque", loop, main_thread),
    ], events
    conn.domainEventDeregisterAny(cid)
    dom.suspend()
    dom.resume()
    await asyncio.sleep(0.1)
    assert len(events) == 2
    del dom
    conn.close()
    assert await drained(impl)


async def case_raising_domain_event_callback_does_not_stop_the_loop():
    sys.unraisablehook = lambda u: None
    asyncio.get_running_loop().set_exception_handler(lambda l, c: None)
    impl = libvirtaio.virEventRegisterAsyncIOImpl()
    conn = libvirt.open("test:///default")
    events, ticks = [], []
    def lifecycle(c, dom, event, detail, opaque):
        events.append(event)
        raise RuntimeError("boom from an event callback")
    cid = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                      lifecycle, None)
    timer = libvirt.virEventAddTimeout(5, lambda *a: ticks.append(1), None)
    dom = conn.lookupByName("test")
    dom.suspend()
    assert await wait_until(lambda: len(events) == 1)
    count = len(ticks)
    dom.resume()
    assert await wait_until(lambda: len(events) == 2 and len(ticks) > count + 2)
    assert events == [libvirt.VIR_DOMAIN_EVENT_SUSPENDED, libvirt.VIR_DOMAIN_EVENT_RESUMED]
    conn.domainEventDeregisterAny(cid)
    libvirt.virEventRemoveTimeout(timer)
    del dom
    conn.close()
    assert await drained(impl)


async def case_closing_the_connection_cleans_up():
    impl = libvirtaio.virEventRegisterAsyncIOImpl()
    for round in range(3):
        conn = libvirt.open("test:///default")
        opaque = Opaque()
        events = []
        def lifecycle(c, dom, event, detail, op):
            events.append(event)
        opaque_ref, cb_ref = weakref.ref(opaque), weakref.ref(lifecycle)
        ids = [conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                           lifecycle, opaque),
               conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT,
                                           lambda *a: None, None)]
        del opaque, lifecycle
        dom = conn.lookupByName("test")
        dom.suspend()
        dom.resume()
        assert await wait_until(lambda: len(events) == 2)
        assert not impl.is_idle()           # libvirt's event timer is registered
        for cid in ids:
            conn.domainEventDeregisterAny(cid)
        del dom
        assert conn.close() == 0
        del conn
        assert await drained(impl), impl.callbacks
        assert await released(opaque_ref)
        assert await released(cb_ref)


if __name__ == "__main__":
    child.main(globals())
