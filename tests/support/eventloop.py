"""The one Python event loop double: what a program gives
virEventRegisterImpl(), following the protocol libvirt's Python binding
defines.

libvirt's registrations arrive as (fd, events, cb, opaque) and (interval,
cb, opaque); the loop calls cb(watch, fd, events, opaque) and cb(timer,
opaque), and once a registration is removed it calls
virEventInvokeFreeCallback(opaque) from the loop, not from inside
remove_handle/remove_timeout.

It records what libvirt asked of it (log, seen, last_opaque, added), and
is driven one of three ways:

  by hand     run_once() / run_until() from the thread that uses it (or
              never run at all, where a test only looks at what libvirt
              registered);
  a thread    start() runs it in a thread of its own; libvirt may call it
              from any thread (a lock, and a pipe that wakes the loop up);
              close() stops it once everything registered is released;
  asyncio     PythonEventLoop(asyncio_loop=loop): handles become the
              loop's readers and writers, timers its call_later()s, frees
              its call_soon()s (the shape of libvirtaio).

Variants the tests need:

  eager_free=True     frees inside remove_handle/remove_timeout, which the
                      protocol forbids (what the binding does about it is
                      tested);
  register(**funcs)   registers other callables in the place of some of
                      its own (a loop whose add_timeout raises, returns a
                      str, ...; a non-callable).

Nothing here needs our binding: the children run it under the reference
binding too.
"""

import itertools
import os
import select
import threading
import time

READABLE = 1    # VIR_EVENT_HANDLE_READABLE
WRITABLE = 2    # VIR_EVENT_HANDLE_WRITABLE

# virEventRegisterImpl's parameters, in order, and the method of each.
METHODS = ("add_handle", "update_handle", "remove_handle",
           "add_timeout", "update_timeout", "remove_timeout")


def invoke_free(opaque):
    """virEventInvokeFreeCallback of the binding under test (the reference
    binding has it in libvirtmod only)."""
    import libvirt
    free = getattr(libvirt, "virEventInvokeFreeCallback", None)
    if free is None:
        import libvirtmod
        free = libvirtmod.virEventInvokeFreeCallback
    return free(opaque)


class Registration:
    """One handle (fd, events) or timer (interval in ms, deadline)."""

    __slots__ = ("kind", "id", "fd", "events", "interval", "deadline", "cb", "opaque",
                 "scheduled")

    def __init__(self, kind, ident, cb, opaque, fd=None, events=0, interval=-1):
        self.kind, self.id, self.cb, self.opaque = kind, ident, cb, opaque
        self.fd, self.events = fd, events
        self.interval, self.deadline = interval, None
        self.scheduled = None       # asyncio: events watched, or the TimerHandle

    def __repr__(self):
        what = (f"fd={self.fd} events={self.events}" if self.kind == "handle"
                else f"interval={self.interval}")
        return f"<{self.kind} {self.id} {what}>"


class PythonEventLoop:
    def __init__(self, eager_free=False, asyncio_loop=None):
        self.eager_free = eager_free
        self.aio = asyncio_loop
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.handles = {}       # watch -> Registration
        self.timers = {}        # timer -> Registration
        self.to_free = []       # opaques of removed registrations, freed by the loop
        self.log = []           # (method, arguments...) as libvirt called them
        self.seen = {}          # "addHandle"/"addTimeout" -> (cb, opaque) last given
        self.last_opaque = None  # the opaque of the last registration
        self.added = []         # every Registration ever added, in order
        self.thread = None
        self.stopping = False
        self._wake_r = self._wake_w = None

    # ---- what libvirt calls ----------------------------------------------------

    def _add(self, kind, table, cb, opaque, **fields):
        with self.lock:
            self.seen["addHandle" if kind == "handle" else "addTimeout"] = (cb, opaque)
            self.last_opaque = opaque
            reg = Registration(kind, next(self.ids), cb, opaque, **fields)
            if kind == "timer":
                reg.deadline = self._deadline(reg.interval)
            table[reg.id] = reg
            self.added.append(reg)
        self._changed(reg)
        return reg.id

    def add_handle(self, fd, events, cb, opaque):
        self.log.append(("addHandle", fd, events))
        return self._add("handle", self.handles, cb, opaque, fd=fd, events=events)

    def update_handle(self, watch, events):
        self.log.append(("updateHandle", watch, events))
        with self.lock:
            reg = self.handles.get(watch)
            if reg is not None:
                reg.events = events
        if reg is not None:
            self._changed(reg)

    def remove_handle(self, watch):
        self.log.append(("removeHandle", watch))
        return self._remove(self.handles, watch)

    def add_timeout(self, interval, cb, opaque):
        self.log.append(("addTimeout", interval))
        return self._add("timer", self.timers, cb, opaque, interval=interval)

    def update_timeout(self, timer, interval):
        self.log.append(("updateTimeout", timer, interval))
        with self.lock:
            reg = self.timers.get(timer)
            if reg is not None:
                reg.interval, reg.deadline = interval, self._deadline(interval)
        if reg is not None:
            self._changed(reg)

    def remove_timeout(self, timer):
        self.log.append(("removeTimeout", timer))
        return self._remove(self.timers, timer)

    def _remove(self, table, ident):
        with self.lock:
            reg = table.pop(ident, None)
            if reg is not None and not (self.eager_free or self.aio):
                self.to_free.append(reg.opaque)
        if reg is None:
            return -1
        if self.aio is not None:
            self._unschedule(reg)
            self.aio.call_soon(invoke_free, reg.opaque)
        elif self.eager_free:
            invoke_free(reg.opaque)
        else:
            self._wake()
        return 0

    @staticmethod
    def _deadline(interval):
        return None if interval < 0 else time.monotonic() + interval / 1000

    def _changed(self, reg):
        if self.aio is not None:
            self._schedule(reg)
        else:
            self._wake()

    # ---- registering -------------------------------------------------------------

    def callables(self, **replace):
        """The six callables of virEventRegisterImpl: this loop's methods,
        or what `replace` gives in their place (by method name)."""
        unknown = set(replace) - set(METHODS)
        if unknown:
            raise TypeError(f"no such loop methods: {sorted(unknown)}")
        return [replace[m] if m in replace else getattr(self, m) for m in METHODS]

    def register(self, libvirt=None, **replace):
        """virEventRegisterImpl() of `libvirt` (default: import libvirt)
        with callables(**replace); returns the loop."""
        if libvirt is None:
            import libvirt
        libvirt.virEventRegisterImpl(*self.callables(**replace))
        return self

    # ---- driven by hand or by a thread ----------------------------------------------

    def _wake(self):
        if self._wake_w is not None:
            try:
                os.write(self._wake_w, b"x")
            except BlockingIOError:
                pass            # already awake

    def idle(self):
        """Nothing registered, nothing left to free."""
        with self.lock:
            return not self.handles and not self.timers and not self.to_free

    def run_once(self, max_wait=0.05):
        """One iteration: wait (at most max_wait seconds, None: until
        something happens) for a handle or the next timer, dispatch what
        is ready, then free the removed registrations."""
        with self.lock:
            deadlines = [t.deadline for t in self.timers.values() if t.deadline is not None]
            rlist = [h.fd for h in self.handles.values() if h.events & READABLE]
            wlist = [h.fd for h in self.handles.values() if h.events & WRITABLE]
        if self._wake_r is not None:
            rlist.append(self._wake_r)
        wait = max_wait
        if deadlines:
            until_due = max(0.0, min(deadlines) - time.monotonic())
            wait = until_due if wait is None else min(wait, until_due)
        readable, writable, _ = select.select(rlist, wlist, [], wait)
        if self._wake_r is not None and self._wake_r in readable:
            try:
                while os.read(self._wake_r, 4096):
                    pass
            except BlockingIOError:
                pass
        with self.lock:
            ready = []
            for watch, h in self.handles.items():
                got = ((READABLE if h.fd in readable and h.events & READABLE else 0)
                       | (WRITABLE if h.fd in writable and h.events & WRITABLE else 0))
                if got:
                    ready.append((watch, got))
        for watch, got in ready:
            with self.lock:
                reg = self.handles.get(watch)       # removed meanwhile?
            if reg is not None:
                reg.cb(watch, reg.fd, got, reg.opaque)
        now = time.monotonic()
        with self.lock:
            due = [timer for timer, t in self.timers.items()
                   if t.deadline is not None and t.deadline <= now]
        for timer in due:
            with self.lock:
                reg = self.timers.get(timer)
                if reg is None or reg.deadline is None or reg.deadline > now:
                    continue
                reg.deadline = now + reg.interval / 1000
            reg.cb(timer, reg.opaque)
        with self.lock:
            frees, self.to_free = self.to_free, []
        for opaque in frees:
            invoke_free(opaque)

    def run_until(self, predicate, iterations=200, max_wait=0.05):
        """Iterate until predicate() holds (True) or `iterations` ran."""
        for _ in range(iterations):
            if predicate():
                return True
            self.run_once(max_wait)
        return predicate()

    def start(self):
        """Run the loop in a thread of its own (self.thread); returns the loop."""
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self.thread = threading.Thread(target=self._run, name="python-event-loop", daemon=True)
        self.thread.start()
        return self

    def _run(self):
        while not self.stopping:
            self.run_once(None)

    def close(self, timeout=5.0):
        """Stop the thread once every registration is gone and released
        (waiting up to `timeout` seconds for that); whether it was so and
        the thread ended."""
        deadline = time.monotonic() + timeout
        while not self.idle() and time.monotonic() < deadline:
            time.sleep(0.005)
        idle = self.idle()
        self.stopping = True
        self._wake()
        self.thread.join(timeout)
        return idle and not self.thread.is_alive()

    # ---- driven by asyncio ------------------------------------------------------------

    def _schedule(self, reg):
        self._unschedule(reg)
        if reg.kind == "handle":
            if reg.events & READABLE:
                self.aio.add_reader(reg.fd, self._dispatch_handle, reg.id, READABLE)
            if reg.events & WRITABLE:
                self.aio.add_writer(reg.fd, self._dispatch_handle, reg.id, WRITABLE)
            reg.scheduled = reg.events
        elif reg.interval >= 0:
            reg.scheduled = self.aio.call_later(reg.interval / 1000, self._dispatch_timer, reg.id)

    def _unschedule(self, reg):
        if reg.scheduled is None:
            return
        if reg.kind == "handle":
            if reg.scheduled & READABLE:
                self.aio.remove_reader(reg.fd)
            if reg.scheduled & WRITABLE:
                self.aio.remove_writer(reg.fd)
        else:
            reg.scheduled.cancel()
        reg.scheduled = None

    def _dispatch_handle(self, watch, events):
        reg = self.handles.get(watch)
        if reg is not None:
            reg.cb(watch, reg.fd, events, reg.opaque)

    def _dispatch_timer(self, timer):
        reg = self.timers.get(timer)
        if reg is None:
            return
        reg.scheduled = self.aio.call_later(reg.interval / 1000, self._dispatch_timer, timer)
        reg.cb(timer, reg.opaque)
