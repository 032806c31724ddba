"""Events and close callbacks of a private libvirtd + QEMU (skipped without)."""

import gc
import weakref

import pytest

from support.event_tests import wait
from support.event_tests import libvirt, loop_thread  # noqa: F401 (fixtures)
from support.objects import Recorder


# ---- a real driver (private libvirtd + QEMU) ---------------------------------------

def _qemu_requirements():
    try:
        import qemu_daemon
    except ImportError:
        return None, "tests/qemu_daemon.py missing"
    return qemu_daemon, qemu_daemon.missing_requirements()


@pytest.fixture(scope="module")
def qemu(libvirt):
    qd, reason = _qemu_requirements()
    if reason:
        pytest.skip("real libvirtd/QEMU: %s" % reason)
    d = qd.QemuDaemon(cache_dir=qd.shared_cache_dir()).start()
    yield qd, d
    d.stop()


def test_real_driver_events(libvirt, qemu, loop_thread):
    """REBOOT, TUNABLE and LIFECYCLE events of a QEMU guest, and the close
    callback of a remote connection when its daemon goes away."""
    qd, daemon = qemu
    c = libvirt.open(daemon.uri)
    reboot, tunable, life, closed = Recorder(), Recorder(), Recorder(), Recorder()
    ids = [c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT, reboot, "r"),
           c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_TUNABLE, tunable, "t"),
           c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, life, "l")]
    assert c.registerCloseCallback(closed, "c") == 0
    with pytest.raises(libvirt.libvirtError):          # one per connection
        c.registerCloseCallback(Recorder(), None)
    dom, _ = qd.start_vnc_guest(c, name="evguest", graphics=False)
    assert wait(lambda: any(a[2] == libvirt.VIR_DOMAIN_EVENT_STARTED for a in life.calls))
    dom.reset(0)
    assert wait(lambda: len(reboot.calls) >= 1)
    args = reboot.calls[0]
    assert len(args) == 3 and args[0] is c and args[1].name() == "evguest" and args[2] == "r"
    dom.pinVcpuFlags(0, (True,), libvirt.VIR_DOMAIN_AFFECT_LIVE)
    assert wait(lambda: len(tunable.calls) >= 1)
    args = tunable.calls[0]
    assert len(args) == 4 and args[0] is c and args[3] == "t"
    assert args[2] == {"cputune.vcpupin0": "0"}
    dom.destroy()
    assert wait(lambda: any(a[2] == libvirt.VIR_DOMAIN_EVENT_STOPPED for a in life.calls))
    for cid in ids:
        c.domainEventDeregisterAny(cid)
    # unregistering, then registering again, on a remote connection
    assert c.unregisterCloseCallback() is None
    with pytest.raises(libvirt.libvirtError):
        c.unregisterCloseCallback()
    assert c.registerCloseCallback(closed, "c") == 0
    daemon.stop()
    assert wait(lambda: len(closed.calls) == 1)
    args = closed.calls[0]
    assert len(args) == 3 and args[0] is c and args[2] == "c"
    assert type(args[1]) is int and args[1] in (libvirt.VIR_CONNECT_CLOSE_REASON_EOF,
                                                libvirt.VIR_CONNECT_CLOSE_REASON_ERROR)
    ref = weakref.ref(closed)
    del closed, args
    # libvirt frees the registration once the callback returned
    assert wait(lambda: gc.collect() is not None and ref() is None)
    try:
        c.close()
    except libvirt.libvirtError:
        pass
