"""Domain API: lookups, getters, lifecycle and setters, checked against the
driver XML (tests/data/testdriver.xml) and direct C calls."""

import uuid as uuidlib
import xml.etree.ElementTree as ET

import pytest

import libvirt
from support.errors import libvirt_error


def _first(driver_xml, pred):
    return next(d for d in driver_xml.domains.values() if pred(d))


def _new_domain_xml(name, memory_kib=131072, vcpus=1, uuid=None):
    u = "<uuid>%s</uuid>" % uuid if uuid else ""
    return ("<domain type='test'><name>%s</name>%s"
            "<memory unit='KiB'>%d</memory><vcpu>%d</vcpu>"
            "<os><type>hvm</type></os></domain>" % (name, u, memory_kib,
                                                    vcpus))


# --- lookups ------------------------------------------------------------------

def test_lookup_by_name_all(driver_conn, driver_xml):
    for name in driver_xml.domains:
        dom = driver_conn.lookupByName(name)
        assert type(dom) is libvirt.virDomain
        assert dom.name() == name


def test_lookup_by_uuid_string(driver_conn, driver_xml):
    for d in driver_xml.domains.values():
        dom = driver_conn.lookupByUUIDString(d.uuid)
        assert isinstance(dom, libvirt.virDomain)
        assert dom.name() == d.name
        # upper case and undashed forms are accepted by libvirt
        assert driver_conn.lookupByUUIDString(d.uuid.upper()).name() == d.name
        assert driver_conn.lookupByUUIDString(
            d.uuid.replace("-", "")).name() == d.name


def test_lookup_by_uuid_bytes(driver_conn, driver_xml):
    for d in driver_xml.domains.values():
        raw = uuidlib.UUID(d.uuid).bytes
        dom = driver_conn.lookupByUUID(raw)
        assert isinstance(dom, libvirt.virDomain)
        assert dom.name() == d.name


def test_lookup_by_id(driver_conn, driver_xml):
    for d in driver_xml.active_domains():
        dom = driver_conn.lookupByID(d.id)
        assert isinstance(dom, libvirt.virDomain)
        assert dom.name() == d.name


def test_lookup_by_id_inactive_fails(driver_conn, driver_xml, quiet):
    unused = max(d.id for d in driver_xml.active_domains()) + 100
    libvirt_error(libvirt.VIR_ERR_NO_DOMAIN, driver_conn.lookupByID, unused)


def test_lookup_failures(driver_conn, quiet):
    for call in (lambda: driver_conn.lookupByName("no-such-domain"),
                 lambda: driver_conn.lookupByUUIDString(str(uuidlib.UUID(
                     int=0x1234))),
                 lambda: driver_conn.lookupByUUID(uuidlib.UUID(
                     int=0x1234).bytes)):
        err = libvirt_error(libvirt.VIR_ERR_NO_DOMAIN, call)
        assert err.get_error_domain() == libvirt.VIR_FROM_TEST


def test_connect_is_same_object(driver_conn, driver_xml):
    for name in driver_xml.domains:
        dom = driver_conn.lookupByName(name)
        assert dom.connect() is driver_conn
    for dom in driver_conn.listAllDomains():
        assert dom.connect() is driver_conn
    d = next(iter(driver_xml.active_domains()))
    assert driver_conn.lookupByID(d.id).connect() is driver_conn
    assert driver_conn.lookupByUUIDString(d.uuid).connect() is driver_conn


def test_lookup_default_domain(conn, cdirect):
    dom = conn.lookupByName("test")
    with cdirect.Connection("test:///default").domain("test") as c:
        assert dom.UUIDString() == c.uuid_string()
        assert dom.UUID() == c.uuid()
        assert dom.ID() == c.id()
        assert conn.lookupByID(c.id()).name() == "test"


# --- getters -------------------------------------------------------------------

def test_name_uuid_id(driver_conn, driver_xml):
    for d in driver_xml.domains.values():
        dom = driver_conn.lookupByName(d.name)
        assert type(dom.name()) is str
        assert dom.UUIDString() == d.uuid
        assert type(dom.UUIDString()) is str
        u = dom.UUID()
        assert type(u) is bytes and len(u) == 16
        assert u == uuidlib.UUID(d.uuid).bytes
        assert type(dom.ID()) is int
        assert dom.ID() == d.id


def test_id_of_inactive_domain_is_minus_one(driver_conn, driver_xml, cdirect,
                                            driver_uri):
    d = driver_xml.inactive_domains()[0]
    dom = driver_conn.lookupByName(d.name)
    assert dom.ID() == -1
    with cdirect.Connection(driver_uri).domain(d.name) as c:
        assert c.id() == -1


def test_is_active_is_persistent(driver_conn, driver_xml):
    for d in driver_xml.domains.values():
        dom = driver_conn.lookupByName(d.name)
        a, p = dom.isActive(), dom.isPersistent()
        assert type(a) is int and type(p) is int
        assert a == int(d.active)
        assert p == int(d.persistent)
        assert dom.isUpdated() == 0


def test_os_type(driver_conn, driver_xml, cdirect, driver_uri):
    c = cdirect.Connection(driver_uri)
    for name in driver_xml.domains:
        os_type = driver_conn.lookupByName(name).OSType()
        assert type(os_type) is str
        with c.domain(name) as cd:
            assert os_type == cd.os_type()


def test_max_memory_and_vcpus(driver_conn, driver_xml, cdirect, driver_uri):
    c = cdirect.Connection(driver_uri)
    for d in driver_xml.domains.values():
        dom = driver_conn.lookupByName(d.name)
        assert type(dom.maxMemory()) is int
        assert dom.maxMemory() == d.memory
        with c.domain(d.name) as cd:
            assert dom.maxMemory() == cd.max_memory()
            if d.active:
                assert dom.maxVcpus() == cd.max_vcpus()
        if d.active:
            assert dom.maxVcpus() == d.vcpus
        if d.persistent:
            assert dom.vcpusFlags(libvirt.VIR_DOMAIN_AFFECT_CONFIG) == d.vcpus


def test_xml_desc(driver_conn, driver_xml, cdirect, driver_uri):
    c = cdirect.Connection(driver_uri)
    for d in driver_xml.domains.values():
        dom = driver_conn.lookupByName(d.name)
        xml = dom.XMLDesc()
        assert type(xml) is str
        root = ET.fromstring(xml)
        assert root.tag == "domain"
        assert root.find("name").text == d.name
        assert root.find("uuid").text == d.uuid
        assert int(root.find("memory").text) == d.memory
        assert int(root.find("currentMemory").text) == d.current_memory
        assert int(root.find("vcpu").text) == d.vcpus
        assert [t.get("dev") for t in root.findall("devices/disk/target")] \
            == d.disks
        if d.active:
            assert root.get("id") == str(d.id)
        else:
            assert root.get("id") is None
        with c.domain(d.name) as cd:
            assert xml == cd.xml_desc(0)
        inactive = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
        assert ET.fromstring(inactive).get("id") is None
        assert dom.XMLDesc(flags=0) == xml


def test_hostname(driver_conn, driver_xml, cdirect, driver_uri, quiet):
    c = cdirect.Connection(driver_uri)
    for d in driver_xml.domains.values():
        dom = driver_conn.lookupByName(d.name)
        if d.state == libvirt.VIR_DOMAIN_RUNNING:
            h = dom.hostname()
            assert type(h) is str
            with c.domain(d.name) as cd:
                assert h == cd.hostname()
        elif not d.active:
            with pytest.raises(libvirt.libvirtError) as ei:
                dom.hostname()
            assert ei.value.get_error_code() == \
                libvirt.VIR_ERR_OPERATION_INVALID


def test_has_managed_save_image(driver_conn, driver_xml):
    for d in driver_xml.domains.values():
        v = driver_conn.lookupByName(d.name).hasManagedSaveImage()
        assert type(v) is int
        assert v == int(d.managed_save)


def test_managed_save_remove(driver_conn, driver_xml):
    d = _first(driver_xml, lambda d: d.managed_save)
    dom = driver_conn.lookupByName(d.name)
    assert dom.managedSaveRemove() == 0
    assert dom.hasManagedSaveImage() == 0


def test_autostart_round_trip(driver_conn, driver_xml):
    d = _first(driver_xml, lambda d: d.persistent)
    dom = driver_conn.lookupByName(d.name)
    assert dom.autostart() == 0
    assert dom.setAutostart(1) == 0
    assert dom.autostart() == 1
    assert dom.setAutostart(True) == 0
    assert dom.autostart() == 1
    assert dom.setAutostart(0) == 0
    assert dom.autostart() == 0


def test_autostart_matches_c(driver_conn, driver_xml, cdirect, driver_uri):
    c = cdirect.Connection(driver_uri)
    for name in driver_xml.domains:
        with c.domain(name) as cd:
            assert driver_conn.lookupByName(name).autostart() == cd.autostart()


# --- lifecycle -------------------------------------------------------------------

def test_suspend_resume(driver_conn, driver_xml):
    d = _first(driver_xml, lambda d: d.state == libvirt.VIR_DOMAIN_RUNNING)
    dom = driver_conn.lookupByName(d.name)
    assert dom.suspend() == 0
    assert dom.state() == [libvirt.VIR_DOMAIN_PAUSED,
                           libvirt.VIR_DOMAIN_PAUSED_USER]
    assert dom.info()[0] == libvirt.VIR_DOMAIN_PAUSED
    assert dom.resume() == 0
    assert dom.state() == [libvirt.VIR_DOMAIN_RUNNING,
                           libvirt.VIR_DOMAIN_RUNNING_UNPAUSED]


def test_resume_paused_domain(driver_conn, driver_xml):
    d = _first(driver_xml, lambda d: d.state == libvirt.VIR_DOMAIN_PAUSED)
    dom = driver_conn.lookupByName(d.name)
    assert dom.state()[0] == libvirt.VIR_DOMAIN_PAUSED
    dom.resume()
    assert dom.state()[0] == libvirt.VIR_DOMAIN_RUNNING
    assert dom.ID() == d.id


def test_shutdown_create_destroy(driver_conn, driver_xml):
    d = _first(driver_xml, lambda d: d.state == libvirt.VIR_DOMAIN_RUNNING
               and d.persistent)
    dom = driver_conn.lookupByName(d.name)
    assert dom.shutdown() == 0
    assert dom.state() == [libvirt.VIR_DOMAIN_SHUTOFF,
                           libvirt.VIR_DOMAIN_SHUTOFF_SHUTDOWN]
    assert dom.isActive() == 0
    assert dom.ID() == -1
    assert dom.create() == 0
    assert dom.state() == [libvirt.VIR_DOMAIN_RUNNING,
                           libvirt.VIR_DOMAIN_RUNNING_BOOTED]
    assert dom.isActive() == 1
    new_id = dom.ID()
    assert new_id > 0
    assert new_id not in [x.id for x in driver_xml.domains.values()]
    assert driver_conn.lookupByID(new_id).name() == d.name
    assert dom.destroy() == 0
    assert dom.state() == [libvirt.VIR_DOMAIN_SHUTOFF,
                           libvirt.VIR_DOMAIN_SHUTOFF_DESTROYED]
    assert dom.ID() == -1


def test_shutdown_flags_and_destroy_flags(driver_conn, driver_xml):
    names = [d.name for d in driver_xml.domains.values()
             if d.state == libvirt.VIR_DOMAIN_RUNNING and d.persistent]
    dom = driver_conn.lookupByName(names[0])
    assert dom.shutdownFlags(0) == 0
    assert dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF
    assert dom.createWithFlags(0) == 0
    assert dom.destroyFlags(0) == 0
    assert dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF


def test_start_inactive_domain(driver_conn, driver_xml):
    d = _first(driver_xml, lambda d: not d.active and not d.managed_save)
    dom = driver_conn.lookupByName(d.name)
    assert dom.create() == 0
    assert dom.isActive() == 1
    assert dom.info()[0] == libvirt.VIR_DOMAIN_RUNNING
    assert d.name not in driver_conn.listDefinedDomains()


def test_destroy_transient_domain_removes_it(driver_conn, driver_xml, quiet):
    d = _first(driver_xml, lambda d: not d.persistent)
    dom = driver_conn.lookupByName(d.name)
    assert dom.destroy() == 0
    libvirt_error(libvirt.VIR_ERR_NO_DOMAIN, driver_conn.lookupByName, d.name)


def test_operations_on_inactive_domain_fail(driver_conn, driver_xml, quiet):
    d = _first(driver_xml, lambda d: not d.active)
    dom = driver_conn.lookupByName(d.name)
    for call in (dom.suspend, dom.resume, dom.destroy, dom.shutdown,
                 lambda: dom.reboot(0)):
        with pytest.raises(libvirt.libvirtError) as ei:
            call()
        # the test driver reports some of these as internal errors
        assert ei.value.get_error_code() in (
            libvirt.VIR_ERR_OPERATION_INVALID, libvirt.VIR_ERR_INTERNAL_ERROR)
    assert dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF


def test_define_undefine(driver_conn, quiet):
    u = str(uuidlib.UUID(int=0xD0D0))
    dom = driver_conn.defineXML(_new_domain_xml("newdom", 262144, 3, u))
    assert type(dom) is libvirt.virDomain
    assert dom.connect() is driver_conn
    assert dom.name() == "newdom"
    assert dom.UUIDString() == u
    assert dom.isActive() == 0
    assert dom.isPersistent() == 1
    assert dom.ID() == -1
    assert dom.maxMemory() == 262144
    assert dom.info()[3] == 3
    assert "newdom" in driver_conn.listDefinedDomains()
    assert driver_conn.lookupByUUIDString(u).name() == "newdom"
    assert dom.undefine() == 0
    libvirt_error(libvirt.VIR_ERR_NO_DOMAIN, driver_conn.lookupByName, "newdom")


def test_define_xml_flags_and_undefine_flags(driver_conn):
    dom = driver_conn.defineXMLFlags(_new_domain_xml("flagdom"), 0)
    assert isinstance(dom, libvirt.virDomain)
    assert dom.isPersistent() == 1
    assert dom.undefineFlags(0) == 0
    assert "flagdom" not in driver_conn.listDefinedDomains()


def test_define_invalid_xml(driver_conn, quiet):
    libvirt_error(libvirt.VIR_ERR_XML_DETAIL, driver_conn.defineXML, "<domain type='test'>")


def test_create_xml_transient(driver_conn):
    dom = driver_conn.createXML(_new_domain_xml("transdom", 131072, 2), 0)
    assert type(dom) is libvirt.virDomain
    assert dom.connect() is driver_conn
    assert dom.isActive() == 1
    assert dom.isPersistent() == 0
    assert dom.ID() > 0
    assert dom.state()[0] == libvirt.VIR_DOMAIN_RUNNING
    assert dom.ID() in driver_conn.listDomainsID()
    dom.destroy()
    assert "transdom" not in [d.name() for d in driver_conn.listAllDomains()]


def test_undefine_running_domain_makes_it_transient(driver_conn, driver_xml):
    d = _first(driver_xml, lambda d: d.state == libvirt.VIR_DOMAIN_RUNNING
               and d.persistent)
    dom = driver_conn.lookupByName(d.name)
    # domains with snapshot metadata need the matching flag
    dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)
    assert dom.isActive() == 1
    assert dom.isPersistent() == 0


def test_rename(driver_conn, driver_xml):
    d = _first(driver_xml, lambda d: not d.active and not d.managed_save)
    dom = driver_conn.lookupByName(d.name)
    assert dom.rename("renamed", 0) == 0
    assert driver_conn.lookupByUUIDString(d.uuid).name() == "renamed"


# --- setters -------------------------------------------------------------------

def test_set_memory_running(driver_conn, driver_xml, cdirect, driver_uri):
    d = _first(driver_xml, lambda d: d.state == libvirt.VIR_DOMAIN_RUNNING
               and d.current_memory < d.memory)
    dom = driver_conn.lookupByName(d.name)
    new = d.current_memory // 2
    assert dom.setMemory(new) == 0
    info = dom.info()
    assert info[2] == new
    assert info[1] == d.memory


def test_set_memory_above_max_fails(driver_conn, driver_xml, quiet):
    d = _first(driver_xml, lambda d: d.state == libvirt.VIR_DOMAIN_RUNNING)
    dom = driver_conn.lookupByName(d.name)
    libvirt_error(libvirt.VIR_ERR_INVALID_ARG, dom.setMemory, d.memory * 2)
    assert dom.info()[2] == d.current_memory


def test_set_memory_flags_config(driver_conn, driver_xml):
    d = _first(driver_xml, lambda d: not d.active)
    dom = driver_conn.lookupByName(d.name)
    new = d.memory // 2
    assert dom.setMemoryFlags(new, libvirt.VIR_DOMAIN_AFFECT_CONFIG) == 0
    assert dom.info()[2] == new


def test_set_max_memory_inactive(driver_conn, driver_xml):
    d = _first(driver_xml, lambda d: not d.active)
    dom = driver_conn.lookupByName(d.name)
    new = d.memory * 2
    assert dom.setMaxMemory(new) == 0
    assert dom.maxMemory() == new
    assert dom.info()[1] == new


def test_set_max_memory_running_fails(driver_conn, driver_xml, quiet):
    d = _first(driver_xml, lambda d: d.state == libvirt.VIR_DOMAIN_RUNNING)
    dom = driver_conn.lookupByName(d.name)
    libvirt_error(libvirt.VIR_ERR_OPERATION_INVALID, dom.setMaxMemory, d.memory * 2)
    assert dom.maxMemory() == d.memory


def test_set_vcpus(driver_conn, driver_xml):
    d = _first(driver_xml, lambda d: d.state == libvirt.VIR_DOMAIN_RUNNING
               and d.vcpus > 1)
    dom = driver_conn.lookupByName(d.name)
    assert dom.setVcpus(1) == 0
    assert dom.info()[3] == 1
    assert dom.vcpusFlags(libvirt.VIR_DOMAIN_AFFECT_LIVE) == 1


def test_set_vcpus_flags_config(driver_conn, driver_xml):
    d = _first(driver_xml, lambda d: not d.active and d.vcpus > 1)
    dom = driver_conn.lookupByName(d.name)
    assert dom.setVcpusFlags(d.vcpus - 1, libvirt.VIR_DOMAIN_AFFECT_CONFIG) == 0
    assert dom.info()[3] == d.vcpus - 1
    assert dom.vcpusFlags(libvirt.VIR_DOMAIN_AFFECT_CONFIG) == d.vcpus - 1


def test_metadata_round_trip(driver_conn, driver_xml, quiet):
    d = next(iter(driver_xml.domains.values()))
    dom = driver_conn.lookupByName(d.name)
    libvirt_error(libvirt.VIR_ERR_NO_DOMAIN_METADATA,
                  dom.metadata, libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, None)
    assert dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_DESCRIPTION,
                           "a description", None, None) == 0
    assert dom.metadata(libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, None) == \
        "a description"
    assert dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_TITLE, "T", None,
                           None, libvirt.VIR_DOMAIN_AFFECT_CURRENT) == 0
    assert dom.metadata(libvirt.VIR_DOMAIN_METADATA_TITLE, None, 0) == "T"
    root = ET.fromstring(dom.XMLDesc())
    assert root.find("description").text == "a description"
    assert root.find("title").text == "T"


def test_default_domain_setters_are_visible_to_c(conn, cdirect):
    # test:///default state is shared with cdirect's own connection
    dom = conn.lookupByName("test")
    c = cdirect.Connection("test:///default")
    with c.domain("test") as cd:
        before = cd.info()
        try:
            assert dom.setMemory(before["memory"] // 2) == 0
            assert cd.info()["memory"] == before["memory"] // 2
            dom.suspend()
            assert cd.state()[0] == libvirt.VIR_DOMAIN_PAUSED
            dom.resume()
            assert cd.state()[0] == libvirt.VIR_DOMAIN_RUNNING
        finally:
            dom.setMemory(before["memory"])
        assert cd.info()["memory"] == before["memory"]
