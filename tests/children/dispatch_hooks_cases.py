"""The child of tests/test_dispatch_hooks.py: calls every underscore
dispatch hook with recording callbacks and returns what the callbacks got
(handle objects as their class and name, the connection and stream as "is
the receiver") and what the methods returned or raised.  Run under our
binding and under the reference's interpreter; the event-loop cases
register a Python event loop (support/eventloop.py, never run).

    python tests/children/dispatch_hooks_cases.py all
"""

import inspect
import os
import sys

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import libvirt  # noqa: E402
import libvirt_qemu  # noqa: E402

from support import child  # noqa: E402
from support.eventloop import PythonEventLoop  # noqa: E402
from support.objects import Recorder  # noqa: E402

CONN = libvirt.open("test:///default")
DOM = CONN.lookupByName("test")
NET = CONN.networkLookupByName("default")
POOL = CONN.storagePoolLookupByName("default-pool")
DEV = CONN.nodeDeviceLookupByName("computer")
STREAM = CONN.newStream(0)
ORIGINALS = (DOM, NET, POOL, DEV)
OPAQUE = object()
# The test driver has no secrets: the secret hooks get this token, with
# libvirt.virSecret replaced by SecretStandIn while they run.
SECRET = object()
KEEP = []   # every object a callback got: no wrapper is freed before os._exit


class SecretStandIn:
    def __init__(self, conn, _obj=None):
        self.conn, self.obj = conn, _obj


def norm(v):
    if v is OPAQUE:
        return "<opaque>"
    if isinstance(v, libvirt.virConnect):
        return ["<virConnect>", "receiver" if v is CONN else "other"]
    if isinstance(v, libvirt.virStream):
        return ["<virStream>", "receiver" if v is STREAM else "other"]
    if isinstance(v, SecretStandIn):
        return ["<virSecret(conn, _obj=...)>", v.conn is CONN, v.obj is SECRET]
    for cls in (libvirt.virDomain, libvirt.virNetwork, libvirt.virStoragePool,
                libvirt.virNodeDevice):
        if isinstance(v, cls):
            return ["<%s>" % cls.__name__, v.name(),
                    "new wrapper" if all(v is not o for o in ORIGINALS) else "the same object",
                    "of the receiver" if v.connect() is CONN else "of another connection"]
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    return v


def _kept(args):
    KEEP.append(args)
    return norm(list(args))


def recorder(raises=None):
    """A callback recording what it got, normalised; it returns 12345 (the
    dispatchers ignore it) or raises `raises`."""
    return Recorder(raises=raises, record=_kept, returns=12345)


def call(fn, *args, recorders=()):
    try:
        result = {"returned": norm(fn(*args))}
    except Exception as e:
        result = {"raised": type(e).__name__}
    result["calls"] = [list(r.calls) for r in recorders]   # as they are now
    return result


def cb_data(rec):
    return {"cb": rec, "conn": CONN, "opaque": OPAQUE}


GRAPHICS_LOCAL = {"family": 0, "node": "127.0.0.1", "service": "5900"}
GRAPHICS_REMOTE = {"family": 0, "node": "127.0.0.2", "service": "40000"}
GRAPHICS_SUBJECT = [("x509dname", "CN=client"), ("saslUsername", "fred")]
PARAMS = {"cputune.vcpu0": "0-1", "cputune.shares": 1024}

# method: (handle it gets, event arguments after it)
CONNECT_CASES = {
    "_dispatchDomainEventLifecycleCallback": (DOM, [5, 1]),
    "_dispatchDomainEventGenericCallback": (DOM, []),
    "_dispatchDomainEventRTCChangeCallback": (DOM, [-3600]),
    "_dispatchDomainEventWatchdogCallback": (DOM, [2]),
    "_dispatchDomainEventIOErrorCallback": (DOM, ["/dev/sda", "virtio-disk0", 1]),
    "_dispatchDomainEventIOErrorReasonCallback": (DOM, ["/dev/sda", "virtio-disk0", 1, "enospc"]),
    "_dispatchDomainEventGraphicsCallback": (DOM, [1, GRAPHICS_LOCAL, GRAPHICS_REMOTE, "vnc",
                                                    GRAPHICS_SUBJECT]),
    "_dispatchDomainEventBlockJobCallback": (DOM, ["vda", 1, 0]),
    "_dispatchDomainEventDiskChangeCallback": (DOM, ["/old.iso", None, "ide0-0-0", 0]),
    "_dispatchDomainEventTrayChangeCallback": (DOM, ["ide0-0-1", 1]),
    "_dispatchDomainEventPMWakeupCallback": (DOM, [0]),
    "_dispatchDomainEventPMSuspendCallback": (DOM, [0]),
    "_dispatchDomainEventBalloonChangeCallback": (DOM, [524288]),
    "_dispatchDomainEventPMSuspendDiskCallback": (DOM, [0]),
    "_dispatchDomainEventDeviceRemovedCallback": (DOM, ["net0"]),
    "_dispatchDomainEventTunableCallback": (DOM, [PARAMS]),
    "_dispatchDomainEventAgentLifecycleCallback": (DOM, [1, 2]),
    "_dispatchDomainEventDeviceAddedCallback": (DOM, ["net1"]),
    "_dispatchDomainEventMigrationIterationCallback": (DOM, [7]),
    "_dispatchDomainEventJobCompletedCallback": (DOM, [{"time_elapsed": 1234, "type": 3}]),
    "_dispatchDomainEventDeviceRemovalFailedCallback": (DOM, ["hostdev0"]),
    "_dispatchDomainEventMetadataChangeCallback": (DOM, [2, "http://example.org/ns"]),
    "_dispatchDomainEventBlockThresholdCallback": (DOM, ["vda", "/img.qcow2", 1 << 30, 4096]),
    "_dispatchDomainEventMemoryFailureCallback": (DOM, [1, 2, 3]),
    "_dispatchDomainEventMemoryDeviceSizeChangeCallback": (DOM, ["virtiomem0", 1 << 20]),
    "_dispatchDomainEventNICMACChangeCallback": (DOM, ["net0", "52:54:00:00:00:01",
                                                       "52:54:00:00:00:02"]),
    "_dispatchDomainEventVcpuRemovedCallback": (DOM, [3]),
    "_dispatchDomainEventChannelLifecycleCallback": (DOM, [1, 0]),
    "_dispatchNetworkEventLifecycleCallback": (NET, [2, 0]),
    "_dispatchNetworkEventMetadataChangeCallback": (NET, [1, None]),
    "_dispatchStoragePoolEventLifecycleCallback": (POOL, [2, 0]),
    "_dispatchStoragePoolEventGenericCallback": (POOL, []),
    "_dispatchNodeDeviceEventLifecycleCallback": (DEV, [0, 0]),
    "_dispatchNodeDeviceEventGenericCallback": (DEV, []),
    "_dispatchSecretEventLifecycleCallback": (SECRET, [0, 0]),
    "_dispatchSecretEventGenericCallback": (SECRET, []),
}


def handle_arg(obj):
    # What the C code passes: the raw handle (the reference's capsule; ours
    # is the object itself).
    return obj if obj is SECRET else obj._o


def dispatch_cases():
    out = {}
    real_secret = libvirt.virSecret
    libvirt.virSecret = SecretStandIn
    try:
        for name, (obj, extra) in CONNECT_CASES.items():
            rec = recorder()
            out[name] = call(getattr(CONN, name), handle_arg(obj), *extra, cb_data(rec),
                             recorders=[rec])
    finally:
        libvirt.virSecret = real_secret

    rec = recorder()
    out["_dispatchCloseCallback"] = call(CONN._dispatchCloseCallback, 2, cb_data(rec),
                                         recorders=[rec])

    # The legacy domainEventRegister() dispatcher: every (cb, opaque) of
    # the connection's domainEventCallbacks dict, in order.
    first, second = recorder(), recorder()
    CONN.domainEventCallbacks = {first: OPAQUE, second: "second opaque"}
    out["_dispatchDomainEventCallbacks"] = call(CONN._dispatchDomainEventCallbacks,
                                                DOM._o, 3, 2, recorders=[first, second])
    CONN.domainEventCallbacks = {recorder(AttributeError): OPAQUE}
    out["_dispatchDomainEventCallbacks, callback raising AttributeError"] = call(
        CONN._dispatchDomainEventCallbacks, DOM._o, 3, 2)
    CONN.domainEventCallbacks = {recorder(KeyError): OPAQUE}
    out["_dispatchDomainEventCallbacks, callback raising KeyError"] = call(
        CONN._dispatchDomainEventCallbacks, DOM._o, 3, 2)
    del CONN.domainEventCallbacks
    out["_dispatchDomainEventCallbacks, no callbacks"] = call(
        CONN._dispatchDomainEventCallbacks, DOM._o, 3, 2)

    # What the callbacks raise.
    rec = recorder(AttributeError)
    out["_dispatchDomainEventBlockJobCallback, callback raising AttributeError"] = call(
        CONN._dispatchDomainEventBlockJobCallback, DOM._o, "vda", 1, 0, cb_data(rec),
        recorders=[rec])
    rec = recorder(AttributeError)
    out["_dispatchDomainEventLifecycleCallback, callback raising AttributeError"] = call(
        CONN._dispatchDomainEventLifecycleCallback, DOM._o, 5, 1, cb_data(rec),
        recorders=[rec])
    rec = recorder(RuntimeError)
    out["_dispatchCloseCallback, callback raising RuntimeError"] = call(
        CONN._dispatchCloseCallback, 0, cb_data(rec), recorders=[rec])
    rec = recorder()
    out["_dispatchDomainEventLifecycleCallback, cbData without opaque"] = call(
        CONN._dispatchDomainEventLifecycleCallback, DOM._o, 5, 1, {"cb": rec},
        recorders=[rec])

    rec = recorder()
    out["_dispatchStreamEventCallback"] = call(STREAM._dispatchStreamEventCallback,
                                               libvirt.VIR_STREAM_EVENT_READABLE, cb_data(rec),
                                               recorders=[rec])
    rec = recorder()
    out["_dispatchEventHandleCallback"] = call(libvirt._dispatchEventHandleCallback, 3, 7,
                                               libvirt.VIR_EVENT_HANDLE_READABLE, cb_data(rec),
                                               recorders=[rec])
    rec = recorder()
    out["_dispatchEventTimeoutCallback"] = call(libvirt._dispatchEventTimeoutCallback, 4,
                                                cb_data(rec), recorders=[rec])
    rec = recorder()
    out["_dispatchQemuMonitorEventCallback"] = call(
        libvirt_qemu._dispatchQemuMonitorEventCallback, CONN, DOM._o, "SHUTDOWN", 1700000000,
        250, '{"guest": true}', cb_data(rec), recorders=[rec])
    return out


def event_loop_cases():
    """_eventInvoke*Callback with what a Python event loop gets from
    libvirt: cb(watch, fd, events, opaque) reaches the callback registered
    with virEventAddHandle (resp. virEventAddTimeout)."""
    loop = PythonEventLoop().register(libvirt)     # never run
    out = {}
    r, w = os.pipe()
    rec = recorder()
    watch = libvirt.virEventAddHandle(r, libvirt.VIR_EVENT_HANDLE_READABLE, rec, OPAQUE)
    reg = [h for h in loop.added if h.kind == "handle" and h.fd == r][-1]
    fd, events, cb, opaque = reg.fd, reg.events, reg.cb, reg.opaque
    out["virEventAddHandle"] = [watch, fd == r, events]
    # The opaque value the loop got; then the form of libvirt 0.9.2 and
    # earlier, (cb, opaque) apart: the reference's is (C callback, C opaque,
    # C free function), ours is (libvirtmod.virEventInvokeHandleCallback,
    # the opaque object).
    compat = (opaque[0], opaque[1]) if isinstance(opaque, tuple) else (cb, opaque)
    out["_eventInvokeHandleCallback"] = call(libvirt._eventInvokeHandleCallback, watch, r,
                                             libvirt.VIR_EVENT_HANDLE_READABLE, opaque,
                                             recorders=[rec])
    rec.calls.clear()
    out["_eventInvokeHandleCallback, old form"] = call(libvirt._eventInvokeHandleCallback,
                                                       watch, r,
                                                       libvirt.VIR_EVENT_HANDLE_WRITABLE,
                                                       *compat, recorders=[rec])
    for call_ in out["_eventInvokeHandleCallback"]["calls"][0] + \
            out["_eventInvokeHandleCallback, old form"]["calls"][0]:
        call_[1] = call_[1] == r   # the fd, as "is the fd registered"

    rec = recorder()
    timer = libvirt.virEventAddTimeout(1000, rec, OPAQUE)
    reg = [t for t in loop.added if t.kind == "timer"][-1]
    timeout, cb, opaque = reg.interval, reg.cb, reg.opaque
    out["virEventAddTimeout"] = [timer, timeout]
    compat = (opaque[0], opaque[1]) if isinstance(opaque, tuple) else (cb, opaque)
    out["_eventInvokeTimeoutCallback"] = call(libvirt._eventInvokeTimeoutCallback, timer,
                                              opaque, recorders=[rec])
    rec.calls.clear()
    out["_eventInvokeTimeoutCallback, old form"] = call(libvirt._eventInvokeTimeoutCallback,
                                                        timer, *compat, recorders=[rec])
    return out


def context_cases():
    out = {}
    conn = libvirt.open("test:///default")
    out["__enter__ returns the connection"] = conn.__enter__() is conn
    out["__exit__ returns"] = norm(conn.__exit__(None, None, None))
    try:
        conn.isAlive()
        out["closed"] = False
    except libvirt.libvirtError:
        out["closed"] = True
    try:
        with libvirt.open("test:///default") as conn:
            raise KeyError("inside")
    except KeyError:
        out["an exception inside propagates"] = True
    try:
        conn.isAlive()
        out["closed after an exception"] = False
    except libvirt.libvirtError:
        out["closed after an exception"] = True
    return out


def signatures(names):
    out = {}
    for owner, name in names:
        obj = getattr({"virConnect": libvirt.virConnect, "virStream": libvirt.virStream,
                       "libvirt": libvirt, "libvirt_qemu": libvirt_qemu}[owner], name)
        out[owner + "." + name] = [
            [p.name, p.kind.name, None if p.default is p.empty else repr(p.default)]
            for p in inspect.signature(obj).parameters.values()]
    return out


def hook_names():
    prefixes = ("_dispatch", "_eventInvoke")
    return {
        "virConnect": sorted(n for n in dir(libvirt.virConnect)
                             if n.startswith(prefixes) or n in ("__enter__", "__exit__")),
        "virStream": sorted(n for n in dir(libvirt.virStream) if n.startswith(prefixes)),
        "libvirt": sorted(n for n in dir(libvirt) if n.startswith(prefixes)),
        "libvirt_qemu": sorted(n for n in dir(libvirt_qemu) if n.startswith(prefixes)),
    }


def case_all():
    names = hook_names()
    return {
        "names": names,
        "signatures": signatures([(owner, n) for owner, ns in names.items() for n in ns]),
        "dispatch": dispatch_cases(),
        "event loop": event_loop_cases(),
        "context": context_cases(),
    }


if __name__ == "__main__":
    # No finalizers: the secret stand-in's token and the like must not
    # meet the reference's __del__ methods.
    child.main(globals(), exit_at_once=True)
