"""Cases of the event tests (tests/test_events_*.py) that need a process of their own.

    python tests/children/events_cases.py CASE URI

URI: the test driver connection to use (tests/data/testdriver.xml's).
"""

import gc
import os
import sys
import threading
import weakref

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import libvirt  # noqa: E402

from support import child  # noqa: E402
from support.eventloop import PythonEventLoop  # noqa: E402
from support.objects import Opaque  # noqa: E402


def case_interpreter_shutdown(uri):
    """Returns (and so exits) while a loop thread delivers events and
    another thread keeps raising them, everything still registered."""
    libvirt.virEventRegisterDefaultImpl()
    libvirt.virEventAddTimeout(1, lambda t, o: None, None)
    conn = libvirt.open(uri)
    got = []
    conn.domainEventRegisterAny(None, 0, lambda *a: got.append(a), "op")
    conn.domainEventRegister(lambda *a: got.append(a), None)
    conn.registerCloseCallback(lambda *a: None, None)

    def loop():
        while True:
            libvirt.virEventRunDefaultImpl()

    def churn():
        dom = conn.lookupByName("alpha")
        while True:
            dom.suspend()
            dom.resume()

    for target in (loop, churn):
        threading.Thread(target=target, daemon=True).start()
    while len(got) < 50:
        pass


def case_python_event_loop(uri):
    """A domain event delivered through the Python loop double; its
    registration freed through it after deregistering."""
    loop = PythonEventLoop().register()
    conn = libvirt.open(uri)
    calls, op = [], Opaque()

    def cb(*args):
        calls.append(args)

    refs = [weakref.ref(cb), weakref.ref(op)]
    cid = conn.domainEventRegisterAny(None, 0, cb, op)
    del cb, op
    dom = conn.lookupByName("alpha")
    dom.suspend()
    assert loop.run_until(lambda: calls, iterations=500, max_wait=0.01)
    assert len(calls) == 1 and calls[0][0] is conn and calls[0][2] == 3, calls
    del calls[:]
    conn.domainEventDeregisterAny(cid)
    for _ in range(50):
        loop.run_once(0.01)
        gc.collect()
    assert all(r() is None for r in refs)


if __name__ == "__main__":
    child.main(globals())
