"""One participant of the scale benchmark, run as a subprocess by bench_scale.py.

    scale_worker.py python --uri K=test:///... [--uri ...] --pairs 100
    scale_worker.py c      --uri K=test:///... --pairs 100
    ... --callgrind --marker LIB     # under valgrind: count instructions

The participant registers libvirt's default event loop and runs it in a
thread, opens one connection per test-driver state (K domains each), lists
each state's domains once and registers one lifecycle callback per
connection. Its operations, on the state of K domains:

    listAllDomains     conn.listAllDomains()
    getAllDomainStats  conn.getAllDomainStats()
    XMLDesc            d.XMLDesc() for every domain d of the state
    events             with the event loop parked, conn.defineXML(xml) +
                       d.undefine() of --pairs new domains; then release
                       the loop, which dispatches the 2 * pairs lifecycle
                       events in one go, and wait for the callbacks
                       (DEFINED, UNDEFINED alternating, checked)

The loop is parked (a timeout callback blocks the loop thread) so that the
events are dispatched in one burst: otherwise how many times the loop wakes
up during the calls, and with it the count, depends on thread scheduling
(the instruction counts varied by +-15% from run to run).

An operation is repeated reps(K) times (the first three; see REPS_DOMAINS)
or run on --pairs pairs (events).

Timing (default): after its set-up the worker prints one JSON line
describing itself; each line of stdin then names a task "K op" and is
answered by {"K op": ns per domain} (per event for `events`). It exits at
end of input.

--callgrind: the process runs under valgrind, uninstrumented through the
set-up (opening 10,000 domains under full callgrind would take many
minutes); it prints its JSON line, then for every state and operation runs
one stretch of n repetitions and one of 2n, each ended by the callgrind
mark "K op n" / "K op 2n", and exits.
"""

import argparse
import gc
import json
import math
import sys
import threading
from itertools import repeat
from time import perf_counter_ns

from worker import loop_parking, protocol_stream, serve

OPERATIONS = ("listAllDomains", "getAllDomainStats", "XMLDesc", "events")
# The first three operations are repeated until they have covered about this
# many domains (at least once), so that small states are measured over more
# than a few microseconds.
REPS_DOMAINS = 1000
TIMEOUT_S = 30
EVENT_DEFINED, EVENT_UNDEFINED = 0, 1   # virDomainEventType, stable ABI


def reps(domains):
    return max(1, math.ceil(REPS_DOMAINS / max(domains, 1)))


def define_xml(i):
    return ("<domain type='test'><name>bench-ev-%d</name>"
            "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
            "<os><type>hvm</type></os></domain>" % i)


# Python loops, the call inlined (no extra Python call charged to the binding).
LOOPS = {
    "listAllDomains": "def run(n):\n"
                      "    for _ in repeat(None, n):\n"
                      "        conn.listAllDomains()\n",
    "getAllDomainStats": "def run(n):\n"
                         "    for _ in repeat(None, n):\n"
                         "        conn.getAllDomainStats()\n",
    "XMLDesc": "def run(n):\n"
               "    for _ in repeat(None, n):\n"
               "        for d in doms:\n"
               "            d.XMLDesc()\n",
    "events": "def run(n):\n"
              "    park()\n"
              "    events.clear()\n"
              "    wake_at[0] = 2 * n\n"
              "    for xml in xmls[:n]:\n"
              "        d = conn.defineXML(xml)\n"
              "        d.undefine()\n"
              "    unpark()\n"
              "    if not wait(True, TIMEOUT_S):\n"
              "        timed_out(2 * n)\n"
              "    check(n)\n",
}


def python_participant(uris, pairs):
    """{(K, op): run(n)} and the description of the participant."""
    import libvirt

    assert (libvirt.VIR_DOMAIN_EVENT_DEFINED, libvirt.VIR_DOMAIN_EVENT_UNDEFINED) == \
        (EVENT_DEFINED, EVENT_UNDEFINED)
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    libvirt.virEventRegisterDefaultImpl()

    def event_loop():
        while libvirt.virEventRunDefaultImpl() == 0:
            pass
        print("virEventRunDefaultImpl failed", file=sys.stderr)

    threading.Thread(target=event_loop, name="libvirt event loop", daemon=True).start()
    # Parked, the loop dispatches the events of a run in one go.
    park, unpark = loop_parking(libvirt, TIMEOUT_S)

    events, wake_at = [], [0]
    done = threading.Lock()
    done.acquire()

    def callback(conn, dom, event, detail, opaque):
        events.append(event)
        if len(events) == wake_at[0]:
            done.release()

    def timed_out(expected):
        raise SystemExit(f"waited {TIMEOUT_S} s for callback {expected}: {len(events)} came")

    def check(n):
        if events != [EVENT_DEFINED, EVENT_UNDEFINED] * n:
            raise SystemExit(f"events: expected {n} x DEFINED, UNDEFINED, got {events[:6]}...")

    xmls = [define_xml(i) for i in range(pairs)]
    runs, counts = {}, {}
    for size, uri in uris:
        conn = libvirt.open(uri)
        doms = conn.listAllDomains()
        counts[size] = len(doms)
        conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, callback, None)
        scope = {"conn": conn, "doms": doms, "xmls": xmls, "events": events,
                 "wake_at": wake_at, "wait": done.acquire, "timed_out": timed_out,
                 "check": check, "repeat": repeat,
                 "park": park, "unpark": unpark, "TIMEOUT_S": TIMEOUT_S}
        for op, source in LOOPS.items():
            namespace = dict(scope)
            exec(source, namespace)
            runs[size, op] = namespace["run"]
    import libvirtmod
    info = {"module": getattr(libvirt, "__file__", None),
            "extension": getattr(libvirtmod, "__file__", None),
            "libvirt_version": libvirt.getVersion(),
            "python": sys.version.split()[0], "domains": counts}
    return runs, info


def c_participant(uris, pairs):
    import scale_c_floor

    lib = scale_c_floor.load()
    if lib.sc_init(pairs) < 0:
        raise SystemExit("C floor: cannot set up the event loop")
    functions = {"listAllDomains": lib.sc_list_all, "getAllDomainStats": lib.sc_all_stats,
                 "XMLDesc": lib.sc_xml_all, "events": lib.sc_events}
    problems = {-1: "a libvirt call failed", -2: f"callbacks missing after {TIMEOUT_S} s",
                -3: "callbacks with the wrong event types"}
    runs, counts = {}, {}
    for size, uri in uris:
        c = lib.sc_open(uri.encode())
        if c < 0:
            raise SystemExit(f"C floor: cannot open {uri}")
        counts[size] = lib.sc_domain_count(c)
        for op, function in functions.items():
            def run(n, function=function, c=c, op=op, size=size):
                elapsed = function(c, n)
                if elapsed < 0:
                    raise SystemExit(f"C floor: {size} {op}: {problems[elapsed]}")
                return elapsed
            runs[size, op] = run
    return runs, {"module": scale_c_floor.__file__, "python": sys.version.split()[0],
                  "domains": counts}


def units(size, op, n, pairs):
    """How many domains (events for `events`) n runs of the task cover."""
    return 2 * n if op == "events" else n * size


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["python", "c"])
    parser.add_argument("--uri", action="append", required=True, metavar="K=URI",
                        help="a test-driver state of K domains (repeatable)")
    parser.add_argument("--pairs", type=int, default=100,
                        help="define/undefine pairs per events task (default 100)")
    parser.add_argument("--callgrind", action="store_true")
    parser.add_argument("--marker", help="the callgrind marker library (with --callgrind)")
    args = parser.parse_args()
    uris = [(int(k), uri) for k, uri in (item.split("=", 1) for item in args.uri)]

    protocol = protocol_stream()
    participant = python_participant if args.kind == "python" else c_participant
    # The callgrind run needs room for the 2n stretch of events.
    runs, info = participant(uris, 2 * args.pairs if args.callgrind else args.pairs)
    for (size, op), run in runs.items():     # warm-up, and a first check
        run(1)
    info.update(pairs=args.pairs, reps={size: reps(size) for size, _ in uris})

    def n_of(size, op):
        return args.pairs if op == "events" else reps(size)

    if args.callgrind:
        import callgrind

        mark = callgrind.Marker(args.marker)
        mark.start_instrumentation()
        print(json.dumps(info), file=protocol, flush=True)
        # Warmed up above; the n stretch also absorbs first-time costs.
        callgrind.measure_loops([(f"{size} {op}", runs[size, op], n_of(size, op))
                                 for size, _ in uris for op in OPERATIONS], mark)
        return

    def run_round(task):
        size, op = task.split(" ", 1)
        size = int(size)
        if (size, op) not in runs:
            raise SystemExit(f"unknown task {task!r}")
        n = n_of(size, op)
        gc.collect()
        gc.disable()
        try:
            start = perf_counter_ns()
            c_elapsed = runs[size, op](n)
            elapsed = perf_counter_ns() - start
        finally:
            gc.enable()
        if c_elapsed is not None:
            elapsed = c_elapsed
        return {task: elapsed / units(size, op, n, args.pairs)}

    serve(protocol, info, run_round)


if __name__ == "__main__":
    main()
