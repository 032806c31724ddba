"""The binding under load: many threads on one connection to a real
libvirtd, and a burst of 100,000 events into Python callbacks.

Each scenario runs in a child interpreter (tests/children/load_cases.py,
through support.child): a crash or a deadlock of the binding fails that
test, with the child's output (faulthandler dumps every thread's stack
when a case overruns its time limit; a thread that does not finish is
reported with its stack).  The expectations are checked here.

Mixed load (needs what tests/test_qemu_events.py needs: root, the packages
and users of scripts/setup-qemu.sh; skipped without them, except under CI)
    A private libvirtd (qemu_daemon.QemuDaemon, with max_client_requests
    raised so that the eight threads' calls are not queued behind the
    daemon's default of five per client) runs a diskless guest.  Eight
    threads share ONE connection to it for LOAD_SECONDS seconds (or
    MAX_OPS operations each), each a seeded random mix of: lookups
    (lookupByName/UUID/UUIDString/ID, listAllDomains), XMLDesc (live and
    inactive), statistics (getAllDomainStats, domainListGetStats, info,
    state, memoryStats, jobStats), typed parameters (memory, blkio, perf
    and NUMA parameters read and set with VIR_DOMAIN_AFFECT_CONFIG -- the
    QEMU driver without cgroups takes them -- and the node's memory
    parameters), setMetadata, deliberate errors (lookups of missing
    domains, networks, pools, secrets), define/undefine of networks,
    storage pools, secrets and guests, and guests started and destroyed
    (createXML, or define + create; some suspended and resumed), at most
    three of them at once.  The default event loop runs in a thread with
    a callback of every family registered on the connection (domain
    lifecycle both through domainEventRegisterAny and the legacy
    domainEventRegister, metadata change, tunable, reboot, network,
    storage pool, node device and secret lifecycle, the close callback).

    Pinned: no crash, no deadlock (every thread finishes within the
    bound), no unexpected exception, each deliberate error is a
    libvirtError with the right code, and every event the load made
    libvirt emit is delivered exactly once: per guest, the (event,
    detail) sequence each lifecycle callback got is exactly what libvirt
    emits for the operations done on it (EMITS below), per network, pool
    and secret DEFINED then UNDEFINED per define/undefine, one metadata
    change per setMetadata; nothing else arrives, every callback runs in
    the event loop thread with the connection and opaque value it was
    registered with, and all of them deregister.

Event burst (test:///default, in the child's own process)
    Suspend/resume of the guest 'test' (SUSPENDED_PAUSED, RESUMED_UNPAUSED)
    with the default event loop in a thread: 10,000 events to warm up,
    then 100,000.  Throttled (the producer at most BURST_WINDOW events
    ahead of the callback), RSS after the 100,000 is within
    RSS_MARGIN_KIB of RSS after the warm-up; unthrottled (the whole burst
    may be queued before it is delivered), none is lost or duplicated
    either.  The count per (event, detail) is exact and the sequence
    alternates (a lost or duplicated event would break it).
"""

import os

import pytest

import qemu_daemon as qd
from support import child, realdaemon, sanitizer
from support.realdaemon import (DEFINED, DEFINED_ADDED, RESUMED, RESUMED_UNPAUSED, SHUTDOWN,
                                SHUTDOWN_HOST, STARTED, STARTED_BOOTED, STOPPED,
                                STOPPED_DESTROYED, SUSPENDED, SUSPENDED_PAUSED, UNDEFINED,
                                UNDEFINED_REMOVED)

REASON, needs_qemu = realdaemon.requirements()

# libvirt constants, spelled out so that the expectations do not depend on
# the binding under test (test_constants_match_the_binding checks them,
# and those tests/children/load_cases.py spells out; the lifecycle ones:
# support/realdaemon.py).
NET_DEFINED, NET_UNDEFINED = 0, 1           # VIR_NETWORK_EVENT_*
POOL_DEFINED, POOL_UNDEFINED = 0, 1         # VIR_STORAGE_POOL_EVENT_*
SECRET_DEFINED, SECRET_UNDEFINED = 0, 1     # VIR_SECRET_EVENT_*
ERR_NO_DOMAIN, ERR_NO_NETWORK, ERR_NO_STORAGE_POOL, ERR_NO_SECRET = 42, 43, 49, 66
METADATA_DESCRIPTION = 0

# What libvirt 9.0 + QEMU 7.2 emit for each operation, as alternatives
# (QEMU's RESUME at start-up may come out as RESUMED before STARTED; the
# SIGTERM of destroy may be reported as a host shutdown before STOPPED).
STARTS = [[(STARTED, STARTED_BOOTED)],
          [(RESUMED, RESUMED_UNPAUSED), (STARTED, STARTED_BOOTED)]]
EMITS = {
    "define": [[(DEFINED, DEFINED_ADDED)]],
    "undefine": [[(UNDEFINED, UNDEFINED_REMOVED)]],
    "create": STARTS,           # createXML (a transient guest)
    "start": STARTS,            # dom.create() of a defined guest
    "suspend": [[(SUSPENDED, SUSPENDED_PAUSED)]],
    "resume": [[(RESUMED, RESUMED_UNPAUSED)]],
    "destroy": [[(STOPPED, STOPPED_DESTROYED)],
                [(SHUTDOWN, SHUTDOWN_HOST), (STOPPED, STOPPED_DESTROYED)]],
}
OBJECT_EVENTS = {"network": {"define": NET_DEFINED, "undefine": NET_UNDEFINED},
                 "pool": {"define": POOL_DEFINED, "undefine": POOL_UNDEFINED},
                 "secret": {"define": SECRET_DEFINED, "undefine": SECRET_UNDEFINED}}

BASE = "loadbase"               # load_cases.BASE: the guest every thread uses
THREADS = 8
LOAD_SECONDS = 25
MAX_OPS = 2000                  # per thread (an operation is 1-9 calls)
JOIN_GRACE = 60.0               # load_cases: threads joined by LOAD_SECONDS + this
MIXED_LIMIT = 170               # the child's own limit (stacks dumped then)
MAX_CLIENT_REQUESTS = 32        # libvirtd.conf; the daemon's default is 5

BURST_WARMUP, BURST_EVENTS = 10_000, 100_000
BURST_WINDOW = 1000
BURST_LIMIT = 50                # seconds; 110,000 events take ~1-3 s here
RSS_MARGIN_KIB = 1024           # 1 MiB over 100,000 events: a leak of more
                                # than ~10 bytes per event fails
EVENT_LOOP_THREAD = "libvirt-event-loop"     # qemu_daemon.EventLoopThread's


def test_constants_match_the_binding():
    import libvirt
    expected = dict(realdaemon.LIFECYCLE, **{
        "VIR_NETWORK_EVENT_DEFINED": NET_DEFINED, "VIR_NETWORK_EVENT_UNDEFINED": NET_UNDEFINED,
        "VIR_STORAGE_POOL_EVENT_DEFINED": POOL_DEFINED,
        "VIR_STORAGE_POOL_EVENT_UNDEFINED": POOL_UNDEFINED,
        "VIR_SECRET_EVENT_DEFINED": SECRET_DEFINED,
        "VIR_SECRET_EVENT_UNDEFINED": SECRET_UNDEFINED,
        "VIR_ERR_NO_DOMAIN": ERR_NO_DOMAIN, "VIR_ERR_NO_NETWORK": ERR_NO_NETWORK,
        "VIR_ERR_NO_STORAGE_POOL": ERR_NO_STORAGE_POOL, "VIR_ERR_NO_SECRET": ERR_NO_SECRET,
        "VIR_DOMAIN_METADATA_DESCRIPTION": METADATA_DESCRIPTION,
        # spelled out in tests/children/load_cases.py
        "VIR_DOMAIN_AFFECT_LIVE": 1, "VIR_DOMAIN_AFFECT_CONFIG": 2,
        "VIR_DOMAIN_XML_INACTIVE": 2, "VIR_DOMAIN_RUNNING": 1,
        "VIR_DOMAIN_STATS_STATE": 1, "VIR_DOMAIN_STATS_CPU_TOTAL": 2,
        "VIR_DOMAIN_STATS_BALLOON": 4, "VIR_DOMAIN_STATS_INTERFACE": 16,
        "VIR_DOMAIN_STATS_PERF": 64, "VIR_DOMAIN_STATS_MEMORY": 256,
        "VIR_DOMAIN_EVENT_ID_REBOOT": 1,
        "VIR_DOMAIN_EVENT_ID_TUNABLE": 17, "VIR_DOMAIN_EVENT_ID_METADATA_CHANGE": 23,
        "VIR_NETWORK_EVENT_ID_LIFECYCLE": 0, "VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE": 0,
        "VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE": 0, "VIR_SECRET_EVENT_ID_LIFECYCLE": 0,
        "VIR_SECRET_USAGE_TYPE_CEPH": 2,
    })
    assert {k: getattr(libvirt, k) for k in expected} == expected


# ---- matching what was done with what arrived -------------------------------------

def emitted_by(ops, events):
    """True when `events` (a list of (event, detail)) is exactly one of
    libvirt's emissions (EMITS) for each operation of `ops`, in order:
    nothing lost, nothing duplicated, nothing else."""
    def match(i, j):
        if i == len(ops):
            return j == len(events)
        return any(events[j:j + len(v)] == v and match(i + 1, j + len(v))
                   for v in EMITS[ops[i]])
    return match(0, 0)


def per_name(records):
    """[(name, a, b), ...] -> {name: [(a, b), ...]} in arrival order."""
    out = {}
    for name, a, b in records:
        out.setdefault(name, []).append((a, b))
    return out


# ---- the mixed load on one connection to a real libvirtd ----------------------------

class LoadDaemon(qd.QemuDaemon):
    """A QemuDaemon whose libvirtd serves up to MAX_CLIENT_REQUESTS calls
    of one client at once (libvirtd's default, 5, would queue the calls
    of three of the eight threads in the daemon)."""

    def write_configs(self):
        super().write_configs()
        with open(os.path.join(self.etc_dir, "libvirtd.conf"), "a") as f:
            f.write("max_client_requests = %d\n" % MAX_CLIENT_REQUESTS)


@pytest.fixture(scope="module")
def daemon():
    realdaemon.fail_in_ci(REASON)
    d = LoadDaemon(cache_dir=qd.shared_cache_dir())
    try:
        d.start()
        yield d
    finally:
        d.stop()


@pytest.fixture(scope="module")
def mixed_load(daemon):
    """One run of the load, for the tests that check what it did."""
    done = child.run("load_cases", "mixed_load", daemon.uri, THREADS, LOAD_SECONDS,
                     MAX_OPS, MIXED_LIMIT, timeout=MIXED_LIMIT + 10, expect=None)
    assert done.returncode == 0 and not done.timed_out, \
        "%s\n--- libvirtd log ---\n%s" % (done.output, daemon.read_log()[-3000:])
    return done.value, done.output


@needs_qemu
def test_eight_threads_of_mixed_calls_on_one_connection_neither_crash_nor_deadlock_nor_raise(
        mixed_load):
    out, output = mixed_load
    assert out["stuck"] == {}, "threads that did not finish:\n%s" % "\n".join(
        "--- %s\n%s" % kv for kv in out["stuck"].items())
    assert len(out["threads"]) == THREADS
    for t in out["threads"]:
        assert t["finished_after"] is not None and \
            t["finished_after"] <= LOAD_SECONDS + JOIN_GRACE, t
        assert t["errors"] == [], "thread %d:\n%s" % (
            t["tid"], "\n".join(e["traceback"] for e in t["errors"]))
    totals = {}
    for t in out["threads"]:
        for op, n in t["ops"].items():
            totals[op] = totals.get(op, 0) + n
    # The mix did run: every kind of operation, guests started and stopped.
    for op in ("lookup", "xml", "stats", "typed", "metadata", "errors", "objects",
               "define_undefine", "guest"):
        assert totals.get(op, 0) > 0, (op, totals)
    assert totals.get("guest_transient", 0) + totals.get("guest_persistent", 0) > 0, totals
    # Each deliberate error was a libvirtError with the code of what was missing.
    for t in out["threads"]:
        n = t["ops"].get("errors", 0)
        assert t["error_codes"] == ({} if n == 0 else {
            str(ERR_NO_DOMAIN): 2 * n, str(ERR_NO_NETWORK): n,
            str(ERR_NO_STORAGE_POOL): n, str(ERR_NO_SECRET): n}), t
    assert out["loop_errors"] == []
    assert out["unraisable"] == []
    assert out["timer_after"] is not None, "the event loop no longer dispatches timers"


@needs_qemu
def test_every_event_the_load_caused_reaches_each_callback_exactly_once(mixed_load):
    out, output = mixed_load
    assert out["stuck"] == {}, "threads did not finish (see the other test)"
    assert out["events_complete"], "events still missing after the wait"
    events = out["events"]
    done = dict(out["domains"], **{BASE: out["base_ops"]})
    for family in ("lifecycle", "legacy"):
        got = {n: [tuple(e) for e in evs]
               for n, evs in per_name(events.get(family, [])).items()}
        assert set(got) == set(done), \
            "%s: events for %r, operations on %r" % (family, sorted(got), sorted(done))
        wrong = {n: (ops, got[n]) for n, ops in done.items() if not emitted_by(ops, got[n])}
        assert wrong == {}, "%s: operations -> (event, detail) received:\n%s" % (
            family, "\n".join("%s: %r" % kv for kv in sorted(wrong.items())))
    # The legacy callback saw exactly what the domainEventRegisterAny one saw.
    assert per_name(events["legacy"]) == per_name(events["lifecycle"])
    # One metadata change per setMetadata of the threads, all of the base guest.
    meta = [tuple(e) for e in events.get("metadata", [])]
    assert meta == [(BASE, METADATA_DESCRIPTION, None)] * out["metadata_sets"], \
        (len(meta), out["metadata_sets"], sorted(set(meta)))
    assert out["metadata_sets"] > 0
    # Networks, storage pools, secrets: DEFINED then UNDEFINED, once each.
    defined = 0
    for family, codes in OBJECT_EVENTS.items():
        expected = {n: [(codes[op], 0) for op in ops]
                    for n, ops in out["objects"][family].items()}
        got = {n: [tuple(e) for e in evs]
               for n, evs in per_name(events.get(family, [])).items()}
        assert got == expected, family
        defined += len(expected)
    assert defined > 0
    # Registered, never caused: nothing may arrive.
    for family in ("tunable", "reboot", "nodedev"):
        assert events.get(family, []) == [], family
    assert out["arg_errors"] == []
    assert out["callback_threads"] == [EVENT_LOOP_THREAD]
    assert out["deregister"] == {k: None for k in (
        "lifecycle", "legacy", "metadata", "tunable", "reboot",
        "network", "pool", "nodedev", "secret")}
    assert out["close_calls"] == []
    assert type(out["close"]) is int and out["close"] >= 0


# ---- the event burst into Python callbacks ------------------------------------------

def burst(window):
    done = child.run("load_cases", "event_burst", BURST_WARMUP, BURST_EVENTS, window,
                     BURST_LIMIT, timeout=BURST_LIMIT + 10, expect=None)
    assert done.returncode == 0 and not done.timed_out, done.output
    return done.value


def check_burst_phase(phase, events):
    assert phase["produced"] == events
    assert phase["delivered"] == events, phase
    assert phase["counts"] == [[SUSPENDED, SUSPENDED_PAUSED, events // 2],
                               [RESUMED, RESUMED_UNPAUSED, events // 2]], phase
    assert phase["repeats"] == 0, phase


def check_burst(out):
    check_burst_phase(out["warmup"], BURST_WARMUP)
    check_burst_phase(out["burst"], BURST_EVENTS)
    assert out["bad_args"] == 0
    assert out["callback_threads"] == [EVENT_LOOP_THREAD]
    assert out["deregister"] is None
    assert out["loop_errors"] == [] and out["unraisable"] == []


def test_100000_events_reach_a_python_callback_once_each_and_rss_stays_flat():
    out = burst(BURST_WINDOW)
    check_burst(out)
    assert out["burst"]["max_ahead"] <= BURST_WINDOW + 2
    if sanitizer.ASAN_PRELOADED:
        return   # sanitizer.RSS_UNMEASURABLE; the counts above still hold
    growth = out["burst"]["rss_kib"] - out["warmup"]["rss_kib"]
    assert growth <= RSS_MARGIN_KIB, \
        ("RSS grew by %d KiB over %d events (after %d to warm up; allowed %d KiB)"
         % (growth, BURST_EVENTS, BURST_WARMUP, RSS_MARGIN_KIB))


def test_100000_events_queued_faster_than_delivered_all_arrive_once():
    out = burst(0)
    check_burst(out)
