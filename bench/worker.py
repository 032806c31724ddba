"""One benchmark participant, run as a subprocess by bench.py.

    worker.py python --target-ms 30   # times `import libvirt` of this interpreter
    worker.py c      --target-ms 30   # times the C floor (see c_floor.py)
    worker.py python --callgrind 1000 --marker LIB   # run under callgrind

On start it calibrates a batch size per call (so each batch takes about
--target-ms), then prints one JSON line describing itself. After that, every
line read from stdin runs one round, answered by one JSON line
{label: ns per call}. It exits at end of input.

With --callgrind N (the process then runs under valgrind, see callgrind.py)
it prints the JSON line describing itself, runs each call's loop for N and
for 2N iterations, each stretch ended by a callgrind mark named after the
call's index in CALLS ("3 n", "3 2n"; "bare n", "bare 2n" for the empty
Python loop), and exits.
"""

import argparse
import gc
import json
import os
import sys
import textwrap
import threading
import time
from itertools import repeat

URI = "test:///default"

# (label, Python statement, C floor function); `conn`, `dom` and
# `libvirtError` are in scope for the statements. A call is labelled by its
# statement, but for the one whose statement is a try block.
CALLS = [(statement, statement, floor) for statement, floor in (
    ("dom.name()", "floor_name"),
    ("dom.ID()", "floor_id"),
    ("dom.UUIDString()", "floor_uuid_string"),
    ("dom.info()", "floor_info"),
    ("dom.state()", "floor_state"),
    ("conn.getVersion()", "floor_get_version"),
    ("conn.lookupByName('test')", "floor_lookup_by_name"),
    ("conn.listAllDomains()", "floor_list_all_domains"),
    ("dom.memoryStats()", "floor_memory_stats"),
    ("conn.getCPUStats(-1)", "floor_cpu_stats"),
    ("dom.schedulerParameters()", "floor_scheduler_parameters"),
    ("conn.getAllDomainStats()", "floor_all_domain_stats"),
)] + [
    ("lookupByName('nope') raises",
     "try:\n    conn.lookupByName('nope')\nexcept libvirtError:\n    pass",
     "floor_lookup_fails"),
]


def make_python_loop(statement, namespace):
    """Compile `for _ in repeat(None, n): <statement>` as a function of n.

    The statement is inlined rather than wrapped in a lambda, so no extra
    Python call is charged to the binding.
    """
    source = ("def loop(n):\n"
              "    for _ in repeat(None, n):\n"
              + textwrap.indent(statement, " " * 8) + "\n")
    scope = dict(namespace, repeat=repeat)
    exec(source, scope)
    return scope["loop"]


def python_participant():
    import libvirt

    # Keep the expected 'Domain not found' off stderr.
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    conn = libvirt.open(URI)
    namespace = {"conn": conn, "dom": conn.lookupByName("test"),
                 "libvirtError": libvirt.libvirtError}
    loops = {label: make_python_loop(stmt, namespace) for label, stmt, _ in CALLS}
    import libvirtmod
    info = {"module": getattr(libvirt, "__file__", None),
            "extension": getattr(libvirtmod, "__file__", None),
            "libvirt_version": libvirt.getVersion(),
            "python": sys.version.split()[0]}
    return loops, info


def c_participant():
    import c_floor

    lib = c_floor.load()
    if lib.floor_setup(URI.encode()) < 0:
        raise SystemExit(f"C floor: cannot open {URI} or find domain 'test'")

    def make_loop(function):
        def loop(n):
            elapsed = function(n)
            if elapsed < 0:
                raise SystemExit(f"C floor: {function.__name__} failed")
            return elapsed
        return loop

    loops = {label: make_loop(getattr(lib, name)) for label, _, name in CALLS}
    return loops, {"module": c_floor.__file__, "python": sys.version.split()[0]}


def timed(loop, n):
    """Elapsed ns of one batch; the C loop returns its own C-side time."""
    gc.collect()
    # Like timeit: cyclic GC pauses depend on the whole heap, not the call.
    gc.disable()
    try:
        start = time.perf_counter_ns()
        c_elapsed = loop(n)
        elapsed = time.perf_counter_ns() - start
    finally:
        gc.enable()
    return c_elapsed if c_elapsed is not None else elapsed


def calibrate(loop, target_ns):
    """Batch size whose run takes about target_ns (also warms the call up)."""
    n = 1
    while True:
        elapsed = timed(loop, n)
        if elapsed >= target_ns / 4:
            return max(1, round(n * target_ns / elapsed))
        n *= 2 if elapsed > 0 else 10


def empty_loop_ns(target_ns):
    """Per-iteration cost of the bare `for` loop, subtracted from every call."""
    loop = make_python_loop("pass", {})
    n = calibrate(loop, target_ns)
    return min(timed(loop, n) for _ in range(5)) / n


def protocol_stream():
    """Take stdout for the protocol; anything a library prints goes to stderr."""
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    return protocol


def loop_parking(libvirt, timeout_s):
    """(park, unpark) for the running default event loop.

    park() makes a timeout callback block the loop thread and returns once
    it does; until unpark() libvirt queues the events, which the loop then
    dispatches in one go.
    """
    parked, resume = threading.Lock(), threading.Lock()
    parked.acquire()
    resume.acquire()

    def park_callback(timer, opaque):
        libvirt.virEventUpdateTimeout(timer, -1)
        parked.release()
        if not resume.acquire(True, timeout_s):
            print("event loop parked for too long", file=sys.stderr)

    park_timer = libvirt.virEventAddTimeout(-1, park_callback, None)

    def park():
        libvirt.virEventUpdateTimeout(park_timer, 0)
        if not parked.acquire(True, timeout_s):
            raise SystemExit("could not park the event loop")

    return park, resume.release


def serve(protocol, info, run_round):
    """Announce `info`, then answer every line of stdin with one round's
    {label: ns}, until end of input. The line (what to run) is passed to
    run_round."""
    print(json.dumps(info), file=protocol, flush=True)
    for line in sys.stdin:
        print(json.dumps(run_round(line.strip())), file=protocol, flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["python", "c"])
    parser.add_argument("--target-ms", type=float, default=30)
    parser.add_argument("--callgrind", type=int, metavar="N",
                        help="count instructions of N and 2N iterations instead of timing")
    parser.add_argument("--marker", help="the callgrind marker library (with --callgrind)")
    args = parser.parse_args()
    target_ns = args.target_ms * 1e6

    protocol = protocol_stream()
    loops, info = python_participant() if args.kind == "python" else c_participant()
    if args.callgrind:
        import callgrind

        mark = callgrind.Marker(args.marker)
        n = args.callgrind
        keyed = [(str(index), loops[label], n) for index, (label, _, _) in enumerate(CALLS)]
        if args.kind == "python":
            keyed.append(("bare", make_python_loop("pass", {}), n))
        print(json.dumps(info), file=protocol, flush=True)
        callgrind.measure_loops(keyed, mark, warm=min(n, 100))
        return
    loop_overhead = empty_loop_ns(target_ns) if args.kind == "python" else 0.0
    batch = {label: calibrate(loop, target_ns) for label, loop in loops.items()}
    info.update(batch_sizes=batch, loop_overhead_ns=loop_overhead)

    def run_round(_request):
        return {label: timed(loop, batch[label]) / batch[label] - loop_overhead
                for label, loop in loops.items()}

    serve(protocol, info, run_round)


if __name__ == "__main__":
    main()
