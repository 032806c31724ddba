"""The object protocol of the reference: _o, constructors with _obj,
__del__, libvirtmod.<C name>() and patching them (unittest.mock)."""

import gc
from unittest import mock

import pytest

import libvirt
import libvirtmod


def test_constructor_with_obj_makes_an_independently_owned_wrapper(conn):
    dom = conn.lookupByName("test")
    second = libvirt.virDomain(conn, _obj=dom._o)
    assert second is not dom and second.UUID() == dom.UUID() and second._conn is conn
    # Unlike the reference, which shares the pointer (releasing one wrapper
    # releases the other's), each wrapper holds its own reference.
    assert libvirtmod.virDomainFree(second._o) == 0
    assert second._o is None and dom.name() == "test"


def test_constructor_rejects_what_is_not_a_wrapper(conn):
    # The reference raises Exception("Expected a wrapped C Object ..."); TypeError is one.
    for value in (None, 5, "test", conn):
        with pytest.raises(TypeError, match="Expected a wrapped C Object"):
            libvirt.virDomain(conn, _obj=value)


def test_del_releases_the_handle_and_later_calls_fail(conn, quiet):
    dom = conn.lookupByName("test")
    dom.__del__()
    assert dom._o is None
    with pytest.raises(libvirt.libvirtError) as info:
        dom.name()
    assert info.value.get_error_code() == libvirt.VIR_ERR_INVALID_DOMAIN


def test_released_object_is_reported_where_libvirt_would_crash(conn, quiet):
    # Deviation: libvirt 9.0.0 reads the domain before checking it in these
    # two (rules.NULL_HANDLE_CRASHES); the reference crashes.
    dom = conn.lookupByName("test")
    dom.__del__()
    for call in (lambda: dom.FDAssociate("x", [0]), lambda: dom.launchSecurityInfo()):
        with pytest.raises(libvirt.libvirtError) as info:
            call()
        assert info.value.get_error_code() == libvirt.VIR_ERR_INVALID_DOMAIN


def test_flat_functions_return_the_reference_failure_values(conn, quiet):
    dom = conn.lookupByName("test")
    assert libvirtmod.virDomainGetName(dom._o) == "test"
    assert libvirtmod.virDomainLookupByName(conn._o, "nope") is None
    assert libvirtmod.virDomainGetName(None) is None
    assert libvirt.virGetLastErrorCode() == libvirt.VIR_ERR_INVALID_DOMAIN
    assert libvirtmod.virDomainAttachDevice(dom._o, "<nonsense/>") == -1
    assert libvirtmod.virDomain_pointer(dom._o) == dom.c_pointer()
    assert libvirtmod.virConnectListDomainsID(conn._o) == conn.listDomainsID()


def test_patching_a_flat_function_routes_the_method_and_restores_it(conn):
    dom = conn.lookupByName("test")
    c_method = type(dom).XMLDesc
    with mock.patch("libvirtmod.virDomainGetXMLDesc", return_value="<patched/>") as patched:
        assert dom.XMLDesc(4) == "<patched/>"
        patched.assert_called_once_with(dom._o, 4)
    assert type(dom).XMLDesc is c_method
    assert dom.XMLDesc().startswith("<domain")


def test_patched_function_failure_values_raise_as_in_the_reference(conn):
    with mock.patch("libvirtmod.virDomainLookupByName", return_value=None):
        with pytest.raises(libvirt.libvirtError, match=r"virDomainLookupByName\(\) failed"):
            conn.lookupByName("test")
    with mock.patch("libvirtmod.virConnectOpen", return_value=conn._o):
        other = libvirt.open("test:///nowhere")
        assert isinstance(other, libvirt.virConnect) and other is not conn
        assert other.getURI() == conn.getURI()
    assert libvirt.open is libvirtmod.open


def test_wrappers_are_released_without_a_python_finalizer(conn):
    # __del__ is the C finalizer slot: dropping an object calls it directly.
    dom = conn.lookupByName("test")
    handle_count = len(gc.get_objects())
    del dom
    assert len(gc.get_objects()) <= handle_count
    assert type(libvirt.virDomain.__dict__.get("__del__", None)) is not type(lambda: None)


def test_c_methods_are_bound_to_the_classes_results_are_made_of(conn):
    # Each class of libvirt.py holds descriptors of its C base's methods bound
    # to itself (CPython's specialized calls need self's type to be the
    # descriptor's own); calls, signatures and docs are the C methods'.
    dom = conn.lookupByName("test")
    own = vars(libvirt.virDomain)
    assert type(dom) is libvirt.virDomain
    assert own["info"].__objclass__ is libvirt.virDomain
    assert own["info"].__doc__ == vars(libvirtmod.virDomain)["info"].__doc__
    assert own["state"](dom) == dom.state() == libvirtmod.virDomain.state(dom)
    assert len(own["info"](dom)) == 5
    assert own["state"].__text_signature__ == "($self, flags=0)"
    assert vars(libvirt.virConnect)["lookupByName"](conn, "test").name() == "test"
    with pytest.raises(TypeError):
        own["info"](conn)


def test_a_method_a_class_defines_in_python_is_not_replaced(conn):
    # _register leaves alone what a registered class defines itself.
    classes = [getattr(libvirt, name) for name in (
        "virConnect", "virDomain", "virNetwork", "virNetworkPort", "virInterface",
        "virStoragePool", "virStorageVol", "virNodeDevice", "virSecret", "virNWFilter",
        "virNWFilterBinding", "virStream", "virDomainSnapshot", "virDomainCheckpoint")]

    class Domain(libvirt.virDomain):
        def info(self):
            return "python"

    try:
        libvirtmod._register(libvirt.libvirtError, *[Domain if c is libvirt.virDomain else c
                                                     for c in classes])
        dom = conn.lookupByName("test")
        assert type(dom) is Domain
        assert dom.info() == "python"
        assert vars(Domain)["state"].__objclass__ is Domain and dom.state() == [1, 0]
    finally:
        libvirtmod._register(libvirt.libvirtError, *classes)
    assert type(conn.lookupByName("test")) is libvirt.virDomain
