"""Helpers for tests/test_daemon_faults.py: faults of a real libvirtd.

What qemu_daemon.py lacks for killing, stopping and restarting the
libvirtd of a QemuDaemon, and for running each fault scenario in a child
process (a crash or a hang of the binding must fail one test, not take
pytest down or block it).  Like qemu_daemon.py, nothing here imports the
binding at module level: the child's scenario imports it.

libvirtd
    libvirtd_pid(daemon) -- its pid, from the daemon's pid file.
    signal_libvirtd(daemon, sig) -- send sig; SIGKILL/SIGTERM wait until
        it is gone, SIGSTOP until it is stopped.
    start_libvirtd(daemon) -- start libvirtd again on the same root, in a
        new private mount namespace with the same bind mounts; virtlogd
        (still running from QemuDaemon.start()) is left alone.
    restart_libvirtd(daemon, sig) -- both.

Child processes
    run_scenario(module, function, timeout, **kwargs) runs
    module.function(**kwargs) in a new interpreter (``python -X
    faulthandler -m daemon_faults_support ...``, in tests/) and returns
    what it returned (JSON data).  A child that raised, crashed, or did
    not finish within `timeout` (it then dumps its threads' stacks) makes
    run_scenario raise ScenarioFailed with the child's output.

In the child
    Deadline -- every wait there is bounded: Deadline(s).left() etc.
    in_thread(fn, timeout) -- run fn in a thread, wait at most timeout;
        returns an Outcome (finished, value, error, elapsed).
    timer_fires(libvirt, timeout) -- seconds until a new
        virEventAddTimeout timer was dispatched by the event loop, or
        None (the timer is removed either way).
    Unraisables -- records sys.unraisablehook calls while installed.
    CloseRecorder -- a close callback recording (reason, conn is expected,
        opaque is expected, thread name).
    rss_kib() -- this process's resident set size.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import weakref

from support.memory import rss_kib

import qemu_daemon as qd

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))


# ---- libvirtd ------------------------------------------------------------------

def libvirtd_pid(daemon):
    """The pid of the daemon's libvirtd (from its pid file); RuntimeError
    when there is no such live process."""
    pid = qd._read_pid(daemon.libvirtd_pidfile, "libvirtd")
    if pid is None:
        raise RuntimeError("no live libvirtd named by %s" % daemon.libvirtd_pidfile)
    return pid


def process_state(pid):
    """The state letter of /proc/PID/stat ('R', 'S', 'T', 'Z', ...), or
    None when there is no such process."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def wait_until(predicate, timeout, step=0.01):
    """Poll predicate() until true or timeout seconds passed; its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)


def signal_libvirtd(daemon, sig, timeout=10.0):
    """Send sig to the daemon's libvirtd and wait for its effect: gone for
    SIGKILL/SIGTERM, stopped ('T') for SIGSTOP, running again for SIGCONT.
    Returns the pid."""
    pid = libvirtd_pid(daemon)
    os.kill(pid, sig)
    if sig in (signal.SIGKILL, signal.SIGTERM):
        ok = wait_until(lambda: not qd._pid_alive(pid), timeout)
    elif sig == signal.SIGSTOP:
        ok = wait_until(lambda: process_state(pid) in ("T", "t"), timeout)
    elif sig == signal.SIGCONT:
        ok = wait_until(lambda: process_state(pid) not in ("T", "t"), timeout)
    else:
        ok = True
    if not ok:
        raise RuntimeError("libvirtd %d: no effect of signal %d within %.0f s (state %r)"
                           % (pid, sig, timeout, process_state(pid)))
    return pid


def start_libvirtd(daemon, timeout=60.0):
    """Start libvirtd again for `daemon` (same root, configuration, socket)
    after it was killed; wait until it accepts connections."""
    if qd._read_pid(daemon.libvirtd_pidfile, "libvirtd") is not None:
        raise RuntimeError("libvirtd is still running")
    # The dead one's pid file would make wait_ready() give up at once
    # (the new libvirtd writes its own before `--daemon` returns).
    try:
        os.unlink(daemon.libvirtd_pidfile)
    except FileNotFoundError:
        pass
    env = qd.daemon_env()
    proc = subprocess.run(["unshare", "-m", "--propagation", "private",
                           "sh", "-c", daemon._namespace_script(virtlogd=False)],
                          env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError("restarting libvirtd failed (%d): %s"
                           % (proc.returncode, proc.stdout.decode(errors="replace")))
    daemon.wait_ready(timeout)


def restart_libvirtd(daemon, sig=signal.SIGKILL):
    """Kill the daemon's libvirtd with sig, wait until it is gone, start a
    new one on the same root."""
    signal_libvirtd(daemon, sig)
    start_libvirtd(daemon)


def daemon_from_spec(spec):
    """A QemuDaemon object for the daemon the parent started (paths only:
    its stop() does nothing in the child)."""
    d = qd.QemuDaemon(root=spec["root"], cache_dir=spec["cache_dir"])
    d.pin_cpu = spec["pin_cpu"]
    return d


def daemon_spec(daemon):
    return {"root": daemon.root, "cache_dir": daemon.cache_dir, "pin_cpu": daemon.pin_cpu}


# ---- running a scenario in a child process --------------------------------------------

class ScenarioFailed(AssertionError):
    pass


def run_scenario(module, function, timeout, **kwargs):
    """module.function(**kwargs) in a child interpreter; its JSON result.

    The child dumps its threads' stacks and exits when it is still running
    `timeout` - 5 seconds after its start; the parent kills it at
    `timeout`."""
    with tempfile.TemporaryDirectory(prefix="lvfault-") as tmp:
        argfile = os.path.join(tmp, "args.json")
        outfile = os.path.join(tmp, "out.json")
        with open(argfile, "w") as f:
            json.dump({"module": module, "function": function, "kwargs": kwargs,
                       "hang_after": max(timeout - 5.0, 1.0)}, f)
        env = dict(os.environ)
        env["PYTHONPATH"] = TESTS_DIR + (os.pathsep + env["PYTHONPATH"]
                                         if env.get("PYTHONPATH") else "")
        cmd = [sys.executable, "-X", "faulthandler", "-m", "daemon_faults_support",
               argfile, outfile]
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=TESTS_DIR, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            output, _ = proc.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            output, _ = proc.communicate()
            timed_out = True
        elapsed = time.monotonic() - start
        text = output.decode(errors="replace")
        result = None
        if os.path.exists(outfile):
            with open(outfile) as f:
                result = json.load(f)
    if timed_out:
        raise ScenarioFailed("%s.%s did not finish within %.0f s (hang); output:\n%s"
                             % (module, function, timeout, text[-6000:]))
    if result is None and "Timeout (" in text:
        raise ScenarioFailed("%s.%s did not finish within %.0f s (hang); the child's "
                             "stacks:\n%s" % (module, function, timeout - 5, text[-6000:]))
    if result is None or proc.returncode != 0 and "error" not in result:
        raise ScenarioFailed("%s.%s: child exited with %s after %.1f s without a "
                             "result (crash?); output:\n%s"
                             % (module, function, proc.returncode, elapsed, text[-6000:]))
    if "error" in result:
        raise ScenarioFailed("%s.%s raised in the child:\n%s\nchild output:\n%s"
                             % (module, function, result["error"], text[-4000:]))
    result["value"]["_child_seconds"] = round(elapsed, 2)
    return result["value"]


def _child_main(argfile, outfile):
    import faulthandler
    import importlib
    with open(argfile) as f:
        spec = json.load(f)
    # A hang: dump every thread's stack, then exit (no result file).
    faulthandler.dump_traceback_later(spec["hang_after"], exit=True)
    try:
        fn = getattr(importlib.import_module(spec["module"]), spec["function"])
        out = {"value": fn(**spec["kwargs"])}
    except BaseException:
        out = {"error": traceback.format_exc()}
    faulthandler.cancel_dump_traceback_later()
    with open(outfile, "w") as f:
        json.dump(out, f)
    sys.stdout.flush()
    sys.stderr.flush()
    # No interpreter finalization: what a scenario left behind (threads in
    # libvirt, the event loop) must not turn a result into a hang.
    os._exit(0 if "value" in out else 1)


# ---- in the child --------------------------------------------------------------------

class Outcome:
    """What in_thread() saw: finished (bool), value, error (the exception,
    if any), elapsed (seconds from the start to the end, or to giving up)."""

    def __init__(self):
        self.finished = False
        self.value = None
        self.error = None
        self.elapsed = None
        self.ended_at = None

    def error_type(self):
        return None if self.error is None else type(self.error).__name__

    def summary(self):
        return {"finished": self.finished, "error_type": self.error_type(),
                "error": None if self.error is None else str(self.error),
                "elapsed": None if self.elapsed is None else round(self.elapsed, 3)}


def in_thread(fn, timeout, wait=True):
    """Run fn() in a daemon thread.  wait=True: wait at most timeout
    seconds and return the Outcome; wait=False: return (thread, outcome)
    at once, to be joined by the caller."""
    outcome = Outcome()
    start = time.monotonic()

    def run():
        try:
            outcome.value = fn()
        except BaseException as e:      # noqa: B902 -- recorded, not hidden
            outcome.error = e
        outcome.ended_at = time.monotonic()
        outcome.elapsed = outcome.ended_at - start
        outcome.finished = True

    thread = threading.Thread(target=run, daemon=True, name="fault-call")
    thread.start()
    if not wait:
        return thread, outcome
    thread.join(timeout)
    if not outcome.finished:
        outcome.elapsed = time.monotonic() - start
    return outcome


def timer_fires(libvirt, timeout=5.0):
    """Add a 1 ms timer with virEventAddTimeout; seconds until the event
    loop dispatched it (with the opaque value given), or None.  The timer
    is removed afterwards."""
    fired = threading.Event()
    token = object()
    seen = []

    def cb(timer, opaque):
        seen.append(opaque is token)
        fired.set()

    start = time.monotonic()
    timer = libvirt.virEventAddTimeout(1, cb, token)
    try:
        ok = fired.wait(timeout)
        return round(time.monotonic() - start, 3) if ok and all(seen) else None
    finally:
        libvirt.virEventRemoveTimeout(timer)


class Unraisables:
    """Records the sys.unraisablehook calls (exception type name, message,
    the object's repr, thread name) while installed (a context manager)."""

    def __init__(self):
        self.records = []
        self._lock = threading.Lock()
        self._old = None

    def _hook(self, unraisable):
        with self._lock:
            self.records.append({
                "type": type(unraisable.exc_value).__name__,
                "message": str(unraisable.exc_value),
                "object": repr(unraisable.object),
                "thread": threading.current_thread().name,
            })

    def __enter__(self):
        self._old = sys.unraisablehook
        sys.unraisablehook = self._hook
        return self

    def __exit__(self, *exc):
        sys.unraisablehook = self._old

    def snapshot(self):
        with self._lock:
            return list(self.records)


class CloseRecorder:
    """A close callback: cb(conn, reason, opaque).  Records (reason, conn
    is the expected connection, opaque is the expected opaque, thread)."""

    def __init__(self, opaque=None, raise_with=None):
        self._conn = lambda: None   # expect(conn) sets it (a weak reference)
        self.opaque = opaque
        self.raise_with = raise_with
        self.calls = []
        self._event = threading.Event()

    def __call__(self, conn, reason, opaque):
        self.calls.append({"reason": reason, "conn_is_conn": conn is self._conn(),
                           "opaque_is_opaque": opaque is self.opaque,
                           "thread": threading.current_thread().name,
                           "at": time.monotonic()})
        self._event.set()
        if self.raise_with is not None:
            raise self.raise_with

    def expect(self, conn):
        """The connection the callback must be given (not kept alive)."""
        self._conn = weakref.ref(conn)

    def wait(self, timeout):
        return self._event.wait(timeout)

    def reasons(self):
        return [c["reason"] for c in self.calls]


if __name__ == "__main__":
    _child_main(sys.argv[1], sys.argv[2])
