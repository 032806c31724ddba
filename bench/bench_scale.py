#!/usr/bin/env python3
"""Per-domain cost of whole-state operations as the state grows.

listAllDomains(), getAllDomainStats(), XMLDesc() of every domain, and
lifecycle-event delivery (define/undefine, default event loop), on test-driver
states of 10, 100, 1,000 and 10,000 domains (test:///<generated file>), for
our binding, the reference and the C floor. Each participant runs in its own
process (scale_worker.py): first timed, in rounds taken in turn (best round
counts), then once under callgrind for instruction counts, which the
machine's noise does not move. See README.md.
"""

import argparse
import json
import sys
import time
import uuid
from pathlib import Path

import callgrind
from bench import (BENCH_DIR, Worker, ensure_reference_venv, env_without_pythonpath,
                   print_header, python_with_cffi, quick_defaults, run_in_parallel,
                   run_rounds_and_close)
from scale_worker import OPERATIONS

STATE_DIR = BENCH_DIR / "_build" / "scale"
DEFAULT_SIZES = (10, 100, 1000, 10000)
GOAL_RATIO = 0.5
WALL_RESOLUTION = 0.10
PARTICIPANTS = ("ours", "reference", "C floor")


def state_file(domains):
    """The test-driver state of `domains` running domains (made once)."""
    path = STATE_DIR / f"test-{domains}.xml"
    if not path.exists():
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        lines = ["<node>"]
        for i in range(domains):
            lines.append(f"  <domain type='test'><name>dom-{i:05d}</name>"
                         f"<uuid>{uuid.UUID(int=i + 1)}</uuid>"
                         "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                         "<os><type>hvm</type></os></domain>")
        lines.append("</node>")
        tmp = path.with_suffix(".tmp")
        tmp.write_text("\n".join(lines) + "\n")
        tmp.replace(path)
    return path


def participants():
    """(name, python, kind, env) of ours, the reference and the C floor."""
    return [("ours", sys.executable, "python", None),
            ("reference", ensure_reference_venv(), "python", env_without_pythonpath()),
            ("C floor", python_with_cffi(), "c", None)]


def worker_args(sizes, pairs):
    return [arg for size in sizes for arg in ("--uri", f"{size}=test://{state_file(size)}")] + \
        ["--pairs", pairs]


def timed(sizes, pairs, rounds, budget):
    """Each participant's samples {task: [ns per domain]}, their descriptions
    and the number of rounds run."""
    args = worker_args(sizes, pairs)
    # Started side by side: opening 10,000 domains takes each one ~15 s, and
    # nothing is timed yet.
    workers = run_in_parallel([
        lambda n=name, p=python, k=kind, e=env: Worker(n, p, "scale_worker.py", k, *args, env=e)
        for name, python, kind, env in participants()])
    tasks = [f"{size} {op}" for size in sizes for op in OPERATIONS]
    done = run_rounds_and_close(workers, rounds, tasks,
                                time.monotonic() + budget if budget else None)
    return workers, done


def counted(sizes, pairs, keep=None):
    """{participant: {task: instructions per domain}} from one callgrind run each
    (dumps kept in `keep`, if given, as ours.N, reference.N, C-floor.N)."""
    marker = callgrind.mark_library()
    args = worker_args(sizes, pairs)
    # (The timed run before has built the C floor, outside valgrind.)
    people = participants()

    def job(name, python, kind, env):
        argv = [callgrind.real_executable(python), BENCH_DIR / "scale_worker.py", kind, *args,
                "--callgrind", "--marker", marker]
        return callgrind.run(argv, env=env, instrument_at_start=False,
                             keep=keep and Path(keep) / name.replace(" ", "-"))

    outputs = run_in_parallel([lambda person=person: job(*person) for person in people])
    counts = {}
    for (name, *_), (stdout, dumps) in zip(people, outputs):
        marks, info = dict(dumps), json.loads(stdout.splitlines()[0])
        counts[name] = {}
        for size in sizes:
            for op in OPERATIONS:
                n = pairs if op == "events" else info["reps"][str(size)]
                per_run = callgrind.per_iteration(marks, f"{size} {op}", n)
                counts[name][f"{size} {op}"] = per_run / (2 if op == "events" else size)
    return counts


def ratio(o, r, c):
    return (o - c) / (r - c) if r > c else None


def wall_ratio(o, r, c):
    """The wall-clock ratio, unless the reference's overhead is under
    WALL_RESOLUTION of the floor: then the noise (+-30% here) swamps both
    overheads and the ratio means nothing."""
    return ratio(o, r, c) if r - c > WALL_RESOLUTION * c else None


def fmt(value, digits=0, width=8):
    return f"{'n/a':>{width}}" if value is None else f"{value:{width}.{digits}f}"


def summarize(sizes, walls, counts):
    rows = []
    for op in OPERATIONS:
        for size in sizes:
            task = f"{size} {op}"
            row = {"operation": op, "domains": size}
            w = [walls[name][task] for name in PARTICIPANTS]
            row.update(wall_ns=dict(zip(PARTICIPANTS, w)), wall_ratio=wall_ratio(*w))
            if counts:
                i = [counts[name][task] for name in PARTICIPANTS]
                row.update(instructions=dict(zip(PARTICIPANTS, i)), instr_ratio=ratio(*i))
            rows.append(row)
    return rows


def growth(rows, op, key, name, overhead=False):
    """Per-domain cost at the largest state over that at the smallest: 1.0 is
    linear growth of the whole operation."""
    mine = [row for row in rows if row["operation"] == op]
    first, last = mine[0][key], mine[-1][key]
    if overhead:
        a, b = first[name] - first["C floor"], last[name] - last["C floor"]
    else:
        a, b = first[name], last[name]
    return b / a if a > 0 else None


def print_tables(rows, sizes, rounds, pairs):
    have_instr = "instructions" in rows[0]
    for op in OPERATIONS:
        unit = "event" if op == "events" else "domain"
        print(f"{op}: cost per {unit}" + (f" ({pairs} define/undefine pairs per run)"
                                          if op == "events" else ""))
        header = f"{'domains':>8} | {'ours':>8} {'ref':>8} {'C floor':>8} {'o/r':>6}"
        units = f"{'':>8} | {'ns':>8} {'ns':>8} {'ns':>8} {'':>6}"
        if have_instr:
            header += f" | {'ours':>8} {'ref':>8} {'C floor':>8} {'ours-C':>8} {'ref-C':>8} {'o/r':>6}"
            units += f" | {'instr':>8} {'instr':>8} {'instr':>8} {'instr':>8} {'instr':>8} {'':>6}"
        print(header)
        print(units)
        for row in (r for r in rows if r["operation"] == op):
            w = row["wall_ns"]
            line = (f"{row['domains']:>8} | {fmt(w['ours'])} {fmt(w['reference'])}"
                    f" {fmt(w['C floor'])} {fmt(row['wall_ratio'], 2, 6)}")
            if have_instr:
                i = row["instructions"]
                mark = " ok" if row["instr_ratio"] is not None and \
                    row["instr_ratio"] <= GOAL_RATIO else ""
                line += (f" | {fmt(i['ours'])} {fmt(i['reference'])} {fmt(i['C floor'])}"
                         f" {fmt(i['ours'] - i['C floor'])} {fmt(i['reference'] - i['C floor'])}"
                         f" {fmt(row['instr_ratio'], 2, 6)}{mark}")
            print(line)
        key = "instructions" if have_instr else "wall_ns"
        cells = [f"{name} {fmt(growth(rows, op, key, name), 2, 4)}" for name in PARTICIPANTS]
        cells += [f"ours-C {fmt(growth(rows, op, key, 'ours', True), 2, 4)}",
                  f"ref-C {fmt(growth(rows, op, key, 'reference', True), 2, 4)}"]
        print(f"{'growth':>8} | per-{unit} cost at {sizes[-1]} / at {sizes[0]}"
              f" ({'instructions' if have_instr else 'ns'}): " + ", ".join(cells))
        print()
    print(f"ns: best of {rounds} rounds, per domain (event); o/r = (ours - C) / (ref - C),"
          f" goal <= {GOAL_RATIO} ('ok', instructions);")
    print(f"wall-clock o/r n/a: the reference's overhead is under {WALL_RESOLUTION:.0%} of"
          " the floor, within the noise.")
    if have_instr:
        print("instructions: callgrind, (I(2n) - I(n)) / n runs, per domain (event);"
              " growth 1.00 = cost linear in the number of domains.")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: states of 10 and 100, 2 rounds, 10 pairs")
    parser.add_argument("--sizes", help="comma-separated state sizes (default 10,100,1000,10000)")
    parser.add_argument("--pairs", type=int,
                        help="define/undefine pairs per events run (default 100)")
    parser.add_argument("--rounds", type=int, help="timed rounds, at most (default 30)")
    parser.add_argument("--budget", type=float,
                        help="stop the timed rounds after this many seconds (default 120)")
    parser.add_argument("--no-instructions", action="store_true",
                        help="skip the callgrind counts (then growth is from wall clock)")
    parser.add_argument("--keep-callgrind", metavar="DIR",
                        help="keep the callgrind dumps in DIR (ours.N, reference.N, C-floor.N;"
                             " marks in the order size, operation: start, n, 2n)")
    parser.add_argument("--json", metavar="FILE", help="also write the results here")
    args = parser.parse_args()
    if args.sizes:
        args.sizes = sorted({int(size) for size in args.sizes.split(",")})
    else:
        args.sizes = [10, 100] if args.quick else list(DEFAULT_SIZES)
    quick_defaults(args, pairs=(10, 100), rounds=(2, 30), budget=(0, 120))
    if min(args.sizes) < 1 or args.pairs < 1 or args.rounds < 1:
        parser.error("sizes, --pairs and --rounds must be positive")
    return args


def main():
    args = parse_args()
    started = time.monotonic()
    reason = None if args.no_instructions else callgrind.available()
    if reason:
        raise SystemExit(f"instruction counts: {reason} (or use --no-instructions)")
    workers, rounds = timed(args.sizes, args.pairs, args.rounds, args.budget)
    timed_s = time.monotonic() - started
    walls = {w.name: {task: w.best(task) for task in w.samples} for w in workers}
    counts = None if args.no_instructions else counted(args.sizes, args.pairs,
                                                       args.keep_callgrind)

    ours, reference, _ = workers
    same_module = print_header(ours, reference, target="test:///<state of N domains>")
    rows = summarize(args.sizes, walls, counts)
    print_tables(rows, args.sizes, rounds, args.pairs)
    elapsed = time.monotonic() - started
    print(f"Total run time {elapsed:.0f} s (timed rounds {timed_s:.0f} s,"
          f" callgrind {elapsed - timed_s:.0f} s).")

    if args.json:
        Path(args.json).write_text(json.dumps({
            "statistic": "ns: best of rounds; instructions: (I(2n) - I(n)) / n",
            "sizes": args.sizes, "pairs": args.pairs, "rounds": rounds,
            "ours_is_reference": same_module, "elapsed_s": elapsed,
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "participants": {w.name: w.info for w in workers},
            "rows": rows,
            "samples_ns": {w.name: w.samples for w in workers},
        }, indent=2) + "\n")


if __name__ == "__main__":
    main()
