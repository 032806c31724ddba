"""Events delivered by a loop thread while the test's thread works, and at exit."""

import threading
import time
import weakref

from support import child
from support.event_tests import released_meanwhile, wait
from support.event_tests import conn, libvirt, loop_thread, unraisable  # noqa: F401 (fixtures)
from support.objects import Opaque, Recorder
from support.paths import DRIVER_URI


# ---- the default loop run by a thread of its own

def test_events_from_a_loop_thread(libvirt, conn, loop_thread):
    cb = Recorder()
    cid = conn.domainEventRegisterAny(None, 0, cb, None)
    dom = conn.lookupByName("alpha")
    for _ in range(20):
        dom.suspend()
        dom.resume()
    assert wait(lambda: len(cb.calls) == 40)
    conn.domainEventDeregisterAny(cid)
    assert [c[2] for c in cb.calls] == [libvirt.VIR_DOMAIN_EVENT_SUSPENDED,
                                        libvirt.VIR_DOMAIN_EVENT_RESUMED] * 20


def test_many_registrations_while_events_flow(libvirt, conn, loop_thread, unraisable):
    """Registering and deregistering over and over while another thread
    generates events and the loop thread delivers them: no crash, every
    event a registration gets has the right shape, and everything
    registered is released at the end."""
    dom = conn.lookupByName("alpha")
    stop = threading.Event()
    errors = []

    def churn_domain():
        try:
            while not stop.is_set():
                dom.suspend()
                dom.resume()
        except Exception as e:   # pragma: no cover - reported below
            errors.append(e)

    worker = threading.Thread(target=churn_domain)
    worker.start()
    refs, bad = [], []

    def check(*args):
        if len(args) != 5 or args[0] is not conn or type(args[2]) is not int:
            bad.append(repr(args))

    try:
        for i in range(300):
            cb = Recorder()
            opaque = Opaque()
            refs += [weakref.ref(cb), weakref.ref(opaque)]
            cids = [conn.domainEventRegisterAny(None, 0, cb, opaque),
                    conn.domainEventRegisterAny(dom, 0, check, i),
                    conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT, cb, i)]
            conn.domainEventRegister(check, i)
            if i % 3 == 0:
                time.sleep(0.001)
            for cid in cids:
                conn.domainEventDeregisterAny(cid)
            conn.domainEventDeregister(check)
            bad.extend(repr(c) for c in cb.calls
                       if len(c) != 5 or c[0] is not conn or c[4] is not opaque)
    finally:
        stop.set()
        worker.join(10)
    del cb, opaque
    assert not errors and not bad and not unraisable
    assert released_meanwhile(refs)


def test_deregistering_while_a_callback_runs(libvirt, conn, loop_thread):
    """The test's thread deregisters while the loop thread is inside the
    callback: libvirt frees the registration only once the callback
    returned, and the callback still sees valid objects."""
    inside, leave = threading.Event(), threading.Event()
    seen = []

    def slow(c, dom, event, detail, opaque):
        inside.set()
        leave.wait(5)
        seen.append((c is conn, dom.name(), opaque.__class__.__name__))

    opaque = Opaque()
    refs = [weakref.ref(slow), weakref.ref(opaque)]
    cid = conn.domainEventRegisterAny(None, 0, slow, opaque)
    del slow, opaque
    conn.lookupByName("alpha").suspend()
    assert inside.wait(10)
    conn.domainEventDeregisterAny(cid)      # while it runs
    leave.set()
    assert wait(lambda: len(seen) == 1)
    assert seen == [(True, "alpha", "Opaque")]
    conn.lookupByName("alpha").resume()
    time.sleep(0.1)
    assert len(seen) == 1
    assert released_meanwhile(refs)


# ---- processes of their own (tests/children/events_cases.py) -------------------

def test_events_during_interpreter_shutdown():
    """The interpreter exits while a loop thread delivers events and
    another thread keeps raising them: events arriving once it finalizes
    are dropped, without a crash."""
    result = child.run("events_cases", "interpreter_shutdown", DRIVER_URI)
    assert result.lines == ["OK"]
    assert "Fatal Python error" not in result.stderr
