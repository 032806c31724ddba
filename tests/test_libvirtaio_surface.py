"""libvirtaio's public surface against the reference's, name for name.

tests/data/libvirt-python-surface.json lists, for module `libvirtaio`,
every public class (with its bases and its public methods: where each is
defined, its parameters' names, kinds and defaults) and every public
function.  Ours must have exactly those: nothing missing, nothing more.

Importing libvirtaio registers nothing, so this runs in the test process.
"""

import inspect
import json
import os

import pytest

from support.paths import check_libvirtaio

HERE = os.path.dirname(os.path.abspath(__file__))

with open(os.path.join(HERE, "data", "libvirt-python-surface.json")) as f:
    SURFACE = json.load(f)["modules"]["libvirtaio"]["names"]


@pytest.fixture(scope="module")
def libvirtaio():
    import libvirtaio
    check_libvirtaio(libvirtaio)
    return libvirtaio


def _params(obj):
    return [{"name": p.name, "kind": p.kind.name,
             "default": None if p.default is inspect.Parameter.empty else repr(p.default)}
            for p in inspect.signature(obj).parameters.values()]


def _base_name(cls):
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def _public_names(module):
    """Public classes and functions defined in `module`, with their kind."""
    names = {}
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isclass(obj):
            names[name] = "class"
        elif inspect.isfunction(obj):
            names[name] = "function"
    return names


def _methods(cls):
    """{name: (defining class name, function, kind)} of the public methods
    that the module's own classes in cls's MRO define; kind is "instance",
    "static" or "class"."""
    methods = {}
    for klass in reversed(cls.__mro__):
        if klass.__module__ != cls.__module__:
            continue
        for name, value in vars(klass).items():
            if name.startswith("_"):
                continue
            if isinstance(value, staticmethod):
                methods[name] = (klass.__name__, value.__func__, "static")
            elif isinstance(value, classmethod):
                methods[name] = (klass.__name__, value.__func__, "class")
            elif inspect.isfunction(value):
                methods[name] = (klass.__name__, value, "instance")
    return methods


def test_same_public_classes_and_functions(libvirtaio):
    want = {name: info["kind"] for name, info in SURFACE.items()}
    assert _public_names(libvirtaio) == want


@pytest.mark.parametrize("name", sorted(n for n, i in SURFACE.items() if i["kind"] == "function"))
def test_function_signature(libvirtaio, name):
    assert _params(getattr(libvirtaio, name)) == SURFACE[name]["params"]


@pytest.mark.parametrize("name", sorted(n for n, i in SURFACE.items() if i["kind"] == "class"))
def test_class_bases_and_methods(libvirtaio, name):
    cls = getattr(libvirtaio, name)
    info = SURFACE[name]
    assert [_base_name(b) for b in cls.__bases__] == info["bases"]
    methods = _methods(cls)
    assert sorted(methods) == sorted(info["methods"])
    for meth, want in info["methods"].items():
        defined_in, func, kind = methods[meth]
        assert defined_in == want["defined_in"], meth
        assert kind == want["method_kind"], meth
        assert _params(func) == want["params"], meth


def test_drain_is_a_coroutine_function(libvirtaio):
    assert inspect.iscoroutinefunction(libvirtaio.virEventAsyncIOImpl.drain)
