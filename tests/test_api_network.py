"""Virtual network API, checked against the driver XML and direct C calls."""

import uuid as uuidlib
import xml.etree.ElementTree as ET

import libvirt
from support.errors import libvirt_error
from support.handles import assert_listed, assert_lookups


def _net_xml(name, bridge, uuid=None):
    u = "<uuid>%s</uuid>" % uuid if uuid else ""
    return ("<network><name>%s</name>%s<bridge name='%s'/></network>"
            % (name, u, bridge))


def test_lookups(driver_conn, driver_xml):
    for n in driver_xml.networks.values():
        assert_lookups(driver_conn, libvirt.virNetwork, n.name, n.uuid,
                       driver_conn.networkLookupByName, driver_conn.networkLookupByUUIDString,
                       driver_conn.networkLookupByUUID)


def test_lookup_missing(driver_conn, quiet):
    err = libvirt_error(libvirt.VIR_ERR_NO_NETWORK, driver_conn.networkLookupByName, "no-such-net")
    assert err.get_error_domain() == libvirt.VIR_FROM_TEST
    libvirt_error(libvirt.VIR_ERR_NO_NETWORK,
                  lambda: driver_conn.networkLookupByUUIDString(str(uuidlib.UUID(int=7))))


def test_getters(driver_conn, driver_xml, cdirect, driver_uri):
    c = cdirect.Connection(driver_uri)
    for n in driver_xml.networks.values():
        net = driver_conn.networkLookupByName(n.name)
        cn = c.network(n.name)
        assert net.UUIDString() == n.uuid == cn["uuid"]
        u = net.UUID()
        assert type(u) is bytes and u == uuidlib.UUID(n.uuid).bytes
        assert net.bridgeName() == n.bridge == cn["bridge"]
        # the test driver starts every network it loads
        assert net.isActive() == 1 == cn["active"]
        assert net.isPersistent() == 1 == cn["persistent"]
        assert type(net.isActive()) is int
        assert net.autostart() == 0
        root = ET.fromstring(net.XMLDesc())
        assert root.tag == "network"
        assert root.find("name").text == n.name
        assert root.find("uuid").text == n.uuid
        assert root.find("bridge").get("name") == n.bridge
        fwd = root.find("forward")
        assert (fwd.get("mode") if fwd is not None else None) == n.forward
        assert ET.fromstring(net.XMLDesc(0)).find("name").text == n.name


def test_counts_and_lists(driver_conn, driver_xml, cdirect, driver_uri):
    names = sorted(driver_xml.networks)
    c = cdirect.Connection(driver_uri)
    assert driver_conn.numOfNetworks() == len(names) == c.num_networks()
    assert driver_conn.numOfDefinedNetworks() == 0 == c.num_defined_networks()
    assert sorted(driver_conn.listNetworks()) == names
    assert driver_conn.listDefinedNetworks() == []


def test_destroy_create(driver_conn, driver_xml, cdirect, driver_uri):
    name = sorted(driver_xml.networks)[0]
    net = driver_conn.networkLookupByName(name)
    assert net.destroy() == 0
    assert net.isActive() == 0
    assert net.isPersistent() == 1
    assert driver_conn.listDefinedNetworks() == [name]
    assert name not in driver_conn.listNetworks()
    assert driver_conn.numOfDefinedNetworks() == 1
    assert driver_conn.numOfNetworks() == len(driver_xml.networks) - 1
    assert net.create() == 0
    assert net.isActive() == 1
    assert driver_conn.listDefinedNetworks() == []


def test_list_all_networks_flags(driver_conn, driver_xml):
    all_names = sorted(driver_xml.networks)
    assert_listed(driver_conn, libvirt.virNetwork, driver_conn.listAllNetworks(), all_names)
    stopped = all_names[0]
    driver_conn.networkLookupByName(stopped).destroy()

    def names(flags):
        return sorted(n.name() for n in driver_conn.listAllNetworks(flags))

    assert names(libvirt.VIR_CONNECT_LIST_NETWORKS_ACTIVE) == all_names[1:]
    assert names(libvirt.VIR_CONNECT_LIST_NETWORKS_INACTIVE) == [stopped]
    assert names(libvirt.VIR_CONNECT_LIST_NETWORKS_PERSISTENT) == all_names
    assert names(libvirt.VIR_CONNECT_LIST_NETWORKS_TRANSIENT) == []
    assert names(libvirt.VIR_CONNECT_LIST_NETWORKS_AUTOSTART) == []
    assert names(libvirt.VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART) == all_names


def test_autostart_round_trip(driver_conn, driver_xml):
    net = driver_conn.networkLookupByName(sorted(driver_xml.networks)[0])
    assert net.setAutostart(1) == 0
    assert net.autostart() == 1
    assert [n.name() for n in driver_conn.listAllNetworks(
        libvirt.VIR_CONNECT_LIST_NETWORKS_AUTOSTART)] == [net.name()]
    assert net.setAutostart(0) == 0
    assert net.autostart() == 0


def test_define_start_stop_undefine(driver_conn, quiet):
    u = str(uuidlib.UUID(int=0xBEEF))
    net = driver_conn.networkDefineXML(_net_xml("net-new", "virbr77", u))
    assert type(net) is libvirt.virNetwork
    assert net.connect() is driver_conn
    assert net.UUIDString() == u
    assert net.isActive() == 0
    assert net.isPersistent() == 1
    assert "net-new" in driver_conn.listDefinedNetworks()
    assert net.create() == 0
    assert net.isActive() == 1
    # a running network cannot be undefined by the test driver
    libvirt_error(libvirt.VIR_ERR_OPERATION_INVALID, net.undefine)
    assert net.destroy() == 0
    assert net.undefine() == 0
    libvirt_error(libvirt.VIR_ERR_NO_NETWORK, driver_conn.networkLookupByName, "net-new")


def test_define_xml_flags(driver_conn):
    net = driver_conn.networkDefineXMLFlags(_net_xml("net-f", "virbr78"), 0)
    assert isinstance(net, libvirt.virNetwork)
    assert net.isActive() == 0
    net.undefine()


def test_create_transient(driver_conn, quiet):
    net = driver_conn.networkCreateXML(_net_xml("net-tr", "virbr79"))
    assert type(net) is libvirt.virNetwork
    assert net.isActive() == 1
    assert net.isPersistent() == 0
    assert "net-tr" in driver_conn.listNetworks()
    net2 = driver_conn.networkCreateXMLFlags(_net_xml("net-tr2", "virbr80"), 0)
    assert net2.isPersistent() == 0
    assert net.destroy() == 0
    libvirt_error(libvirt.VIR_ERR_NO_NETWORK, driver_conn.networkLookupByName, "net-tr")


def test_network_state_visible_from_c(conn, cdirect):
    # test:///default is shared with cdirect's connection
    c = cdirect.Connection("test:///default")
    net = conn.networkLookupByName("default")
    assert net.UUIDString() == c.network("default")["uuid"]
    assert net.bridgeName() == c.network("default")["bridge"]
    assert net.destroy() == 0
    try:
        assert c.network("default")["active"] == 0
    finally:
        net.create()
    assert c.network("default")["active"] == 1
