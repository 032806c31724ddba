"""What the event tests share: the default event loop, connections, helpers.

The event tests (tests/test_events_*.py) check event callbacks: domain,
network, storage pool, node device and secret events
(domainEventRegisterAny and friends, the legacy domainEventRegister),
close callbacks and stream callbacks, on libvirt's test driver with its
default event loop.

What the test driver of libvirt 9.0.0 raises, and so what is checked end
to end here: domain LIFECYCLE events (define, undefine, start, stop,
suspend, resume, save, restore) and METADATA_CHANGE; network LIFECYCLE;
storage pool LIFECYCLE and REFRESH; node device LIFECYCLE (creating and
destroying a vHBA on test:///default).  It raises no other domain event
(not even REBOOT: dom.reboot() changes no state there), has no secret
driver (registering fails with VIR_ERR_NO_SUPPORT), keeps no close
callbacks (registering and unregistering succeed and do nothing), and
gives fd streams (screenshot) that take stream callbacks.  Graphics,
reboot, tunable, QEMU monitor events and close callbacks of a real
connection are checked against a private libvirtd + QEMU in
test_events_real_driver.py (skipped where that cannot run) and in
test_qemu_events.py.

The default event loop is registered once for the process (like
test_event_functions.py does); the tests iterate it from the test's
thread (Pump), except the concurrency tests, which run it in a thread of
their own while the test's thread works.  Anything needing a Python event
loop implementation runs in a child interpreter (a process can register
only one implementation): tests/children/events_cases.py.
"""

import contextlib
import gc
import sys
import threading
import time

import pytest

from support import waiting
from support.paths import DRIVER_URI


DOMAIN_XML = ("<domain type='test'><name>%s</name><memory>8192</memory>"
              "<os><type>hvm</type></os></domain>")
NETWORK_XML = ("<network><name>%s</name><bridge name='virbr%d'/>"
               "<ip address='192.168.%d.1' netmask='255.255.255.0'/></network>")
POOL_XML = ("<pool type='dir'><name>%s</name><target><path>/tmp/%s</path></target></pool>")
VHBA_XML = ("<device><parent>scsi_host1</parent><capability type='scsi_host'>"
            "<capability type='fc_host'><wwnn>2000000012345678</wwnn>"
            "<wwpn>1000000012345678</wwpn></capability></capability></device>")


# ---- the default event loop, connections ------------------------------------

@pytest.fixture(scope="module")
def libvirt():
    import libvirt
    assert libvirt.virEventRegisterDefaultImpl() == 0
    return libvirt


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


class Pump(Tick):
    """Iterates the default event loop from the test's thread (a Tick: a
    20 ms timer keeps virEventRunDefaultImpl() from blocking for long)."""

    def until(self, predicate, max_iterations=300):
        return self.run_until(predicate, max_iterations)

    def settle(self):
        """Deliver whatever is queued (the test driver dispatches from a
        timer of the loop)."""
        self.run(10)


@pytest.fixture
def pump(libvirt):
    p = Pump(libvirt)
    yield p
    p.close()


def _close(c):
    try:
        c.close()
    except Exception:
        pass


@pytest.fixture
def conn(libvirt):
    """A connection to a private test driver state (tests/data/testdriver.xml)."""
    c = libvirt.open(DRIVER_URI)
    yield c
    _close(c)


@pytest.fixture
def default_conn(libvirt):
    """A connection to test:///default (its state is shared by every
    test:///default connection of the process: tests undo their changes)."""
    c = libvirt.open("test:///default")
    yield c
    _close(c)


@pytest.fixture
def unraisable(monkeypatch):
    """The exceptions sys.unraisablehook receives during the test."""
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", seen.append)
    return seen


def released_meanwhile(refs):
    """Whether every weakref's object goes away within about a second, the
    event loop running in its own thread."""
    for _ in range(100):
        gc.collect()
        if all(r() is None for r in refs):
            break
        time.sleep(0.01)
    return all(r() is None for r in refs)


def released(refs, pump):
    """Whether every weakref's object goes away within a few loop
    iterations (libvirt may free a registration from the loop)."""
    for i in range(50):
        gc.collect()
        if all(r() is None for r in refs):
            return True
        pump.run(1)
    gc.collect()
    return all(r() is None for r in refs)


@contextlib.contextmanager
def registered(conn, dom, event_id, callback, opaque):
    """domainEventRegisterAny() for the with block; yields the callback id."""
    cid = conn.domainEventRegisterAny(dom, event_id, callback, opaque)
    try:
        yield cid
    finally:
        conn.domainEventDeregisterAny(cid)


def exact_types(args, types):
    """The types of args are exactly `types` (int is not bool, ...)."""
    return tuple(type(a) for a in args) == tuple(types)


class LoopThread:
    """The default event loop run by a thread of its own."""

    def __init__(self, libvirt):
        self.libvirt = libvirt
        self.stop = False
        self.timer = libvirt.virEventAddTimeout(10, lambda t, o: None, None)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop:
            self.libvirt.virEventRunDefaultImpl()

    def close(self):
        self.stop = True
        self.thread.join(10)
        assert not self.thread.is_alive()
        self.libvirt.virEventRemoveTimeout(self.timer)


@pytest.fixture
def loop_thread(libvirt):
    t = LoopThread(libvirt)
    yield t
    t.close()


def wait(predicate, timeout=10.0):
    return waiting.until(predicate, timeout)
