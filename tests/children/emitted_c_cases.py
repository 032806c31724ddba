"""Run by tests/test_emitted_c.py: calls the C functions the generator
emitted for api/mini-api.xml, compiled into a libvirtmod of their own,
against test:///default."""

import importlib.util
import json
import os
import sys

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from support import child  # noqa: E402


def raises(exc, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except exc as e:
        return e
    raise AssertionError(f"{call.__name__}{args}{kwargs} did not raise {exc.__name__}")


def case_mini_calls(extension, bindings):
    """`extension`: the path of the compiled libvirtmod."""
    spec = importlib.util.spec_from_file_location("libvirtmod", extension)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["libvirtmod"] = mod
    spec.loader.exec_module(mod)

    # every bound function of the fixture is a method of its class or a module
    # function (`bindings`: the generator's, as JSON [class or null, name])
    for cls, name in json.loads(bindings):
        assert callable(getattr(getattr(mod, cls) if cls else mod, name)), (cls, name)

    # plain, with a handle result (and name=None passed as NULL: the default URI
    # is not asked for here, so a URI is given)
    conn = mod.open("test:///default")
    assert type(conn).__name__ == "virConnect"
    dom = conn.lookupByName("test")
    assert type(dom).__name__ == "virDomain" and dom.name() == "test"
    # a result keeps the object it came from: connect() returns that very object
    assert dom.connect() is conn and conn.listAllDomains()[0].connect() is conn
    # a function without parameters takes none
    raises(TypeError, dom.name, 0)
    # plain with a string result, flags defaulting to 0 and taken by keyword
    assert "<name>test</name>" in dom.XMLDesc() == dom.XMLDesc(flags=0)
    # out_scalar
    assert isinstance(conn.getVersion(), int) and conn.getVersion() > 0
    # uuid_out, uuidstr_out
    uuid = dom.UUID()
    assert isinstance(uuid, bytes) and len(uuid) == 16
    assert dom.UUIDString().replace("-", "") == uuid.hex()
    # list_all: objects of the right class; name_list: count then fetch
    assert [d.name() for d in conn.listAllDomains()] == ["test"]
    assert conn.listDefinedDomains() == []
    # a pair of C arguments from one Python value (cpumap, maplen)
    assert dom.pinVcpu(0, (True,)) == 0
    # a str_array: None for no strings (every filesystem), a list of str, and
    # anything else refused before libvirt is called
    assert isinstance(dom.fsFreeze(None), int)
    assert isinstance(dom.fsFreeze(["/"]), int)
    raises(TypeError, dom.fsFreeze, [1])
    raises(TypeError, dom.fsFreeze, "/")
    # the hand-written impl, called through its generated parsing
    info = dom.info()
    assert isinstance(info, list) and len(info) == 5 and all(isinstance(v, int) for v in info)
    # str_list: the strings libvirt allocates, freed
    assert dom.messages() == []
    # struct_out: the fields of the struct filled, in the struct's order
    pool = conn.storagePoolLookupByName("default-pool")
    state, capacity = pool.info()
    assert state == 2 and capacity > 0
    # record_list: each record converted by the hand-written C, then freed
    assert dom.fsInfo() == [("/", "vda1", "ext4", ["vda"]), ("/boot", "vda2", "ext4", ["vda"])]
    # a method whose C function does not take self: only the snapshot passed
    snap = dom.snapshotCreateXML("<domainsnapshot><name>s1</name></domainsnapshot>")
    assert dom.revertToSnapshot(snap) == 0
    raises(TypeError, dom.revertToSnapshot, dom)
    # argument errors come from the generated parsing
    raises(TypeError, dom.XMLDesc, "0")
    raises(OverflowError, dom.XMLDesc, -1)
    raises(TypeError, dom.XMLDesc, 0, 1)
    raises(TypeError, dom.XMLDesc, nosuch=0)
    raises(TypeError, conn.lookupByName)
    raises(TypeError, dom.info, 0)
    # libvirt's failure raises libvirtError with libvirt's error code
    err = raises(mod.libvirtError, conn.lookupByName, "nosuch")
    assert err.args == ("Domain not found",)
    # a released object: the entry point reports it, nothing crashes
    assert mod.virDomainFree(dom) == 0
    raises(mod.libvirtError, dom.UUIDString)
    raises(mod.libvirtError, dom.XMLDesc)


if __name__ == "__main__":
    child.main(globals())
