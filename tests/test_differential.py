"""Differential test: our binding against the reference (libvirt-python).

Every group of calls of tests/differential/scenarios.py runs in a child
process (tests/differential/runner.py) under this interpreter (ours) and
under the reference interpreter (bench/.venv-reference, see
tests/reference_venv.py), side by side.  Each child prints one normalised
outcome per call; the outcomes are compared call by call: the result or
exception, the errors the error handler saw, and the probe of the state
after the call.  A test per group fails listing every difference that
tests/differential/deviations.py does not allow.

A call that crashes (or hangs) a child is recorded for that call, and the
group goes on in a new child after it.  A crash of the reference is not a
difference to fix: it is listed in the report (printed), not failed on.  A
crash of ours fails, also where the reference crashes too.

test_surface_coverage checks that every function and method of the
reference surface (tests/data/libvirt-python-surface.json; modules libvirt,
libvirt_qemu, libvirt_lxc) is called by some call, except those in
NOT_CALLED.

Reports: the differences and crashes of each group are printed (pytest -s,
or -rA) and written to $LVDIFF_REPORT_DIR (default: the temp directory) as
lvdiff-GROUP.json.

Environment: LVDIFF_GROUPS=a,b restricts the groups run.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import pytest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

from differential import scenarios, deviations  # noqa: E402
from support import child  # noqa: E402
from differential.normalise import show  # noqa: E402
import reference_venv  # noqa: E402

RUNNER = os.path.join(TESTS_DIR, "differential", "runner.py")
GROUP_TIMEOUT = 150.0
MAX_RESTARTS = 200

# Surface names no call makes, with the reason.
NOT_CALLED = {
}

_selected = os.environ.get("LVDIFF_GROUPS")
GROUP_NAMES = [g for g in scenarios.GROUPS
               if not _selected or g in _selected.split(",")]


def child_env():
    env = reference_venv.clean_env()
    env["LIBVIRT_DEFAULT_URI"] = "test:///default"
    for k in list(env):
        if k.startswith(("LIBVIRT_DEBUG", "LIBVIRT_LOG")):
            del env[k]
    return env


class Side:
    """The outcomes of one group under one interpreter."""

    def __init__(self, name, python):
        self.name = name
        self.python = python
        self.records = {}
        self.crashes = {}        # call id -> "crash (signal 11)", "hang", ...
        self.failure = None      # the child could not run at all
        self.proc = None
        self.stderr = ""

    def start(self, group, skip):
        self.proc = child.start(RUNNER, "differential.scenarios", scenarios.RICH_URI, group,
                                "--skip-json", json.dumps(sorted(skip)), python=self.python,
                                env=child_env(), cwd=TESTS_DIR)
        self.started = time.monotonic()

    def finish(self):
        """Wait for the child; return True when the group is complete."""
        try:
            out, err = self.proc.communicate(timeout=GROUP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        rc = self.proc.returncode
        self.stderr = err
        begun = None
        done = False
        header = False
        for line in out.splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if "group" in rec:
                header = True
            elif "begin" in rec:
                begun = rec["begin"]
            elif "id" in rec:
                self.records[rec["id"]] = rec
                begun = None
            elif rec.get("done"):
                done = True
        if done:
            return True
        if not header or begun is None:
            self.failure = "child exited %s before any call:\n%s" % (rc, err[-3000:])
            return True
        if rc is not None and rc < 0:
            why = "crash (signal %d)" % -rc
        elif "Timeout (" in err:
            why = "hang (no return within %ss)" % os.environ.get("LVDIFF_CALL_TIMEOUT", "15")
        else:
            why = "child died (exit %s): %s" % (rc, err.strip().splitlines()[-1:] or "")
        self.crashes[begun] = why
        return False

    def skip(self):
        return set(self.records) | set(self.crashes)


def run_group(group, ours, reference):
    """Both sides of one group, restarting a side after each crash."""
    sides = [Side("ours", ours), Side("reference", reference)]
    for attempt in range(3):
        pending = list(sides)
        restarts = 0
        while pending and restarts < MAX_RESTARTS:
            for s in pending:
                s.start(group, s.skip())
            pending = [s for s in pending if not s.finish()]
            restarts += 1
        if sides[0].failure and "import" in sides[0].failure.lower() and attempt < 2:
            # ours is being reinstalled by someone else: wait, try again
            time.sleep(30)
            sides = [Side("ours", ours), Side("reference", reference)]
            continue
        break
    return sides


def comparable(rec):
    return {"out": rec.get("out"), "errs": rec.get("errs"), "post": rec.get("post")}


def describe(rec):
    if rec is None:
        return "(no result)"
    s = show(rec.get("out"))
    if rec.get("msg"):
        s += "  [%s]" % rec["msg"][:160]
    if "post" in rec:
        s += "  then state %s" % show(rec["post"], 200)
    s += "  errors seen by the handler: %s" % rec.get("errs")
    return s


def compare(group, ours, reference):
    diffs, allowed, ref_crashes, both_crash, not_run = [], [], [], [], []
    for call in scenarios.GROUPS[group].calls:
        cid = call.id
        o, r = ours.records.get(cid), reference.records.get(cid)
        oc, rc = ours.crashes.get(cid), reference.crashes.get(cid)
        if rc and oc:
            both_crash.append((cid, oc, rc))
            continue
        if rc:
            ref_crashes.append((cid, rc, describe(o)))
            continue
        if oc:
            diffs.append((cid, "CRASHES OURS: " + oc, describe(r)))
            continue
        if o is None or r is None:
            not_run.append(cid)
            continue
        if comparable(o) == comparable(r):
            continue
        reason = deviations.allowed(cid, o, r)
        if reason:
            allowed.append((cid, reason))
        else:
            diffs.append((cid, describe(o), describe(r)))
    return diffs, allowed, ref_crashes, both_crash, not_run


def write_report(group, sides, result):
    diffs, allowed, ref_crashes, both_crash, not_run = result
    report = {
        "group": group,
        "differences": [{"call": c, "ours": o, "reference": r} for c, o, r in diffs],
        "allowed": [{"call": c, "reason": why} for c, why in allowed],
        "reference_crashes": [{"call": c, "reference": why, "ours": o}
                              for c, why, o in ref_crashes],
        "both_crash": [{"call": c, "ours": a, "reference": b} for c, a, b in both_crash],
        "not_run": not_run,
        "records": {s.name: s.records for s in sides},
    }
    d = os.environ.get("LVDIFF_REPORT_DIR", tempfile.gettempdir())
    try:
        with open(os.path.join(d, "lvdiff-%s.json" % group), "w") as f:
            json.dump(report, f, indent=1, sort_keys=True)
    except OSError:
        pass


@pytest.fixture(scope="module")
def pythons():
    return sys.executable, reference_venv.reference_python_or_skip()


@pytest.mark.parametrize("group", GROUP_NAMES)
def test_differential(group, pythons):
    if scenarios.GROUPS[group].kind == "daemon" and not os.environ.get("CI"):
        import qemu_daemon
        if qemu_daemon.missing_requirements():
            pytest.skip(qemu_daemon.missing_requirements())
    ours, reference = pythons
    sides = run_group(group, ours, reference)
    for s in sides:
        if s.failure:
            pytest.fail("%s: %s" % (s.name, s.failure))
    result = compare(group, *sides)
    write_report(group, sides, result)
    diffs, allowed, ref_crashes, both_crash, not_run = result
    lines = []
    for cid, why, o in ref_crashes:
        lines.append("reference crashes: %s: %s; ours: %s" % (cid, why, o))
    if lines:
        print("\n".join(["", "group %s:" % group] + lines))
    problems = []
    # ours must not crash, even where the reference does
    for cid, a, b in both_crash:
        problems.append("%s\n    ours:      CRASHES: %s\n    reference: crashes too: %s"
                        % (cid, a, b))
    for cid, o, r in diffs:
        problems.append("%s\n    ours:      %s\n    reference: %s" % (cid, o, r))
    for cid in not_run:
        problems.append("%s: not run on one side" % cid)
    # a base call (no variant) that cannot even set up on the reference
    # exercises nothing
    for cid, rec in sides[1].records.items():
        if "[" not in cid and (rec.get("out") or [None])[0] == "setup-error":
            problems.append("%s: the reference cannot set the call up: %s" % (cid, rec.get("msg")))
    if problems:
        pytest.fail("%d difference(s) from the reference in group %s:\n%s"
                    % (len(problems), group, "\n".join(problems)), pytrace=False)


def surface_names():
    names = set()
    for mod in ("libvirt", "libvirt_qemu", "libvirt_lxc"):
        for name, info in scenarios.SURFACE[mod]["names"].items():
            if info["kind"] == "function":
                names.add("%s.%s" % (mod, name))
            elif info["kind"] == "class":
                for meth in info.get("methods", {}):
                    names.add("%s.%s" % (name, meth))
    return names


def test_surface_coverage():
    covered = set()
    for g in scenarios.GROUPS.values():
        for call in g.calls:
            covered |= call.covers
    missing = sorted(surface_names() - covered - set(NOT_CALLED))
    assert not missing, "never called by the differential test: %s" % ", ".join(missing)
    stale = sorted(set(NOT_CALLED) & covered)
    assert not stale, "in NOT_CALLED but called: %s" % ", ".join(stale)
