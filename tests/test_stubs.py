"""The type stubs of the installed binding (libvirt.pyi, libvirt_qemu.pyi,
libvirt_lxc.pyi, libvirtaio.pyi, installed as <module>-stubs packages).

* they are installed, with py.typed, and name every public name of the
  reference surface (tests/data/libvirt-python-surface.json);
* mypy's stubtest finds no difference between them and the runtime
  (STUBTEST_ALLOWLIST lists what stubtest cannot check, with the reason);
* `mypy --strict` passes on examples/*.py and on tests/typed_sample.py, a
  program using every family of the API, which also runs against
  test:///default, and on libvirtaio.py, whose annotations its stub has;
* every function and method they declare is called with valid arguments
  (the calls of tests/differential/scenarios.py on the rich test driver,
  and tests/stubcheck.py's SUPPLEMENT) and each result is checked against
  its declared return type with typeguard's check_type
  (tests/stubcheck.py).  What the test driver does not support
  (VIR_ERR_NO_SUPPORT, or no object of the class to call methods on) is
  counted apart; a mismatch fails, and so does a declared function that no
  call reaches.  The callbacks given to parameters declared with their
  argument types (Callable[[...], ...]) get their arguments checked too.
"""

import concurrent.futures
import glob
import json
import os
import subprocess
import sys

import pytest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS_DIR)
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

import stubcheck  # noqa: E402
from support import child  # noqa: E402

SURFACE = os.path.join(TESTS_DIR, "data", "libvirt-python-surface.json")
STUBBED = ("libvirt", "libvirt_qemu", "libvirt_lxc", "libvirtaio")
TYPED_SAMPLE = os.path.join(TESTS_DIR, "typed_sample.py")

# stubtest entries it cannot check, each with its reason (none so far).
STUBTEST_ALLOWLIST: dict[str, str] = {
}

VIR_ERR_NO_SUPPORT = "3"

# Classes the test driver cannot make an object of (libvirt 9.0.0 has no
# secret, nwfilter or network port driver in it): the call that would make
# one must fail with VIR_ERR_NO_SUPPORT, and then their methods count as
# unsupported.
NO_OBJECT = {
    "virSecret": "libvirt.virConnect.secretDefineXML",
    "virNWFilter": "libvirt.virConnect.nwfilterDefineXML",
    "virNWFilterBinding": "libvirt.virConnect.nwfilterBindingCreateXML",
    "virNetworkPort": "libvirt.virNetwork.portCreateXML",
}

# Functions the test driver refuses whatever the arguments, though not with
# VIR_ERR_NO_SUPPORT: name -> (what its error says, why).  Counted apart
# when that error is what they raised.
REFUSED = {
    **{f"libvirt.virDomain.{name}": (
        "unsupported flags (0x4)",
        "the binding asks for string parameters (VIR_TYPED_PARAM_STRING_OKAY), as the "
        "reference does, and the test driver's getter takes no flags")
       for name in ("schedulerParametersFlags", "setSchedulerParametersFlags",
                    "launchSecurityInfo")},
    **{f"libvirt.virDomain.{name}": (
        "migration is not supported by the source host",
        "the test driver migrates neither directly nor peer to peer "
        "(VIR_ERR_ARGUMENT_UNSUPPORTED)")
       for name in ("migrateToURI", "migrateToURI2", "migrateToURI3")},
}

# Scenario groups run by the runtime check: those on the test driver.
GROUP_KINDS = ("test", "eventimpl")


def _clean_env():
    env = dict(os.environ)
    env.pop("MYPYPATH", None)
    env["LIBVIRT_DEFAULT_URI"] = "test:///default"
    return env


def _run_mypy(args, cwd):
    return subprocess.run([sys.executable, "-m", "mypy", *args], cwd=cwd, env=_clean_env(),
                          capture_output=True, text=True, timeout=600)


# ---- installation -----------------------------------------------------------

def test_stubs_are_installed_with_py_typed():
    for module in STUBBED:
        path = stubcheck.stub_path(module)
        assert os.path.isfile(path), f"{module}: no stub at {path}"
        assert os.path.isfile(os.path.join(os.path.dirname(path), "py.typed")), module


def test_stubs_name_every_public_name_of_the_reference():
    import ast
    with open(SURFACE) as f:
        surface = json.load(f)["modules"]
    missing = []
    for module, data in surface.items():
        with open(stubcheck.stub_path(module), encoding="utf-8") as f:
            tree = ast.parse(f.read())
        names = {}
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names[node.name] = node
            elif isinstance(node, ast.AnnAssign):
                names[node.target.id] = node
        for name, info in data["names"].items():
            if name not in names:
                missing.append(f"{module}.{name}")
                continue
            if info["kind"] == "class":
                members = _members(names, name)
                missing.extend(f"{module}.{name}.{m}" for m in info["methods"] if m not in members)
    assert not missing, "not in the stubs: " + ", ".join(missing)


def _members(names, cls):
    """The methods and attributes of the stub's class `cls`, with those it
    inherits from the stub's other classes."""
    import ast
    node = names[cls]
    members = {item.name for item in node.body
               if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
    members |= {item.target.id for item in node.body if isinstance(item, ast.AnnAssign)}
    for base in node.bases:
        if isinstance(base, ast.Name) and base.id in names:
            members |= _members(names, base.id)
    return members


# ---- stubtest and mypy --strict ----------------------------------------------

def test_stubtest_finds_no_difference(tmp_path):
    allowlist = tmp_path / "allowlist.txt"
    allowlist.write_text("".join(f"{entry}  # {reason}\n"
                                 for entry, reason in STUBTEST_ALLOWLIST.items()))
    # Run outside the checkout: mypy would take ./libvirtaio.py for the module.
    result = subprocess.run([sys.executable, "-m", "mypy.stubtest", "--allowlist", str(allowlist),
                             *STUBBED], cwd=tmp_path, env=_clean_env(), capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_the_examples_and_the_typed_sample(tmp_path):
    files = sorted(glob.glob(os.path.join(ROOT, "examples", "*.py"))) + [TYPED_SAMPLE]
    result = _run_mypy(["--strict", "--cache-dir", str(tmp_path / "cache"), *files], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_libvirtaio_itself(tmp_path):
    """libvirtaio.pyi is made from libvirtaio.py's annotations: they hold."""
    result = _run_mypy(["--strict", "--cache-dir", str(tmp_path / "cache"),
                        os.path.join(ROOT, "libvirtaio.py")], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_reports_a_wrong_use(tmp_path):
    """The stubs are what mypy reads: a wrong use is reported."""
    program = tmp_path / "wrong.py"
    program.write_text("import libvirt\n"
                       "conn = libvirt.open('test:///default')\n"
                       "state: str = conn.lookupByName('test').state()[0]\n"
                       "conn.lookupByName(42)\n")
    result = _run_mypy(["--strict", "--cache-dir", str(tmp_path / "cache"), str(program)],
                       tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "wrong.py:3: error: Incompatible types in assignment" in result.stdout
    assert "wrong.py:4: error: Argument 1 to \"lookupByName\"" in result.stdout


def test_typed_sample_runs():
    result = child.run(TYPED_SAMPLE, env=_clean_env(), timeout=120, expect=0)
    assert "typed sample: done" in result.stdout, result.output


# ---- the results, checked against their declared types --------------------------

def _groups():
    from differential import scenarios
    return [name for name, g in scenarios.GROUPS.items() if g.kind in GROUP_KINDS] + ["supplement"]


def _run_group(group):
    proc = child.run(os.path.join(TESTS_DIR, "stubcheck.py"), group, env=_clean_env(),
                     timeout=600, expect=None)
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines or lines[-1] != {"done": True}:
        return group, None, f"exit status {proc.returncode}\n{proc.stderr[-3000:]}"
    return group, lines[:-1], None


def test_every_result_has_its_declared_type():
    declared = {}
    for module in stubcheck.MODULES:
        declared.update(stubcheck.declarations(module))
    stats = {}
    failures = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for group, lines, error in pool.map(_run_group, _groups()):
            if error is not None:
                failures.append(f"group {group}: {error}")
                continue
            for line in lines:
                s = stats.setdefault(line["name"], {"ok": 0, "mismatches": [], "errors": {},
                                                    "messages": [], "exceptions": {}})
                s["ok"] += line["ok"]
                s["mismatches"].extend(line["mismatches"])
                s["messages"].extend(line["messages"])
                for kind in ("errors", "exceptions"):
                    for key, n in line[kind].items():
                        s[kind][key] = s[kind].get(key, 0) + n
    assert not failures, "\n".join(failures)

    checked, unsupported, refused, uncovered, mismatched = [], [], [], [], []
    for name in sorted(declared):
        s = stats.get(name)
        if s is not None and s["mismatches"]:
            mismatched.append(f"{name}: " + "; ".join(s["mismatches"]))
        elif s is not None and s["ok"]:
            checked.append(name)
        elif s is not None and VIR_ERR_NO_SUPPORT in s["errors"]:
            unsupported.append(name)
        elif s is not None and name in REFUSED and any(REFUSED[name][0] in m
                                                       for m in s["messages"]):
            refused.append(name)
        else:
            uncovered.append(name)
    # The callbacks of parameters declared Callable[[...], ...]: the
    # arguments each got, checked against the declared ones.
    ns = stubcheck.namespace()
    typed_callbacks = sorted(
        f"{name}({param})" for module in stubcheck.MODULES
        for name, params in stubcheck.callback_parameters(module).items()
        for _, param, text in params
        if stubcheck.callable_arguments(stubcheck.evaluate(text, ns)) is not None)
    callbacks_checked = []
    for name in typed_callbacks:
        s = stats.get(name)
        if s is not None and s["mismatches"]:
            mismatched.append(f"{name}: " + "; ".join(s["mismatches"]))
        elif s is not None and s["ok"]:
            callbacks_checked.append(name)
    no_object = []
    for name in list(uncovered):
        cls = name.split(".")[1]
        if cls in NO_OBJECT and NO_OBJECT[cls] in unsupported:
            uncovered.remove(name)
            no_object.append(name)
    print(f"\nruntime type check: {len(checked)} of {len(declared)} declared functions and "
          f"methods checked, {len(unsupported)} unsupported by the test driver "
          f"(VIR_ERR_NO_SUPPORT), {len(no_object)} of classes it makes no object of "
          f"({', '.join(sorted(NO_OBJECT))}), {len(refused)} refused by it whatever the "
          f"arguments ({', '.join(n.rsplit('.', 1)[1] for n in refused)}); the arguments "
          f"of {len(callbacks_checked)} of {len(typed_callbacks)} typed callback parameters "
          f"checked (not called: "
          f"{', '.join(n for n in typed_callbacks if n not in callbacks_checked) or '-'})")
    if os.environ.get("STUBCHECK_LIST"):
        for title, names in (("unsupported", unsupported), ("uncovered", uncovered)):
            print(f"{title}:", *(f"  {n}: {stats.get(n)}" for n in names), sep="\n")
    assert not mismatched, "results not of their declared type:\n" + "\n".join(mismatched)
    assert not uncovered, ("no valid call reaches these (add one to SUPPLEMENT in "
                           "tests/stubcheck.py):\n" + "\n".join(
                               f"{n}: {stats.get(n)}" for n in uncovered))
