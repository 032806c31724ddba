"""Event registration and delivery on the default loop, and an event loop written in Python."""

import os

from differential.calls import BIG, C, FN, I, Index, K, M, O, R, X, group
from differential.context import REC, cb_recorder, err_of, noop, pump
from differential.specs import ALPHA_DISK_XML, DISK_XML, SECRET_XML, VHBA_XML
from support.eventloop import PythonEventLoop


# ---------------------------------------------------------------- events

group("events", doc="event registration and delivery (default event loop)")


def _trigger_domain(ctx):
    d = ctx.conn.lookupByName("alpha")
    d.suspend()
    d.resume()
    return pump(ctx)


def _trigger_network(ctx):
    ctx.conn.networkLookupByName("net-one").destroy()
    return pump(ctx)


def _trigger_pool(ctx):
    ctx.conn.storagePoolLookupByName("pool-b").destroy()
    return pump(ctx)


def _trigger_nodedev(ctx):
    ctx.conn.nodeDeviceCreateXML(VHBA_XML, 0)
    return pump(ctx)


def _trigger_secret(ctx):
    ctx.conn.secretDefineXML(SECRET_XML, 0)
    return pump(ctx)


def _deregister_calls(family, trigger):
    """<family>EventDeregisterAny of an id never registered, and of a
    registration just made (then trigger: the callback sees nothing)."""
    name = family + "EventDeregisterAny"
    M("virConnect", name, "conn", I(12345), tag="not-registered", fresh=True)

    def run(ctx):
        cid = getattr(ctx.conn, family + "EventRegisterAny")(None, 0, cb_recorder(ctx, "x"), None)
        return getattr(ctx.conn, name)(cid), trigger(ctx)
    C("virConnect." + name, run, fresh=True, covers=["virConnect." + name])
M("virConnect", "domainEventRegister", "conn", REC("dom"), X("opaque"), fresh=True,
  post=_trigger_domain)
M("virConnect", "domainEventRegister", "conn", X(42), X(None), tag="not-callable", variants=False,
  fresh=True)
M("virConnect", "domainEventRegisterAny", "conn", O(R("dom:alpha")),
  I(K("VIR_DOMAIN_EVENT_ID_LIFECYCLE")), REC("lifecycle"), X("opaque"), fresh=True,
  post=_trigger_domain)
M("virConnect", "domainEventRegisterAny", "conn", X(None), I(K("VIR_DOMAIN_EVENT_ID_REBOOT")),
  REC("reboot"), X(None), tag="reboot", fresh=True,
  post=lambda ctx: (ctx.conn.lookupByName("alpha").reboot(0), pump(ctx)))
M("virConnect", "domainEventRegisterAny", "conn", X(None), I(K("VIR_DOMAIN_EVENT_ID_LIFECYCLE")),
  REC("lifecycle"), X(None), tag="lifecycle-any", variants=False, fresh=True,
  post=_trigger_domain)
M("virConnect", "domainEventRegisterAny", "conn", X(None), I(999), X(noop), X(None),
  tag="bad-id", variants=False, fresh=True)
M("virConnect", "domainEventRegisterAny", "conn", X(None), I(K("VIR_DOMAIN_EVENT_ID_LIFECYCLE")),
  X(42), X(None), tag="not-callable", variants=False, fresh=True)
M("virConnect", "domainEventRegisterAny", "conn", X("alpha"),
  I(K("VIR_DOMAIN_EVENT_ID_LIFECYCLE")), X(noop), X(None), tag="str-dom", variants=False,
  fresh=True)
for _eid in ("REBOOT", "RTC_CHANGE", "WATCHDOG", "IO_ERROR", "GRAPHICS", "IO_ERROR_REASON",
             "CONTROL_ERROR", "BLOCK_JOB", "DISK_CHANGE", "TRAY_CHANGE", "PMWAKEUP",
             "PMSUSPEND", "BALLOON_CHANGE", "PMSUSPEND_DISK", "DEVICE_REMOVED", "BLOCK_JOB_2",
             "TUNABLE", "AGENT_LIFECYCLE", "DEVICE_ADDED", "MIGRATION_ITERATION",
             "JOB_COMPLETED", "DEVICE_REMOVAL_FAILED", "METADATA_CHANGE", "BLOCK_THRESHOLD",
             "MEMORY_FAILURE", "MEMORY_DEVICE_SIZE_CHANGE"):
    M("virConnect", "domainEventRegisterAny", "conn", X(None),
      I(K("VIR_DOMAIN_EVENT_ID_" + _eid)), REC(_eid), X(None), tag="id-" + _eid,
      variants=False, fresh=True)
M("virConnect", "domainEventRegisterAny", "conn", X(None),
  I(K("VIR_DOMAIN_EVENT_ID_METADATA_CHANGE")), REC("metadata"), X(None), tag="metadata-fires",
  variants=False, fresh=True, post=lambda ctx: (ctx.conn.lookupByName("alpha").setMetadata(
      K("VIR_DOMAIN_METADATA_TITLE"), "t", None, None, 0), pump(ctx)))
M("virConnect", "domainEventRegisterAny", "conn", X(None),
  I(K("VIR_DOMAIN_EVENT_ID_DEVICE_ADDED")), REC("added"), X(None), tag="device-added-fires",
  variants=False, fresh=True, post=lambda ctx: (ctx.conn.lookupByName("alpha").attachDeviceFlags(
      DISK_XML, K("VIR_DOMAIN_AFFECT_LIVE")), pump(ctx)))
M("virConnect", "domainEventRegisterAny", "conn", X(None),
  I(K("VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED")), REC("removed"), X(None), tag="device-removed-fires",
  variants=False, fresh=True, post=lambda ctx: (ctx.conn.lookupByName("alpha").detachDeviceFlags(
      ALPHA_DISK_XML, K("VIR_DOMAIN_AFFECT_LIVE")), pump(ctx)))
M("virConnect", "domainEventRegisterAny", "conn", X(None),
  I(K("VIR_DOMAIN_EVENT_ID_PMSUSPEND")), REC("pmsuspend"), X(None), tag="pmsuspend-fires",
  variants=False, fresh=True, post=lambda ctx: (
      err_of(lambda c: c.conn.lookupByName("alpha").pMSuspendForDuration(
          K("VIR_NODE_SUSPEND_TARGET_MEM"), 0, 0))(ctx), pump(ctx)))
M("virConnect", "domainEventDeregister", "conn", X(noop), tag="not-registered", fresh=True)
M("virConnect", "domainEventDeregisterAny", "conn", I(12345), tag="not-registered", fresh=True)
C("virConnect.domainEventDeregister", lambda ctx: (lambda cb: (
    ctx.conn.domainEventRegister(cb, None), ctx.conn.domainEventDeregister(cb),
    _trigger_domain(ctx)))(cb_recorder(ctx, "x")),
  fresh=True, covers=["virConnect.domainEventDeregister", "virConnect.domainEventRegister"])
C("virConnect.domainEventDeregisterAny", lambda ctx: (lambda cid: (
    ctx.conn.domainEventDeregisterAny(cid), _trigger_domain(ctx),
    err_of(lambda c: c.conn.domainEventDeregisterAny(cid))(ctx)))(
        ctx.conn.domainEventRegisterAny(None, K("VIR_DOMAIN_EVENT_ID_LIFECYCLE"),
                                        cb_recorder(ctx, "x"), None)),
  fresh=True, covers=["virConnect.domainEventDeregisterAny"])
C("virConnect.domainEventRegister#two-callbacks", lambda ctx: (
    ctx.conn.domainEventRegister(cb_recorder(ctx, "a"), 1),
    ctx.conn.domainEventRegister(cb_recorder(ctx, "b"), 2), _trigger_domain(ctx)),
  fresh=True, covers=["virConnect.domainEventRegister"])
C("virConnect.domainEventRegisterAny#ids", lambda ctx: [
    ctx.conn.domainEventRegisterAny(None, K("VIR_DOMAIN_EVENT_ID_LIFECYCLE"), noop, None)
    for _ in range(3)], fresh=True, covers=["virConnect.domainEventRegisterAny"])
M("virConnect", "networkEventRegisterAny", "conn", O(R("net:net-one")),
  I(K("VIR_NETWORK_EVENT_ID_LIFECYCLE")), REC("net"), X("opaque"), fresh=True,
  post=_trigger_network)
M("virConnect", "networkEventRegisterAny", "conn", X(None), I(99), X(noop), X(None),
  tag="bad-id", variants=False, fresh=True)
_deregister_calls("network", _trigger_network)
M("virConnect", "storagePoolEventRegisterAny", "conn", O(R("pool:pool-b")),
  I(K("VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE")), REC("pool"), X("opaque"), fresh=True,
  post=_trigger_pool)
M("virConnect", "storagePoolEventRegisterAny", "conn", X(None),
  I(K("VIR_STORAGE_POOL_EVENT_ID_REFRESH")), REC("refresh"), X(None), tag="refresh",
  variants=False, fresh=True,
  post=lambda ctx: (ctx.conn.storagePoolLookupByName("pool-a").refresh(0), pump(ctx)))
_deregister_calls("storagePool", _trigger_pool)
M("virConnect", "nodeDeviceEventRegisterAny", "conn", O(R("dev:scsi_host5")),
  I(K("VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE")), REC("dev"), X("opaque"), fresh=True,
  post=_trigger_nodedev)
M("virConnect", "nodeDeviceEventRegisterAny", "conn", X(None),
  I(K("VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE")), REC("dev"), X(None), tag="any", variants=False,
  fresh=True, post=_trigger_nodedev)
_deregister_calls("nodeDevice", _trigger_nodedev)
M("virConnect", "secretEventRegisterAny", "conn", X(None),
  I(K("VIR_SECRET_EVENT_ID_LIFECYCLE")), REC("secret"), X(None), fresh=True)
M("virConnect", "secretEventDeregisterAny", "conn", I(12345), tag="not-registered", fresh=True)
M("virConnect", "registerCloseCallback", "conn", REC("close"), X("opaque"), fresh=True,
  post=lambda ctx: (ctx.conn.close(), pump(ctx)))
M("virConnect", "registerCloseCallback", "conn", X(42), X(None), tag="not-callable",
  variants=False, fresh=True)
M("virConnect", "unregisterCloseCallback", "conn", tag="not-registered", fresh=True)
C("virConnect.unregisterCloseCallback", lambda ctx: (
    ctx.conn.registerCloseCallback(noop, None), ctx.conn.unregisterCloseCallback(),
    err_of(lambda c: c.conn.unregisterCloseCallback())(ctx)),
  fresh=True, covers=["virConnect.unregisterCloseCallback", "virConnect.registerCloseCallback"])

# libvirt's default event loop, through the module functions


def _pipe_handle(fn):
    def run(ctx):
        r, w = os.pipe()
        try:
            return fn(ctx, r, w)
        finally:
            os.close(r)
            os.close(w)
    return run


def _handle_fires(ctx, r, w):
    lv = ctx.lv
    seen = []
    wid = lv.virEventAddHandle(r, K("VIR_EVENT_HANDLE_READABLE"),
                               lambda watch, fd, events, opaque: seen.append(
                                   (watch == wid, fd == r, events, opaque)), "opaque")
    os.write(w, b"x")
    tid = lv.virEventAddTimeout(1, noop, None)
    lv.virEventRunDefaultImpl()
    lv.virEventRemoveTimeout(tid)
    upd = lv.virEventUpdateHandle(wid, 0)
    rem = lv.virEventRemoveHandle(wid)
    return seen[:1], upd, rem


def _timeout_fires(ctx):
    lv = ctx.lv
    seen = []
    tid = lv.virEventAddTimeout(1, lambda timer, opaque: seen.append((timer == tid, opaque)), "op")
    for _ in range(50):
        if seen:
            break
        lv.virEventRunDefaultImpl()
    upd = lv.virEventUpdateTimeout(tid, -1)
    rem = lv.virEventRemoveTimeout(tid)
    return seen[:1], upd, rem


FN("libvirt", "virEventRegisterDefaultImpl")
C("libvirt.virEventRunDefaultImpl", lambda ctx: (lambda tid: (
    ctx.lv.virEventRunDefaultImpl(), ctx.lv.virEventRemoveTimeout(tid)))(
        ctx.lv.virEventAddTimeout(0, noop, None)), covers=["libvirt.virEventRunDefaultImpl"])
C("libvirt.virEventAddHandle#fires", _pipe_handle(_handle_fires),
  covers=["libvirt.virEventAddHandle", "libvirt.virEventUpdateHandle",
          "libvirt.virEventRemoveHandle"])
C("libvirt.virEventAddTimeout#fires", _timeout_fires,
  covers=["libvirt.virEventAddTimeout", "libvirt.virEventUpdateTimeout",
          "libvirt.virEventRemoveTimeout"])
C("libvirt.virEventAddHandle", _pipe_handle(lambda ctx, r, w: (lambda h: (
    h >= 0, ctx.lv.virEventRemoveHandle(h)))(
        ctx.lv.virEventAddHandle(r, K("VIR_EVENT_HANDLE_READABLE"), noop, None))),
  covers=["libvirt.virEventAddHandle"])
for _lbl, _v in (("bool", True), ("index", Index(0)), ("big", BIG), ("None", None),
                 ("negative", -1)):
    C("libvirt.virEventAddHandle[fd=%s]" % _lbl, _pipe_handle(
        lambda ctx, r, w, _v=_v: ctx.lv.virEventAddHandle(_v, 1, noop, None)),
      covers=["libvirt.virEventAddHandle"])
    C("libvirt.virEventAddHandle[events=%s]" % _lbl, _pipe_handle(
        lambda ctx, r, w, _v=_v: (lambda h: (h >= 0, ctx.lv.virEventRemoveHandle(h)))(
            ctx.lv.virEventAddHandle(r, _v, noop, None))),
      covers=["libvirt.virEventAddHandle"])
    C("libvirt.virEventAddTimeout[timeout=%s]" % _lbl,
      lambda ctx, _v=_v: (lambda t: (t >= 0, ctx.lv.virEventRemoveTimeout(t)))(
          ctx.lv.virEventAddTimeout(_v, noop, None)), covers=["libvirt.virEventAddTimeout"])
    C("libvirt.virEventUpdateTimeout[timeout=%s]" % _lbl,
      lambda ctx, _v=_v: (lambda t: (ctx.lv.virEventUpdateTimeout(t, _v),
                                     ctx.lv.virEventRemoveTimeout(t)))(
          ctx.lv.virEventAddTimeout(-1, noop, None)), covers=["libvirt.virEventUpdateTimeout"])
    C("libvirt.virEventRemoveTimeout[timer=%s]" % _lbl,
      lambda ctx, _v=_v: ctx.lv.virEventRemoveTimeout(_v),
      covers=["libvirt.virEventRemoveTimeout"])
    C("libvirt.virEventRemoveHandle[watch=%s]" % _lbl,
      lambda ctx, _v=_v: ctx.lv.virEventRemoveHandle(_v), covers=["libvirt.virEventRemoveHandle"])
    C("libvirt.virEventUpdateHandle[watch=%s]" % _lbl,
      lambda ctx, _v=_v: ctx.lv.virEventUpdateHandle(_v, 1),
      covers=["libvirt.virEventUpdateHandle"])
C("libvirt.virEventAddHandle[cb=not-callable]", _pipe_handle(
    lambda ctx, r, w: ctx.lv.virEventAddHandle(r, 1, 42, None)),
  covers=["libvirt.virEventAddHandle"])
C("libvirt.virEventAddTimeout[cb=not-callable]",
  lambda ctx: ctx.lv.virEventAddTimeout(-1, 42, None), covers=["libvirt.virEventAddTimeout"])
C("libvirt.virEventRemoveTimeout#unknown", lambda ctx: ctx.lv.virEventRemoveTimeout(12345),
  covers=["libvirt.virEventRemoveTimeout"])
C("libvirt.virEventRemoveHandle#unknown", lambda ctx: ctx.lv.virEventRemoveHandle(12345),
  covers=["libvirt.virEventRemoveHandle"])
C("libvirt.virEventUpdateHandle#unknown", lambda ctx: ctx.lv.virEventUpdateHandle(12345, 1),
  covers=["libvirt.virEventUpdateHandle"])
C("libvirt.virEventUpdateTimeout#unknown", lambda ctx: ctx.lv.virEventUpdateTimeout(12345, 1),
  covers=["libvirt.virEventUpdateTimeout"])

# ---------------------------------------------- an event loop in Python

group("eventimpl", kind="eventimpl",
      doc="virEventRegisterImpl: libvirt drives an event loop written in Python")


# The loop double of support/eventloop.py, never run: it records what
# libvirt asks of it, and the calls below fire or free by hand every timer
# libvirt ever added (removed ones too).

def _pyloop_calls(loop, since=0):
    """What libvirt asked of the loop (from its call number `since` on),
    each add with whether the callback it gave is callable; the descriptor
    of a handle left out (it differs between the two processes)."""
    added = iter(loop.added)        # one registration per add, in order
    calls = []
    for c in loop.log:
        if c[0] == "addHandle":
            c = (c[0], c[2], callable(next(added).cb))
        elif c[0] == "addTimeout":
            c = c + (callable(next(added).cb),)
        calls.append(c)
    return calls[since:]


def _timers_ever_added(loop):
    return [r for r in loop.added if r.kind == "timer"]


def _register_pyloop(ctx):
    loop = PythonEventLoop()
    ctx.cache["pyloop"] = loop
    return ctx.lv.virEventRegisterImpl(*loop.callables()), _pyloop_calls(loop)


def _pyloop_events(ctx):
    loop = ctx.cache["pyloop"]
    since = len(loop.log)
    seen = []
    cid = ctx.conn.domainEventRegisterAny(None, K("VIR_DOMAIN_EVENT_ID_LIFECYCLE"),
                                          lambda *a: seen.append(a[2:]), None)
    d = ctx.conn.lookupByName("alpha")
    d.suspend()
    # run the timers libvirt registered, as a loop would
    fired = [t.cb(t.id, t.opaque) for t in _timers_ever_added(loop)]
    ctx.conn.domainEventDeregisterAny(cid)
    return cid, _pyloop_calls(loop, since), fired, seen


def _pyloop_free(ctx):
    loop = ctx.cache["pyloop"]
    return [ctx.lv.virEventInvokeFreeCallback(t.opaque) for t in _timers_ever_added(loop)]


C("libvirt.virEventRegisterImpl", _register_pyloop, covers=["libvirt.virEventRegisterImpl"])
C("libvirt.virEventRegisterImpl#events", _pyloop_events, covers=["libvirt.virEventRegisterImpl"])
C("libvirt.virEventInvokeFreeCallback", _pyloop_free,
  covers=["libvirt.virEventInvokeFreeCallback"])
C("libvirt.virEventInvokeFreeCallback#None", lambda ctx: ctx.lv.virEventInvokeFreeCallback(None),
  covers=["libvirt.virEventInvokeFreeCallback"])
C("libvirt.virEventInvokeFreeCallback#str", lambda ctx: ctx.lv.virEventInvokeFreeCallback("x"),
  covers=["libvirt.virEventInvokeFreeCallback"])
C("libvirt.virEventRegisterImpl#not-callable", lambda ctx: ctx.lv.virEventRegisterImpl(
    1, 2, 3, 4, 5, 6), covers=["libvirt.virEventRegisterImpl"])
