"""Child of the differential test: runs one group of calls under whatever
``libvirt`` module this interpreter imports, and prints one JSON line per
call with the normalised outcome.

    python runner.py SCENARIO_MODULE URI GROUP [--skip-json '[ids]'] [--list]

SCENARIO_MODULE is a dotted module name importable with tests/ on sys.path
(normally ``differential.scenarios``) or a path to such a file; URI is the
test-driver URI of the rich state file (groups of kind "daemon" open
their own URI, see below).

Output lines (JSON objects):
  {"group": NAME, "python": ..., "libvirt": FILE}  first line
  {"begin": ID}                                    before each call
  {"id": ID, "out": NORM, "msg": STR, "errs": [[code, domain], ...],
   "post": NORM}                                   after each call
  {"done": true}                                   at the end

"out" is the normalised result or exception (normalise.py); "errs" are the
errors the registered error handler saw during the call; "post" is the
normalised result of the call's probe (the state after a mutating call).
A call that does not return within CALL_TIMEOUT seconds kills the child
(faulthandler), so the parent sees a "begin" without its result, as for a
crash.

Group kinds:
  test       connections to URI (the rich test-driver file), default event loop
  daemon     a private libvirtd (tests/qemu_daemon.py) for nwfilters,
             nwfilter bindings and network ports
  eventimpl  like test, but no event loop is registered before the calls
"""

import faulthandler
import importlib
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS_DIR = os.path.dirname(HERE)
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

from differential.normalise import (  # noqa: E402
    normalise, normalise_exception, sort_list, type_only)

CALL_TIMEOUT = float(os.environ.get("LVDIFF_CALL_TIMEOUT", "15"))


def emit(obj):
    sys.stdout.write(json.dumps(obj, sort_keys=True) + "\n")
    sys.stdout.flush()


def load_scenarios(spec):
    if spec.endswith(".py"):
        name = "differential." + os.path.splitext(os.path.basename(spec))[0]
        mod_spec = importlib.util.spec_from_file_location(name, spec)
        mod = importlib.util.module_from_spec(mod_spec)
        sys.modules[name] = mod
        mod_spec.loader.exec_module(mod)
        return mod
    return importlib.import_module(spec)


class Runner:
    def __init__(self, lv, scenarios, group, uri):
        self.lv = lv
        self.sc = scenarios
        self.group = group
        self.errs = []
        self.daemon = None
        self.uri = self._prepare(uri)
        self.shared = None

    # -- environment of the group
    def _prepare(self, uri):
        kind = self.group.kind
        if kind != "eventimpl":
            self.lv.virEventRegisterDefaultImpl()
        self.install_handler()
        if kind == "daemon":
            from qemu_daemon import QemuDaemon
            self.daemon = QemuDaemon()
            self.daemon.start()
            self._guard_daemon(self.daemon.root)
            return self.daemon.uri
        return uri

    def _guard_daemon(self, root):
        """A crash (or the hang watchdog) ends this process without atexit:
        a sentinel process stops the daemon once our end of its pipe closes."""
        import subprocess
        from support import child
        self.sentinel = child.start("daemon_sentinel", "stop_on_eof", root,
                                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)

    def install_handler(self):
        errs = self.errs

        def handler(ctx, err):
            try:
                errs.append([err[0], err[1]])
            except Exception:
                errs.append(["<handler got %s>" % repr(err)[:60], None])
        self.lv.registerErrorHandler(handler, None)

    def context(self):
        return self.sc.Context(self.lv, self.uri, self.group)

    def shutdown(self):
        if self.shared is not None:
            self.shared.close()
        if self.daemon is not None:
            self.daemon.stop()

    # -- one call
    def run_call(self, call):
        record = {"id": call.id}
        ctx = None
        try:
            if call.fresh:
                ctx = self.context()
            else:
                if self.shared is None:
                    self.shared = self.context()
                ctx = self.shared
        except Exception as e:
            record["out"] = ["setup-error"] + normalise_exception(e)[1:]
            record["msg"] = "context: %s" % e
            record["errs"] = []
            return record
        del self.errs[:]
        msg = None
        try:
            value = call.fn(ctx)
            if call.mask is not None:
                value = call.mask(value)
            out = normalise(value)
        except BaseException as e:  # noqa: B902 - SystemExit etc. are outcomes too
            out = normalise_exception(e)
            msg = "%s: %s" % (type(e).__name__, e)
        if call.unordered:
            out = sort_list(out)
        if call.varies and out and out[0] != "exc":
            out = type_only(out)
        record["out"] = out
        record["msg"] = msg
        record["errs"] = list(self.errs)
        if call.post is not None:
            try:
                record["post"] = normalise(call.post(ctx))
            except Exception as e:
                record["post"] = normalise_exception(e)
        # registerErrorHandler calls in the scenarios replace ours
        self.install_handler()
        ctx.events[:] = []
        if call.fresh:
            ctx.close()
        return record


def main(argv):
    args = list(argv[1:])
    skip = set()
    if "--skip-json" in args:
        i = args.index("--skip-json")
        skip = set(json.loads(args[i + 1]))
        del args[i:i + 2]
    only = None
    if "--only-json" in args:
        i = args.index("--only-json")
        only = json.loads(args[i + 1])
        del args[i:i + 2]
    scenario_spec, uri, group_name = args[:3]
    sc = load_scenarios(scenario_spec)
    group = sc.GROUPS[group_name]
    import libvirt
    emit({"group": group_name, "python": sys.version.split()[0], "libvirt": libvirt.__file__})
    runner = Runner(libvirt, sc, group, uri)
    try:
        for call in group.calls:
            if call.id in skip or (only is not None and call.id not in only):
                continue
            emit({"begin": call.id})
            faulthandler.dump_traceback_later(CALL_TIMEOUT, exit=True)
            record = runner.run_call(call)
            faulthandler.cancel_dump_traceback_later()
            try:
                emit(record)
            except (TypeError, ValueError) as e:
                emit({"id": call.id, "out": ["unserialisable", repr(e)], "msg": None, "errs": []})
    finally:
        runner.shutdown()
    emit({"done": True})
    sys.stdout.flush()
    os._exit(0)   # no interpreter teardown: some handles may be in odd states


if __name__ == "__main__":
    main(sys.argv)
