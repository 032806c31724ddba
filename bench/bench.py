#!/usr/bin/env python3
"""Per-call overhead of our libvirt binding vs the reference, over the C floor.

"Ours" is whatever `import libvirt` gives in the interpreter running this
script; the reference is libvirt-python in bench/.venv-reference (created
if missing); the C floor is the same libvirt call timed in a C loop.
Each runs in its own worker process (worker.py); the workers take turns,
one round each, and every call reports its best round. See README.md.

--instructions adds (--instructions-only: runs just) a count of the
instructions per call: each participant runs once under callgrind, every
call's loop for N and for 2N iterations; (I(2N) - I(N)) / N, less the bare
Python loop, is immune to the machine's noise. See callgrind.py.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import callgrind
from worker import CALLS

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
# --version-specific: ours built with the full C API of this Python.
VERSION_SPECIFIC_VENV = BENCH_DIR / ".venv-version-specific"
REFERENCE_VENV = BENCH_DIR / ".venv-reference"
REFERENCE_PYTHON = REFERENCE_VENV / "bin" / "python"
REFERENCE_PACKAGE = "libvirt-python==12.8.0"
GOAL_RATIO = 0.5
# Wall-clock and instruction ratios further apart than this are flagged.
RATIO_GAP = 0.15


def can_import(python, module):
    return subprocess.run([str(python), "-c", f"import {module}"],
                          capture_output=True).returncode == 0


def ensure_reference_venv():
    if REFERENCE_PYTHON.exists() and can_import(REFERENCE_PYTHON, "libvirt"):
        return REFERENCE_PYTHON
    print(f"Creating {REFERENCE_VENV} with {REFERENCE_PACKAGE} "
          "(builds from source, takes a few minutes)...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(REFERENCE_VENV)], check=True)
    subprocess.run([str(REFERENCE_VENV / "bin" / "pip"), "install", "--quiet",
                    REFERENCE_PACKAGE], check=True)
    return REFERENCE_PYTHON


def ensure_version_specific_venv():
    """A venv of the running Python with ours built from this tree without the
    limited API (LIBVIRT_PYTHON_ABI3=0): the build the abi3 wheel is compared
    with. Rebuilt on every use, so it is never older than the tree."""
    python = VERSION_SPECIFIC_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VERSION_SPECIFIC_VENV)], check=True)
    print(f"Building ours without the limited API into {VERSION_SPECIFIC_VENV}...",
          file=sys.stderr)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--force-reinstall",
                    "--no-deps", str(REPO)],
                   env=dict(env_without_pythonpath(), LIBVIRT_PYTHON_ABI3="0"), check=True)
    return python


def build_kind(info):
    """abi3 or version-specific, from the extension's file name."""
    extension = os.path.basename(info.get("extension") or "")
    return "abi3" if ".abi3." in extension else "version-specific"


def python_with_cffi():
    """Any interpreter able to build and load the C floor; which one does not
    matter since only C-side time is measured."""
    for python in (sys.executable, shutil.which("python3"), REFERENCE_PYTHON):
        if python and can_import(python, "cffi"):
            return python
    raise SystemExit("The C floor needs cffi in some Python (pip install cffi).")


class Worker:
    """A participant process (worker.py, events_worker.py): it prints one JSON
    line describing itself once ready, then one JSON line {label: ns} per round
    requested."""

    def __init__(self, name, python, script, *args, env=None):
        self.name = name
        self.process = subprocess.Popen(
            [str(python), str(BENCH_DIR / script), *map(str, args)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        self.info = self._read()
        self.samples = {}

    def _read(self):
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"{self.name} worker exited (code {self.process.wait()}); "
                             "see its stderr above")
        return json.loads(line)

    def run_round(self, request="round"):
        self.process.stdin.write(request + "\n")
        self.process.stdin.flush()
        for label, ns in self._read().items():
            self.samples.setdefault(label, []).append(ns)

    def close(self):
        self.process.stdin.close()
        self.process.wait()

    def best(self, label):
        return min(self.samples[label])

    def noise(self, label):
        """How much the best of the even rounds and the best of the odd rounds
        disagree (0.02 = 2%): a direct estimate of how repeatable best() is."""
        samples = self.samples[label]
        if len(samples) < 2:
            return None
        even, odd = min(samples[0::2]), min(samples[1::2])
        return abs(even - odd) / min(even, odd)


def env_without_pythonpath():
    # A PYTHONPATH meant for ours must not slip our module into the reference.
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def start_workers(batch_ms, version_specific=False):
    reference_python = ensure_reference_venv()
    c_python = python_with_cffi()
    other_python = ensure_version_specific_venv() if version_specific else None
    # Started one at a time so their calibrations don't compete for the CPUs.
    args = ("--target-ms", batch_ms)
    workers = [Worker("ours", sys.executable, "worker.py", "python", *args),
               Worker("reference", reference_python, "worker.py", "python", *args,
                      env=env_without_pythonpath()),
               Worker("C floor", c_python, "worker.py", "c", *args)]
    if other_python:
        workers.append(Worker("ours, other build", other_python, "worker.py", "python", *args,
                              env=env_without_pythonpath()))
    return workers


def run_rounds(workers, rounds, requests=("round",), deadline=None):
    """Each round, every worker runs each request in turn (request by request,
    so all workers run one request close together in time). With a deadline
    (time.monotonic()), stops after the round that reaches it. Returns the
    number of rounds run."""
    done = 0
    while done < rounds and (deadline is None or time.monotonic() < deadline):
        if sys.stderr.isatty():
            print(f"\rround {done + 1}/{rounds}", end="", file=sys.stderr, flush=True)
        # Rotate who goes first, so slow drift in machine load hits everyone alike.
        shift = done % len(workers)
        order = workers[shift:] + workers[:shift]
        for request in requests:
            for worker in order:
                worker.run_round(request)
        done += 1
    if sys.stderr.isatty():
        print("\r" + " " * 20 + "\r", end="", file=sys.stderr)
    return done


def run_rounds_and_close(workers, rounds, requests, deadline=None):
    """run_rounds(), then close the workers; exits if one of them failed."""
    try:
        done = run_rounds(workers, rounds, requests, deadline)
    finally:
        for worker in workers:
            worker.close()
    for worker in workers:
        if worker.process.returncode:
            raise SystemExit(f"{worker.name} worker failed (code {worker.process.returncode})")
    return done


def worst_noise(label, workers):
    noises = [w.noise(label) for w in workers if w.noise(label) is not None]
    return max(noises) if noises else None


def summarize(ours, reference, c_floor):
    rows = []
    for label, _, _ in CALLS:
        floor = c_floor.best(label)
        ours_overhead = ours.best(label) - floor
        reference_overhead = reference.best(label) - floor
        rows.append({
            "call": label,
            "ours_ns": ours.best(label),
            "reference_ns": reference.best(label),
            "c_floor_ns": floor,
            "ours_overhead_ns": ours_overhead,
            "reference_overhead_ns": reference_overhead,
            # Undefined when noise pushes the reference to or below the floor.
            "ratio": ours_overhead / reference_overhead if reference_overhead > 0 else None,
            "noise": worst_noise(label, (ours, reference, c_floor)),
        })
    return rows


def print_call_rows(rows, units, unit, keys, noise=False):
    """The per-call table of print_table and print_instruction_table: ours,
    ref, C floor, the overheads (rows[...][keys[i]], in `units` and `unit`),
    the ratio marked 'ok' at the goal, and the noise column if asked."""
    width = max(len(row["call"]) for row in rows)
    noise_head = f" {'noise':>6}" if noise else ""
    print(f"{'call':<{width}} {'ours':>8} {'ref':>8} {'C floor':>8}"
          f" {'ours-C':>8} {'ref-C':>8} {'ratio':>6}" + noise_head)
    print(f"{'':<{width}} {units:>8} {units:>8} {units:>8}"
          f" {unit:>8} {unit:>8} {'o/r':>6}" + (f" {'':>6}" if noise else ""))
    for row in rows:
        ratio = row["ratio"]
        ratio_text = "n/a" if ratio is None else f"{ratio:.2f}"
        mark = " ok" if ratio is not None and ratio <= GOAL_RATIO else ""
        noise_text = ""
        if noise:
            noise_text = " " + format("-" if row["noise"] is None else f"{row['noise']:.1%}", ">6")
        ours, reference, c_floor, ours_overhead, reference_overhead = (row[k] for k in keys)
        print(f"{row['call']:<{width}} {ours:8.0f} {reference:8.0f}"
              f" {c_floor:8.0f} {ours_overhead:8.0f}"
              f" {reference_overhead:8.0f} {ratio_text:>6}{noise_text}{mark}")


def goal_summary(rows):
    """'met by M/N calls, median ratio R.' for the rows' ratios."""
    ratios = [row["ratio"] for row in rows if row["ratio"] is not None]
    met = sum(ratio <= GOAL_RATIO for ratio in ratios)
    return (f"met by {met}/{len(rows)} calls"
            + (f", median ratio {statistics.median(ratios):.2f}." if ratios else "."))


def print_table(rows, rounds):
    print_call_rows(rows, "ns/call", "ns", ("ours_ns", "reference_ns", "c_floor_ns",
                                            "ours_overhead_ns", "reference_overhead_ns"),
                    noise=True)
    print(f"\nBest of {rounds} rounds. ratio = (ours - C) / (ref - C), goal <= {GOAL_RATIO}"
          f" ('ok'): " + goal_summary(rows))
    print("noise = gap between best of even and best of odd rounds, worst of the three.")


def print_builds(ours, other, reference, c_floor):
    """The two builds of ours call by call: what each adds to the C floor,
    their ratio, and each one's ratio to the reference."""
    first, second = build_kind(ours.info), build_kind(other.info)
    rows = {row["call"]: row for row in summarize(ours, reference, c_floor)}
    other_rows = {row["call"]: row for row in summarize(other, reference, c_floor)}
    width = max(len(label) for label in rows)
    print(f"\nTwo builds of ours: {first} ({ours.info['extension']})\n"
          f"               and {second} ({other.info['extension']})")
    print(f"{'call':<{width}} {first[:8]:>8} {second[:8]:>8} {'ratio':>6}"
          f" {'/ref':>6} {'/ref':>6}")
    print(f"{'':<{width}} {'ns-C':>8} {'ns-C':>8} {'a/v':>6} {first[:6]:>6} {second[:6]:>6}")
    pairs = []
    for label, row in rows.items():
        mine, theirs = row["ours_overhead_ns"], other_rows[label]["ours_overhead_ns"]
        pair = mine / theirs if theirs > 0 else None
        if pair is not None:
            pairs.append(pair)
        cells = [f"{x:.2f}" if x is not None else "n/a"
                 for x in (pair, row["ratio"], other_rows[label]["ratio"])]
        print(f"{label:<{width}} {mine:8.0f} {theirs:8.0f} {cells[0]:>6} {cells[1]:>6} {cells[2]:>6}")
    if pairs:
        print(f"median {first} / {second} overhead: {statistics.median(pairs):.2f}")
    return {"builds": [first, second], "calls": list(other_rows.values())}


def print_header(ours, reference, target="test:///default"):
    """Say what was measured; returns whether ours is the reference itself."""
    print(f"ours:      {ours.info['module']} (Python {ours.info['python']},"
          f" {build_kind(ours.info)} build)")
    print(f"reference: {reference.info['module']} (Python {reference.info['python']})")
    print(f"libvirt {reference.info['libvirt_version']}, {target}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs")
    same_module = os.path.realpath(ours.info["module"]) == os.path.realpath(reference.info["module"])
    if same_module:
        print("NOTE: ours IS the reference here (same module), so ratios only show noise.")
    print()
    return same_module


def ensure_c_floor_built(python):
    """Build the C floor outside valgrind (compiling under it takes minutes)."""
    subprocess.run([str(python), "-c",
                    f"import sys; sys.path.insert(0, {str(BENCH_DIR)!r});"
                    " import c_floor; c_floor.load()"], check=True)


def run_in_parallel(jobs):
    """Run the callables in threads (callgrind runs are single-process CPU
    work, counted in instructions, so running them side by side does not
    disturb their numbers); returns their results in order."""
    results, errors = [None] * len(jobs), []

    def run(index, job):
        try:
            results[index] = job()
        except BaseException as error:  # re-raised in the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=item) for item in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def count_instructions(n, keep=None):
    """{participant: {label: instructions per call}} for ours, the reference and
    the C floor, and the participants' descriptions."""
    reason = callgrind.available()
    if reason:
        raise SystemExit(f"--instructions: {reason}")
    marker = callgrind.mark_library()
    c_python = python_with_cffi()
    ensure_c_floor_built(c_python)
    participants = [("ours", sys.executable, "python", None),
                    ("reference", ensure_reference_venv(), "python", env_without_pythonpath()),
                    ("C floor", c_python, "c", None)]

    def job(name, python, kind, env):
        argv = [callgrind.real_executable(python), BENCH_DIR / "worker.py", kind,
                "--callgrind", n, "--marker", marker]
        return callgrind.run(argv, env=env,
                             keep=keep and Path(keep) / name.replace(" ", "-"))

    outputs = run_in_parallel([lambda args=args: job(*args) for args in participants])
    counts, infos = {}, {}
    for (name, _, kind, _), (stdout, dumps) in zip(participants, outputs):
        marks = dict(dumps)
        bare = callgrind.per_iteration(marks, "bare", n) if kind == "python" else 0.0
        counts[name] = {label: callgrind.per_iteration(marks, str(index), n) - bare
                        for index, (label, _, _) in enumerate(CALLS)}
        infos[name] = dict(json.loads(stdout.splitlines()[0]), bare_loop_instructions=bare)
    return counts, infos


def summarize_instructions(counts):
    rows = []
    for label, _, _ in CALLS:
        o, r, c = (counts[name][label] for name in ("ours", "reference", "C floor"))
        rows.append({"call": label, "ours": o, "reference": r, "c_floor": c,
                     "ours_overhead": o - c, "reference_overhead": r - c,
                     "ratio": (o - c) / (r - c) if r > c else None})
    return rows


def print_instruction_table(rows, n, infos):
    print(f"Instructions per call (callgrind: (I(2N) - I(N)) / N, N = {n}, bare loop removed)")
    print_call_rows(rows, "instr", "instr", ("ours", "reference", "c_floor",
                                             "ours_overhead", "reference_overhead"))
    bare = ", ".join(f"{name} {infos[name]['bare_loop_instructions']:.0f}"
                     for name in ("ours", "reference"))
    print(f"\nratio = (ours - C) / (ref - C) in instructions, goal <= {GOAL_RATIO} ('ok'): "
          + goal_summary(rows)
          + f" Bare loop removed: {bare} instructions per iteration.")


def print_ratio_comparison(rows, instruction_rows):
    """The two overhead ratios side by side; gaps above RATIO_GAP flagged."""
    width = max(len(row["call"]) for row in rows)
    print("\nOverhead ratio o/r: wall clock (best of rounds) vs instructions")
    print(f"{'call':<{width}} {'wall':>6} {'instr':>6} {'gap':>6}")
    for row, irow in zip(rows, instruction_rows):
        wall, instr = row["ratio"], irow["ratio"]
        if wall is None or instr is None:
            gap_text, flag = "n/a", ""
        else:
            gap_text = f"{wall - instr:+.2f}"
            flag = " differs" if abs(wall - instr) > RATIO_GAP else ""
        print(f"{row['call']:<{width}} {'n/a' if wall is None else f'{wall:.2f}':>6}"
              f" {'n/a' if instr is None else f'{instr:.2f}':>6} {gap_text:>6}{flag}")
    print(f"'differs': the two ratios are more than {RATIO_GAP} apart (see README.md).")


def quick_defaults(args, **defaults):
    """Give every option not given on the command line its default, a
    (with --quick, without) pair in `defaults`."""
    for name, (quick, full) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run of a few seconds (6 rounds of 2 ms batches)")
    parser.add_argument("--rounds", type=int, help="rounds per participant (default 70)")
    parser.add_argument("--batch-ms", type=float,
                        help="target time of one batch of one call (default 20)")
    parser.add_argument("--json", metavar="FILE", help="also write the results here")
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions per call under callgrind (about 1 minute)")
    parser.add_argument("--instructions-only", action="store_true",
                        help="only count instructions per call (no timing)")
    parser.add_argument("--instr-n", type=int, default=1000, metavar="N",
                        help="iterations of the shorter callgrind loop (default 1000)")
    parser.add_argument("--keep-callgrind", metavar="DIR",
                        help="keep the callgrind dumps in DIR (ours.N, reference.N, C-floor.N:"
                             " mark N; 3k+2 and 3k+3 are call k's N and 2N loops)")
    parser.add_argument("--version-specific", action="store_true",
                        help="also measure ours built without the limited API for this Python"
                             f" (built into {VERSION_SPECIFIC_VENV.relative_to(REPO)})")
    args = parser.parse_args()
    quick_defaults(args, rounds=(6, 70), batch_ms=(2, 20))
    if args.rounds < 1 or args.batch_ms <= 0 or args.instr_n < 1:
        parser.error("--rounds, --batch-ms and --instr-n must be positive")
    return args


def main_instructions_only(args):
    started = time.monotonic()
    counts, infos = count_instructions(args.instr_n, args.keep_callgrind)
    print(f"ours:      {infos['ours']['module']} (Python {infos['ours']['python']})")
    print(f"reference: {infos['reference']['module']} (Python {infos['reference']['python']})")
    print(f"libvirt {infos['reference']['libvirt_version']}, test:///default,"
          f" {platform.machine()}\n")
    rows = summarize_instructions(counts)
    print_instruction_table(rows, args.instr_n, infos)
    elapsed = time.monotonic() - started
    print(f"Total run time {elapsed:.0f} s.")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "statistic": "instructions per call, (I(2N) - I(N)) / N, bare loop removed",
            "n": args.instr_n, "goal_ratio": GOAL_RATIO, "elapsed_s": elapsed,
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "participants": infos,
            "instructions": rows}, indent=2) + "\n")


def main():
    args = parse_args()
    if args.instructions_only:
        return main_instructions_only(args)
    started = time.monotonic()
    workers = start_workers(args.batch_ms, args.version_specific)
    try:
        run_rounds(workers, args.rounds)
    finally:
        for worker in workers:
            worker.close()
    ours, reference, c_floor = workers[:3]

    same_module = print_header(ours, reference)
    rows = summarize(ours, reference, c_floor)
    print_table(rows, args.rounds)
    builds = print_builds(ours, workers[3], reference, c_floor) if len(workers) > 3 else None
    instruction_rows = None
    if args.instructions:
        # After the timing, so that the callgrind runs do not compete with it.
        counts, infos = count_instructions(args.instr_n, args.keep_callgrind)
        instruction_rows = summarize_instructions(counts)
        print()
        print_instruction_table(instruction_rows, args.instr_n, infos)
        print_ratio_comparison(rows, instruction_rows)
    elapsed = time.monotonic() - started
    print(f"Total run time {elapsed:.0f} s.")

    if args.json:
        result = {
            "statistic": "best of rounds",
            "rounds": args.rounds,
            "batch_ms": args.batch_ms,
            "goal_ratio": GOAL_RATIO,
            "ours_is_reference": same_module,
            "elapsed_s": elapsed,
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "participants": {w.name: w.info for w in workers},
            "calls": rows,
            "other_build": builds,
            "instructions": instruction_rows,
            "instructions_n": args.instr_n if instruction_rows else None,
            "samples_ns": {w.name: w.samples for w in workers},
        }
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
