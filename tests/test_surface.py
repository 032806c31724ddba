"""The reference binding's public surface, name for name.

tests/data/libvirt-python-surface.json lists every module name, class,
method, parameter (name, kind, default) and constant value of the
reference binding on libvirt 9.0.0.  Constants, classes and module
functions must all be there with the same signatures; so must every
method whose C function the generator binds or an override implements.
Methods still pending an override are counted and reported, not failed.

One difference is allowed, by CPython's rules for C methods: `self` of a
method implemented in C is positional-only (`inspect` shows `(self, /, ...)`),
where the reference's Python methods take it as positional-or-keyword.
"""

import importlib
import inspect
import json
import os
import sys

import pytest

from support import child

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SURFACE_PATH = os.path.join(HERE, "data", "libvirt-python-surface.json")

with open(SURFACE_PATH) as f:
    SURFACE = json.load(f)

# Modules this issue covers; libvirtaio comes with the event loops.
MODULES = ["libvirt", "libvirt_qemu", "libvirt_lxc"]

# Filled by the tests, printed by conftest's terminal summary.
REPORT = {}


def _bound_names():
    """(class or None, Python name, state) of every C function, as the
    generator classifies them on the installed libvirt."""
    sys.path.insert(0, ROOT)
    try:
        import generator
        from codegen import classify
        from codegen.modules import MODULES
        paths = {m: generator.pkg_config_api(m) for m in MODULES}
        _, _, bindings = generator.load(paths, ROOT)
    finally:
        sys.path.remove(ROOT)
    py_module = {m: row.python for m, row in MODULES.items()}
    result = {}
    for module, items in bindings.items():
        for b in items:
            result[(py_module[module], b.pyclass, b.pyname)] = (b.state, b.reason)
    return result, classify


BOUND, _classify = _bound_names()


def _describe(sig: inspect.Signature, is_method: bool):
    params = []
    for i, p in enumerate(sig.parameters.values()):
        kind = p.kind.name
        if is_method and i == 0 and p.name == "self" and kind == "POSITIONAL_ONLY":
            kind = "POSITIONAL_OR_KEYWORD"   # C method: see the module docstring
        default = None if p.default is inspect.Parameter.empty else repr(p.default)
        params.append((p.name, kind, default))
    return params


def _expected(params):
    return [(p["name"], p["kind"], p["default"]) for p in params]


def _signature_problem(obj, expected_params, is_method):
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError) as e:
        return f"no signature: {e}"
    got = _describe(sig, is_method)
    want = _expected(expected_params)
    return None if got == want else f"signature {got} != reference {want}"


def _names(module, kind):
    return sorted(n for n, v in SURFACE["modules"][module]["names"].items() if v["kind"] == kind)


@pytest.mark.parametrize("module", MODULES)
def test_constants_have_the_reference_values(module):
    mod = importlib.import_module(module)
    names = _names(module, "int constant") + _names(module, "str constant")
    wrong = {}
    for name in names:
        want = SURFACE["modules"][module]["names"][name]["value"]
        got = getattr(mod, name, "<missing>")
        if got != want or type(got) is not type(want):
            wrong[name] = (got, want)
    REPORT[f"{module} constants"] = (len(names) - len(wrong), len(names))
    assert not wrong


@pytest.mark.parametrize("module", MODULES)
def test_classes_exist(module):
    mod = importlib.import_module(module)
    names = _names(module, "class")
    missing = [n for n in names if not isinstance(getattr(mod, n, None), type)]
    REPORT[f"{module} classes"] = (len(names) - len(missing), len(names))
    assert not missing


def test_libvirt_classes_keep_the_reference_bases():
    # Ours may add a C base in between; every base of the reference's class
    # must still be among ours (isinstance and except clauses keep working).
    import libvirt
    wrong = {}
    for name in _names("libvirt", "class"):
        reference_bases = SURFACE["modules"]["libvirt"]["names"][name]["bases"]
        ours = {cls.__name__ for cls in getattr(libvirt, name).__mro__}
        if not set(reference_bases) <= ours:
            wrong[name] = (reference_bases, sorted(ours))
    assert not wrong


@pytest.mark.parametrize("module", MODULES)
def test_module_functions_match(module):
    mod = importlib.import_module(module)
    names = _names(module, "function")
    problems = {}
    for name in names:
        obj = getattr(mod, name, None)
        if obj is None:
            problems[name] = "missing"
            continue
        problem = _signature_problem(obj, SURFACE["modules"][module]["names"][name]["params"], False)
        if problem:
            problems[name] = problem
    REPORT[f"{module} module functions"] = (len(names) - len(problems), len(names))
    assert not problems


def _method_cases():
    for module in MODULES:
        for cls in _names(module, "class"):
            for meth in SURFACE["modules"][module]["names"][cls]["methods"]:
                yield module, cls, meth


def _method_status():
    """{(module, class, method): problem or None}, and which must match."""
    status, required = {}, set()
    for module, cls, meth in _method_cases():
        mod = importlib.import_module(module)
        info = SURFACE["modules"][module]["names"][cls]["methods"][meth]
        klass = getattr(mod, cls, None)
        obj = getattr(klass, meth, None) if klass is not None else None
        key = (module, cls, meth)
        state = BOUND.get((module, cls, meth), (None, ""))[0]
        if state in (_classify.GENERATED, _classify.HANDWRITTEN):
            required.add(key)
        status[key] = "missing" if obj is None else _signature_problem(obj, info["params"], True)
    return status, required


def test_methods_match_where_bound():
    status, required = _method_status()
    matching = sum(1 for problem in status.values() if problem is None)
    REPORT["methods with the reference signature"] = (matching, len(status))
    REPORT["methods the generator or an override binds"] = (
        sum(1 for k in required if status[k] is None), len(required))
    wrong = {".".join(k[1:]): status[k] for k in sorted(required) if status[k] is not None}
    assert not wrong


def test_every_present_method_has_the_reference_signature():
    """Methods present for any reason (Python-level too) match the reference."""
    status, _ = _method_status()
    wrong = {".".join(k[1:]): p for k, p in status.items() if p not in (None, "missing")}
    assert not wrong


def test_report_lists_what_is_missing():
    status, _ = _method_status()
    missing = sorted(k for k, p in status.items() if p == "missing")
    REPORT["missing methods"] = [".".join(k[1:]) for k in missing]
    # Every missing method is a known gap: one the generator skips, saying
    # why.  A method no C function stands for (libvirtError's, the
    # Python-level ones) is never such a gap.
    unexplained = [".".join(k[1:]) for k in missing
                   if BOUND.get(k, (None, ""))[0] != _classify.SKIPPED]
    assert not unexplained


def test_signatures_work_on_bound_methods():
    """inspect.signature() drops self on bound C methods, like on Python ones."""
    out = child.run("surface_cases", "bound_method_signatures").value
    assert out == ["(flags=0)", "(name)"]
