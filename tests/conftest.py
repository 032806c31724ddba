"""Shared fixtures for the binding's API tests.

Fixtures:
  conn          read-write connection to test:///default, closed afterwards
  driver_conn   read-write connection to tests/data/testdriver.xml (a fresh,
                private state for each test), closed afterwards
  driver_uri    the URI used by driver_conn
  driver_xml    the parsed driver document (a DriverDoc, see below) from
                which tests read their expectations
  cdirect       the tests/cdirect.py module (direct C calls through cffi);
                connections opened with cdirect.Connection(...) inside a
                test are closed at teardown
  quiet         registers a no-op error handler for the test, so libvirt
                does not print the errors the test provokes; restores the
                default (registerErrorHandler(None, None)) afterwards

Note on test:///default: libvirt shares one driver state between all the
test:///default connections open in a process, and rebuilds it from scratch
only when the last one is closed.  Tests that change that state must undo
their changes (or use driver_conn, whose state is private).
"""

import os
import types
import xml.etree.ElementTree as ET

import pytest

# Nothing here imports the binding or cffi at module level: other test files
# in this directory (code generator tests, ...) must still be collectable
# where the binding is not built yet.  Fixtures import what they need.

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
DRIVER_XML_PATH = os.path.join(TESTS_DIR, "data", "testdriver.xml")
DRIVER_URI = "test://" + DRIVER_XML_PATH
DEFAULT_URI = "test:///default"

TEST_NS = "{http://libvirt.org/schemas/domain/test/1.0}"

# virDomainState values (libvirt-domain.h)
VIR_DOMAIN_RUNNING = 1
VIR_DOMAIN_SHUTOFF = 5

_UNITS = {
    None: 1024, "k": 1024, "kib": 1024, "kb": 1000,
    "b": 1, "bytes": 1,
    "m": 1024 ** 2, "mib": 1024 ** 2, "mb": 1000 ** 2,
    "g": 1024 ** 3, "gib": 1024 ** 3, "gb": 1000 ** 3,
    "t": 1024 ** 4, "tib": 1024 ** 4, "tb": 1000 ** 4,
}


def _bytes(elem, default_unit=None):
    """Size of a libvirt <memory unit=...>-style element, in bytes."""
    unit = elem.get("unit", default_unit)
    return int(elem.text.strip()) * _UNITS[unit.lower() if unit else None]


def _text(elem, path):
    """The stripped text of elem's child at `path`."""
    return elem.find(path).text.strip()


def _optional_text(elem, path):
    """The stripped text of elem's child at `path`, or None where there is none."""
    child = elem.find(path)
    return child.text.strip() if child is not None else None


def _by_name(objects):
    """{o.name: o} of `objects`, in their order."""
    return {o.name: o for o in objects}


def _kib(elem):
    """Domain memory elements default to KiB; return KiB."""
    return _bytes(elem) // 1024


class DriverDoc:
    """Expectations read from tests/data/testdriver.xml.

    Attributes (all plain data; names follow the XML):
      path, uri, root (ElementTree root)
      node:       model, mhz, memory (KiB), nodes, sockets, cores, threads,
                  active, cpus (what virNodeGetInfo reports)
      domains:    {name: ns(name, uuid, memory, current_memory (KiB), vcpus,
                   state (virDomainState), active, persistent, managed_save,
                   id (-1 if inactive), snapshots [ns(name, parent,
                   description, current)], disks [target dev], macs [..])}
                  in document order
      networks:   {name: ns(name, uuid, bridge, forward)}
      interfaces: {name: ns(name, mac, type)}
      pools:      {name: ns(name, uuid, type, path, capacity, allocation,
                   available, volumes {name: ns(name, capacity, allocation,
                   path, key)})}
      devices:    {name: ns(name, parent, caps [capability types])}
    """

    # the test driver forces this capacity on every pool it loads
    POOL_CAPACITY = 100 * 1024 ** 3

    def __init__(self, path):
        self.path = path
        self.uri = "test://" + path
        tree = ET.parse(path)
        self.root = root = tree.getroot()
        self.node = self._node(root)
        self.domains = self._domains(root)
        self.networks = self._networks(root)
        self.interfaces = self._interfaces(root)
        self.pools = self._pools(root)
        self.devices = self._devices(root)

    @staticmethod
    def _node(root):
        cpu = root.find("cpu")

        def num(tag):
            return int(cpu.find(tag).text)

        n = types.SimpleNamespace(
            model=_text(cpu, "model"),
            mhz=num("mhz"), nodes=num("nodes"), sockets=num("sockets"),
            cores=num("cores"), threads=num("threads"), active=num("active"),
            memory=int(root.find("memory").text))
        n.cpus = min(n.active, n.nodes * n.sockets * n.cores * n.threads)
        return n

    @staticmethod
    def _domains(root):
        out = {}
        next_id = 1
        for d in root.findall("domain"):
            runstate = d.find(TEST_NS + "runstate")
            state = (int(runstate.text) if runstate is not None
                     else VIR_DOMAIN_RUNNING)
            active = state != VIR_DOMAIN_SHUTOFF
            cur = d.find("currentMemory")
            snaps = []
            for s in d.findall(TEST_NS + "domainsnapshot"):
                desc = s.find("description")
                snaps.append(types.SimpleNamespace(
                    name=_text(s, "name"),
                    parent=_optional_text(s, "parent/name"),
                    description=desc.text if desc is not None else None,
                    current=_text(s, "active") == "1"))
            dom = types.SimpleNamespace(
                name=_text(d, "name"),
                uuid=_text(d, "uuid").lower(),
                memory=_kib(d.find("memory")),
                current_memory=_kib(cur if cur is not None
                                    else d.find("memory")),
                vcpus=int(d.find("vcpu").text),
                os_type=_text(d, "os/type"),
                state=state,
                active=active,
                persistent=d.find(TEST_NS + "transient") is None,
                managed_save=d.find(TEST_NS + "hasmanagedsave") is not None,
                id=-1,
                snapshots=snaps,
                disks=[t.get("dev") for t in d.findall("devices/disk/target")],
                macs=[m.get("address")
                      for m in d.findall("devices/interface/mac")])
            if active:
                dom.id = next_id
                next_id += 1
            out[dom.name] = dom
        return out

    @staticmethod
    def _networks(root):
        out = []
        for n in root.findall("network"):
            fwd = n.find("forward")
            out.append(types.SimpleNamespace(
                name=_text(n, "name"), uuid=_text(n, "uuid").lower(),
                bridge=n.find("bridge").get("name"),
                forward=fwd.get("mode", "nat") if fwd is not None else None))
        return _by_name(out)

    @staticmethod
    def _interfaces(root):
        return _by_name(types.SimpleNamespace(name=i.get("name"), type=i.get("type"),
                                              mac=i.find("mac").get("address").lower())
                        for i in root.findall("interface"))

    @classmethod
    def _pools(cls, root):
        out = {}
        for p in root.findall("pool"):
            path = _text(p, "target/path")
            vols = {}
            for v in p.findall("volume"):
                name = _text(v, "name")
                vpath = path + "/" + name
                vols[name] = types.SimpleNamespace(
                    name=name,
                    capacity=_bytes(v.find("capacity"), "bytes"),
                    allocation=_bytes(v.find("allocation"), "bytes"),
                    path=vpath, key=vpath)
            alloc = sum(v.allocation for v in vols.values())
            pool = types.SimpleNamespace(
                name=_text(p, "name"),
                uuid=_text(p, "uuid").lower(),
                type=p.get("type"), path=path,
                capacity=cls.POOL_CAPACITY, allocation=alloc,
                available=cls.POOL_CAPACITY - alloc,
                volumes=vols)
            out[pool.name] = pool
        return out

    @staticmethod
    def _devices(root):
        return _by_name(types.SimpleNamespace(
            name=_text(d, "name"), parent=_optional_text(d, "parent"),
            caps=[c.get("type") for c in d.findall("capability")])
            for d in root.findall("device"))

    # convenience
    def active_domains(self):
        return [d for d in self.domains.values() if d.active]

    def inactive_domains(self):
        return [d for d in self.domains.values() if not d.active]


@pytest.fixture(scope="session")
def driver_xml():
    return DriverDoc(DRIVER_XML_PATH)


@pytest.fixture
def driver_uri():
    return DRIVER_URI


def _close_quietly(c):
    import libvirt
    try:
        c.close()
    except libvirt.libvirtError:
        pass  # the test closed it already


@pytest.fixture
def conn():
    import libvirt
    c = libvirt.open(DEFAULT_URI)
    yield c
    _close_quietly(c)


@pytest.fixture
def driver_conn():
    import libvirt
    c = libvirt.open(DRIVER_URI)
    yield c
    _close_quietly(c)


def import_cdirect():
    """tests/cdirect.py, whatever pytest's import mode."""
    try:
        import cdirect
    except ImportError:
        import importlib.util
        import sys
        spec = importlib.util.spec_from_file_location(
            "cdirect", os.path.join(TESTS_DIR, "cdirect.py"))
        cdirect = importlib.util.module_from_spec(spec)
        sys.modules["cdirect"] = cdirect
        spec.loader.exec_module(cdirect)
    return cdirect


class _CDirect:
    """The cdirect module, plus tracking of the connections a test opens."""

    def __init__(self):
        self._mod = import_cdirect()
        self._conns = []

    def __getattr__(self, name):
        return getattr(self._mod, name)

    def Connection(self, uri, readonly=False):
        c = self._mod.Connection(uri, readonly)
        self._conns.append(c)
        return c

    def close_all(self):
        for c in self._conns:
            c.close()
        self._conns = []


@pytest.fixture
def cdirect():
    cd = _CDirect()
    yield cd
    cd.close_all()


@pytest.fixture
def quiet():
    import libvirt
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    yield
    libvirt.registerErrorHandler(None, None)


def pytest_terminal_summary(terminalreporter):
    """How much of the reference surface is there (tests/test_surface.py)."""
    import sys
    surface = sys.modules.get("test_surface")
    if surface is None or not surface.REPORT:
        return
    terminalreporter.section("reference surface")
    for what, value in surface.REPORT.items():
        if what == "missing methods":
            terminalreporter.write_line(f"{what} ({len(value)}): {', '.join(value) or '-'}")
        else:
            got, total = value
            terminalreporter.write_line(f"{what}: {got}/{total}")
