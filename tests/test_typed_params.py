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


class Index:
    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value


def test_static_types_convert_before_libvirt_is_called(conn, dom, quiet):
    other = libvirt.open("test:///default")
    try:
        # A key the table does not name is typed from its value, as the
        # reference does, and libvirt judges it; a value of no typed
        # parameter's type is refused first.
        with pytest.raises(libvirt.libvirtError):
            dom.migrate3(other, {"no_such_parameter": 1})
        with pytest.raises(TypeError):
            dom.migrate3(other, {"no_such_parameter": object()})
        with pytest.raises(TypeError):   # an int, not merely an __index__ object
            dom.migrate3(other, {libvirt.VIR_MIGRATE_PARAM_BANDWIDTH: Index(5)})
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


def test_table_typed_setters_let_libvirt_judge_what_the_table_does_not_name(dom, quiet):
    # As the reference: an empty dict reaches libvirt, which refuses it ...
    with pytest.raises(libvirt.libvirtError) as ei:
        dom.setBlockIoTune("vda", {})
    assert ei.value.get_error_code() == libvirt.VIR_ERR_INVALID_ARG
    # ... and a key the table does not name is typed from its value (str,
    # bool, int, float, or a list of them repeating it) and sent.
    for value in ("x", True, 5, -5, 1.5, [1, 2]):
        with pytest.raises(libvirt.libvirtError):
            dom.setBlockIoTune("vda", {"no.such.parameter": value})
    for value in (2 ** 64, -2 ** 64):
        with pytest.raises(OverflowError):   # no C type holds it
            dom.setBlockIoTune("vda", {"no.such.parameter": value})
    for value in (None, object(), b"x", Index(5)):
        with pytest.raises(TypeError):
            dom.setBlockIoTune("vda", {"no.such.parameter": value})
    with pytest.raises(ValueError):   # longer than a typed parameter's field
        dom.setBlockIoTune("vda", {"x" * 80: 1})


def test_unsigned_and_64_bit_parameters_take_ints_only(dom):
    # the reference takes no __index__ object for them (but for int ones)
    with pytest.raises(TypeError):
        dom.setMemoryParameters({"hard_limit": Index(1048576)})
    with pytest.raises(TypeError):
        dom.setBlockIoTune("vda", {libvirt.VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_BYTES_SEC: Index(5)})
