"""Cases of tests/test_load.py: the binding under load, each in a process
of its own (a crash or a hang fails one test; faulthandler dumps every
thread's stack when a case overruns its time limit).

    python tests/children/load_cases.py mixed_load URI THREADS SECONDS MAX_OPS LIMIT
    python tests/children/load_cases.py event_burst WARMUP TOTAL WINDOW LIMIT

mixed_load
    THREADS threads share ONE connection to the private libvirtd at URI
    (a QemuDaemon started by the parent) and run a seeded random mix of
    operations for SECONDS seconds or MAX_OPS operations each, whichever
    comes first, while libvirt's default event loop runs in a thread with
    a callback of every event family registered on that connection:
    domain lifecycle (domainEventRegisterAny and the legacy
    domainEventRegister), domain metadata change, tunable and reboot,
    network, storage pool, node device and secret lifecycle, and the
    close callback.

    Every operation that makes libvirt emit an event is recorded, by the
    object's name, in the order the thread did it (each name belongs to
    one thread); the parent compares that with the events the callbacks
    got.  Returns the per-thread counts, the unexpected exceptions (with
    tracebacks), threads that did not finish (with their stacks), the
    events seen per object, and what the event loop and
    sys.unraisablehook reported.

event_burst
    test:///default in this process, the default event loop in a thread,
    one lifecycle callback: WARMUP then TOTAL events (suspend/resume of
    the guest 'test': SUSPENDED_PAUSED, RESUMED_UNPAUSED), the producer
    never more than WINDOW events ahead of the callback (WINDOW 0: no
    limit, the whole burst may be queued before it is delivered).  Counts
    per (event, detail) and RSS after each phase.

LIMIT: seconds after which the case dumps its threads' stacks and exits
(status 1); the parent's child.run timeout is a little longer.
"""

import collections
import faulthandler
import gc
import os
import random
import sys
import threading
import time
import traceback
import uuid as uuidlib
import xml.etree.ElementTree as ET

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, TESTS)

from support import child  # noqa: E402
import daemon_faults_support as sup  # noqa: E402
import qemu_daemon as qd  # noqa: E402

# libvirt constants, spelled out (tests/test_load.py checks them against
# the binding).
ERR_NO_DOMAIN, ERR_NO_NETWORK, ERR_NO_STORAGE_POOL, ERR_NO_SECRET = 42, 43, 49, 66
AFFECT_LIVE, AFFECT_CONFIG = 1, 2
XML_INACTIVE = 2
METADATA_DESCRIPTION = 0
STATS_STATE, STATS_CPU_TOTAL, STATS_BALLOON = 1, 2, 4
STATS_INTERFACE, STATS_PERF, STATS_MEMORY = 16, 64, 256
# Statistics libvirt collects without asking QEMU: a guest destroyed
# during the call makes a query of its monitor fail the whole call.
STATS_NO_MONITOR = (STATS_STATE | STATS_CPU_TOTAL | STATS_BALLOON | STATS_INTERFACE
                    | STATS_PERF | STATS_MEMORY)
DOMAIN_RUNNING = 1
EVENT_ID_LIFECYCLE, EVENT_ID_REBOOT, EVENT_ID_TUNABLE, EVENT_ID_METADATA_CHANGE = 0, 1, 17, 23
NETWORK_EVENT_ID_LIFECYCLE = STORAGE_POOL_EVENT_ID_LIFECYCLE = 0
NODE_DEVICE_EVENT_ID_LIFECYCLE = SECRET_EVENT_ID_LIFECYCLE = 0
DEFINED, UNDEFINED, STARTED, SUSPENDED, RESUMED, STOPPED = range(6)

BASE = "loadbase"           # the running guest every thread works on
MAX_GUESTS = 3              # extra guests running at once (QEMU processes)
SETTLE = 1.0                # seconds to wait for late (duplicate) events
EVENT_WAIT = 30.0           # for the events the load caused

# What each recorded operation makes libvirt emit at least (its last event
# is of this type; tests/test_load.py knows the exact sequences).
FINAL_EVENT = {"define": DEFINED, "undefine": UNDEFINED, "create": STARTED,
               "start": STARTED, "suspend": SUSPENDED, "resume": RESUMED,
               "destroy": STOPPED}


def _time_limit(limit):
    faulthandler.dump_traceback_later(float(limit), exit=True)


# ---- event recording (called from the event loop thread) -----------------------

def _lifecycle_callback(family, name_of=lambda obj: obj.name()):
    """An Events method recording a (conn, object, event, detail, opaque)
    callback of `family` under name_of(object)."""
    def callback(self, conn, obj, event, detail, opaque):
        self._record(family, conn, opaque, name_of(obj), event, detail)
    return callback


class Events:
    """The callbacks of every family, recording (name, event, detail)
    per family and any argument that is not what was registered."""

    def __init__(self, conn):
        self.conn = conn
        self.lock = threading.Lock()
        self.seen = collections.defaultdict(list)    # family -> [(name, a, b)]
        self.arg_errors = []
        self.opaques = {}
        self.threads = set()

    def opaque(self, family):
        self.opaques[family] = op = ("opaque", family)
        return op

    def _record(self, family, conn, opaque, name, a, b):
        ok = conn is self.conn and opaque is self.opaques[family]
        with self.lock:
            self.seen[family].append((name, a, b))
            self.threads.add(threading.current_thread().name)
            if not ok:
                self.arg_errors.append((family, repr(conn), repr(opaque), name))

    # The families whose callback gets (conn, object, event, detail, opaque).
    lifecycle = _lifecycle_callback("lifecycle")
    legacy = _lifecycle_callback("legacy")
    network = _lifecycle_callback("network")
    pool = _lifecycle_callback("pool")
    nodedev = _lifecycle_callback("nodedev")
    secret = _lifecycle_callback("secret", lambda secret: secret.usageID())

    def metadata(self, conn, dom, mtype, nsuri, opaque):
        self._record("metadata", conn, opaque, dom.name(), mtype, nsuri)

    def tunable(self, conn, dom, params, opaque):
        self._record("tunable", conn, opaque, dom.name(), sorted(params), None)

    def reboot(self, conn, dom, opaque):
        self._record("reboot", conn, opaque, dom.name(), None, None)

    def snapshot(self):
        with self.lock:
            return {k: list(v) for k, v in self.seen.items()}


def register_all(conn, ev):
    """Register a callback of every family; returns how to deregister each."""
    undo = []
    for label, eid, cb in (("lifecycle", EVENT_ID_LIFECYCLE, ev.lifecycle),
                           ("metadata", EVENT_ID_METADATA_CHANGE, ev.metadata),
                           ("tunable", EVENT_ID_TUNABLE, ev.tunable),
                           ("reboot", EVENT_ID_REBOOT, ev.reboot)):
        cid = conn.domainEventRegisterAny(None, eid, cb, ev.opaque(label))
        undo.append((label, lambda cid=cid: conn.domainEventDeregisterAny(cid)))
    conn.domainEventRegister(ev.legacy, ev.opaque("legacy"))
    undo.append(("legacy", lambda: conn.domainEventDeregister(ev.legacy)))
    for label, reg, dereg, eid, cb in (
            ("network", conn.networkEventRegisterAny, conn.networkEventDeregisterAny,
             NETWORK_EVENT_ID_LIFECYCLE, ev.network),
            ("pool", conn.storagePoolEventRegisterAny, conn.storagePoolEventDeregisterAny,
             STORAGE_POOL_EVENT_ID_LIFECYCLE, ev.pool),
            ("nodedev", conn.nodeDeviceEventRegisterAny, conn.nodeDeviceEventDeregisterAny,
             NODE_DEVICE_EVENT_ID_LIFECYCLE, ev.nodedev),
            ("secret", conn.secretEventRegisterAny, conn.secretEventDeregisterAny,
             SECRET_EVENT_ID_LIFECYCLE, ev.secret)):
        cid = reg(None, eid, cb, ev.opaque(label))
        undo.append((label, lambda cid=cid, dereg=dereg: dereg(cid)))
    return undo


# ---- the worker threads ------------------------------------------------------------

class Unexpected(AssertionError):
    pass


def check(cond, what):
    if not cond:
        raise Unexpected(what)


class Worker:
    """One thread's share of the load (see the module docstring)."""

    def __init__(self, lv, conn, tid, base, deadline, max_ops, guest_slots, pool_dir):
        self.lv, self.conn, self.tid, self.base = lv, conn, tid, base
        self.base_name, self.base_uuid = BASE, base.UUIDString()
        self.base_uuid_bytes, self.base_id = base.UUID(), base.ID()
        self.deadline, self.max_ops = deadline, max_ops
        self.guest_slots, self.pool_dir = guest_slots, pool_dir
        self.rng = random.Random(1000 + tid)
        self.seq = 0
        self.ops = collections.Counter()       # operation -> times done
        self.op_seconds = collections.Counter()    # operation -> seconds spent
        self.slowest = {}                       # operation -> longest, seconds
        self.slow = []                          # [operation, start, seconds] over 1 s
        self.calls = 0                          # API calls made
        self.errors = []                        # unexpected exceptions
        self.error_codes = collections.Counter()    # deliberate errors
        self.domains = {}                       # name -> [operation, ...]
        self.objects = {"network": {}, "pool": {}, "secret": {}}
        self.metadata_sets = 0
        self.started = self.ended = None

    MIX = (("lookup", 6), ("xml", 3), ("stats", 3), ("typed", 4), ("metadata", 2),
           ("errors", 3), ("objects", 1), ("define_undefine", 1), ("guest", 0.4))

    def name(self, kind):
        self.seq += 1
        return "load-%s-t%d-%d" % (kind, self.tid, self.seq)

    def call(self, fn, *args):
        self.calls += 1
        return fn(*args)

    def did(self, name, op):
        self.domains.setdefault(name, []).append(op)

    def run(self):
        self.started = time.monotonic()
        names = [n for n, _ in self.MIX]
        weights = [w for _, w in self.MIX]
        done = 0
        try:
            while done < self.max_ops and time.monotonic() < self.deadline:
                op = self.rng.choices(names, weights)[0]
                t = time.monotonic()
                try:
                    getattr(self, "op_" + op)()
                    self.ops[op] += 1
                except Exception as e:
                    self.errors.append({"op": op, "type": type(e).__name__, "error": str(e),
                                        "traceback": traceback.format_exc()})
                began, t = t, time.monotonic() - t
                self.op_seconds[op] += t
                if t > 1.0 and op != "guest":
                    self.slow.append([op, round(began - self.started, 2), round(t, 2)])
                self.slowest[op] = max(self.slowest.get(op, 0.0), t)
                done += 1
        finally:
            self.ended = time.monotonic()

    # -- the operations ----------------------------------------------------------

    def op_lookup(self):
        c = self.conn
        check(self.call(c.lookupByName, self.base_name).UUIDString() == self.base_uuid,
              "lookupByName")
        check(self.call(c.lookupByUUIDString, self.base_uuid).name() == self.base_name,
              "lookupByUUIDString")
        check(self.call(c.lookupByUUID, self.base_uuid_bytes).name() == self.base_name,
              "lookupByUUID")
        check(self.call(c.lookupByID, self.base_id).name() == self.base_name, "lookupByID")
        names = [d.name() for d in self.call(c.listAllDomains)]
        check(self.base_name in names, "listAllDomains: %r" % names)

    def op_xml(self):
        root = ET.fromstring(self.call(self.base.XMLDesc, 0))
        check(root.findtext("name") == self.base_name and root.get("id") == str(self.base_id),
              "live XML")
        root = ET.fromstring(self.call(self.base.XMLDesc, XML_INACTIVE))
        check(root.findtext("uuid") == self.base_uuid and root.get("id") is None,
              "inactive XML")

    def op_stats(self):
        # Every guest, but only what needs no monitor query (see
        # STATS_NO_MONITOR); everything for the base guest.
        stats = self.call(self.conn.getAllDomainStats, STATS_NO_MONITOR)
        mine = [s for d, s in stats if d.name() == self.base_name]
        check(len(mine) == 1 and mine[0]["state.state"] == DOMAIN_RUNNING
              and type(mine[0]["cpu.time"]) is int, "getAllDomainStats: %r" % mine)
        ((dom, st),) = self.call(self.conn.domainListGetStats, [self.base], 0)
        check(dom.name() == self.base_name and st["state.state"] == DOMAIN_RUNNING
              and st["vcpu.current"] == 1, "domainListGetStats: %r" % st)
        info = self.call(self.base.info)
        check(info[0] == DOMAIN_RUNNING and info[1] == 65536, "info: %r" % info)
        check(self.call(self.base.state)[0] == DOMAIN_RUNNING, "state")
        mem = self.call(self.base.memoryStats)
        check(isinstance(mem.get("rss"), int) and mem["rss"] > 0, "memoryStats: %r" % mem)
        check(self.call(self.base.jobStats) == {"type": 0}, "jobStats")

    def op_typed(self):
        b = self.base
        mem = self.call(b.memoryParameters, AFFECT_CONFIG)
        check(set(mem) == {"hard_limit", "soft_limit", "swap_hard_limit"}
              and all(type(v) is int for v in mem.values()), "memoryParameters: %r" % mem)
        soft = (1 << 20) + self.rng.randrange(1 << 16)
        check(self.call(b.setMemoryParameters, {"soft_limit": soft}, AFFECT_CONFIG) == 0,
              "setMemoryParameters")
        blkio = self.call(b.blkioParameters, AFFECT_CONFIG)
        check(type(blkio.get("weight")) is int, "blkioParameters: %r" % blkio)
        weight = self.rng.randrange(100, 1001)
        check(self.call(b.setBlkioParameters, {"weight": weight}, AFFECT_CONFIG) == 0,
              "setBlkioParameters")
        perf = self.call(b.perfEvents, AFFECT_CONFIG)
        check(perf and all(type(v) is bool for v in perf.values()), "perfEvents: %r" % perf)
        check(self.call(b.setPerfEvents, {"cpu_cycles": False}, AFFECT_CONFIG) == 0,
              "setPerfEvents")
        numa = self.call(b.numaParameters, AFFECT_CONFIG)
        check("numa_mode" in numa, "numaParameters: %r" % numa)
        node = self.call(self.conn.getMemoryParameters)
        check(node and all(type(v) is int for v in node.values()),
              "getMemoryParameters: %r" % node)

    def op_metadata(self):
        text = "load t%d %d" % (self.tid, self.rng.randrange(1 << 30))
        check(self.call(self.base.setMetadata, METADATA_DESCRIPTION, text, None, None,
                        AFFECT_LIVE) == 0, "setMetadata")
        self.metadata_sets += 1
        got = self.call(self.base.metadata, METADATA_DESCRIPTION, None, AFFECT_LIVE)
        check(got.startswith("load t"), "metadata: %r" % got)

    def _expect_error(self, code, fn, *args):
        try:
            self.call(fn, *args)
        except self.lv.libvirtError as e:
            check(e.get_error_code() == code, "error code %r, not %d: %s"
                  % (e.get_error_code(), code, e))
            self.error_codes[code] += 1
        else:
            raise Unexpected("%s%r did not raise" % (getattr(fn, "__name__", fn), args))

    def op_errors(self):
        c = self.conn
        self._expect_error(ERR_NO_DOMAIN, c.lookupByName, self.name("missing"))
        self._expect_error(ERR_NO_DOMAIN, c.lookupByUUIDString, str(uuidlib.uuid4()))
        self._expect_error(ERR_NO_NETWORK, c.networkLookupByName, self.name("missing"))
        self._expect_error(ERR_NO_STORAGE_POOL, c.storagePoolLookupByName,
                           self.name("missing"))
        self._expect_error(ERR_NO_SECRET, c.secretLookupByUsage, 2, self.name("missing"))

    def op_objects(self):
        kind = self.rng.choice(("network", "pool", "secret"))
        name = self.name(kind)
        c = self.conn
        if kind == "network":
            obj = self.call(c.networkDefineXML,
                            "<network><name>%s</name><bridge name='lvl%dn%d'/></network>"
                            % (name, self.tid, self.seq))
        elif kind == "pool":
            obj = self.call(c.storagePoolDefineXML,
                            "<pool type='dir'><name>%s</name><target><path>%s</path>"
                            "</target></pool>" % (name, os.path.join(self.pool_dir, name)))
        else:
            obj = self.call(c.secretDefineXML,
                            "<secret ephemeral='no' private='yes'><usage type='ceph'>"
                            "<name>%s</name></usage></secret>" % name)
        self.objects[kind].setdefault(name, []).append("define")
        self.call(obj.undefine)
        self.objects[kind][name].append("undefine")

    def op_define_undefine(self):
        name = self.name("def")
        dom = self.call(self.conn.defineXML, qd.guest_xml(name, graphics=False))
        self.did(name, "define")
        check(self.call(dom.isActive) == 0 and self.call(dom.isPersistent) == 1, "defined")
        self.call(dom.undefine)
        self.did(name, "undefine")

    def op_guest(self):
        """A guest started and destroyed: transient (createXML) or defined
        first; at most MAX_GUESTS of them at once (else define/undefine)."""
        if not self.guest_slots.acquire(blocking=False):
            self.ops["guest_no_slot"] += 1
            return self.op_define_undefine()
        try:
            persistent = self.rng.random() < 0.4
            self.ops["guest_persistent" if persistent else "guest_transient"] += 1
            name = self.name("pers" if persistent else "tran")
            xml = qd.guest_xml(name, graphics=False)
            if persistent:
                dom = self.call(self.conn.defineXML, xml)
                self.did(name, "define")
                self.call(dom.create)
                self.did(name, "start")
            else:
                dom = self.call(self.conn.createXML, xml, 0)
                self.did(name, "create")
            check(self.call(dom.info)[0] == DOMAIN_RUNNING, "guest running")
            if self.rng.random() < 0.5:
                self.call(dom.suspend)
                self.did(name, "suspend")
                self.call(dom.resume)
                self.did(name, "resume")
            self.call(dom.destroy)
            self.did(name, "destroy")
            if persistent:
                self.call(dom.undefine)
                self.did(name, "undefine")
        finally:
            self.guest_slots.release()


def _stacks(threads):
    frames = sys._current_frames()
    return {t.name: "".join(traceback.format_stack(frames[t.ident]))
            for t in threads if t.ident in frames}


def _expected_finals(workers):
    """(family, name, event) -> how many times the load must have made
    libvirt emit that event at least."""
    need = collections.Counter()
    for w in workers:
        for name, ops in w.domains.items():
            for op in ops:
                need["lifecycle", name, FINAL_EVENT[op]] += 1
                need["legacy", name, FINAL_EVENT[op]] += 1
        for kind, objs in w.objects.items():
            for name, ops in objs.items():
                for op in ops:
                    need[kind, name, DEFINED if op == "define" else UNDEFINED] += 1
    need["metadata", BASE, METADATA_DESCRIPTION] = sum(w.metadata_sets for w in workers)
    return need


def _arrived(ev, need):
    seen = collections.Counter((fam, name, a) for fam, recs in ev.snapshot().items()
                               for name, a, _b in recs)
    return all(seen[k] >= n for k, n in need.items())


def _cleanup(lv, conn):
    """Whatever an operation that failed half-way left behind."""
    for dom in conn.listAllDomains():
        if dom.name().startswith("load-"):
            for fn in (dom.destroy, dom.undefine):
                try:
                    fn()
                except lv.libvirtError:
                    pass
    for lst in (conn.listAllNetworks, conn.listAllStoragePools):
        for obj in lst():
            if obj.name().startswith("load-"):
                obj.undefine()
    for s in conn.listAllSecrets():
        if (s.usageID() or "").startswith("load-"):
            s.undefine()


def case_mixed_load(uri, threads, seconds, max_ops, limit):
    _time_limit(limit)
    import libvirt as lv
    lv.registerErrorHandler(lambda ctx, err: None, None)    # errors are expected
    threads, seconds, max_ops = int(threads), float(seconds), int(max_ops)
    out = {}
    loop = qd.EventLoopThread(lv).start()
    unraisable = sup.Unraisables().__enter__()
    conn = lv.open(uri)
    closes = []
    close_opaque = ("opaque", "close")
    conn.registerCloseCallback(lambda c, reason, op: closes.append(
        (reason, c is conn, op is close_opaque)), close_opaque)
    ev = Events(conn)
    undo = register_all(conn, ev)

    t0 = time.monotonic()
    base = conn.defineXML(qd.guest_xml(BASE, graphics=False))
    base.create()
    out["base_ops"] = ["define", "start"]
    out["base_start_seconds"] = round(time.monotonic() - t0, 2)
    # libvirtd's first CPU statistics take seconds (once per daemon): not
    # part of the load.
    t0 = time.monotonic()
    conn.getAllDomainStats()
    out["first_stats_seconds"] = round(time.monotonic() - t0, 2)

    pool_dir = "/tmp/lvload-pools-%d" % os.getpid()     # never created: define only
    slots = threading.BoundedSemaphore(MAX_GUESTS)
    start = time.monotonic()
    workers = [Worker(lv, conn, i, base, start + seconds, max_ops, slots, pool_dir)
               for i in range(threads)]
    pool = [threading.Thread(target=w.run, name="load-%d" % w.tid, daemon=True)
            for w in workers]
    for t in pool:
        t.start()
    join_by = start + seconds + 60.0      # a guest operation in flight: seconds
    for t in pool:
        t.join(max(0.0, join_by - time.monotonic()))
    stuck = [t for t in pool if t.is_alive()]
    out["stuck"] = _stacks(stuck)
    out["load_seconds"] = round(time.monotonic() - start, 2)
    out["threads"] = [{
        "tid": w.tid, "ops": dict(w.ops), "calls": w.calls,
        "op_seconds": {k: round(v, 3) for k, v in w.op_seconds.items()},
        "slowest": {k: round(v, 3) for k, v in w.slowest.items()},
        "slow": w.slow,
        "errors": w.errors, "error_codes": {str(k): v for k, v in w.error_codes.items()},
        "finished_after": None if w.ended is None else round(w.ended - start, 2),
        "metadata_sets": w.metadata_sets,
    } for w in workers]
    out["domains"] = {n: ops for w in workers for n, ops in w.domains.items()}
    out["objects"] = {k: {n: ops for w in workers for n, ops in w.objects[k].items()}
                      for k in ("network", "pool", "secret")}
    out["metadata_sets"] = sum(w.metadata_sets for w in workers)
    if stuck:               # the rest would only wait on the stuck calls
        out["events"] = ev.snapshot()
        return out

    need = _expected_finals(workers)
    t1 = time.monotonic()
    out["events_complete"] = bool(sup.wait_until(lambda: _arrived(ev, need), EVENT_WAIT, 0.05))
    out["events_wait_seconds"] = round(time.monotonic() - t1, 2)
    time.sleep(SETTLE)                  # duplicates would come now
    out["events"] = ev.snapshot()
    out["arg_errors"] = ev.arg_errors
    out["callback_threads"] = sorted(ev.threads)

    out["deregister"] = {}
    for label, fn in undo:
        try:
            fn()
            out["deregister"][label] = None
        except Exception as e:
            out["deregister"][label] = "%s: %s" % (type(e).__name__, e)
    _cleanup(lv, conn)
    base.destroy()
    base.undefine()
    out["close_calls"] = list(closes)
    conn.unregisterCloseCallback()
    out["close"] = conn.close()
    out["timer_after"] = sup.timer_fires(lv)
    out["loop_errors"] = list(loop.errors)
    out["unraisable"] = unraisable.snapshot()
    unraisable.__exit__()
    loop.stop()
    return out


# ---- the event burst ------------------------------------------------------------

def case_event_burst(warmup, total, window, limit):
    _time_limit(limit)
    import libvirt as lv
    warmup, total, window = int(warmup), int(total), int(window)
    loop = qd.EventLoopThread(lv).start()
    unraisable = sup.Unraisables().__enter__()
    conn = lv.open("test:///default")
    dom = conn.lookupByName("test")
    opaque = ("opaque", "burst")
    counts = collections.Counter()
    state = {"n": 0, "last": None, "repeats": 0, "bad_args": 0}
    threads = set()

    def cb(c, d, event, detail, op):
        # Kept cheap: it runs 100,000 times.  A duplicate or a lost event
        # breaks the alternation SUSPENDED, RESUMED, SUSPENDED, ...
        counts[event, detail] += 1
        if event == state["last"]:
            state["repeats"] += 1
        state["last"] = event
        if c is not conn or op is not opaque or type(d) is not lv.virDomain:
            state["bad_args"] += 1
        if state["n"] % 4096 == 0:
            threads.add(threading.current_thread().name)
            if d.name() != "test":
                state["bad_args"] += 1
        state["n"] += 1

    cid = conn.domainEventRegisterAny(None, EVENT_ID_LIFECYCLE, cb, opaque)

    def phase(events):
        """events/2 suspend+resume pairs; waits until all are delivered
        (bounded), then SETTLE more seconds; RSS after gc."""
        counts.clear()
        state["n"] = 0
        state["repeats"] = 0
        t = time.monotonic()
        produced = 0
        ahead = 0
        for _ in range(events // 2):
            dom.suspend()
            dom.resume()
            produced += 2
            if window:
                while produced - state["n"] > window:
                    time.sleep(0.0005)
            ahead = max(ahead, produced - state["n"])
        produce_seconds = time.monotonic() - t
        sup.wait_until(lambda: state["n"] >= produced, 30.0, 0.001)
        deliver_seconds = time.monotonic() - t
        time.sleep(SETTLE)
        gc.collect()
        return {"produced": produced, "delivered": state["n"],
                "counts": [[e, d, n] for (e, d), n in sorted(counts.items())],
                "repeats": state["repeats"], "max_ahead": ahead,
                "produce_seconds": round(produce_seconds, 3),
                "deliver_seconds": round(deliver_seconds, 3),
                "rate_per_second": round(produced / deliver_seconds) if deliver_seconds else None,
                "rss_kib": sup.rss_kib()}

    out = {"warmup": phase(warmup), "burst": phase(total)}
    out["bad_args"] = state["bad_args"]
    out["callback_threads"] = sorted(threads)
    out["deregister"] = conn.domainEventDeregisterAny(cid)
    out["close"] = conn.close()
    out["loop_errors"] = list(loop.errors)
    out["unraisable"] = unraisable.snapshot()
    unraisable.__exit__()
    loop.stop()
    return out


if __name__ == "__main__":
    child.main(globals(), exit_at_once=True)
