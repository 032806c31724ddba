#!/usr/bin/env python3
"""The cost of `import libvirt`: ours vs the reference, side by side.

"Ours" is whatever `import libvirt` gives in the interpreter running this
script; the reference is libvirt-python in bench/.venv-reference (created if
missing, as bench.py does). Each round starts fresh interpreters of both, in
alternating order, and measures:

- importtime: the cumulative time `python -X importtime` gives the top-level
  `libvirt` import (everything it pulls in, libvirtmod and libvirt.so too);
- wall: the run time of `python -c "import libvirt"` minus that of
  `python -c pass` in the same round (interpreter start-up taken out);
- instructions (callgrind, once, unless --no-instructions): the same
  difference counted in instructions, which machine noise does not move.

ratio = ours / reference; the goal is at most 0.6. See README.md.
"""

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time

from bench import ensure_reference_venv, env_without_pythonpath

GOAL_RATIO = 0.6
IMPORT = "import libvirt"
# Modules whose presence after the import says work was not deferred.
WATCHED_MODULES = ("typing", "re", "inspect", "ctypes", "enum")


def importtime_us(python, env):
    """Cumulative microseconds of the top-level `libvirt` import, and the
    per-module self times under it."""
    run = subprocess.run([str(python), "-X", "importtime", "-c", IMPORT],
                         capture_output=True, text=True, env=env, check=True)
    modules = {}
    for line in run.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if match:
            self_us, cumulative_us, indent, name = match.groups()
            modules[name] = int(self_us)
            if not indent:
                if name == "libvirt":
                    return int(cumulative_us), modules
                modules = {}  # interpreter start-up, not the import
    raise RuntimeError(f"no top-level libvirt import in:\n{run.stderr}")


def wall_s(python, code, env):
    start = time.perf_counter()
    subprocess.run([str(python), "-c", code], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def instructions(python, code, env):
    run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                          str(python), "-c", code],
                         capture_output=True, text=True, env=env, check=True)
    match = re.search(r"Collected : (\d+)", run.stderr)
    if not match:
        raise RuntimeError(f"callgrind gave no count:\n{run.stderr}")
    return int(match.group(1))


def loaded_modules(python, env):
    code = (f"import sys; {IMPORT}; "
            f"print(' '.join(m for m in {WATCHED_MODULES!r} if m in sys.modules))")
    run = subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                         env=env, check=True)
    return run.stdout.split()


def measure(participants, rounds):
    samples = {name: {"importtime_us": [], "wall_ms": []} for name in participants}
    names = list(participants)
    for round_number in range(rounds):
        # Alternate who goes first, so drift in machine load hits both alike.
        for name in names if round_number % 2 == 0 else reversed(names):
            python, env = participants[name]
            cumulative, _ = importtime_us(python, env)
            samples[name]["importtime_us"].append(cumulative)
            base = wall_s(python, "pass", env)
            samples[name]["wall_ms"].append((wall_s(python, IMPORT, env) - base) * 1000)
    return samples


def ratio_line(label, ours, reference, unit, digits=1):
    ratio = ours / reference if reference > 0 else float("nan")
    mark = " ok" if ratio <= GOAL_RATIO else ""
    print(f"{label:<34} {ours:10.{digits}f} {reference:10.{digits}f} {unit:<6} {ratio:6.2f}{mark}")
    return ratio


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="rounds (default 30)")
    parser.add_argument("--no-instructions", action="store_true",
                        help="skip the callgrind instruction count")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be positive")

    clean = env_without_pythonpath()
    participants = {"ours": (sys.executable, None),
                    "reference": (ensure_reference_venv(), clean)}
    samples = measure(participants, args.rounds)

    for name, (python, env) in participants.items():
        _, modules = importtime_us(python, env)
        heaviest = sorted(modules.items(), key=lambda item: -item[1])[:4]
        print(f"{name}: {python}")
        print("  heaviest modules (self us): "
              + ", ".join(f"{module} {us}" for module, us in heaviest))
        print("  loaded by the import: " + (" ".join(loaded_modules(python, env)) or "none")
              + f" (of {' '.join(WATCHED_MODULES)})")
    print(f"\n{'':<34} {'ours':>10} {'reference':>10} {'':<6} {'ratio':>6}")
    for key, label, unit in (("importtime_us", "importtime", "us"),
                             ("wall_ms", "wall - interpreter start", "ms")):
        for statistic in (min, statistics.median):
            values = [statistic(samples[name][key]) for name in participants]
            ratio_line(
                f"{label} ({statistic.__name__})", *values, unit, 0 if unit == "us" else 2)
    if not args.no_instructions and shutil.which("valgrind"):
        counts = []
        for python, env in participants.values():
            counts.append((instructions(python, IMPORT, env)
                           - instructions(python, "pass", env)) / 1e6)
        ratio_line("instructions (millions)", *counts, "M")
    print(f"\n{args.rounds} rounds; ratio = ours / reference, goal <= {GOAL_RATIO} ('ok').")
    return 0


if __name__ == "__main__":
    sys.exit(main())
