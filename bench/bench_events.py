#!/usr/bin/env python3
"""Event delivery of our libvirt binding vs the reference, over the C floor.

Events per second and call-to-callback latency of domain lifecycle events
from libvirt's test driver, delivered through libvirt's default event loop
to a Python callback. "Ours" is whatever `import libvirt` gives in the
interpreter running this script, the reference is libvirt-python in
bench/.venv-reference, the C floor is the same scenarios in C. Each runs in
its own worker process (events_worker.py); the workers take turns, task by
task. Each binding's numbers are its best round; ours/reference ratios are
the median of the per-round ratios. See README.md.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from bench import (Worker, env_without_pythonpath, ensure_reference_venv, print_header,
                   python_with_cffi, quick_defaults, run_rounds_and_close)
from events_worker import SCENARIOS, TASKS, events_per_task

GOAL_RATIO = 1.0   # events/s, ours / reference
AIM_RATIO = 1.5


def start_workers(events):
    reference_python = ensure_reference_venv()
    c_python = python_with_cffi()
    args = ("--events", events)
    # Started one at a time so their warm-ups don't compete for the CPUs.
    return [Worker("ours", sys.executable, "events_worker.py", "python", *args),
            Worker("reference", reference_python, "events_worker.py", "python", *args,
                   env=env_without_pythonpath()),
            Worker("C floor", c_python, "events_worker.py", "c", *args)]


def overhead_ratio(o, r, c):
    """(ours - C) / (ref - C); None when noise puts either at or below the floor."""
    return (o - c) / (r - c) if o > c and r > c else None


def worst_noise(label, workers):
    noises = [w.noise(label) for w in workers if w.noise(label) is not None]
    return max(noises) if noises else None


def row(label, everyone, higher_is_better):
    """One metric: each participant's best round (every sample is ns, per
    event or of latency, so best() is the minimum), and ours / reference.

    Ratios go in the metric's own direction: events/s for throughput (higher
    is better), ns for latency (lower is better). `ratio` is the median over
    rounds of the ratio within the round: ours and the reference ran each
    task back to back, so each pair saw the same machine state. It is the
    steadier estimate where the rounds are bimodal (see README.md);
    `best_ratio` compares the two best rounds."""
    o, r, c = (w.best(label) for w in everyone)
    ours, reference, _ = everyone
    paired = [r_i / o_i if higher_is_better else o_i / r_i
              for o_i, r_i in zip(ours.samples[label], reference.samples[label])]
    return {
        "metric": label,
        "ours_ns": o,
        "reference_ns": r,
        "c_floor_ns": c,
        "ratio": statistics.median(paired),
        "best_ratio": r / o if higher_is_better else o / r,
        "overhead_ratio": overhead_ratio(o, r, c),
        "noise": worst_noise(label, everyone),
    }


def summarize(workers):
    throughput = [row(f"{scenario} {kind} ns/event", workers, True)
                  for scenario, *_ in SCENARIOS for kind in ("pipelined", "dispatch")]
    latency = [row(f"{scenario} {stat}", workers, False)
               for scenario, *_ in SCENARIOS for stat in ("p50", "p99")]
    return throughput, latency


def fmt_ratio(value):
    return "n/a" if value is None else f"{value:.2f}"


def fmt_noise(value):
    return "-" if value is None else f"{value:.0%}"


def print_table(rows, title, unit, width, value, mark=lambda ratio: ""):
    print(title)
    print(f"{'':<{width}} {'ours':>8} {'ref':>8} {'C floor':>8}"
          f" {'ours-C':>7} {'ref-C':>7} {'ratio':>6} {'best':>6} {'binding':>7} {'noise':>5}")
    print(f"{'':<{width}} {unit:>8} {unit:>8} {unit:>8}"
          f" {'us':>7} {'us':>7} {'o/r':>6} {'o/r':>6} {'o/r':>7} {'':>5}")
    for r in rows:
        name = r["metric"].removesuffix(" ns/event")
        print(f"{name:<{width}} {value(r['ours_ns']):8.1f} {value(r['reference_ns']):8.1f}"
              f" {value(r['c_floor_ns']):8.1f}"
              f" {(r['ours_ns'] - r['c_floor_ns']) / 1e3:7.2f}"
              f" {(r['reference_ns'] - r['c_floor_ns']) / 1e3:7.2f}"
              f" {r['ratio']:6.2f} {r['best_ratio']:6.2f} {fmt_ratio(r['overhead_ratio']):>7}"
              f" {fmt_noise(r['noise']):>5}{mark(r['ratio'])}")
    print()


def print_tables(throughput, latency, rounds, events):
    width = max(len(r["metric"].removesuffix(" ns/event")) for r in throughput + latency)
    print_table(throughput, "Events per second, in thousands (ours-C, ref-C: us per event)",
                "k ev/s", width, lambda ns: 1e6 / ns,
                lambda ratio: " aim" if ratio >= AIM_RATIO else " ok" if ratio >= GOAL_RATIO else "")
    print_table(latency, "Latency, call -> callback, lock-step", "us", width,
                lambda ns: ns / 1e3)
    counts = ", ".join(f"{events_per_task(scenario, events)} for {scenario}"
                       for scenario, *_ in SCENARIOS)
    print(f"{rounds} rounds; events per task: {counts}."
          " ours, ref, C floor: best round.")
    print("pipelined = calls back to back, first call -> last callback;"
          " dispatch = a queued burst, first -> last callback;"
          " lock-step = each call made with the loop idle.")
    print(f"ratio o/r = median over rounds of ours / ref within the round: events/s, goal >="
          f" {GOAL_RATIO} ('ok'), aim >= {AIM_RATIO} ('aim'); latency, lower is better.")
    print("best o/r = the same from the best rounds; binding o/r = (ours - C) / (ref - C)"
          " from the best rounds, what the bindings add (n/a if either <= 0).")
    print("noise = gap between best of even and of odd rounds, worst of the three.")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run of a few seconds (3 rounds of 200 events per task)")
    parser.add_argument("--rounds", type=int,
                        help="rounds per participant, at most (default 40)")
    parser.add_argument("--budget", type=float,
                        help="stop after the round that ends past this many seconds"
                             " from the start (default 75; 0: no limit)")
    parser.add_argument("--events", type=int,
                        help="events per task of suspend/resume (createXML/destroy: half; default 2000)")
    parser.add_argument("--json", metavar="FILE", help="also write the results here")
    args = parser.parse_args()
    quick_defaults(args, rounds=(3, 40), budget=(0, 75), events=(200, 2000))
    if args.rounds < 1 or args.events < 4 or args.budget < 0:
        parser.error("--rounds must be positive, --events at least 4, --budget >= 0")
    return args


def main():
    args = parse_args()
    started = time.monotonic()
    workers = start_workers(args.events)
    rounds = run_rounds_and_close(workers, args.rounds, TASKS,
                                  started + args.budget if args.budget else None)
    ours, reference, c_floor = workers

    same_module = print_header(ours, reference,
                               target="test:///default, default event loop")
    throughput, latency = summarize(workers)
    print_tables(throughput, latency, rounds, args.events)
    elapsed = time.monotonic() - started
    print(f"Total run time {elapsed:.0f} s.")

    if args.json:
        result = {
            "statistic": "ns: best of rounds (minimum); ratio: median of per-round ratios",
            "rounds": rounds,
            "max_rounds": args.rounds,
            "budget_s": args.budget,
            "events": args.events,
            "goal_ratio": GOAL_RATIO,
            "aim_ratio": AIM_RATIO,
            "ours_is_reference": same_module,
            "elapsed_s": elapsed,
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "participants": {w.name: w.info for w in workers},
            "throughput": throughput,
            "latency": latency,
            "samples_ns": {w.name: w.samples for w in workers},
        }
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
