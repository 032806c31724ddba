"""Cases of tests/test_release_races.py: one thread loops on calls of one
method family on an object while the main thread releases that object
(close(), __del__(), libvirtmod's <Class>Free).  The calls in flight must
finish (with libvirtError once the object reads as released), and the
release must wait for them: no use after free, whatever the timing.

    python tests/children/release_races_cases.py release_during_calls FAMILY TRIALS

returns [trials, loops that ended with libvirtError].
"""

import os
import sys
import threading
import time

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from support import child  # noqa: E402

def families(libvirt):
    """family -> (object to release, how, the call in the loop)"""
    return {
        # generated shapes, on the connection, released by close()
        "plain": ("conn", "close", lambda c, d: c.getCapabilities()),
        "list_all": ("conn", "close", lambda c, d: c.listAllDomains()),
        "name_list": ("conn", "close", lambda c, d: c.listDefinedDomains()),
        "typed_get": ("conn", "close", lambda c, d: c.getMemoryParameters()),
        "out_scalar": ("conn", "close", lambda c, d: c.getLibVersion()),
        # hand-written, on the connection
        "handwritten": ("conn", "close", lambda c, d: c.getAllDomainStats()),
        "handwritten_noargs": ("conn", "close", lambda c, d: c.getInfo()),
        # on a domain, released early by __del__() and by libvirtmod.virDomainFree
        "domain_del": ("dom", "__del__", lambda c, d: (d.info(), d.XMLDesc(), d.vcpus())),
        "domain_free": ("dom", "Free", lambda c, d: (d.state(), d.blkioParameters(), d.memoryStats())),
        # a connection-owned object passed as an argument while it is released
        "object_argument": ("dom", "__del__",
                            lambda c, d: c.domainListGetStats([d], libvirt.VIR_DOMAIN_STATS_STATE)),
    }


def case_release_during_calls(family, trials):
    import libvirt
    import libvirtmod

    libvirt.registerErrorHandler(lambda ctx, err: None, None)   # expected errors: not on stderr
    target, how, call = families(libvirt)[family]
    trials = int(trials)
    failures = 0
    for trial in range(trials):
        conn = libvirt.open("test:///default")
        dom = conn.lookupByName("test")
        started = threading.Event()
        raised = []

        def loop():
            started.set()
            try:
                while True:
                    call(conn, dom)
            except libvirt.libvirtError:
                raised.append(1)

        thread = threading.Thread(target=loop)
        thread.start()
        started.wait()
        time.sleep(0.0005 * (trial % 7))
        obj = conn if target == "conn" else dom
        if how == "close":
            result = obj.close()
            assert isinstance(result, int) and result >= 0, result
        elif how == "__del__":
            obj.__del__()
        else:
            assert libvirtmod.virDomainFree(obj) == 0
        thread.join(30)
        assert not thread.is_alive(), "the call loop did not end after the release"
        assert raised, "the loop ended without libvirtError"
        failures += len(raised)
        if target == "dom":
            conn.close()
    return [trials, failures]


if __name__ == "__main__":
    child.main(globals())
