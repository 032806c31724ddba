"""Typed parameters from dicts: typed by the getter's current values, or,
for setters with no getter, by the types the API documentation gives."""

import pytest

import libvirt


@pytest.fixture
def dom(conn):
    return conn.lookupByName("test")


def test_getter_typed_setter_round_trip(dom):
    before = dom.memoryParameters()
    assert dom.setMemoryParameters({"hard_limit": 1048576}) == 0
    after = dom.memoryParameters()
    assert after["hard_limit"] == 1048576 and type(after["hard_limit"]) is int
    dom.setMemoryParameters({"hard_limit": before["hard_limit"]})


def test_setter_rejects_unknown_keys_and_wrong_types(dom):
    with pytest.raises(LookupError):
        dom.setMemoryParameters({"no_such_parameter": 1})
    with pytest.raises(LookupError):
        dom.setMemoryParameters({})
    with pytest.raises(TypeError):
        dom.setMemoryParameters({"hard_limit": "lots"})
    with pytest.raises(OverflowError):
        dom.setMemoryParameters({"hard_limit": -1})
    with pytest.raises(TypeError):
        dom.setMemoryParameters([("hard_limit", 1)])


def test_static_types_convert_before_libvirt_is_called(conn, dom, quiet):
    other = libvirt.open("test:///default")
    try:
        with pytest.raises(LookupError):
            dom.migrate3(other, {"no_such_parameter": 1})
        with pytest.raises(TypeError):
            dom.migrate3(other, {libvirt.VIR_MIGRATE_PARAM_BANDWIDTH: "fast"})
        with pytest.raises(OverflowError):
            dom.migrate3(other, {libvirt.VIR_MIGRATE_PARAM_BANDWIDTH: -1})
        with pytest.raises(TypeError):
            dom.migrate3(other, {libvirt.VIR_MIGRATE_PARAM_MIGRATE_DISKS: ["vda", 5]})
        # A valid dict (a list repeating a string parameter included) gets
        # to libvirt, whose test driver cannot migrate.
        with pytest.raises(libvirt.libvirtError) as ei:
            dom.migrate3(other, {libvirt.VIR_MIGRATE_PARAM_MIGRATE_DISKS: ["vda", "vdb"],
                                 libvirt.VIR_MIGRATE_PARAM_BANDWIDTH: 5})
        assert ei.value.get_error_code() in (libvirt.VIR_ERR_NO_SUPPORT,
                                             libvirt.VIR_ERR_OPERATION_INVALID,
                                             libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED)
    finally:
        other.close()


def test_optional_params_take_none(dom, quiet):
    with pytest.raises(libvirt.libvirtError):
        dom.blockCopy("vda", "<disk/>", None)
    with pytest.raises(TypeError):
        dom.blockCopy("vda", "<disk/>", 5)


class Sneaky(int):
    """An int whose conversion empties the dict being converted."""

    def __new__(cls, value, victim):
        obj = super().__new__(cls, value)
        obj.victim = victim
        return obj

    def __index__(self):
        self.victim.clear()
        return int(self)


def test_changing_the_dict_during_conversion_is_harmless(dom):
    before = dom.memoryParameters()
    params = {}
    params["hard_limit"] = Sneaky(before["hard_limit"], params)
    params["soft_limit"] = Sneaky(before["soft_limit"], params)
    dom.setMemoryParameters(params)
    assert dom.memoryParameters() == before
