"""One event scenario, run identically under each of the three event loops
libvirt can use from Python:

  default   libvirt's own loop: virEventRegisterDefaultImpl(), iterated by
            a thread calling virEventRunDefaultImpl();
  python    a Python loop given to virEventRegisterImpl(): SelectLoop
            below, a small select() loop run by a thread;
  asyncio   libvirtaio.virEventRegisterAsyncIOImpl() on the running loop
            of asyncio.run() (the scenario runs in the loop's thread).

libvirt takes one event implementation per process, so each loop runs the
scenario in a fresh interpreter of its own (CHILD), with the same Python as
the tests, which prints a JSON report.  The three children run at once.

The scenario (CHILD's scenario(), a generator: it yields what it waits
for, and each loop's driver does the waiting its own way) opens
test:///default after the implementation was registered, registers
callbacks for domain lifecycle (all domains), domain metadata change,
network lifecycle, storage pool lifecycle and refresh, node device
lifecycle, plus a raising lifecycle callback on domain "test" only, then:

  suspend + resume "test"; createXML + destroy of a transient domain;
  define + undefine; two setMetadata; network "default" destroy + create;
  pool "default-pool" destroy + create + refresh; vHBA create + destroy
  (the test driver raises node device events for it, see test_events.py);
  a stream callback on the stream of "test"'s screenshot, read to EOF;

waiting after each step for its events.  Everything is then deregistered,
and the same kinds of events raised again while a second connection's
registrations show they were delivered: the first connection's callbacks
get none.  The test checks, for each loop, that the (callback kind, object
name, event, detail) sequence is exactly EXPECTED (written from libvirt's
documented constants), that the three loops give the same sequence, that
the raising callback's exceptions are reported (see REPORTING_HOOK) while
later events still arrive, that the connection (stream) and opaque given to
callbacks are the very objects registered, and that callbacks run in the
loop's thread.

The Python loop is written here rather than taken from
test_event_functions.py: its PY_LOOP is iterated by the thread that
registers, and the scenario here needs a loop thread that libvirt's calls
from another thread can wake (SelectLoop's wake-up pipe and lock).

Running on the reference binding: run pytest with its interpreter, with a
directory holding only a copy of this repository's libvirtaio.py first on
PYTHONPATH (the children inherit both; the asyncio child checks it got
this repository's libvirtaio.py, like test_libvirtaio.py does):

    d=$(mktemp -d) && cp libvirtaio.py $d/ && \\
    PYTHONPATH=$d bench/.venv-reference/bin/python -m pytest tests/test_event_loops.py
"""

import json
import os
import subprocess
import sys
import types

import pytest

from test_events import DOMAIN_XML, VHBA_XML
from test_libvirtaio import REPO_LIBVIRTAIO
from reference_venv import REFERENCE_VENV

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOOPS = ["default", "python", "asyncio"]

# Where an exception raised by an event callback is reported: our binding
# hands it to sys.unraisablehook (README); the reference binding calls
# PyErr_Print(), which hands it to sys.excepthook.
ON_REFERENCE = os.path.realpath(sys.prefix) == os.path.realpath(REFERENCE_VENV)
REPORTING_HOOK = "excepthook" if ON_REFERENCE else "unraisablehook"

# libvirt's documented values (libvirt-domain.h, libvirt-network.h,
# libvirt-storage.h, libvirt-nodedev.h, libvirt-stream.h).
DOCUMENTED = {
    "VIR_DOMAIN_EVENT_ID_LIFECYCLE": 0,
    "VIR_DOMAIN_EVENT_ID_METADATA_CHANGE": 23,
    "VIR_NETWORK_EVENT_ID_LIFECYCLE": 0,
    "VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE": 0,
    "VIR_STORAGE_POOL_EVENT_ID_REFRESH": 1,
    "VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE": 0,
    "VIR_DOMAIN_EVENT_DEFINED": 0,
    "VIR_DOMAIN_EVENT_DEFINED_ADDED": 0,
    "VIR_DOMAIN_EVENT_UNDEFINED": 1,
    "VIR_DOMAIN_EVENT_UNDEFINED_REMOVED": 0,
    "VIR_DOMAIN_EVENT_STARTED": 2,
    "VIR_DOMAIN_EVENT_STARTED_BOOTED": 0,
    "VIR_DOMAIN_EVENT_SUSPENDED": 3,
    "VIR_DOMAIN_EVENT_SUSPENDED_PAUSED": 0,
    "VIR_DOMAIN_EVENT_RESUMED": 4,
    "VIR_DOMAIN_EVENT_RESUMED_UNPAUSED": 0,
    "VIR_DOMAIN_EVENT_STOPPED": 5,
    "VIR_DOMAIN_EVENT_STOPPED_DESTROYED": 1,
    "VIR_DOMAIN_METADATA_DESCRIPTION": 0,
    "VIR_DOMAIN_METADATA_ELEMENT": 2,
    "VIR_NETWORK_EVENT_STARTED": 2,
    "VIR_NETWORK_EVENT_STOPPED": 3,
    "VIR_STORAGE_POOL_EVENT_STARTED": 2,
    "VIR_STORAGE_POOL_EVENT_STOPPED": 3,
    "VIR_NODE_DEVICE_EVENT_CREATED": 0,
    "VIR_NODE_DEVICE_EVENT_DELETED": 1,
    "VIR_STREAM_EVENT_READABLE": 1,
    "VIR_STREAM_NONBLOCK": 1,
}
C = types.SimpleNamespace(**DOCUMENTED)

METADATA_URI = "http://example.org/event-loops/"


def expected_records(vhba_name):
    """What the scenario's callbacks get, in order (vhba_name: the name
    libvirt gave the vHBA, as nodeDeviceCreateXML's result reported it)."""
    return [
        ("domain", "test", C.VIR_DOMAIN_EVENT_SUSPENDED, C.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED),
        ("domain", "test", C.VIR_DOMAIN_EVENT_RESUMED, C.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED),
        ("domain", "loops-transient", C.VIR_DOMAIN_EVENT_STARTED,
         C.VIR_DOMAIN_EVENT_STARTED_BOOTED),
        ("domain", "loops-transient", C.VIR_DOMAIN_EVENT_STOPPED,
         C.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
        ("domain", "loops-defined", C.VIR_DOMAIN_EVENT_DEFINED, C.VIR_DOMAIN_EVENT_DEFINED_ADDED),
        ("domain", "loops-defined", C.VIR_DOMAIN_EVENT_UNDEFINED,
         C.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED),
        ("metadata", "test", C.VIR_DOMAIN_METADATA_DESCRIPTION, None),
        ("metadata", "test", C.VIR_DOMAIN_METADATA_ELEMENT, METADATA_URI),
        ("network", "default", C.VIR_NETWORK_EVENT_STOPPED, 0),
        ("network", "default", C.VIR_NETWORK_EVENT_STARTED, 0),
        ("pool", "default-pool", C.VIR_STORAGE_POOL_EVENT_STOPPED, 0),
        ("pool", "default-pool", C.VIR_STORAGE_POOL_EVENT_STARTED, 0),
        ("pool-refresh", "default-pool", None, None),
        ("nodedev", vhba_name, C.VIR_NODE_DEVICE_EVENT_CREATED, 0),
        ("nodedev", vhba_name, C.VIR_NODE_DEVICE_EVENT_DELETED, 0),
        ("stream", "test", C.VIR_STREAM_EVENT_READABLE, "image/png"),
    ]


# What the raising callback (lifecycle, domain "test" only) was called with.
EXPECTED_RAISED = [
    [C.VIR_DOMAIN_EVENT_SUSPENDED, C.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED],
    [C.VIR_DOMAIN_EVENT_RESUMED, C.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED],
]


CHILD = r'''
import asyncio, itertools, json, os, select, sys, threading, time
import libvirt

CONFIG = json.loads(sys.argv[1])
TIMEOUT = 10.0          # for each wait
SETTLE = 0.1            # for events that should not come

invoke_free = getattr(libvirt, "virEventInvokeFreeCallback", None)
if invoke_free is None:
    import libvirtmod
    invoke_free = libvirtmod.virEventInvokeFreeCallback


# ---- what the hooks receive ------------------------------------------------

hooks = []
raisers = []            # the raising callback(s), to recognise them


def unraisable(u):
    hooks.append(["unraisablehook", type(u.exc_value).__name__, str(u.exc_value),
                  any(u.object is r for r in raisers)])


def excepthook(exc_type, exc, tb):
    hooks.append(["excepthook", exc_type.__name__, str(exc), None])


# ---- the scenario (the same for every loop) ---------------------------------

class Opaque:
    pass


def scenario(loop_ident):
    """Yields a predicate to wait for (the driver sends back whether it
    held in time) or a number of seconds to let the loop run; returns the
    report."""
    E = libvirt
    records, raised, bad_args, wrong_thread, waits = [], [], [], [], []
    conn = libvirt.open("test:///default")
    op = Opaque()

    def check(kind, c, opaque, registered_on):
        if c is not registered_on or opaque is not op:
            bad_args.append(kind)
        if threading.get_ident() != loop_ident:
            wrong_thread.append(kind)

    def on_domain(c, dom, event, detail, opaque):
        check("domain", c, opaque, conn)
        records.append(["domain", dom.name(), event, detail])

    def on_metadata(c, dom, mtype, nsuri, opaque):
        check("metadata", c, opaque, conn)
        records.append(["metadata", dom.name(), mtype, nsuri])

    def on_network(c, net, event, detail, opaque):
        check("network", c, opaque, conn)
        records.append(["network", net.name(), event, detail])

    def on_pool(c, pool, event, detail, opaque):
        check("pool", c, opaque, conn)
        records.append(["pool", pool.name(), event, detail])

    def on_refresh(c, pool, opaque):
        check("pool-refresh", c, opaque, conn)
        records.append(["pool-refresh", pool.name(), None, None])

    def on_nodedev(c, dev, event, detail, opaque):
        check("nodedev", c, opaque, conn)
        records.append(["nodedev", dev.name(), event, detail])

    def raiser(c, dom, event, detail, opaque):
        check("raiser", c, opaque, conn)
        raised.append([event, detail])
        raise ValueError("raiser %d/%d" % (event, detail))
    raisers.append(raiser)

    dom = conn.lookupByName("test")
    registrations = [
        (conn.domainEventDeregisterAny,
         conn.domainEventRegisterAny(None, E.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_domain, op)),
        (conn.domainEventDeregisterAny,
         conn.domainEventRegisterAny(dom, E.VIR_DOMAIN_EVENT_ID_LIFECYCLE, raiser, op)),
        (conn.domainEventDeregisterAny,
         conn.domainEventRegisterAny(None, E.VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
                                     on_metadata, op)),
        (conn.networkEventDeregisterAny,
         conn.networkEventRegisterAny(None, E.VIR_NETWORK_EVENT_ID_LIFECYCLE, on_network, op)),
        (conn.storagePoolEventDeregisterAny,
         conn.storagePoolEventRegisterAny(None, E.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                                          on_pool, op)),
        (conn.storagePoolEventDeregisterAny,
         conn.storagePoolEventRegisterAny(None, E.VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                                          on_refresh, op)),
        (conn.nodeDeviceEventDeregisterAny,
         conn.nodeDeviceEventRegisterAny(None, E.VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE,
                                         on_nodedev, op)),
    ]
    expected = 0

    def step(label, n, extra=lambda: True):
        nonlocal expected
        expected += n
        target = expected
        return label, (lambda: len(records) >= target and extra())

    label, until = step("suspend/resume", 2, lambda: len(raised) >= 2)
    dom.suspend()
    dom.resume()
    waits.append([label, (yield until)])

    label, until = step("transient", 2)
    transient = conn.createXML(CONFIG["domain_xml"] % "loops-transient", 0)
    transient.destroy()
    waits.append([label, (yield until)])

    label, until = step("define/undefine", 2)
    defined = conn.defineXML(CONFIG["domain_xml"] % "loops-defined")
    defined.undefine()
    waits.append([label, (yield until)])

    label, until = step("metadata", 2)
    dom.setMetadata(E.VIR_DOMAIN_METADATA_DESCRIPTION, "event loops", None, None)
    dom.setMetadata(E.VIR_DOMAIN_METADATA_ELEMENT, "<loops/>", "loops", CONFIG["metadata_uri"])
    waits.append([label, (yield until)])

    label, until = step("network", 2)
    net = conn.networkLookupByName("default")
    net.destroy()
    net.create()
    waits.append([label, (yield until)])

    label, until = step("pool", 3)
    pool = conn.storagePoolLookupByName("default-pool")
    pool.destroy()
    pool.create(0)
    pool.refresh(0)
    waits.append([label, (yield until)])

    label, until = step("vhba", 2)
    vhba = conn.nodeDeviceCreateXML(CONFIG["vhba_xml"], 0)
    vhba_name = vhba.name()
    vhba.destroy()
    waits.append([label, (yield until)])

    # A stream callback: read the screenshot to its end from the loop.
    stream = conn.newStream(E.VIR_STREAM_NONBLOCK)
    mime = dom.screenshot(stream, 0, 0)
    received, stream_events = [], []

    def on_stream(st, events, opaque):
        check("stream", st, opaque, stream)
        stream_events.append(events)
        while True:
            data = st.recv(65536)
            if isinstance(data, int):       # -2: nothing for now
                return
            if not data:                    # end of the stream
                st.eventUpdateCallback(0)
                whole = b"".join(received)
                records.append(["stream", dom.name(),
                                stream_events[0] & E.VIR_STREAM_EVENT_READABLE,
                                mime if whole.startswith(b"\x89PNG\r\n\x1a\n") else repr(whole[:8])])
                return
            received.append(data)

    label, until = step("stream", 1)
    stream.eventAddCallback(E.VIR_STREAM_EVENT_READABLE, on_stream, op)
    waits.append([label, (yield until)])
    stream.eventRemoveCallback()
    stream.finish()

    yield SETTLE                            # anything more would show
    delivered = [list(r) for r in records]
    raised_before = len(raised)
    for deregister, cid in registrations:
        deregister(cid)

    # The same kinds of events again: a second connection's callbacks show
    # they were dispatched; the deregistered ones must not run.
    conn2 = libvirt.open("test:///default")
    sentinel = []
    s1 = conn2.domainEventRegisterAny(None, E.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                      lambda c, d, e, x, o: sentinel.append([d.name(), e, x]), None)
    s2 = conn2.storagePoolEventRegisterAny(None, E.VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                                           lambda c, p, o: sentinel.append([p.name()]), None)
    dom.suspend()
    dom.resume()
    dom.setMetadata(E.VIR_DOMAIN_METADATA_DESCRIPTION, "again", None, None)
    net.destroy()
    net.create()
    pool.refresh(0)                         # the last one queued
    waits.append(["sentinel", (yield lambda: len(sentinel) >= 3)])
    yield SETTLE
    conn2.domainEventDeregisterAny(s1)
    conn2.storagePoolEventDeregisterAny(s2)
    conn2.close()
    conn.close()
    return {
        "records": delivered,
        "raised": raised[:raised_before],
        "after_deregistration": records[len(delivered):] + raised[raised_before:],
        "sentinel": sentinel,
        "bad_args": bad_args,
        "wrong_thread": wrong_thread,
        "waits": waits,
        "vhba_name": vhba_name,
        "stream_mime": mime,
        "stream_bytes": sum(len(d) for d in received),
    }


# ---- drivers: run the scenario, waiting the way each loop needs -------------

def wait_in_thread(request):
    if not callable(request):
        time.sleep(request)
        return True
    deadline = time.monotonic() + TIMEOUT
    while not request():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


def drive_in_thread(gen):
    try:
        request = next(gen)
        while True:
            request = gen.send(wait_in_thread(request))
    except StopIteration as stop:
        return stop.value


async def wait_in_asyncio(request):
    if not callable(request):
        await asyncio.sleep(request)
        return True
    deadline = time.monotonic() + TIMEOUT
    while not request():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.002)
    return True


async def drive_in_asyncio(gen):
    try:
        request = next(gen)
        while True:
            request = gen.send(await wait_in_asyncio(request))
    except StopIteration as stop:
        return stop.value


class SelectLoop:
    """A Python event implementation for virEventRegisterImpl(): select()
    in a thread of its own.  libvirt may call the add/update/remove
    methods from any thread: they take the lock and wake the loop up
    through a pipe.  Callbacks run without the lock held; the data of
    removed registrations is released from the loop afterwards."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.handles = {}       # watch -> [fd, events, cb, opaque]
        self.timers = {}        # timer -> [interval ms, deadline, cb, opaque]
        self.to_free = []
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        self.stopping = False
        self.thread = threading.Thread(target=self._run, name="select-loop", daemon=True)

    def _wake(self):
        try:
            os.write(self.wake_w, b"x")
        except BlockingIOError:
            pass            # already awake

    def add_handle(self, fd, events, cb, opaque):
        with self.lock:
            watch = next(self.ids)
            self.handles[watch] = [fd, events, cb, opaque]
        self._wake()
        return watch

    def update_handle(self, watch, events):
        with self.lock:
            if watch in self.handles:
                self.handles[watch][1] = events
        self._wake()

    def remove_handle(self, watch):
        with self.lock:
            entry = self.handles.pop(watch, None)
            if entry is None:
                return -1
            self.to_free.append(entry[3])
        self._wake()
        return 0

    def _deadline(self, interval):
        return None if interval < 0 else time.monotonic() + interval / 1000

    def add_timeout(self, interval, cb, opaque):
        with self.lock:
            timer = next(self.ids)
            self.timers[timer] = [interval, self._deadline(interval), cb, opaque]
        self._wake()
        return timer

    def update_timeout(self, timer, interval):
        with self.lock:
            if timer in self.timers:
                self.timers[timer][:2] = [interval, self._deadline(interval)]
        self._wake()

    def remove_timeout(self, timer):
        with self.lock:
            entry = self.timers.pop(timer, None)
            if entry is None:
                return -1
            self.to_free.append(entry[3])
        self._wake()
        return 0

    def register(self):
        libvirt.virEventRegisterImpl(self.add_handle, self.update_handle, self.remove_handle,
                                     self.add_timeout, self.update_timeout, self.remove_timeout)
        self.thread.start()

    def idle(self):
        with self.lock:
            return not self.handles and not self.timers and not self.to_free

    def run_once(self):
        with self.lock:
            deadlines = [t[1] for t in self.timers.values() if t[1] is not None]
            rlist = [self.wake_r] + [h[0] for h in self.handles.values() if h[1] & 1]
            wlist = [h[0] for h in self.handles.values() if h[1] & 2]
        wait = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        readable, writable, _ = select.select(rlist, wlist, [], wait)
        if self.wake_r in readable:
            try:
                while os.read(self.wake_r, 4096):
                    pass
            except BlockingIOError:
                pass
        with self.lock:
            ready = []
            for watch, (fd, events, cb, opaque) in self.handles.items():
                got = (1 if fd in readable and events & 1 else 0) | \
                      (2 if fd in writable and events & 2 else 0)
                if got:
                    ready.append((watch, fd, got))
        for watch, fd, got in ready:
            with self.lock:
                entry = self.handles.get(watch)     # removed meanwhile?
            if entry is not None:
                entry[2](watch, fd, got, entry[3])
        now = time.monotonic()
        with self.lock:
            due = [timer for timer, t in self.timers.items()
                   if t[1] is not None and t[1] <= now]
        for timer in due:
            with self.lock:
                entry = self.timers.get(timer)
                if entry is None or entry[1] is None or entry[1] > now:
                    continue
                entry[1] = now + entry[0] / 1000
            entry[2](timer, entry[3])
        with self.lock:
            frees, self.to_free = self.to_free, []
        for opaque in frees:
            invoke_free(opaque)

    def _run(self):
        while not self.stopping:
            self.run_once()

    def close(self):
        """Stop once every registration is gone and released."""
        deadline = time.monotonic() + 5
        while not self.idle() and time.monotonic() < deadline:
            time.sleep(0.005)
        idle = self.idle()
        self.stopping = True
        self._wake()
        self.thread.join(5)
        return idle and not self.thread.is_alive()


def run_default():
    assert libvirt.virEventRegisterDefaultImpl() == 0
    state = {"stop": False}
    # wakes the loop up now and then, so that it sees "stop"
    tick = libvirt.virEventAddTimeout(50, lambda timer, opaque: None, None)

    def loop():
        while not state["stop"]:
            libvirt.virEventRunDefaultImpl()

    thread = threading.Thread(target=loop, name="default-loop", daemon=True)
    thread.start()
    report = drive_in_thread(scenario(thread.ident))
    state["stop"] = True
    thread.join(5)
    libvirt.virEventRemoveTimeout(tick)
    report["loop_finished"] = not thread.is_alive()
    return report


def run_python():
    loop = SelectLoop()
    loop.register()
    report = drive_in_thread(scenario(loop.thread.ident))
    report["loop_finished"] = loop.close()
    return report


def run_asyncio():
    import libvirtaio
    with open(libvirtaio.__file__, "rb") as f_used, open(CONFIG["repo_libvirtaio"], "rb") as f_repo:
        assert f_used.read() == f_repo.read(), (
            f"{libvirtaio.__file__} is not this repository's libvirtaio.py: reinstall "
            "(pip install .) or put a copy first on PYTHONPATH")

    async def main():
        impl = libvirtaio.virEventRegisterAsyncIOImpl()
        report = await drive_in_asyncio(scenario(threading.get_ident()))
        try:
            await asyncio.wait_for(impl.drain(), 5)
        except asyncio.TimeoutError:
            pass
        report["loop_finished"] = impl.is_idle()
        return report

    return asyncio.run(main())


saved_hooks = sys.unraisablehook, sys.excepthook
sys.unraisablehook, sys.excepthook = unraisable, excepthook
try:
    report = {"default": run_default, "python": run_python,
              "asyncio": run_asyncio}[CONFIG["kind"]]()
finally:
    sys.unraisablehook, sys.excepthook = saved_hooks
report["hooks"] = hooks
print(json.dumps(report))
'''


def _start(kind, cwd):
    config = {"kind": kind, "domain_xml": DOMAIN_XML, "vhba_xml": VHBA_XML,
              "metadata_uri": METADATA_URI, "repo_libvirtaio": REPO_LIBVIRTAIO}
    # cwd: a directory of its own, so that what `python -c` puts first on
    # sys.path (the working directory) brings no libvirt*.py in.
    return subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(config)], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The report of each loop's child, by loop (the three run at once)."""
    procs = {kind: _start(kind, tmp_path_factory.mktemp(kind)) for kind in LOOPS}
    out = {}
    for kind, proc in procs.items():
        try:
            stdout, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
        lines = stdout.splitlines()
        try:
            report = json.loads(lines[-1])
        except (IndexError, ValueError):
            report = None
        out[kind] = types.SimpleNamespace(rc=proc.returncode, report=report,
                                          output=f"rc={proc.returncode}\nstdout:\n{stdout}\n"
                                                 f"stderr:\n{stderr}")
    return out


def _report(reports, kind):
    child = reports[kind]
    assert child.rc == 0 and child.report is not None, child.output
    return child.report


@pytest.fixture(scope="module")
def libvirt_module():
    import libvirt
    return libvirt


def test_documented_constants(libvirt_module):
    for name, value in DOCUMENTED.items():
        assert getattr(libvirt_module, name) == value, name


@pytest.mark.parametrize("kind", LOOPS)
def test_loop_delivers_the_expected_events(reports, kind):
    r = _report(reports, kind)
    assert all(ok for _, ok in r["waits"]), (r["waits"], r["records"])
    assert [tuple(rec) for rec in r["records"]] == expected_records(r["vhba_name"])
    assert r["stream_mime"] == "image/png" and r["stream_bytes"] > 0


@pytest.mark.parametrize("kind", LOOPS)
def test_raising_callback_is_reported_and_events_go_on(reports, kind):
    """Each call of the raising callback is reported once, through
    REPORTING_HOOK, and the events after it still arrive (to it, and to
    everything else: test_loop_delivers_the_expected_events)."""
    r = _report(reports, kind)
    assert r["raised"] == EXPECTED_RAISED
    messages = ["raiser %d/%d" % tuple(args) for args in EXPECTED_RAISED]
    if REPORTING_HOOK == "unraisablehook":
        # the object reported is the callback itself
        assert r["hooks"] == [["unraisablehook", "ValueError", m, True] for m in messages]
    else:
        assert r["hooks"] == [["excepthook", "ValueError", m, None] for m in messages]


@pytest.mark.parametrize("kind", LOOPS)
def test_deregistration_stops_delivery(reports, kind):
    r = _report(reports, kind)
    # the second connection saw the events raised after deregistering ...
    assert r["sentinel"] == [["test", C.VIR_DOMAIN_EVENT_SUSPENDED,
                              C.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED],
                             ["test", C.VIR_DOMAIN_EVENT_RESUMED,
                              C.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED],
                             ["default-pool"]]
    # ... the deregistered callbacks none of them
    assert r["after_deregistration"] == []


@pytest.mark.parametrize("kind", LOOPS)
def test_callbacks_get_the_registered_objects_in_the_loop_thread(reports, kind):
    """The connection (stream) given to every callback is the one it was
    registered on, the opaque the one registered; callbacks run in the
    loop's thread; the loop ends with nothing left registered."""
    r = _report(reports, kind)
    assert r["bad_args"] == []
    assert r["wrong_thread"] == []
    assert r["loop_finished"] is True


def test_all_loops_deliver_the_same_sequence(reports):
    sequences = {kind: _report(reports, kind)["records"] for kind in LOOPS}
    assert sequences["python"] == sequences["default"]
    assert sequences["asyncio"] == sequences["default"]
    raised = {kind: _report(reports, kind)["raised"] for kind in LOOPS}
    assert raised["python"] == raised["default"] == raised["asyncio"]
