"""Connection-level API: opening/closing, host information, counters and
lists of domains, cross-checked with the driver XML and with direct C calls
(cdirect)."""

import xml.etree.ElementTree as ET

import pytest

import libvirt

from support import api
from support.errors import libvirt_error


# --- opening and closing ----------------------------------------------------

def test_open_returns_virConnect(conn):
    assert isinstance(conn, libvirt.virConnect)
    assert type(conn) is libvirt.virConnect


def test_open_driver_file(driver_conn, driver_uri):
    assert isinstance(driver_conn, libvirt.virConnect)
    assert driver_conn.getURI() == driver_uri


def test_open_keyword_argument():
    c = libvirt.open(name="test:///default")
    try:
        assert c.getURI() == "test:///default"
    finally:
        c.close()


def test_open_read_only(driver_uri, driver_xml, quiet):
    c = libvirt.openReadOnly(driver_uri)
    try:
        assert isinstance(c, libvirt.virConnect)
        name = next(d.name for d in driver_xml.active_domains())
        dom = c.lookupByName(name)
        assert dom.name() == name
        libvirt_error(libvirt.VIR_ERR_OPERATION_DENIED, dom.suspend)
        assert dom.state()[0] == driver_xml.domains[name].state
    finally:
        c.close()


def test_open_missing_file_fails(tmp_path, quiet):
    uri = "test://" + str(tmp_path / "does-not-exist.xml")
    err = libvirt_error(libvirt.VIR_ERR_XML_ERROR, libvirt.open, uri)
    assert err.get_error_domain() == libvirt.VIR_FROM_TEST


def test_open_test_uri_without_path_fails(quiet):
    err = libvirt_error(libvirt.VIR_ERR_INVALID_ARG, libvirt.open, "test:///")
    assert err.get_error_domain() == libvirt.VIR_FROM_TEST


def test_open_wrong_type():
    with pytest.raises(TypeError):
        libvirt.open(5)


def test_close_returns_zero_when_last_reference():
    c = libvirt.open("test:///default")
    assert c.close() == 0


def test_close_returns_remaining_references(driver_uri, driver_xml):
    # virConnectClose returns the number of references still held; a live
    # domain object keeps one.
    c = libvirt.open(driver_uri)
    name = next(iter(driver_xml.domains))
    dom = c.lookupByName(name)
    assert c.close() == 1
    # the domain object stays usable: it holds its own reference
    assert dom.name() == name
    assert dom.info()[1] == driver_xml.domains[name].memory
    del dom


def test_use_after_close_raises(driver_uri, quiet):
    c = libvirt.open(driver_uri)
    assert c.close() == 0
    libvirt_error(libvirt.VIR_ERR_INVALID_CONN, c.getType)
    libvirt_error(libvirt.VIR_ERR_INVALID_CONN, c.lookupByName, "alpha")


def test_close_twice_raises(driver_uri, quiet):
    c = libvirt.open(driver_uri)
    c.close()
    libvirt_error(libvirt.VIR_ERR_INVALID_CONN, c.close)


def test_default_state_is_shared_between_connections(conn):
    # libvirt semantics: test:///default connections share one state
    other = libvirt.open("test:///default")
    try:
        dom = conn.lookupByName("test")
        assert dom.state()[0] == libvirt.VIR_DOMAIN_RUNNING
        dom.suspend()
        try:
            assert other.lookupByName("test").state()[0] == \
                libvirt.VIR_DOMAIN_PAUSED
        finally:
            dom.resume()
        assert other.lookupByName("test").state()[0] == \
            libvirt.VIR_DOMAIN_RUNNING
    finally:
        other.close()


def test_driver_file_state_is_private(driver_conn, driver_uri, driver_xml):
    name = next(d.name for d in driver_xml.domains.values()
                if d.state == libvirt.VIR_DOMAIN_RUNNING)
    driver_conn.lookupByName(name).suspend()
    other = libvirt.open(driver_uri)
    try:
        assert other.lookupByName(name).state()[0] == \
            libvirt.VIR_DOMAIN_RUNNING
    finally:
        other.close()


# --- simple getters -----------------------------------------------------------

def test_get_type(conn, driver_conn, cdirect, driver_uri):
    c = cdirect.Connection(driver_uri)
    assert driver_conn.getType() == c.type()
    assert isinstance(conn.getType(), str)
    assert conn.getType() == cdirect.Connection("test:///default").type()


def test_get_uri(conn, driver_conn, driver_uri):
    assert conn.getURI() == "test:///default"
    assert driver_conn.getURI() == driver_uri


def test_get_version(driver_conn, cdirect, driver_uri):
    v = driver_conn.getVersion()
    assert type(v) is int
    assert v == cdirect.Connection(driver_uri).version()


def test_get_lib_version(driver_conn, cdirect, driver_uri):
    v = driver_conn.getLibVersion()
    assert type(v) is int
    assert v == cdirect.Connection(driver_uri).lib_version()
    assert v == cdirect.lib_version()


def test_module_get_version(cdirect):
    v = libvirt.getVersion()
    assert type(v) is int
    assert v == cdirect.lib_version()
    assert v == api.installed_version()


def test_get_hostname(driver_conn, cdirect, driver_uri):
    h = driver_conn.getHostname()
    assert isinstance(h, str) and h
    assert h == cdirect.Connection(driver_uri).hostname()


def test_get_capabilities(driver_conn, cdirect, driver_uri):
    caps = driver_conn.getCapabilities()
    assert isinstance(caps, str)
    root = ET.fromstring(caps)
    assert root.tag == "capabilities"
    assert root.find("host") is not None
    assert caps == cdirect.Connection(driver_uri).capabilities()


def test_get_sysinfo(driver_conn, cdirect, driver_uri):
    s = driver_conn.getSysinfo()
    assert isinstance(s, str)
    assert ET.fromstring(s).tag == "sysinfo"
    assert s == cdirect.Connection(driver_uri).sysinfo()


def test_get_max_vcpus(driver_conn, cdirect, driver_uri):
    n = driver_conn.getMaxVcpus(None)
    assert type(n) is int
    assert n == cdirect.Connection(driver_uri).max_vcpus(None)


def test_is_alive_secure_encrypted(driver_conn, cdirect, driver_uri):
    c = cdirect.Connection(driver_uri)
    for meth, cmeth in (("isAlive", c.is_alive), ("isSecure", c.is_secure),
                        ("isEncrypted", c.is_encrypted)):
        v = getattr(driver_conn, meth)()
        assert type(v) is int, meth
        assert v == cmeth(), meth


def test_get_security_model(driver_conn):
    model = driver_conn.getSecurityModel()
    assert isinstance(model, list) and len(model) == 2
    caps = ET.fromstring(driver_conn.getCapabilities())
    sec = caps.find("host/secmodel")
    assert model[0] == sec.find("model").text
    assert model[1] == (sec.find("doi").text or "")


def test_get_info_matches_driver_xml(driver_conn, driver_xml, cdirect,
                                     driver_uri):
    info = driver_conn.getInfo()
    assert isinstance(info, list)
    assert len(info) == 8
    assert type(info[0]) is str
    assert all(type(x) is int for x in info[1:])
    n = driver_xml.node
    # memory is reported in MiB (virNodeInfo.memory is KiB)
    assert info == [n.model, n.memory // 1024, n.cpus, n.mhz, n.nodes,
                    n.sockets, n.cores, n.threads]
    c = cdirect.Connection(driver_uri).node_info()
    assert info == [c["model"], c["memory"] >> 10, c["cpus"], c["mhz"],
                    c["nodes"], c["sockets"], c["cores"], c["threads"]]


def test_get_info_default(conn, cdirect):
    info = conn.getInfo()
    c = cdirect.Connection("test:///default").node_info()
    assert info == [c["model"], c["memory"] >> 10, c["cpus"], c["mhz"],
                    c["nodes"], c["sockets"], c["cores"], c["threads"]]


def test_get_free_memory(conn, cdirect):
    v = conn.getFreeMemory()
    assert type(v) is int
    assert v == cdirect.Connection("test:///default").free_memory()


def test_get_cpu_map(conn, cdirect):
    m = conn.getCPUMap()
    assert isinstance(m, tuple) and len(m) == 3
    ncpus, cpumap, online = m
    assert type(ncpus) is int and type(online) is int
    assert isinstance(cpumap, list)
    assert all(type(b) is bool for b in cpumap)
    assert (ncpus, cpumap, online) == \
        cdirect.Connection("test:///default").cpu_map()


# --- domain counters and lists ----------------------------------------------------

def test_num_of_domains(driver_conn, driver_xml, cdirect, driver_uri):
    n = driver_conn.numOfDomains()
    assert type(n) is int
    assert n == len(driver_xml.active_domains())
    assert n == cdirect.Connection(driver_uri).num_domains()


def test_num_of_defined_domains(driver_conn, driver_xml):
    n = driver_conn.numOfDefinedDomains()
    assert type(n) is int
    assert n == len(driver_xml.inactive_domains())


def test_list_domains_id(driver_conn, driver_xml, cdirect, driver_uri):
    ids = driver_conn.listDomainsID()
    assert isinstance(ids, list)
    assert all(type(i) is int for i in ids)
    assert sorted(ids) == sorted(d.id for d in driver_xml.active_domains())
    assert sorted(ids) == sorted(cdirect.Connection(driver_uri)
                                 .list_domain_ids())


def test_list_defined_domains(driver_conn, driver_xml, cdirect, driver_uri):
    names = driver_conn.listDefinedDomains()
    assert isinstance(names, list)
    assert all(type(n) is str for n in names)
    assert sorted(names) == sorted(d.name
                                   for d in driver_xml.inactive_domains())
    assert sorted(names) == sorted(cdirect.Connection(driver_uri)
                                   .list_defined_domains())


def test_lists_on_default(conn, cdirect):
    c = cdirect.Connection("test:///default")
    assert sorted(conn.listDomainsID()) == sorted(c.list_domain_ids())
    assert conn.numOfDomains() == c.num_domains()
    assert sorted(conn.listDefinedDomains()) == \
        sorted(c.list_defined_domains())


def test_counts_follow_lifecycle(driver_conn, driver_xml):
    running = next(d for d in driver_xml.active_domains() if d.persistent)
    before_active = driver_conn.numOfDomains()
    before_defined = driver_conn.numOfDefinedDomains()
    driver_conn.lookupByName(running.name).destroy()
    assert driver_conn.numOfDomains() == before_active - 1
    assert driver_conn.numOfDefinedDomains() == before_defined + 1
    assert running.name in driver_conn.listDefinedDomains()
    assert running.id not in driver_conn.listDomainsID()


def test_empty_lists(tmp_path):
    path = tmp_path / "empty.xml"
    path.write_text("<node/>")
    c = libvirt.open("test://" + str(path))
    try:
        assert c.numOfDomains() == 0
        assert c.listDomainsID() == []
        assert c.listDefinedDomains() == []
        assert c.listAllDomains() == []
        assert c.listNetworks() == []
        assert c.listAllNetworks() == []
        assert c.listStoragePools() == []
        assert c.listAllStoragePools() == []
        assert c.listAllDevices() == []
        assert c.listAllInterfaces() == []
        assert c.getAllDomainStats() == []
    finally:
        c.close()


# --- per-connection last error -------------------------------------------------------

def test_conn_last_error(driver_conn, quiet):
    libvirt.virResetLastError()
    driver_conn.virConnResetLastError()
    # after a reset the per-connection error is an all-empty 9-tuple
    assert driver_conn.virConnGetLastError() == \
        (0, 0, None, 0, None, None, None, 0, 0)
    with pytest.raises(libvirt.libvirtError) as ei:
        driver_conn.lookupByName("no-such-domain")
    err = driver_conn.virConnGetLastError()
    assert isinstance(err, tuple) and len(err) == 9
    assert err == ei.value.err
    # resetting the thread's last error does not touch the connection's
    libvirt.virResetLastError()
    assert driver_conn.virConnGetLastError() == err
    assert driver_conn.virConnResetLastError() is None
    assert driver_conn.virConnGetLastError() == \
        (0, 0, None, 0, None, None, None, 0, 0)
