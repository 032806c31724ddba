"""Run by tests/test_emitted_c.py: calls the C functions the generator
emitted for api/mini-api.xml, compiled into a libvirtmod of their own,
against test:///default."""

import gc
import importlib.util
import json
import os
import sys
import weakref

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from support import child  # noqa: E402

import cdirect  # noqa: E402

VIR_ERR_INTERNAL_ERROR, VIR_ERR_INVALID_ARG, VIR_ERR_INVALID_DOMAIN = 1, 8, 7
VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNKNOWN = 1, 0
VIR_DOMAIN_DISK_ERROR_UNSPEC = 1
VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED = 3, 0
VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED = 4, 0


class Opaque:
    """A registration's opaque value, whose release a weakref sees."""


def raises(exc, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except exc as e:
        return e
    raise AssertionError(f"{call.__name__}{args}{kwargs} did not raise {exc.__name__}")


def load(extension):
    spec = importlib.util.spec_from_file_location("libvirtmod", extension)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["libvirtmod"] = mod
    spec.loader.exec_module(mod)
    return mod


def case_mini_calls(extension, bindings):
    """`extension`: the path of the compiled libvirtmod."""
    mod = load(extension)

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


URI = "test:///default"


def released(*objects):
    """Whether every object a weakref refers to has been freed."""
    gc.collect()
    return all(ref() is None for ref in objects)


def case_converted_calls(extension):
    """convert='yes': the entry point's libvirt call, its outputs handed to
    the converter; filled arrays sized by a parameter or libvirt's count."""
    mod = load(extension)
    conn = mod.open(URI)
    c = cdirect.Connection(URI)
    dom = conn.lookupByName("test")
    # two outputs of libvirt's signature, in its order
    assert dom.state() == list(c.domain("test").state()) == [VIR_DOMAIN_RUNNING,
                                                             VIR_DOMAIN_RUNNING_UNKNOWN]
    assert dom.state(0) == dom.state(flags=0) == dom.state()
    raises(TypeError, dom.state, "0")
    # an array of maxCells, of which libvirt fills the cells it has
    for start, cells in ((0, 1), (0, 2), (0, 16), (1, 1), (1, 8)):
        got = conn.getCellsFreeMemory(start, cells)
        assert got == c.cells_free_memory(start, cells), (start, cells, got)
        assert all(type(v) is int for v in got)
    # libvirt's refusals (no cell 5, no empty or negative range) raise its error
    for start, cells in ((5, 1), (0, 0), (0, -1), (-1, 1)):
        err = raises(mod.libvirtError, conn.getCellsFreeMemory, start, cells)
        assert err.err[0] == VIR_ERR_INVALID_ARG, (start, cells, err.err)
        raises(cdirect.CDirectError, c.cells_free_memory, start, cells)
        assert str(err) == cdirect.last_error_message()
    # libvirt's count first, then the array of that many (the installed
    # binding's answer for test:///default)
    assert dom.diskErrors() == dom.diskErrors(0) == {"vda": VIR_DOMAIN_DISK_ERROR_UNSPEC}
    # a released object: the entry point refuses it as libvirt would
    assert mod.virDomainFree(dom) == 0
    for call in (dom.state, dom.diskErrors):
        err = raises(mod.libvirtError, call)
        assert err.err[0] == VIR_ERR_INVALID_DOMAIN, err.err
    c.close()


def case_registrations_refused(extension):
    """Without an event loop libvirt refuses the registrations, and what
    they held goes at once."""
    mod = load(extension)
    conn = mod.open(URI)

    def cb(*args):
        raise AssertionError("called")

    opaque = Opaque()
    refs = weakref.ref(cb), weakref.ref(opaque)
    err = raises(mod.libvirtError, conn.domainEventRegister, cb, opaque)
    assert err.err[0] == VIR_ERR_INTERNAL_ERROR, err.err
    # nothing registered: deregistering is the preparation's no-op
    assert conn.domainEventDeregister(cb) is None
    # (the exception's traceback holds raises()'s arguments)
    del cb, opaque, err
    assert released(*refs)

    def cb(*args):
        raise AssertionError("called")

    opaque = Opaque()
    refs = weakref.ref(cb), weakref.ref(opaque)
    err = raises(mod.libvirtError, mod.virEventAddTimeout, 0, cb, opaque)
    del cb, opaque, err
    assert released(*refs)
    # callable checked before anything is held
    raises(TypeError, mod.virEventAddTimeout, 0, 1, None)
    raises(TypeError, conn.domainEventRegister, 1, None)
    raises(TypeError, conn.registerCloseCallback, 1, None)


def case_registrations(extension):
    """callback=: cb and opaque held until the deregistration; prepare='yes':
    the preparation decides whether libvirt is called."""
    mod = load(extension)
    assert mod.virEventRegisterDefaultImpl() == 0
    conn = mod.open(URI)
    # keeps the default loop turning; not at every turn (0 ms), which would
    # starve the GLib idle source in which libvirt frees a removed timer
    keeper = mod.virEventAddTimeout(10, lambda timer, opaque: None, None)
    assert type(keeper) is int and keeper > 0

    # a timer: cb(timer, opaque) from the loop, both released once removed
    calls = []
    opaque = Opaque()

    def cb(timer, op):
        calls.append((timer, op))

    refs = weakref.ref(cb), weakref.ref(opaque)
    held = sys.getrefcount(opaque)
    timer = mod.virEventAddTimeout(0, cb, opaque)
    assert type(timer) is int and timer > 0 and timer != keeper
    assert sys.getrefcount(opaque) == held + 1
    while not calls:
        assert mod.virEventRunDefaultImpl() == 0
    assert calls[0][0] == timer and calls[0][1] is opaque
    calls.clear()
    del cb, opaque
    assert not released(*refs)
    assert mod.virEventRemoveTimeout(timer) == 0
    for _ in range(3):
        assert mod.virEventRunDefaultImpl() == 0
    assert released(*refs)
    # an unknown timer: libvirt's -1 raises
    raises(mod.libvirtError, mod.virEventRemoveTimeout, timer)

    # the close callback: held while registered, released by the converted
    # deregistration (the test driver never takes it)
    opaque = Opaque()

    def cb(conn, reason, op):
        raise AssertionError("called")

    refs = weakref.ref(cb), weakref.ref(opaque)
    held = sys.getrefcount(opaque)
    assert conn.registerCloseCallback(cb, opaque) == 0
    assert sys.getrefcount(opaque) == held + 1
    del cb, opaque
    assert not released(*refs)
    assert conn.unregisterCloseCallback() is None
    assert released(*refs)
    assert conn.unregisterCloseCallback() is None

    # the legacy registration: one per connection holding every callable;
    # the last deregistration calls libvirt, and releases the registration
    first, second = Opaque(), Opaque()

    events = []

    def cb1(*args):
        events.append((1, *args))

    def cb2(*args):
        events.append((2, *args))

    refs1 = weakref.ref(cb1), weakref.ref(first)
    refs2 = weakref.ref(cb2), weakref.ref(second)
    assert conn.domainEventRegister(cb1, first) is None
    assert conn.domainEventRegister(cb2, second) is None
    del first, second
    # libvirt's one C callback calls each callable with its opaque value
    dom = conn.lookupByName("test")
    assert dom.suspend() == 0
    while len(events) < 2:
        assert mod.virEventRunDefaultImpl() == 0
    assert sorted((n, c is conn, d.name(), e, detail, op is (refs1, refs2)[n - 1][1]())
                  for n, c, d, e, detail, op in events) == [
        (1, True, "test", VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED, True),
        (2, True, "test", VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED, True)]
    events.clear()
    assert not released(*refs1) and not released(*refs2)
    assert conn.domainEventDeregister(cb1) is None
    del cb1
    assert released(*refs1) and not released(*refs2)
    # a callable it does not know: KeyError, nothing else changed
    raises(KeyError, conn.domainEventDeregister, lambda *args: None)
    assert not released(*refs2)
    # the remaining callable alone is called
    assert dom.resume() == 0
    while not events:
        assert mod.virEventRunDefaultImpl() == 0
    assert [(n, e, detail) for n, _, _, e, detail, _ in events] == [
        (2, VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED)]
    events.clear()
    assert conn.domainEventDeregister(cb2) is None
    del cb2
    for _ in range(3):
        assert mod.virEventRunDefaultImpl() == 0
    assert released(*refs2)
    # deregistered: registering again is a new registration libvirt takes
    assert conn.domainEventRegister(print, None) is None
    assert conn.domainEventDeregister(print) is None
    assert mod.virEventRemoveTimeout(keeper) == 0


if __name__ == "__main__":
    child.main(globals())
