"""Child interpreters: the one way the tests run one.

Tests run code in a fresh interpreter where it changes what a process
keeps (the event implementation libvirt takes once per process), where it
must crash or leak alone, or where it needs another environment
(LD_PRELOAD, PYTHONPATH, the reference binding's interpreter).  That code
lives in real files, mostly in tests/children/, run by path.

Parent side (the test):

    result = child.run("event_functions_cases", "timeout_path")
    child.start(script, *args, ...)       a Popen, for children read as
                                          they go or run side by side

A script is a path ending in .py, or the name of a file of
tests/children/ without it.  Arguments are passed as strings.

Child side (a file of tests/children/): functions named case_<name>, and
at the end

    if __name__ == "__main__":
        child.main(globals())

`python tests/children/FILE.py NAME [ARG...]` runs case_NAME(*ARGS) (a
coroutine function with asyncio.run()), prints its result as one JSON line
unless it is None, then OK.  An exception prints its traceback and the
local variables of the frame that raised it, and exits with status 1.
"""

import inspect
import json
import os
import subprocess
import sys
import traceback

from support.paths import CHILDREN_DIR

OK = "OK"


# ---- parent side --------------------------------------------------------------

def script_path(script):
    """The file of `script`: a path ending in .py, or a name in tests/children/."""
    if script.endswith(".py"):
        return script
    return os.path.join(CHILDREN_DIR, script + ".py")


def command(script, *args, python=None):
    return [python or sys.executable, script_path(script), *(str(a) for a in args)]


def start(script, *args, python=None, env=None, cwd=None, stdin=subprocess.DEVNULL,
          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen):
    """Start the child (by default: the test's interpreter, no input, both
    outputs piped as text); return its Popen."""
    return subprocess.Popen(command(script, *args, python=python), env=env, cwd=cwd,
                            stdin=stdin, stdout=stdout, stderr=stderr, text=text, **popen)


class Finished:
    """A child that ran to its end."""

    def __init__(self, argv, returncode, stdout, stderr, timed_out):
        self.argv = argv
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.timed_out = timed_out

    @property
    def lines(self):
        return self.stdout.splitlines()

    @property
    def output(self):
        """Everything about the run, for assertion messages."""
        return (f"{' '.join(self.argv)}\nrc={self.returncode}"
                f"{' (killed: timed out)' if self.timed_out else ''}\n"
                f"stdout:\n{self.stdout}\nstderr:\n{self.stderr}")

    @property
    def value(self):
        """What the case returned (the JSON line before OK)."""
        lines = self.lines
        assert self.returncode == 0 and len(lines) >= 2 and lines[-1] == OK, self.output
        return json.loads(lines[-2])


def finish(proc, timeout=60):
    """Wait for a child of start() (killed after `timeout` seconds);
    return a Finished."""
    timed_out = False
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        proc.kill()
        stdout, stderr = proc.communicate()
    return Finished(proc.args, proc.returncode, stdout, stderr, timed_out)


def run(script, *args, python=None, env=None, cwd=None, timeout=60, expect=OK):
    """Run the child to its end (killed after `timeout` seconds); return a
    Finished.  `expect` is what is asserted of it: OK (a case run by
    main(): exit status 0 and OK last), 0 (exit status 0), or None."""
    done = finish(start(script, *args, python=python, env=env, cwd=cwd), timeout)
    if expect is not None:
        assert done.returncode == 0 and not done.timed_out, done.output
    if expect == OK:
        assert done.lines and done.lines[-1] == OK, done.output
    return done


# ---- child side ---------------------------------------------------------------

def _report(exc):
    traceback.print_exception(exc)
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return
    frame = tb.tb_frame
    print(f"locals of {frame.f_code.co_name} ({frame.f_code.co_filename}:{tb.tb_lineno}):",
          file=sys.stderr)
    for name, value in frame.f_locals.items():
        try:
            shown = repr(value)
        except Exception as e:          # a repr that fails says so
            shown = f"<repr raised {type(e).__name__}>"
        if len(shown) > 400:
            shown = shown[:400] + "..."
        print(f"  {name} = {shown}", file=sys.stderr)


def main(namespace, exit_at_once=False):
    """Run the case sys.argv[1] of the module whose globals() `namespace`
    is, with sys.argv[2:] as its arguments (see the module docstring).
    exit_at_once: end with os._exit(0) after OK (no finalizers run)."""
    cases = sorted(n[len("case_"):] for n in namespace if n.startswith("case_"))
    if len(sys.argv) < 2 or sys.argv[1] not in cases:
        sys.exit(f"usage: {sys.argv[0]} CASE [ARG...]; cases: {', '.join(cases)}")
    func = namespace["case_" + sys.argv[1]]
    try:
        if inspect.iscoroutinefunction(func):
            import asyncio      # only here: a child may check what it imports
            result = asyncio.run(func(*sys.argv[2:]))
        else:
            result = func(*sys.argv[2:])
    except Exception as e:
        _report(e)
        sys.stderr.flush()
        sys.exit(1)
    if result is not None:
        print(json.dumps(result, sort_keys=True))
    print(OK, flush=True)
    if exit_at_once:
        sys.stderr.flush()
        os._exit(0)
