"""Every name the reference binding shows exists in ours.

tests/data/libvirt-python-names.json is dir() of the reference's modules
and classes, and the instance attributes of live objects, dumped from the
installed libvirt-python on test:///default.  Exempt, as the contract says:
names the reference only imports from the standard library's typing and
types modules (Optional, TracebackType, ...), and the private attributes of
libvirtaio's classes (its event loop is ours, with its own internals).
"""

import importlib
import json
import os
import sys
import types
import typing

import pytest

from support import child

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "data", "libvirt-python-names.json")) as f:
    NAMES = json.load(f)


def _imported_from_stdlib(name):
    return not name.startswith("_") and (hasattr(typing, name) or hasattr(types, name))


def _exempt(key, name):
    if _imported_from_stdlib(name):
        return True
    return key.startswith("libvirtaio.") and name.startswith("_") and not name.startswith("__")


# The dump was made on CPython 3.11: it shows what the interpreter's own base
# classes gained by then (object.__getstate__, BaseException.add_note), which
# neither binding has on an older Python.
ADDED_TO_BUILTIN_BASES = {"__getstate__": (3, 11), "add_note": (3, 11)}


def _newer_than_this_python(name):
    return sys.version_info < ADDED_TO_BUILTIN_BASES.get(name, (0,))


def _resolve(key):
    module, _, cls = key.partition(".")
    obj = importlib.import_module(module)
    return getattr(obj, cls) if cls else obj


@pytest.mark.parametrize("key", sorted(k for k in NAMES if not k.startswith("instance ")))
def test_dir_shows_every_reference_name(key):
    ours = set(dir(_resolve(key)))
    missing = sorted(n for n in NAMES[key] if n not in ours and not _exempt(key, n)
                     and not _newer_than_this_python(n))
    assert not missing, f"{key} lacks {missing}"


def test_names_newer_than_this_python_are_the_interpreters():
    for name, version in ADDED_TO_BUILTIN_BASES.items():
        base = BaseException if name == "add_note" else object
        assert hasattr(base, name) == (sys.version_info >= version), name


def test_exemptions_are_only_stdlib_imports():
    # The exemption rule must not hide a name of the binding's own.
    exempt = sorted({n for key, names in NAMES.items() if not key.startswith("libvirtaio.")
                     for n in names if _exempt(key, n)})
    assert exempt == ["Any", "Callable", "Generator", "IO", "Optional", "TracebackType",
                      "TypeVar", "Union", "overload"]


def _live_objects(conn):
    dom = conn.lookupByName("test")
    snapshot = dom.snapshotCreateXML("<domainsnapshot><name>names</name></domainsnapshot>")
    return {
        "virConnect": conn,
        "virDomain": dom,
        "virDomainSnapshot": snapshot,
        "virInterface": conn.listAllInterfaces()[0],
        "virNetwork": conn.listAllNetworks()[0],
        "virNodeDevice": conn.listAllDevices()[0],
        "virStoragePool": conn.listAllStoragePools()[0],
        "virStream": conn.newStream(),
    }


def test_instances_have_the_reference_attributes(conn):
    objects = _live_objects(conn)
    try:
        for key, names in NAMES.items():
            if not key.startswith("instance "):
                continue
            obj = objects[key.split()[1]]
            missing = [n for n in names if not hasattr(obj, n)]
            assert not missing, f"{key} lacks {missing}"
    finally:
        objects["virDomainSnapshot"].delete()


def test_instance_attributes_name_the_objects_they_come_from(conn):
    objects = _live_objects(conn)
    try:
        dom, snapshot = objects["virDomain"], objects["virDomainSnapshot"]
        assert conn._o is conn and dom._o is dom
        assert dom._conn is conn and snapshot._dom is dom and snapshot._conn is conn
    finally:
        objects["virDomainSnapshot"].delete()


def test_private_typing_aliases_are_made_on_first_use():
    child.run("names_cases", "typing_aliases_made_on_first_use")
