"""One participant of the event benchmark, run as a subprocess by bench_events.py.

    events_worker.py python --events 2000   # `import libvirt` of this interpreter
    events_worker.py c      --events 2000   # the same scenarios in C (events_c_floor.py)

Each participant registers libvirt's default event loop, runs it in a thread
(`virEventRunDefaultImpl()` in a loop), opens test:///default and registers
one lifecycle callback. A scenario alternates two calls, each of which makes
the test driver emit one lifecycle event:

    suspend/resume     dom.suspend() -> SUSPENDED,  dom.resume() -> RESUMED
    createXML/destroy  conn.createXML(xml) -> STARTED,  dom.destroy() -> STOPPED

A task is one scenario in one mode:

    pipelined  all n calls back to back, then wait for the n-th callback:
               ns/event = (last callback - first call) / n
    burst      park the event loop, make all n calls (libvirt queues the
               events), release the loop, which dispatches them in one go:
               dispatch ns/event = (last callback - first callback) / (n - 1)
    lock-step  each call waits for its own callback, and for the event loop
               to finish that iteration, before the next one: latency
               call -> callback of every event (p50, p99), each call made
               with the loop idle

Every task checks that exactly n callbacks came, with the expected events in
order, and exits with an error otherwise. The protocol is worker.py's: after
a warm-up it prints one JSON line describing itself, then each line of stdin
names a task (e.g. "suspend/resume lock-step"), answered by one JSON line
{label: ns}.
"""

import argparse
import gc
import math
import sys
import threading
import time
from itertools import repeat
from time import perf_counter_ns

from worker import URI, loop_parking, protocol_stream, serve

DOMAIN_XML = ("<domain type='test'><name>bench-events</name>"
              "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
              "<os><type>hvm</type></os></domain>")

# libvirt's virDomainEventType values (stable ABI; checked against the
# Python module in python_participant).
EVENT_NAMES = {2: "STARTED", 3: "SUSPENDED", 4: "RESUMED", 5: "STOPPED"}

# (label, first call, second call, event of the first, event of the second,
# events per task as a share of --events). `conn`, `dom` and DOMAIN_XML are
# in scope for the calls; the first call of createXML/destroy binds `d` for
# the second. createXML/destroy costs libvirt ~10x more per event, so it
# runs half as many to keep its tasks from dominating the run time.
SCENARIOS = [
    ("suspend/resume", "dom.suspend()", "dom.resume()", 3, 4, 1),
    ("createXML/destroy", "d = conn.createXML(DOMAIN_XML)", "d.destroy()", 2, 5, 0.5),
]
MODES = ("pipelined", "burst", "lock-step")
TASKS = [f"{scenario[0]} {mode}" for scenario in SCENARIOS for mode in MODES]

TIMEOUT_S = 10
WARMUP_EVENTS = 200

# The modes as Python source, with the scenario's calls inlined (no extra
# Python call is charged to the binding). `wait(True, timeout)` blocks until
# the callback that brings the count to `wake_at[0]` releases it. Each
# returns (start, call timestamps or None).
PIPELINED = """
def run(n):
    wake_at[0] = n
    start = perf_counter_ns()
    for _ in repeat(None, n // 2):
        {first}
        {second}
    if not wait(True, TIMEOUT_S):
        timed_out(n)
    return start, None
"""

BURST = """
def run(n):
    park()
    wake_at[0] = n
    for _ in repeat(None, n // 2):
        {first}
        {second}
    start = perf_counter_ns()
    unpark()
    if not wait(True, TIMEOUT_S):
        timed_out(n)
    return start, None
"""

# Lock-step: `settle[0]` makes the waking callback ask the loop thread to
# signal `idle` once it is done with that iteration, so that the next call
# does not collide with the tail of the previous dispatch. One step per call
# of the pair.
LOCKSTEP_STEP = """
        wake_at[0] = i + {k}
        t = perf_counter_ns()
        {{{call}}}
        if not wait(True, TIMEOUT_S) or not idle(True, TIMEOUT_S):
            timed_out(i + {k})
        calls.append(t)"""
LOCKSTEP = """
def run(n):
    calls = []
    settle[0] = True
    start = perf_counter_ns()
    for i in range(0, n, 2):""" + LOCKSTEP_STEP.format(k=1, call="first") \
    + LOCKSTEP_STEP.format(k=2, call="second") + """
    settle[0] = False
    return start, calls
"""

TEMPLATES = {"pipelined": PIPELINED, "burst": BURST, "lock-step": LOCKSTEP}


def python_participant():
    """{task: measure(n) -> (start, calls, stamps, events)}, received(), info."""
    import libvirt

    for value, name in EVENT_NAMES.items():
        assert getattr(libvirt, f"VIR_DOMAIN_EVENT_{name}") == value, name

    libvirt.virEventRegisterDefaultImpl()
    settle, notify = [False], [False]
    idle = threading.Lock()
    idle.acquire()

    def event_loop():
        while libvirt.virEventRunDefaultImpl() == 0:
            if notify[0]:
                notify[0] = False
                idle.release()
        print("virEventRunDefaultImpl failed", file=sys.stderr)

    threading.Thread(target=event_loop, name="libvirt event loop", daemon=True).start()
    # Parking the loop for a burst; not part of anything timed.
    park, unpark = loop_parking(libvirt, TIMEOUT_S)

    conn = libvirt.open(URI)
    stamps, events, wake_at = [], [], [0]
    done = threading.Lock()
    done.acquire()

    def callback(conn, dom, event, detail, opaque):
        stamps.append(perf_counter_ns())
        events.append(event)
        if len(stamps) == wake_at[0]:
            notify[0] = settle[0]
            done.release()

    conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, callback, None)

    def timed_out(expected):
        raise SystemExit(f"waited {TIMEOUT_S} s for callback {expected}:"
                         f" {len(stamps)} came, the last ones {events[-4:]}")

    namespace = {"conn": conn, "dom": conn.lookupByName("test"), "DOMAIN_XML": DOMAIN_XML,
                 "wake_at": wake_at, "wait": done.acquire, "timed_out": timed_out,
                 "park": park, "unpark": unpark,
                 "settle": settle, "idle": idle.acquire,
                 "perf_counter_ns": perf_counter_ns, "repeat": repeat, "TIMEOUT_S": TIMEOUT_S}

    def compile_task(mode, first, second):
        scope = dict(namespace)
        exec(TEMPLATES[mode].format(first=first, second=second), scope)
        run = scope["run"]

        def measure(n):
            stamps.clear()
            events.clear()
            start, calls = run(n)
            return start, calls, list(stamps), list(events)
        return measure

    tasks = {f"{label} {mode}": compile_task(mode, first, second)
             for label, first, second, *_ in SCENARIOS for mode in MODES}
    import libvirtmod
    info = {"module": getattr(libvirt, "__file__", None),
            "extension": getattr(libvirtmod, "__file__", None),
            "libvirt_version": libvirt.getVersion(),
            "python": sys.version.split()[0]}
    return tasks, (lambda: len(stamps)), info


def c_participant():
    import events_c_floor

    module = events_c_floor.load()
    ffi, lib = module.ffi, module.lib
    if lib.ev_setup(URI.encode(), DOMAIN_XML.encode()) < 0:
        raise SystemExit(f"C floor: cannot set up the event loop, {URI} or its callback")

    def make_measure(index, mode):
        def measure(n):
            calls = ffi.new("long long[]", n)
            stamps = ffi.new("long long[]", n)
            events = ffi.new("int[]", n)
            got = ffi.new("long *")
            start = lib.ev_run(index, MODES.index(mode), n, calls, stamps, events, got)
            task = f"{SCENARIOS[index][0]} {mode}"
            if start == -1:
                raise SystemExit(f"C floor: {task}: a call (or parking the loop) failed")
            received = min(got[0], n)
            if start == -2:
                last = list(events[max(0, received - 4):received])
                raise SystemExit(f"C floor: {task}: waited {TIMEOUT_S} s for a callback:"
                                 f" {got[0]} of {n} came, the last ones {last}")
            return (start, list(calls) if mode == "lock-step" else None,
                    list(stamps[0:received]), list(events[0:received]))
        return measure

    tasks = {f"{label} {mode}": make_measure(index, mode)
             for index, (label, *_) in enumerate(SCENARIOS) for mode in MODES}
    return tasks, lib.ev_received, {"module": events_c_floor.__file__,
                                    "python": sys.version.split()[0]}


def percentile(sorted_values, q):
    """Nearest-rank percentile (q in 0..100) of an already sorted list."""
    return sorted_values[max(0, math.ceil(q / 100 * len(sorted_values)) - 1)]


def check(task, n, first_event, second_event, start, calls, stamps, events):
    """Exactly one callback per call, with the expected event, in order."""
    expected = [first_event, second_event] * (n // 2)
    problem = None
    if len(events) != n:
        problem = f"{len(events)} callbacks for {n} events"
    elif events != expected:
        i = next(i for i, (a, b) in enumerate(zip(events, expected)) if a != b)
        problem = (f"callback {i} got event {EVENT_NAMES.get(events[i], events[i])}, "
                   f"expected {EVENT_NAMES[expected[i]]}")
    elif stamps[0] < start:
        problem = "a callback came before the first call (or, for a burst, before the release)"
    elif calls is not None and (len(calls) != n or any(s < c for s, c in zip(stamps, calls))):
        problem = "callback timestamps do not follow their calls"
    if problem:
        raise SystemExit(f"{task}: {problem}")


def events_per_task(scenario, events):
    """How many events (even, >= 2) a task of `scenario` makes for --events."""
    share = next(s[5] for s in SCENARIOS if s[0] == scenario)
    return max(2, int(events * share) // 2 * 2)


def run_task(tasks, task, events):
    """Run one task on the scenario's share of `events`; {label: ns}."""
    scenario, mode = task.rsplit(" ", 1)
    _, _, _, first_event, second_event, _ = next(s for s in SCENARIOS if s[0] == scenario)
    n = events_per_task(scenario, events)
    gc.collect()
    # Like timeit: cyclic GC pauses depend on the whole heap, not the events.
    gc.disable()
    try:
        start, calls, stamps, seen = tasks[task](n)
    finally:
        gc.enable()
    check(task, n, first_event, second_event, start, calls, stamps, seen)
    if mode == "pipelined":
        return {f"{scenario} pipelined ns/event": (stamps[-1] - start) / n}
    if mode == "burst":
        return {f"{scenario} dispatch ns/event": (stamps[-1] - stamps[0]) / (n - 1),
                f"{scenario} burst wake-up ns": stamps[0] - start}
    latencies = sorted(s - c for s, c in zip(stamps, calls))
    return {f"{scenario} p50": percentile(latencies, 50),
            f"{scenario} p99": percentile(latencies, 99)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["python", "c"])
    parser.add_argument("--events", type=int, default=2000,
                        help="events per task of suspend/resume (createXML/destroy: half)")
    args = parser.parse_args()
    if args.events < 2:
        parser.error("--events must be at least 2")

    protocol = protocol_stream()
    tasks, received, info = python_participant() if args.kind == "python" else c_participant()
    for task in TASKS:   # warm-up, and a first check
        run_task(tasks, task, WARMUP_EVENTS)
    info.update(events=args.events)

    def run_round(task):
        if task not in tasks:
            raise SystemExit(f"unknown task {task!r}; known: {', '.join(TASKS)}")
        return run_task(tasks, task, args.events)

    serve(protocol, info, run_round)

    # No stray events after the last task either.
    before = received()
    time.sleep(0.1)
    if received() != before:
        raise SystemExit(f"{received() - before} unexpected callbacks after the last task")


if __name__ == "__main__":
    main()
