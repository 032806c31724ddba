"""Instruction counts with callgrind, for the benchmarks that want numbers
machine noise cannot move.

A worker run under `valgrind --tool=callgrind` marks the end of each
measured stretch with `CALLGRIND_DUMP_STATS_AT(label)` (a callgrind client
request, made from a tiny shared library loaded with ctypes, so that every
participant, whatever its Python, can use it). Each mark writes one dump
file holding the instructions executed since the previous mark, in all
threads; `run()` gives them back as a list of (label, instructions).

Per-iteration costs come from two stretches of the same loop, of n and of
2n iterations: (I(2n) - I(n)) / n, so everything that is paid once per
stretch (the marks themselves, the loop set-up, lazy initialisation) cancels.
"""

import ctypes
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

BUILD_DIR = Path(__file__).resolve().parent / "_build"

MARK_SOURCE = r"""
#include <valgrind/callgrind.h>

/* Dump the instructions counted since the previous dump, under `label`. */
void cg_mark(const char *label)
{
    CALLGRIND_DUMP_STATS_AT(label);
}

/* With --instr-atstart=no: from here on, instrument (and count). */
void cg_start(void)
{
    CALLGRIND_START_INSTRUMENTATION;
}

int cg_on_valgrind(void)
{
    return RUNNING_ON_VALGRIND;
}
"""

VALGRIND_OPTIONS = ("--tool=callgrind", "--dump-instr=no", "--dump-line=no",
                    "--compress-strings=no", "--compress-pos=no")


def available():
    """Why instruction counts cannot be taken here, or None."""
    if not shutil.which("valgrind"):
        return "valgrind is not installed"
    if not Path("/usr/include/valgrind/callgrind.h").exists():
        return "valgrind's headers (valgrind/callgrind.h) are missing"
    if not shutil.which("gcc"):
        return "gcc is needed to build the callgrind marker"
    return None


def mark_library():
    """Path of the marker library, built into BUILD_DIR on first use (its name
    carries a hash of the source, so an edit forces a rebuild)."""
    digest = hashlib.sha256(MARK_SOURCE.encode()).hexdigest()[:12]
    path = BUILD_DIR / f"_cg_mark_{digest}.so"
    if not path.exists():
        BUILD_DIR.mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory(dir=BUILD_DIR) as tmp:
            source = Path(tmp) / "cg_mark.c"
            source.write_text(MARK_SOURCE)
            built = Path(tmp) / path.name
            subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", str(built), str(source)],
                           check=True)
            os.replace(built, path)
    return path


class Marker:
    """The worker's side: mark(label) ends the current stretch."""

    def __init__(self, library):
        lib = ctypes.CDLL(str(library))
        self._mark = lib.cg_mark
        self._mark.argtypes = [ctypes.c_char_p]
        self._mark.restype = None
        self._start = lib.cg_start
        self._start.restype = None
        if not lib.cg_on_valgrind():
            raise SystemExit("callgrind mode: this worker is not running under valgrind")

    def __call__(self, label):
        self._mark(label.encode())

    def start_instrumentation(self):
        """For a run started with instrument_at_start=False: set-up done,
        instrument from here on."""
        self._start()


def real_executable(python):
    """The interpreter as it sees itself: valgrind must start the program, not
    a wrapper script (pyenv shims are shell scripts). Not resolved further: a
    venv's python is a symlink whose own path tells Python it is in the venv."""
    return subprocess.run([str(python), "-c", "import sys; print(sys.executable)"],
                          check=True, capture_output=True, text=True).stdout.strip()


_TRIGGER = re.compile(r"^desc: Trigger: Client Request: (.*)$", re.M)
_SUMMARY = re.compile(r"^summary: (\d+)$", re.M)


def run(argv, env=None, input_text=None, timeout=None, keep=None,
        instrument_at_start=True):
    """Run argv under callgrind; returns (stdout, [(label, instructions)]) with
    one entry per mark, in order. Fails loudly if the program fails. With
    keep (a path prefix, e.g. DIR/ours), the dump files are kept for
    callgrind_annotate as <keep>.<n>, n counting the marks from 1.
    instrument_at_start=False runs the program uninstrumented (several times
    faster, nothing counted) until it calls Marker.start_instrumentation():
    for set-ups too slow to run under full callgrind."""
    with tempfile.TemporaryDirectory(prefix="bench-cg-") as tmp:
        out = Path(tmp) / "cg.out"
        options = [*VALGRIND_OPTIONS, f"--callgrind-out-file={out}"]
        if not instrument_at_start:
            options.append("--instr-atstart=no")
        proc = subprocess.run(["valgrind", *options, *map(str, argv)],
                              input=input_text, capture_output=True, text=True, env=env,
                              timeout=timeout)
        if proc.returncode != 0:
            raise SystemExit(f"under callgrind, {' '.join(map(str, argv))} failed"
                             f" (code {proc.returncode}):\n{proc.stderr[-4000:]}")
        if keep:
            Path(keep).parent.mkdir(parents=True, exist_ok=True)
            for path in Path(tmp).glob("cg.out.*"):
                shutil.copy(path, f"{keep}.{path.name.rsplit('.', 1)[1]}")
        dumps = []
        for path in Path(tmp).glob("cg.out.*"):
            text = path.read_text(errors="replace")
            trigger, summary = _TRIGGER.search(text), _SUMMARY.search(text)
            if trigger and summary:
                dumps.append((int(path.name.rsplit(".", 1)[1]), trigger.group(1),
                              int(summary.group(1))))
        dumps.sort()
        return proc.stdout, [(label, count) for _, label, count in dumps]


def per_iteration(counts, key, n):
    """(I(2n) - I(n)) / n from the stretches marked `key n` and `key 2n`."""
    return (counts[f"{key} 2n"] - counts[f"{key} n"]) / n


def measure_loops(loops, mark, warm=0):
    """Worker side: for every (key, loop, n) run loop(warm) as a warm-up, then
    loop(n) and loop(2n), each stretch ended by a mark ("key n", "key 2n").
    Cyclic GC stays off meanwhile, as in the timed runs."""
    import gc

    gc.collect()
    gc.disable()
    try:
        for key, loop, n in loops:
            if warm:
                loop(warm)
            mark(f"{key} start")
            loop(n)
            mark(f"{key} n")
            loop(2 * n)
            mark(f"{key} 2n")
    finally:
        gc.enable()
