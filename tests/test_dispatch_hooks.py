"""The reference binding's underscore dispatch hooks, called by hand.

The reference's C code dispatches events through Python methods
(virConnect._dispatch*Callback, virStream._dispatchStreamEventCallback,
libvirt._dispatchEvent*Callback, libvirt._eventInvoke*Callback,
libvirt_qemu._dispatchQemuMonitorEventCallback); ours calls the callbacks
from C, but has the same methods for programs that call them themselves.

One script (CASES_SCRIPT) calls every one of them with recording callbacks
and prints what the callbacks got (handle objects as their class and name,
the connection and stream as "is the receiver") and what the methods
returned or raised.  It runs in a child process under our binding and under
the reference (bench/.venv-reference), and the two outputs must be equal;
ours is also checked against the expected results on its own.  A child
process because the event-loop cases register a Python event loop
implementation, which cannot be undone in the test process.

Without the reference interpreter the comparisons are skipped, except under
CI (env CI set), where they fail.
"""

import json
import os
import subprocess
import sys

import pytest

import libvirt

from reference_venv import reference_python_or_skip


# The hooks the reference has (its names.json: libvirt.virConnect,
# libvirt.virStream, libvirt, libvirt_qemu).
CONNECT_HOOKS = [
    "__enter__", "__exit__", "_dispatchCloseCallback",
    "_dispatchDomainEventAgentLifecycleCallback", "_dispatchDomainEventBalloonChangeCallback",
    "_dispatchDomainEventBlockJobCallback", "_dispatchDomainEventBlockThresholdCallback",
    "_dispatchDomainEventCallbacks", "_dispatchDomainEventChannelLifecycleCallback",
    "_dispatchDomainEventDeviceAddedCallback", "_dispatchDomainEventDeviceRemovalFailedCallback",
    "_dispatchDomainEventDeviceRemovedCallback", "_dispatchDomainEventDiskChangeCallback",
    "_dispatchDomainEventGenericCallback", "_dispatchDomainEventGraphicsCallback",
    "_dispatchDomainEventIOErrorCallback", "_dispatchDomainEventIOErrorReasonCallback",
    "_dispatchDomainEventJobCompletedCallback", "_dispatchDomainEventLifecycleCallback",
    "_dispatchDomainEventMemoryDeviceSizeChangeCallback",
    "_dispatchDomainEventMemoryFailureCallback", "_dispatchDomainEventMetadataChangeCallback",
    "_dispatchDomainEventMigrationIterationCallback", "_dispatchDomainEventNICMACChangeCallback",
    "_dispatchDomainEventPMSuspendCallback", "_dispatchDomainEventPMSuspendDiskCallback",
    "_dispatchDomainEventPMWakeupCallback", "_dispatchDomainEventRTCChangeCallback",
    "_dispatchDomainEventTrayChangeCallback", "_dispatchDomainEventTunableCallback",
    "_dispatchDomainEventVcpuRemovedCallback", "_dispatchDomainEventWatchdogCallback",
    "_dispatchNetworkEventLifecycleCallback", "_dispatchNetworkEventMetadataChangeCallback",
    "_dispatchNodeDeviceEventGenericCallback", "_dispatchNodeDeviceEventLifecycleCallback",
    "_dispatchSecretEventGenericCallback", "_dispatchSecretEventLifecycleCallback",
    "_dispatchStoragePoolEventGenericCallback", "_dispatchStoragePoolEventLifecycleCallback",
]
STREAM_HOOKS = ["_dispatchStreamEventCallback"]
MODULE_HOOKS = ["_dispatchEventHandleCallback", "_dispatchEventTimeoutCallback",
                "_eventInvokeHandleCallback", "_eventInvokeTimeoutCallback"]
QEMU_HOOKS = ["_dispatchQemuMonitorEventCallback"]

CASES_SCRIPT = r'''
import inspect, json, os, sys
import libvirt, libvirt_qemu

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


class Recorder:
    def __init__(self, raises=None):
        self.calls, self.raises = [], raises

    def __call__(self, *args):
        KEEP.append(args)
        self.calls.append(norm(list(args)))
        if self.raises is not None:
            raise self.raises("raised by the callback")
        return 12345   # the dispatchers ignore it


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
            rec = Recorder()
            out[name] = call(getattr(CONN, name), handle_arg(obj), *extra, cb_data(rec),
                             recorders=[rec])
    finally:
        libvirt.virSecret = real_secret

    rec = Recorder()
    out["_dispatchCloseCallback"] = call(CONN._dispatchCloseCallback, 2, cb_data(rec),
                                         recorders=[rec])

    # The legacy domainEventRegister() dispatcher: every (cb, opaque) of
    # the connection's domainEventCallbacks dict, in order.
    first, second = Recorder(), Recorder()
    CONN.domainEventCallbacks = {first: OPAQUE, second: "second opaque"}
    out["_dispatchDomainEventCallbacks"] = call(CONN._dispatchDomainEventCallbacks,
                                                DOM._o, 3, 2, recorders=[first, second])
    CONN.domainEventCallbacks = {Recorder(AttributeError): OPAQUE}
    out["_dispatchDomainEventCallbacks, callback raising AttributeError"] = call(
        CONN._dispatchDomainEventCallbacks, DOM._o, 3, 2)
    CONN.domainEventCallbacks = {Recorder(KeyError): OPAQUE}
    out["_dispatchDomainEventCallbacks, callback raising KeyError"] = call(
        CONN._dispatchDomainEventCallbacks, DOM._o, 3, 2)
    del CONN.domainEventCallbacks
    out["_dispatchDomainEventCallbacks, no callbacks"] = call(
        CONN._dispatchDomainEventCallbacks, DOM._o, 3, 2)

    # What the callbacks raise.
    rec = Recorder(AttributeError)
    out["_dispatchDomainEventBlockJobCallback, callback raising AttributeError"] = call(
        CONN._dispatchDomainEventBlockJobCallback, DOM._o, "vda", 1, 0, cb_data(rec),
        recorders=[rec])
    rec = Recorder(AttributeError)
    out["_dispatchDomainEventLifecycleCallback, callback raising AttributeError"] = call(
        CONN._dispatchDomainEventLifecycleCallback, DOM._o, 5, 1, cb_data(rec),
        recorders=[rec])
    rec = Recorder(RuntimeError)
    out["_dispatchCloseCallback, callback raising RuntimeError"] = call(
        CONN._dispatchCloseCallback, 0, cb_data(rec), recorders=[rec])
    rec = Recorder()
    out["_dispatchDomainEventLifecycleCallback, cbData without opaque"] = call(
        CONN._dispatchDomainEventLifecycleCallback, DOM._o, 5, 1, {"cb": rec},
        recorders=[rec])

    rec = Recorder()
    out["_dispatchStreamEventCallback"] = call(STREAM._dispatchStreamEventCallback,
                                               libvirt.VIR_STREAM_EVENT_READABLE, cb_data(rec),
                                               recorders=[rec])
    rec = Recorder()
    out["_dispatchEventHandleCallback"] = call(libvirt._dispatchEventHandleCallback, 3, 7,
                                               libvirt.VIR_EVENT_HANDLE_READABLE, cb_data(rec),
                                               recorders=[rec])
    rec = Recorder()
    out["_dispatchEventTimeoutCallback"] = call(libvirt._dispatchEventTimeoutCallback, 4,
                                                cb_data(rec), recorders=[rec])
    rec = Recorder()
    out["_dispatchQemuMonitorEventCallback"] = call(
        libvirt_qemu._dispatchQemuMonitorEventCallback, CONN, DOM._o, "SHUTDOWN", 1700000000,
        250, '{"guest": true}', cb_data(rec), recorders=[rec])
    return out


def event_loop_cases():
    """_eventInvoke*Callback with what a Python event loop gets from
    libvirt: cb(watch, fd, events, opaque) reaches the callback registered
    with virEventAddHandle (resp. virEventAddTimeout)."""
    added = {"handle": [], "timeout": []}

    def add_handle(fd, events, cb, opaque):
        added["handle"].append((fd, events, cb, opaque))
        return 100 + len(added["handle"])

    def add_timeout(timeout, cb, opaque):
        added["timeout"].append((timeout, cb, opaque))
        return 200 + len(added["timeout"])

    libvirt.virEventRegisterImpl(add_handle, lambda watch, events: None, lambda watch: 0,
                                 add_timeout, lambda timer, timeout: None, lambda timer: 0)
    out = {}
    r, w = os.pipe()
    rec = Recorder()
    watch = libvirt.virEventAddHandle(r, libvirt.VIR_EVENT_HANDLE_READABLE, rec, OPAQUE)
    fd, events, cb, opaque = [h for h in added["handle"] if h[0] == r][-1]
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

    rec = Recorder()
    timer = libvirt.virEventAddTimeout(1000, rec, OPAQUE)
    timeout, cb, opaque = added["timeout"][-1]
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


names = hook_names()
result = {
    "names": names,
    "signatures": signatures([(owner, n) for owner, ns in names.items() for n in ns]),
    "dispatch": dispatch_cases(),
    "event loop": event_loop_cases(),
    "context": context_cases(),
}
sys.stdout.write(json.dumps(result, sort_keys=True))
sys.stdout.flush()
# No finalizers: the secret stand-in's token and the like must not meet
# the reference's __del__ methods.
os._exit(0)
'''


def _run_cases(python):
    proc = subprocess.run([python, "-c", CASES_SCRIPT], capture_output=True, text=True,
                          timeout=60, cwd="/")
    assert proc.returncode == 0, f"{python} failed:\n{proc.stderr}"
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def ours():
    return _run_cases(sys.executable)


@pytest.fixture(scope="module")
def reference():
    return _run_cases(reference_python_or_skip())


# ---- ours, on its own ------------------------------------------------------

CONN_ARG = ["<virConnect>", "receiver"]
OPAQUE_ARG = "<opaque>"


def _wrapper(cls, name):
    return [f"<{cls}>", name, "new wrapper", "of the receiver"]


def test_every_hook_is_there(ours):
    assert ours["names"] == {"virConnect": sorted(CONNECT_HOOKS), "virStream": STREAM_HOOKS,
                             "libvirt": MODULE_HOOKS, "libvirt_qemu": QEMU_HOOKS}


def test_dispatchers_call_the_callback_and_return_0(ours):
    d = ours["dispatch"]
    lifecycle = d["_dispatchDomainEventLifecycleCallback"]
    assert lifecycle == {"returned": 0,
                         "calls": [[[CONN_ARG, _wrapper("virDomain", "test"), 5, 1, OPAQUE_ARG]]]}
    graphics = d["_dispatchDomainEventGraphicsCallback"]["calls"][0][0]
    assert graphics[2:] == [1, {"family": 0, "node": "127.0.0.1", "service": "5900"},
                            {"family": 0, "node": "127.0.0.2", "service": "40000"}, "vnc",
                            [["x509dname", "CN=client"], ["saslUsername", "fred"]], OPAQUE_ARG]
    assert d["_dispatchNetworkEventLifecycleCallback"]["calls"] == [
        [[CONN_ARG, _wrapper("virNetwork", "default"), 2, 0, OPAQUE_ARG]]]
    assert d["_dispatchStoragePoolEventGenericCallback"]["calls"] == [
        [[CONN_ARG, _wrapper("virStoragePool", "default-pool"), OPAQUE_ARG]]]
    assert d["_dispatchNodeDeviceEventLifecycleCallback"]["calls"] == [
        [[CONN_ARG, _wrapper("virNodeDevice", "computer"), 0, 0, OPAQUE_ARG]]]
    assert d["_dispatchSecretEventLifecycleCallback"]["calls"] == [
        [[CONN_ARG, ["<virSecret(conn, _obj=...)>", True, True], 0, 0, OPAQUE_ARG]]]
    assert d["_dispatchCloseCallback"] == {"returned": 0, "calls": [[[CONN_ARG, 2, OPAQUE_ARG]]]}
    assert d["_dispatchStreamEventCallback"] == {
        "returned": 0, "calls": [[[["<virStream>", "receiver"], 1, OPAQUE_ARG]]]}
    assert d["_dispatchEventHandleCallback"] == {"returned": 0, "calls": [[[3, 7, 1, OPAQUE_ARG]]]}
    assert d["_dispatchEventTimeoutCallback"] == {"returned": 0, "calls": [[[4, OPAQUE_ARG]]]}
    assert d["_dispatchQemuMonitorEventCallback"] == {
        "returned": 0, "calls": [[[CONN_ARG, _wrapper("virDomain", "test"), "SHUTDOWN",
                                   1700000000, 250, '{"guest": true}', OPAQUE_ARG]]]}
    for name in CONNECT_HOOKS:
        if name.startswith("_dispatch") and name != "_dispatchDomainEventCallbacks":
            want = None if name == "_dispatchDomainEventBlockJobCallback" else 0
            assert d[name]["returned"] == want, name
            assert len(d[name]["calls"][0]) == 1, name


def test_the_reference_quirks(ours):
    d = ours["dispatch"]
    assert d["_dispatchDomainEventCallbacks"] == {
        "returned": None,
        "calls": [[[CONN_ARG, _wrapper("virDomain", "test"), 3, 2, OPAQUE_ARG]],
                  [[CONN_ARG, _wrapper("virDomain", "test"), 3, 2, "second opaque"]]]}
    assert d["_dispatchDomainEventCallbacks, no callbacks"] == {"returned": None, "calls": []}
    assert d["_dispatchDomainEventCallbacks, callback raising AttributeError"]["returned"] is None
    assert d["_dispatchDomainEventCallbacks, callback raising KeyError"]["raised"] == "KeyError"
    blockjob = d["_dispatchDomainEventBlockJobCallback, callback raising AttributeError"]
    assert blockjob["returned"] is None and len(blockjob["calls"][0]) == 1
    assert d["_dispatchDomainEventLifecycleCallback, callback raising AttributeError"][
        "raised"] == "AttributeError"
    assert d["_dispatchCloseCallback, callback raising RuntimeError"]["raised"] == "RuntimeError"
    assert d["_dispatchDomainEventLifecycleCallback, cbData without opaque"] == {
        "raised": "KeyError", "calls": [[]]}


def test_event_invoke_reaches_the_registered_callbacks(ours):
    e = ours["event loop"]
    watch, timer = e["virEventAddHandle"][0], e["virEventAddTimeout"][0]
    assert e["_eventInvokeHandleCallback"] == {"returned": None,
                                               "calls": [[[watch, True, 1, OPAQUE_ARG]]]}
    assert e["_eventInvokeHandleCallback, old form"] == {"returned": None,
                                                         "calls": [[[watch, True, 2, OPAQUE_ARG]]]}
    assert e["_eventInvokeTimeoutCallback"] == {"returned": None,
                                                "calls": [[[timer, OPAQUE_ARG]]]}
    assert e["_eventInvokeTimeoutCallback, old form"] == {"returned": None,
                                                          "calls": [[[timer, OPAQUE_ARG]]]}


def test_context_manager_closes_the_connection():
    with libvirt.open("test:///default") as conn:
        assert conn.isAlive() in (0, 1)
        assert conn.lookupByName("test").name() == "test"
    with pytest.raises(libvirt.libvirtError):
        conn.isAlive()


def test_context_manager_lets_exceptions_through(ours):
    with pytest.raises(ZeroDivisionError):
        with libvirt.open("test:///default") as conn:
            1 / 0
    with pytest.raises(libvirt.libvirtError):
        conn.isAlive()
    assert ours["context"] == {"__enter__ returns the connection": True,
                               "__exit__ returns": None, "closed": True,
                               "an exception inside propagates": True,
                               "closed after an exception": True}


# ---- ours against the reference -------------------------------------------

def test_same_hooks_as_the_reference(ours, reference):
    assert ours["names"] == reference["names"]


def test_same_parameters_as_the_reference(ours, reference):
    assert ours["signatures"] == reference["signatures"]


def _dispatch_case_names():
    return [n for n in CONNECT_HOOKS if n.startswith("_dispatch")] + \
        STREAM_HOOKS + MODULE_HOOKS[:2] + QEMU_HOOKS + [
            "_dispatchDomainEventCallbacks, no callbacks",
            "_dispatchDomainEventCallbacks, callback raising AttributeError",
            "_dispatchDomainEventCallbacks, callback raising KeyError",
            "_dispatchDomainEventBlockJobCallback, callback raising AttributeError",
            "_dispatchDomainEventLifecycleCallback, callback raising AttributeError",
            "_dispatchCloseCallback, callback raising RuntimeError",
            "_dispatchDomainEventLifecycleCallback, cbData without opaque"]


@pytest.mark.parametrize("case", _dispatch_case_names())
def test_dispatch_like_the_reference(ours, reference, case):
    assert ours["dispatch"][case] == reference["dispatch"][case]


def test_no_dispatch_case_left_uncompared(ours):
    assert sorted(ours["dispatch"]) == sorted(_dispatch_case_names())


@pytest.mark.parametrize("case", ["_eventInvokeHandleCallback",
                                  "_eventInvokeHandleCallback, old form",
                                  "_eventInvokeTimeoutCallback",
                                  "_eventInvokeTimeoutCallback, old form",
                                  "virEventAddHandle", "virEventAddTimeout"])
def test_event_invoke_like_the_reference(ours, reference, case):
    assert ours["event loop"][case] == reference["event loop"][case]


def test_context_manager_like_the_reference(ours, reference):
    assert ours["context"] == reference["context"]
