"""Run libvirt's event loop on asyncio.

libvirt needs an event loop to watch its sockets, run its keepalive and
event-queue timers and so deliver domain events and the like.  This module
provides one on top of an asyncio event loop::

    import asyncio
    import libvirt
    import libvirtaio

    async def main():
        libvirtaio.virEventRegisterAsyncIOImpl()   # the running loop
        conn = libvirt.open("test:///default")
        ...

    asyncio.run(main())

Register before opening any connection: libvirt accepts one event
implementation per process, for the life of the process.

How libvirt's registrations map onto asyncio:

* a handle (a file descriptor to watch) becomes loop.add_reader() and/or
  loop.add_writer() on its descriptor.  asyncio accepts one reader and one
  writer per descriptor while libvirt may watch the same descriptor
  several times, so the watches of one descriptor are grouped in a
  Descriptor (the impl keeps them in a DescriptorDict, by descriptor);
* a timeout becomes loop.call_later() (loop.call_soon() for a timeout of
  0, which libvirt means as "on every iteration"), re-armed each time it
  fires; a timeout of -1 is disabled;
* once libvirt removed a registration, its data is released by
  libvirt.virEventInvokeFreeCallback(), called from the loop soon after the
  removal (never from within it: libvirt may hold locks there that the
  release needs).

libvirt may add, update and remove registrations from any thread: the
bookkeeping is done at once, under a lock; what touches the asyncio loop
is handed to the loop's thread when the call comes from another one.
Exceptions raised while dispatching go to the loop's exception handler and
the loop goes on.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import warnings
from typing import Any, Callable

import libvirt

__author__ = "the authors of this libvirt binding"
__license__ = "LGPL-2.1-or-later"
__all__ = ["getCurrentImpl", "virEventAsyncIOImpl", "virEventRegisterAsyncIOImpl"]


def __getattr__(name: str) -> Any:
    if name == "_T":   # the type variable of the reference's annotations
        return libvirt._T  # type: ignore[attr-defined]  # made on first use, not in the stub
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"_T"})

try:
    import select as _select
    _poll = _select.poll
except (ImportError, AttributeError):   # no poll(): events are not refined
    _select = None  # type: ignore[assignment]
    _poll = None  # type: ignore[assignment, misc]

_READABLE = libvirt.VIR_EVENT_HANDLE_READABLE
_WRITABLE = libvirt.VIR_EVENT_HANDLE_WRITABLE
_ERROR = libvirt.VIR_EVENT_HANDLE_ERROR
_HANGUP = libvirt.VIR_EVENT_HANDLE_HANGUP

# The registered implementation (see getCurrentImpl).
_current_impl: virEventAsyncIOImpl | None = None


def _default_loop() -> asyncio.AbstractEventLoop:
    """The running loop, else the current thread's loop (created, as
    asyncio.get_event_loop() used to, when there is none)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            return asyncio.get_event_loop()
        except RuntimeError:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            return loop


def _poll_events(fd: int, events: int) -> int | None:
    """libvirt event bits `fd` has now, among `events` plus error and
    hangup; None when that cannot be known."""
    if _poll is None:
        return None
    poller = _poll()
    mask = 0
    if events & _READABLE:
        mask |= _select.POLLIN
    if events & _WRITABLE:
        mask |= _select.POLLOUT
    try:
        poller.register(fd, mask)
        ready = poller.poll(0)
    except (OSError, ValueError, OverflowError):
        return None
    result = 0
    for _, revents in ready:
        if revents & _select.POLLIN:
            result |= _READABLE
        if revents & _select.POLLOUT:
            result |= _WRITABLE
        if revents & _select.POLLERR:
            result |= _ERROR
        if revents & _select.POLLHUP:
            result |= _HANGUP
    return result


class Callback:
    """One registration libvirt made with the event loop: its id (`iden`),
    libvirt's dispatch function (`cb`) and the opaque object to pass it.

    close() ends the registration: libvirt's data is released later, from
    the loop (see virEventAsyncIOImpl.schedule_ff_callback)."""

    def __init__(self, impl: virEventAsyncIOImpl, iden: int, cb: Callable[..., object],
                 opaque: Any) -> None:
        self.impl: virEventAsyncIOImpl = impl
        self.iden: int = iden
        self.cb: Callable[..., object] = cb
        self.opaque: Any = opaque
        self.closed: bool = False

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<{type(self).__name__} iden={self.iden}{self._repr_details()}{state}>"

    def _repr_details(self) -> str:
        return ""

    def close(self) -> None:
        """Stop dispatching and have the loop release libvirt's data."""
        if self.closed:
            return
        self.closed = True
        self.impl.schedule_ff_callback(self.iden, self.opaque)


class FDCallback(Callback):
    """A watch on a file descriptor: `event` is the mask of
    VIR_EVENT_HANDLE_READABLE / VIR_EVENT_HANDLE_WRITABLE libvirt wants
    (errors and hangups are always reported).  Several watches on one
    descriptor share its Descriptor."""

    def __init__(self, impl: virEventAsyncIOImpl, iden: int, cb: Callable[..., object],
                 opaque: Any, descriptor: Descriptor, event: int) -> None:
        super().__init__(impl, iden, cb, opaque)
        self.descriptor: Descriptor = descriptor
        self.event: int = event

    def _repr_details(self) -> str:
        return f" fd={self.descriptor.fd} event={self.event}"

    def update(self, event: int) -> None:
        """Watch for `event` from now on (0: nothing)."""
        self.event = event
        self.descriptor.update()

    def _dispatch(self, events: int) -> None:
        self.impl._invoke(self.cb, self.iden, self.descriptor.fd, events, self.opaque)


class TimeoutCallback(Callback):
    """A timer: fires every `timeout` milliseconds (0: at each iteration
    of the loop, -1: disabled)."""

    def __init__(self, impl: virEventAsyncIOImpl, iden: int, cb: Callable[..., object],
                 opaque: Any, timeout: int) -> None:
        super().__init__(impl, iden, cb, opaque)
        self.timeout: int = timeout
        # the asyncio handle of the next firing
        self._handle: asyncio.Handle | None = None

    def _repr_details(self) -> str:
        return f" timeout={self.timeout}"

    def update(self, timeout: int) -> None:
        """Fire every `timeout` ms, counting from now (-1 disables)."""
        self.timeout = timeout
        self.impl._in_loop(self._arm)

    def close(self) -> None:
        """Stop the timer and have the loop release libvirt's data."""
        if self.closed:
            return
        super().close()
        self.impl._in_loop(self._cancel)

    # -- in the loop's thread --

    def _cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _arm(self) -> None:
        self._cancel()
        timeout = self.timeout
        if self.closed or timeout < 0 or self.impl.loop.is_closed():
            return
        if timeout == 0:
            self._handle = self.impl.loop.call_soon(self._fire)
        else:
            self._handle = self.impl.loop.call_later(timeout / 1000, self._fire)

    def _fire(self) -> None:
        self._handle = None
        if self.closed or self.timeout < 0:
            return
        # Re-arm first: the callback may update or remove the timer.
        self._arm()
        self.impl._invoke(self.cb, self.iden, self.opaque)


class Descriptor:
    """The watches (FDCallback) on one file descriptor, by id.

    asyncio takes one reader and one writer per descriptor: the
    descriptor is watched for reading while any of its watches wants
    VIR_EVENT_HANDLE_READABLE, for writing while any wants
    VIR_EVENT_HANDLE_WRITABLE."""

    def __init__(self, impl: virEventAsyncIOImpl, fd: int) -> None:
        self.impl: virEventAsyncIOImpl = impl
        self.fd: int = fd
        self.callbacks: dict[int, FDCallback] = {}

    def __repr__(self) -> str:
        return f"<Descriptor fd={self.fd} watches={sorted(self.callbacks)}>"

    def add_handle(self, callback: FDCallback) -> None:
        """Add the FDCallback `callback` to this descriptor's watches."""
        self.callbacks[callback.iden] = callback
        self.update()

    def remove_handle(self, iden: int) -> FDCallback:
        """Remove the watch `iden`; returns its FDCallback."""
        callback = self.callbacks.pop(iden)
        self.update()
        return callback

    def update(self) -> None:
        """Make the loop watch the descriptor for what its watches want."""
        self.impl._in_loop(self.impl._sync_fd, self.fd)

    def _wanted(self) -> int:
        wanted = 0
        for callback in self.callbacks.values():
            wanted |= callback.event
        return wanted & (_READABLE | _WRITABLE)


class DescriptorDict(dict[int, Descriptor]):
    """The Descriptors of an implementation by file descriptor; looking up
    a descriptor that has none creates it."""

    def __init__(self, impl: virEventAsyncIOImpl) -> None:
        super().__init__()
        self.impl: virEventAsyncIOImpl = impl

    def __missing__(self, fd: int) -> Descriptor:
        descriptor = Descriptor(self.impl, fd)
        self[fd] = descriptor
        return descriptor


class virEventAsyncIOImpl:
    """libvirt's event loop on the asyncio loop `loop` (default: the
    running loop, else the current one).  register() makes it libvirt's
    event implementation."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.loop: asyncio.AbstractEventLoop = _default_loop() if loop is None else loop
        self.callbacks: dict[int, Callback] = {}       # iden -> Callback
        self.descriptors: DescriptorDict = DescriptorDict(self)
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._watching: dict[int, tuple[bool, bool]] = {}   # fd -> (reading, writing)
        self._pending_ff: set[int] = set()     # idens whose data awaits release
        self._drain_waiters: list[asyncio.Future[None]] = []   # resolved when idle

    def __repr__(self) -> str:
        return (f"<virEventAsyncIOImpl callbacks={len(self.callbacks)} "
                f"pending_free={len(self._pending_ff)} loop={self.loop!r}>")

    def register(self) -> virEventAsyncIOImpl:
        """Register with libvirt as its event implementation; returns self."""
        global _current_impl
        libvirt.virEventRegisterImpl(
            self._add_handle, self._update_handle, self._remove_handle,
            self._add_timeout, self._update_timeout, self._remove_timeout)
        _current_impl = self
        return self

    def schedule_ff_callback(self, iden: int, opaque: Any) -> None:
        """Release libvirt's data of the removed registration `iden` from
        the loop, soon (its free function must not run from within the
        removal)."""
        with self._lock:
            self._pending_ff.add(iden)
        try:
            self._soon(self._run_ff_callback, iden, opaque)
        except RuntimeError:
            # The loop is closed: nothing will ever run the release.
            with self._lock:
                self._pending_ff.discard(iden)
            self._check_idle()

    def is_idle(self) -> bool:
        """Whether nothing is registered and no release is pending (a
        connection left open, or whose events were not deregistered
        before closing it, keeps the implementation busy)."""
        with self._lock:
            return not self.callbacks and not self._pending_ff

    async def drain(self) -> None:
        """Wait until is_idle(): every registration removed and its data
        released."""
        while not self.is_idle():
            waiter = asyncio.get_running_loop().create_future()
            with self._lock:
                self._drain_waiters.append(waiter)
            if self.is_idle():   # became idle before the waiter was listed
                break
            await waiter

    # -- helpers --

    def _on_loop_thread(self) -> bool:
        """Whether asyncio calls on self.loop may be made directly here:
        in the loop's thread, or while no thread runs the loop."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        return running is self.loop or not self.loop.is_running()

    def _in_loop(self, func: Callable[..., object], *args: Any) -> None:
        """Run func(*args) now when in the loop's thread, else have the loop
        run it (a closed loop runs nothing)."""
        if self._on_loop_thread():
            func(*args)
        elif not self.loop.is_closed():
            try:
                self.loop.call_soon_threadsafe(self._run_reporting, func, *args)
            except RuntimeError:
                pass     # closed meanwhile

    def _soon(self, func: Callable[..., object], *args: Any) -> None:
        """Have the loop run func(*args) in a later iteration."""
        if self._on_loop_thread():
            self.loop.call_soon(func, *args)
        else:
            self.loop.call_soon_threadsafe(func, *args)

    def _report(self, message: str, exc: BaseException, **context: Any) -> None:
        context.update(message=message, exception=exc)
        try:
            self.loop.call_exception_handler(context)
        except Exception:     # a broken handler must not stop the loop
            pass

    def _run_reporting(self, func: Callable[..., object], *args: Any) -> None:
        try:
            func(*args)
        except Exception as exc:
            self._report(f"libvirt event loop: {func!r} failed", exc)

    def _invoke(self, cb: Callable[..., object], *args: Any) -> None:
        """Dispatch to libvirt; an exception goes to the exception handler."""
        try:
            cb(*args)
        except Exception as exc:
            self._report(f"libvirt event callback {cb!r}{args!r} raised", exc)

    def _run_ff_callback(self, iden: int, opaque: Any) -> None:
        try:
            libvirt.virEventInvokeFreeCallback(opaque)
        except Exception as exc:
            self._report(f"releasing libvirt event registration {iden} failed", exc)
        finally:
            with self._lock:
                self._pending_ff.discard(iden)
            self._check_idle()

    def _check_idle(self) -> None:
        with self._lock:
            if not self._drain_waiters or self.callbacks or self._pending_ff:
                return
            waiters, self._drain_waiters = self._drain_waiters, []
        for waiter in waiters:
            try:
                waiter.get_loop().call_soon_threadsafe(_resolve, waiter)
            except RuntimeError:
                pass     # its loop is closed

    # -- file descriptors --

    def _sync_fd(self, fd: int) -> None:
        """Make asyncio watch `fd` for what its watches want now (in the
        loop's thread)."""
        with self._lock:
            descriptor = self.descriptors.get(fd)
            wanted = descriptor._wanted() if descriptor is not None else 0
            watching = list(self._watching.get(fd, (False, False)))   # reading, writing
            loop = self.loop
            sides = ((_READABLE, loop.add_reader, loop.remove_reader),
                     (_WRITABLE, loop.add_writer, loop.remove_writer))
            try:
                for side, (direction, add, remove) in enumerate(sides):
                    want = bool(wanted & direction)
                    if want and not watching[side]:
                        add(fd, self._fd_ready, fd, direction)
                        watching[side] = True
                    elif watching[side] and not want:
                        remove(fd)
                        watching[side] = False
            finally:
                if any(watching):
                    self._watching[fd] = (watching[0], watching[1])
                else:
                    self._watching.pop(fd, None)

    def _fd_ready(self, fd: int, direction: int) -> None:
        """asyncio found `fd` ready for `direction` (reading or writing)."""
        with self._lock:
            descriptor = self.descriptors.get(fd)
            if descriptor is None:
                return
            targets = [cb for cb in descriptor.callbacks.values() if cb.event & direction]
        if not targets:
            return
        events = _poll_events(fd, direction)
        if events is None:
            events = direction
        for callback in targets:
            # The reading side reports errors and hangups; the writing side
            # reports them to the watches that do not read.
            if direction == _READABLE or not callback.event & _READABLE:
                got = events & (direction | _ERROR | _HANGUP)
            else:
                got = events & direction
            if not got:
                continue
            with self._lock:
                live = (not callback.closed and self.callbacks.get(callback.iden) is callback
                        and callback.event & direction)
            if live:
                callback._dispatch(got)

    # -- what libvirt calls (see virEventRegisterImpl) --

    def _add_handle(self, fd: int, event: int, cb: Callable[[int, int, int, Any], object],
                    opaque: Any) -> int:
        if self.loop.is_closed():
            raise RuntimeError("the event loop of libvirtaio is closed")
        with self._lock:
            iden = next(self._ids)
            descriptor = self.descriptors[fd]
            callback = FDCallback(self, iden, cb, opaque, descriptor, event)
            self.callbacks[iden] = callback
            try:
                descriptor.add_handle(callback)
            except BaseException:
                # Not registered: libvirt keeps its data, nothing to free.
                del self.callbacks[iden]
                descriptor.callbacks.pop(iden, None)
                self._forget_if_unwatched(descriptor)
                try:      # undo a reader added before a writer failed
                    self._in_loop(self._sync_fd, fd)
                except Exception:
                    pass
                raise
        return iden

    def _update_handle(self, watch: int, event: int) -> None:
        self._update(watch, FDCallback, event)

    def _remove_handle(self, watch: int) -> int:
        return self._remove(watch, FDCallback)

    def _add_timeout(self, timeout: int, cb: Callable[[int, Any], object], opaque: Any) -> int:
        if self.loop.is_closed():
            raise RuntimeError("the event loop of libvirtaio is closed")
        with self._lock:
            iden = next(self._ids)
            callback = TimeoutCallback(self, iden, cb, opaque, timeout)
            self.callbacks[iden] = callback
            callback.update(timeout)
        return iden

    def _update_timeout(self, timer: int, timeout: int) -> None:
        self._update(timer, TimeoutCallback, timeout)

    def _remove_timeout(self, timer: int) -> int:
        return self._remove(timer, TimeoutCallback)

    # An id libvirt names that is not a registration of that kind (never
    # made, removed, or of the other kind) is ignored by an update; its
    # removal fails with -1.

    def _update(self, iden: int, kind: type[FDCallback] | type[TimeoutCallback],
                value: int) -> None:
        with self._lock:
            callback = self.callbacks.get(iden)
            if isinstance(callback, kind):
                callback.update(value)

    def _remove(self, iden: int, kind: type[Callback]) -> int:
        with self._lock:
            callback = self.callbacks.get(iden)
            if not isinstance(callback, kind):
                return -1
            del self.callbacks[iden]
            if isinstance(callback, FDCallback):
                callback.descriptor.remove_handle(iden)
                self._forget_if_unwatched(callback.descriptor)
            callback.close()
        return 0

    def _forget_if_unwatched(self, descriptor: Descriptor) -> None:
        """Drop `descriptor` once none of its watches is left (lock held)."""
        if not descriptor.callbacks and self.descriptors.get(descriptor.fd) is descriptor:
            del self.descriptors[descriptor.fd]


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def virEventRegisterAsyncIOImpl(
        loop: asyncio.AbstractEventLoop | None = None) -> virEventAsyncIOImpl:
    """Make libvirt dispatch its events on the asyncio loop `loop` (default:
    the running loop, else the current one).  Returns the implementation;
    getCurrentImpl() returns it too."""
    global _current_impl
    _current_impl = virEventAsyncIOImpl(loop=loop).register()
    return _current_impl


def getCurrentImpl() -> virEventAsyncIOImpl | None:
    """The implementation registered with libvirt, or None."""
    return _current_impl
