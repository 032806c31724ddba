"""Tests of codegen/naming.py against the libvirt API XML and the reference surface."""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from codegen import model, naming  # noqa: E402
from codegen.modules import MODULES  # noqa: E402

SURFACE_PATH = os.path.join(ROOT, "tests", "data", "libvirt-python-surface.json")



def _api_xml(module):
    row = MODULES[module]
    try:
        path = subprocess.run(["pkg-config", f"--variable={row.api_variable}", row.pkg_config],
                              check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        path = ""
    if not path or not os.path.exists(path):
        pytest.skip(f"API XML of {module} not found via pkg-config")
    return path


@pytest.fixture(scope="module")
def c_functions():
    """[(C module, C name, [argument types])] of all three API XML files."""
    funcs = []
    for module in MODULES:
        for func in model.parse(_api_xml(module), module).functions.values():
            funcs.append((module, func.name, func.arg_types))
    return funcs


@pytest.fixture(scope="module")
def mapping(c_functions):
    """(Python module, class or None, Python name) -> [C names]."""
    result = {}
    for module, func, args in c_functions:
        cls, name = naming.python_name(func, args, module)
        result.setdefault((MODULES[module].python, cls, name), []).append(func)
    return result


@pytest.fixture(scope="module")
def surface():
    """Set of (Python module, class or None, name) of every surface function/method."""
    with open(SURFACE_PATH) as f:
        modules = json.load(f)["modules"]
    names = set()
    for pymod in (row.python for row in MODULES.values()):
        for name, entry in modules[pymod]["names"].items():
            if entry["kind"] == "function":
                names.add((pymod, None, name))
            elif entry["kind"] == "class":
                names.update((pymod, name, meth) for meth in entry.get("methods", {}))
    return names


def _label(key):
    pymod, cls, name = key
    return f"{pymod}.{cls + '.' if cls else ''}{name}"


def test_every_surface_name_is_accounted_for(surface, mapping):
    missing = [
        _label(key) for key in sorted(surface, key=_label)
        if key not in mapping
        and not (key[0] == "libvirt" and (key[1], key[2]) in naming.SURFACE_ONLY_PYTHON)
    ]
    assert not missing, "surface names with neither a C function nor a SURFACE_ONLY_PYTHON entry"


def test_surface_only_entries_are_really_surface_only(surface, mapping):
    for cls, name in naming.SURFACE_ONLY_PYTHON:
        key = ("libvirt", cls, name)
        assert key in surface, f"{_label(key)} is not on the reference surface"
        assert key not in mapping, f"{_label(key)} is produced by {mapping.get(key)}"


def test_no_two_c_functions_share_a_python_name(mapping):
    shared = {_label(k): v for k, v in mapping.items() if len(v) > 1}
    assert not shared


def test_every_function_gets_a_plausible_name(c_functions):
    classes = set(naming.CLASSES)
    for module, func, args in c_functions:
        cls, name = naming.python_name(func, args, module)
        assert cls is None or cls in classes, func
        assert name.isidentifier(), (func, name)
        if module != "libvirt":
            assert cls is None, func


def test_exceptions_are_needed_and_used(c_functions, surface):
    by_name = {func: (module, args) for module, func, args in c_functions}
    for func, (cls, name, reason) in naming.NAME_EXCEPTIONS.items():
        assert func in by_name, f"{func} is not a C function"
        assert reason.strip(), func
        module, args = by_name[func]
        assert naming.rule_name(func, args, module) != (cls, name), \
            f"{func}: the rules already give {cls}.{name}; the exception is redundant"
        assert (MODULES[module].python, cls, name) in surface, f"{func} -> {cls}.{name} not on the surface"


def test_classes_are_the_reference_handle_classes():
    with open(SURFACE_PATH) as f:
        names = json.load(f)["modules"]["libvirt"]["names"]
    reference = {n for n, v in names.items() if v["kind"] == "class"} - {"libvirtError"}
    assert sorted(naming.CLASSES) == sorted(reference)


@pytest.mark.parametrize("func, args, module, expected", [
    ("virDomainGetName", ["virDomainPtr"], "libvirt", ("virDomain", "name")),
    ("virDomainLookupByName", ["virConnectPtr", "const char *"], "libvirt",
     ("virConnect", "lookupByName")),
    ("virNetworkLookupByName", ["virConnectPtr", "const char *"], "libvirt",
     ("virConnect", "networkLookupByName")),
    ("virConnectGetVersion", ["virConnectPtr", "unsigned long *"], "libvirt",
     ("virConnect", "getVersion")),
    ("virConnectOpen", ["const char *"], "libvirt", (None, "open")),
    ("virDomainSnapshotGetName", ["virDomainSnapshotPtr"], "libvirt",
     ("virDomainSnapshot", "getName")),
    ("virDomainGetUUIDString", ["virDomainPtr", "char *"], "libvirt",
     ("virDomain", "UUIDString")),
    ("virDomainGetXMLDesc", ["virDomainPtr", "unsigned int"], "libvirt", ("virDomain", "XMLDesc")),
    ("virDomainGetID", ["virDomainPtr"], "libvirt", ("virDomain", "ID")),
    ("virDomainFSFreeze", ["virDomainPtr", "const char **", "unsigned int", "unsigned int"],
     "libvirt", ("virDomain", "fsFreeze")),
    ("virDomainFSTrim", ["virDomainPtr", "const char *", "unsigned long long", "unsigned int"],
     "libvirt", ("virDomain", "fSTrim")),
    ("virDomainPMWakeup", ["virDomainPtr", "unsigned int"], "libvirt", ("virDomain", "pMWakeup")),
    ("virDomainSnapshotCreateXML", ["virDomainPtr", "const char *", "unsigned int"], "libvirt",
     ("virDomain", "snapshotCreateXML")),
    ("virNodeGetInfo", ["virConnectPtr", "virNodeInfoPtr"], "libvirt", ("virConnect", "getInfo")),
    ("virNodeDeviceLookupByName", ["virConnectPtr", "const char *"], "libvirt",
     ("virConnect", "nodeDeviceLookupByName")),
    ("virNWFilterBindingCreateXML", ["virConnectPtr", "const char *", "unsigned int"], "libvirt",
     ("virConnect", "nwfilterBindingCreateXML")),
    ("virStorageVolLookupByName", ["virStoragePoolPtr", "const char *"], "libvirt",
     ("virStoragePool", "storageVolLookupByName")),
    ("virConnGetLastError", ["virConnectPtr"], "libvirt", ("virConnect", "virConnGetLastError")),
    ("virGetLastError", [], "libvirt", (None, "virGetLastError")),
    ("virEventRegisterDefaultImpl", [], "libvirt", (None, "virEventRegisterDefaultImpl")),
    ("virGetVersion", ["unsigned long *", "const char *", "unsigned long *"], "libvirt",
     (None, "getVersion")),
    ("virDomainQemuMonitorCommand", ["virDomainPtr", "const char *", "char **", "unsigned int"],
     "libvirt-qemu", (None, "qemuMonitorCommand")),
    ("virConnectDomainQemuMonitorEventRegister",
     ["virConnectPtr", "virDomainPtr", "const char *", "virConnectDomainQemuMonitorEventCallback",
      "void *", "virFreeCallback", "unsigned int"],
     "libvirt-qemu", (None, "qemuMonitorEventRegister")),
    ("virDomainLxcOpenNamespace", ["virDomainPtr", "int **", "unsigned int"], "libvirt-lxc",
     (None, "lxcOpenNamespace")),
])
def test_examples(func, args, module, expected):
    assert naming.python_name(func, args, module) == expected
