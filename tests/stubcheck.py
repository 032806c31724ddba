"""The installed type stubs, read back, and the child of the runtime type
check of tests/test_stubs.py.

declarations() reads the stubs the installed binding carries
(<module>-stubs/__init__.pyi beside libvirt.py, libvirt_qemu.py,
libvirt_lxc.py) and gives, for every function and method they declare,
its return annotation.

As a script, it runs one group of calls of tests/differential/scenarios.py
(the catalogue of valid calls on the test driver) plus the calls of
SUPPLEMENT below, with every declared function and method of libvirt,
libvirt_qemu and libvirt_lxc wrapped: each result is checked against its
declared type by typeguard's check_type (every item of every collection),
and each libvirtError is recorded with its code.  The callbacks given to
parameters declared Callable[[...], ...] are wrapped too: the arguments
each gets are checked against the declared ones, under the name
"module.Class.method(parameter)".  It prints one JSON line per function,
method or callback called:

    {"name": "libvirt.virDomain.info", "ok": N, "mismatches": [...],
     "errors": {"code": count, ...}, "exceptions": {"TypeError": count}}

then {"done": true}.

    python stubcheck.py GROUP            (a scenarios group, or "supplement")
"""

from __future__ import annotations

import ast
import collections
import faulthandler
import importlib.util
import json
import os
import sys

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

MODULES = ("libvirt", "libvirt_qemu", "libvirt_lxc")
CALL_TIMEOUT = 30.0


def stub_path(module: str) -> str:
    """The installed stub of `module` (a PEP 561 stub-only package beside
    the installed libvirt.py: a checkout's own libvirtaio.py may come first
    on sys.path)."""
    spec = importlib.util.find_spec("libvirt")
    if spec is None or spec.origin is None:
        raise ImportError("libvirt is not installed")
    return os.path.join(os.path.dirname(spec.origin), f"{module}-stubs", "__init__.pyi")


def declarations(module: str) -> dict[str, str]:
    """'module.name' or 'module.Class.name' -> the return annotation (text)
    of each function and method the stub of `module` declares (not
    __new__: the constructors are called by every lookup anyway)."""
    with open(stub_path(module), encoding="utf-8") as f:
        tree = ast.parse(f.read())
    out = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            out[f"{module}.{node.name}"] = ast.unparse(node.returns)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name != "__new__":
                    out[f"{module}.{node.name}.{item.name}"] = ast.unparse(item.returns)
    return out


def callback_parameters(module: str) -> dict[str, list[tuple[int, str, str]]]:
    """'module.name' or 'module.Class.name' -> (position, name, annotation)
    of each parameter (self not counted) whose annotation is a Callable."""
    with open(stub_path(module), encoding="utf-8") as f:
        tree = ast.parse(f.read())
    out = {}

    def params(qualname, node, method):
        args = node.args.args[1:] if method else node.args.args
        found = [(i, a.arg, ast.unparse(a.annotation)) for i, a in enumerate(args)
                 if a.annotation is not None and "Callable[" in ast.unparse(a.annotation)]
        if found:
            out[qualname] = found

    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            params(f"{module}.{node.name}", node, False)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name != "__new__":
                    params(f"{module}.{node.name}.{item.name}", item, True)
    return out


def callable_arguments(tp) -> list | None:
    """The argument types of the Callable in annotation `tp` (a Callable or
    a union with one), or None when it takes any arguments (Callable[...])."""
    import collections.abc
    import typing
    for candidate in (tp, *typing.get_args(tp)):
        if typing.get_origin(candidate) is collections.abc.Callable:
            args = typing.get_args(candidate)[0]
            return list(args) if isinstance(args, list) else None
    return None


def namespace():
    """What the annotations of the stubs name, at run time."""
    import collections.abc
    import types
    import typing

    import libvirt
    ns = dict(vars(libvirt))
    ns.update(libvirt=libvirt, Any=typing.Any, Callable=collections.abc.Callable,
              Iterable=collections.abc.Iterable, TracebackType=types.TracebackType)
    return ns


def evaluate(annotation: str, ns) -> object:
    return eval(annotation, ns)  # noqa: S307 - the text of our own stubs


# ---- the child ------------------------------------------------------------

class Recorder:
    def __init__(self):
        self.stats = collections.defaultdict(lambda: {
            "ok": 0, "mismatches": [], "errors": collections.Counter(), "messages": [],
            "exceptions": collections.Counter()})

    def install(self):
        """Wrap every declared function and method."""
        import typeguard
        import libvirt
        ns = namespace()
        strategy = typeguard.CollectionCheckStrategy.ALL_ITEMS
        self.callback_wrappers = {}
        for module in MODULES:
            mod = __import__(module)
            callbacks = callback_parameters(module)
            for qualname, annotation in declarations(module).items():
                expected = evaluate(annotation, ns)
                parts = qualname.split(".")[1:]
                owner = mod if len(parts) == 1 else getattr(mod, parts[0])
                name = parts[-1]
                original = getattr(owner, name)
                typed_callbacks = []
                for position, param, text in callbacks.get(qualname, ()):
                    arg_types = callable_arguments(evaluate(text, ns))
                    if arg_types is not None:
                        typed_callbacks.append((position + (len(parts) > 1), param, text,
                                                arg_types))
                setattr(owner, name, self._wrap(qualname, original, expected, annotation,
                                                typed_callbacks, libvirt, typeguard, strategy))

    def _callback(self, where, cb, text, arg_types, typeguard, strategy):
        """`cb`, wrapped so that the arguments it gets are checked against
        `arg_types`; the same wrapper for the same callback and type, so
        that deregistering by the callable finds it."""
        if not callable(cb):
            return cb
        key = (id(cb), text)
        if key in self.callback_wrappers:
            return self.callback_wrappers[key][1]
        stats = self.stats

        def checked_callback(*args):
            s = stats[where]
            problem = None
            if len(args) != len(arg_types):
                problem = f"{len(args)} arguments"
            else:
                for i, (value, tp) in enumerate(zip(args, arg_types)):
                    try:
                        typeguard.check_type(value, tp, collection_check_strategy=strategy)
                    except typeguard.TypeCheckError as e:
                        problem = f"argument {i} {_short(value)}: {e}"
                        break
            if problem is None:
                s["ok"] += 1
            elif len(s["mismatches"]) < 3:
                s["mismatches"].append(f"declared {text}, called with {problem}")
            return cb(*args)

        self.callback_wrappers[key] = (cb, checked_callback)   # keeps cb alive: ids stay
        return checked_callback

    def _wrap(self, qualname, original, expected, annotation, typed_callbacks, libvirt,
              typeguard, strategy):
        stats = self.stats
        recorder = self

        def checked(*args, **kwargs):
            if typed_callbacks:
                args = list(args)
                for position, param, text, arg_types in typed_callbacks:
                    where = f"{qualname}({param})"
                    if position < len(args):
                        args[position] = recorder._callback(where, args[position], text,
                                                            arg_types, typeguard, strategy)
                    elif param in kwargs:
                        kwargs[param] = recorder._callback(where, kwargs[param], text,
                                                           arg_types, typeguard, strategy)
            try:
                result = original(*args, **kwargs)
            except libvirt.libvirtError as e:
                stats[qualname]["errors"][str(e.get_error_code())] += 1
                messages = stats[qualname]["messages"]
                if len(messages) < 5 and str(e) not in messages:
                    messages.append(str(e))
                raise
            except BaseException as e:
                stats[qualname]["exceptions"][type(e).__name__] += 1
                raise
            try:
                typeguard.check_type(result, expected, collection_check_strategy=strategy)
            except typeguard.TypeCheckError as e:
                mismatches = stats[qualname]["mismatches"]
                if len(mismatches) < 3:
                    mismatches.append(f"declared {annotation}, returned {_short(result)}: {e}")
            else:
                stats[qualname]["ok"] += 1
            return result

        checked.__name__ = checked.__qualname__ = getattr(original, "__name__", qualname)
        return checked

    def emit(self):
        for name, s in sorted(self.stats.items()):
            print(json.dumps({"name": name, "ok": s["ok"], "mismatches": s["mismatches"],
                              "errors": dict(s["errors"]), "messages": s["messages"],
                              "exceptions": dict(s["exceptions"])}), flush=True)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) < 300 else text[:300] + "..."


# Calls the scenarios make only in ways that fail on the test driver (or
# not at all), made here validly: id -> function(ctx).  Run in group
# "supplement", each on a context of its own on the rich test driver;
# DEFAULT_URI's state suits some better.
DEFAULT_URI = "test:///default"


def _supplement():
    def with_conn(ctx):
        with ctx.lv.open(ctx.uri) as conn:
            return conn.getURI()

    def on_default(fn):
        def run(ctx):
            conn = ctx.lv.open(DEFAULT_URI)
            try:
                return fn(ctx.lv, conn, conn.lookupByName("test"))
            finally:
                conn.close()
        return run

    def save_image(ctx):
        dom = ctx.conn.lookupByName("alpha")
        path = ctx.path("alpha.save")
        dom.save(path)
        xml = ctx.conn.saveImageGetXMLDesc(path, 0)
        return ctx.conn.saveImageDefineXML(path, xml, 0)

    def migrate(method, *args):
        def run(lv, conn, dom):
            other = lv.open(DEFAULT_URI)
            try:
                return getattr(dom, method)(other, *args)
            finally:
                other.close()
        return on_default(run)

    def migrate_to_uri(method, *args):
        return on_default(lambda lv, conn, dom: getattr(dom, method)(
            DEFAULT_URI, *args))

    p2p = 2   # VIR_MIGRATE_PEER2PEER
    return {
        "module.__dir__": lambda ctx: dir(ctx.lv),
        "virConnect.__enter__/__exit__": with_conn,
        "virConnect.saveImageGetXMLDesc/saveImageDefineXML": save_image,
        "virConnect.getCellsFreeMemory": on_default(lambda lv, conn, dom:
                                                     conn.getCellsFreeMemory(0, 1)),
        "virDomain.pinVcpuFlags": on_default(lambda lv, conn, dom:
                                             dom.pinVcpuFlags(0, (True,), 0)),
        "virDomain.migrate": migrate("migrate", 0, None, None, 0),
        "virDomain.migrate2": migrate("migrate2", None, 0, None, None, 0),
        "virDomain.migrate3": migrate("migrate3", {}, 0),
        "virDomain.migrateToURI": migrate_to_uri("migrateToURI", p2p, None, 0),
        "virDomain.migrateToURI2": on_default(lambda lv, conn, dom: dom.migrateToURI2(
            DEFAULT_URI, None, None, p2p, None, 0)),
        "virDomain.migrateToURI3": migrate_to_uri("migrateToURI3", {}, p2p),
    }


SUPPLEMENT = _supplement()


def run_group(group_name: str) -> None:
    from differential import runner as drunner
    from differential import scenarios

    recorder = Recorder()
    recorder.install()
    import libvirt
    if group_name == "supplement":
        group = scenarios.Group("supplement")
        for cid, fn in SUPPLEMENT.items():
            group.add(scenarios.Call(cid, fn, (), fresh=True))
    else:
        group = scenarios.GROUPS[group_name]
    run = drunner.Runner(libvirt, scenarios, group, scenarios.RICH_URI)
    try:
        for call in group.calls:
            faulthandler.dump_traceback_later(CALL_TIMEOUT, exit=True)
            run.run_call(call)
            faulthandler.cancel_dump_traceback_later()
    finally:
        run.shutdown()
    recorder.emit()
    print(json.dumps({"done": True}), flush=True)


if __name__ == "__main__":
    run_group(sys.argv[1])
    sys.stdout.flush()
    os._exit(0)   # no interpreter teardown: some handles may be in odd states
