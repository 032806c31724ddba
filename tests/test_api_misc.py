"""Node devices, host interfaces, secrets, nwfilters, snapshots,
checkpoints and streams, as far as libvirt's test driver supports them."""

import xml.etree.ElementTree as ET

import pytest

import libvirt
from support.errors import libvirt_error


# --- node devices -----------------------------------------------------------

def test_list_all_devices(driver_conn, driver_xml):
    devs = driver_conn.listAllDevices()
    assert isinstance(devs, list)
    assert all(type(d) is libvirt.virNodeDevice for d in devs)
    assert all(d.connect() is driver_conn for d in devs)
    assert sorted(d.name() for d in devs) == sorted(driver_xml.devices)
    assert sorted(d.name() for d in driver_conn.listAllDevices(0)) == \
        sorted(driver_xml.devices)


def test_list_all_devices_by_capability(driver_conn, driver_xml):
    flag_for = {
        "system": libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_SYSTEM,
        "net": libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_NET,
        "scsi_host": libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_SCSI_HOST,
    }
    for cap, flag in flag_for.items():
        expected = sorted(d.name for d in driver_xml.devices.values()
                          if cap in d.caps)
        assert sorted(d.name() for d in
                      driver_conn.listAllDevices(flag)) == expected
        assert sorted(driver_conn.listDevices(cap, 0)) == expected
        assert driver_conn.numOfDevices(cap, 0) == len(expected)
        assert driver_conn.numOfDevices(cap) == len(expected)


def test_list_devices_without_capability(driver_conn, driver_xml):
    names = driver_conn.listDevices(None, 0)
    assert isinstance(names, list)
    assert sorted(names) == sorted(driver_xml.devices)
    assert driver_conn.numOfDevices(None, 0) == len(driver_xml.devices)


def test_device_getters(driver_conn, driver_xml):
    for d in driver_xml.devices.values():
        dev = driver_conn.nodeDeviceLookupByName(d.name)
        assert type(dev) is libvirt.virNodeDevice
        assert dev.connect() is driver_conn
        assert dev.name() == d.name
        assert dev.parent() == d.parent
        caps = dev.listCaps()
        assert isinstance(caps, list)
        assert caps == d.caps
        assert dev.numOfCaps() == len(d.caps)
        root = ET.fromstring(dev.XMLDesc())
        assert root.tag == "device"
        assert root.find("name").text == d.name
        assert ET.fromstring(dev.XMLDesc(0)).find("name").text == d.name


def test_device_lookup_missing(driver_conn, quiet):
    with pytest.raises(libvirt.libvirtError) as ei:
        driver_conn.nodeDeviceLookupByName("no-such-device")
    assert ei.value.get_error_code() == libvirt.VIR_ERR_NO_NODE_DEVICE
    assert ei.value.get_error_domain() == libvirt.VIR_FROM_TEST


def test_device_create_and_destroy_vhba(conn):
    # the default test driver state has an fc_host capable scsi_host1
    parent = conn.nodeDeviceLookupByName("scsi_host1")
    parent_root = ET.fromstring(parent.XMLDesc())
    assert parent_root.find(".//capability[@type='vport_ops']") is not None
    before = sorted(conn.listDevices(None, 0))
    xml = ("<device><parent>scsi_host1</parent>"
           "<capability type='scsi_host'><capability type='fc_host'>"
           "<wwnn>2000000012349999</wwnn><wwpn>1000000012349999</wwpn>"
           "</capability></capability></device>")
    dev = conn.nodeDeviceCreateXML(xml, 0)
    try:
        assert type(dev) is libvirt.virNodeDevice
        assert dev.connect() is conn
        assert dev.parent() == "scsi_host1"
        assert dev.name() not in before
        assert sorted(conn.listDevices(None, 0)) == sorted(before +
                                                           [dev.name()])
    finally:
        assert dev.destroy() == 0
    assert sorted(conn.listDevices(None, 0)) == before


# --- host interfaces ------------------------------------------------------------

def test_interface_lookups_and_getters(driver_conn, driver_xml):
    for i in driver_xml.interfaces.values():
        for iface in (driver_conn.interfaceLookupByName(i.name),
                      driver_conn.interfaceLookupByMACString(i.mac)):
            assert type(iface) is libvirt.virInterface
            assert iface.connect() is driver_conn
            assert iface.name() == i.name
            assert iface.MACString() == i.mac
            assert iface.isActive() == 1
            root = ET.fromstring(iface.XMLDesc())
            assert root.tag == "interface"
            assert root.get("name") == i.name
            assert root.get("type") == i.type
            assert ET.fromstring(iface.XMLDesc(0)).get("name") == i.name


def test_interface_counts_and_lists(driver_conn, driver_xml):
    names = sorted(driver_xml.interfaces)
    assert driver_conn.numOfInterfaces() == len(names)
    assert sorted(driver_conn.listInterfaces()) == names
    assert driver_conn.numOfDefinedInterfaces() == 0
    assert driver_conn.listDefinedInterfaces() == []
    ifaces = driver_conn.listAllInterfaces()
    assert isinstance(ifaces, list)
    assert all(type(i) is libvirt.virInterface for i in ifaces)
    assert sorted(i.name() for i in ifaces) == names


def test_interface_destroy_create(driver_conn, driver_xml):
    names = sorted(driver_xml.interfaces)
    iface = driver_conn.interfaceLookupByName(names[0])
    assert iface.destroy(0) == 0
    assert iface.isActive() == 0
    assert driver_conn.listDefinedInterfaces() == [names[0]]
    assert driver_conn.numOfDefinedInterfaces() == 1

    def listed(flags):
        return sorted(i.name() for i in driver_conn.listAllInterfaces(flags))

    assert listed(libvirt.VIR_CONNECT_LIST_INTERFACES_INACTIVE) == [names[0]]
    assert listed(libvirt.VIR_CONNECT_LIST_INTERFACES_ACTIVE) == names[1:]
    assert iface.create(0) == 0
    assert iface.isActive() == 1


def test_interface_define_undefine(driver_conn, quiet):
    xml = ("<interface type='ethernet' name='eth42'>"
           "<mac address='52:54:00:00:00:42'/></interface>")
    iface = driver_conn.interfaceDefineXML(xml, 0)
    assert type(iface) is libvirt.virInterface
    assert iface.name() == "eth42"
    assert iface.MACString() == "52:54:00:00:00:42"
    assert iface.isActive() == 0
    assert "eth42" in driver_conn.listDefinedInterfaces()
    assert iface.undefine() == 0
    libvirt_error(libvirt.VIR_ERR_NO_INTERFACE, driver_conn.interfaceLookupByName, "eth42")


def test_interface_transaction(driver_conn, driver_xml, quiet):
    xml = ("<interface type='ethernet' name='eth43'>"
           "<mac address='52:54:00:00:00:43'/></interface>")
    assert driver_conn.changeBegin(0) == 0
    driver_conn.interfaceDefineXML(xml)
    assert "eth43" in driver_conn.listDefinedInterfaces()
    assert driver_conn.changeRollback(0) == 0
    assert "eth43" not in driver_conn.listDefinedInterfaces()
    assert sorted(i.name() for i in driver_conn.listAllInterfaces()) == \
        sorted(driver_xml.interfaces)
    assert driver_conn.changeBegin() == 0
    driver_conn.interfaceDefineXML(xml)
    assert driver_conn.changeCommit() == 0
    assert driver_conn.interfaceLookupByName("eth43").name() == "eth43"
    # no transaction is running any more
    with pytest.raises(libvirt.libvirtError):
        driver_conn.changeCommit()


# --- unsupported by the test driver: secrets, nwfilters --------------------------

@pytest.mark.parametrize("call,domain", [
    (lambda c: c.listAllSecrets(), "VIR_FROM_SECRET"),
    (lambda c: c.numOfSecrets(), "VIR_FROM_SECRET"),
    (lambda c: c.listSecrets(), "VIR_FROM_SECRET"),
    (lambda c: c.secretDefineXML(
        "<secret ephemeral='no' private='no'><usage type='volume'>"
        "<volume>/pool-a/disk1.img</volume></usage></secret>"),
     "VIR_FROM_SECRET"),
    (lambda c: c.secretLookupByUUIDString(
        "5a1f0e2c-0000-4a6b-9c3d-1e2f3a4b5c00"), "VIR_FROM_SECRET"),
    (lambda c: c.listAllNWFilters(), "VIR_FROM_NWFILTER"),
    (lambda c: c.numOfNWFilters(), "VIR_FROM_NWFILTER"),
    (lambda c: c.nwfilterDefineXML("<filter name='f1' chain='root'/>"),
     "VIR_FROM_NWFILTER"),
    (lambda c: c.nwfilterLookupByName("f1"), "VIR_FROM_NWFILTER"),
    (lambda c: c.listAllNWFilterBindings(), "VIR_FROM_NWFILTER"),
])
def test_unsupported_drivers(driver_conn, quiet, call, domain):
    err = libvirt_error(libvirt.VIR_ERR_NO_SUPPORT, call, driver_conn)
    assert err.get_error_domain() == getattr(libvirt, domain)


# --- snapshots ----------------------------------------------------------------------

def _snap_domain(driver_xml):
    return next(d for d in driver_xml.domains.values() if d.snapshots)


def test_snapshot_lists(driver_conn, driver_xml):
    d = _snap_domain(driver_xml)
    dom = driver_conn.lookupByName(d.name)
    names = sorted(s.name for s in d.snapshots)
    assert dom.snapshotNum() == len(names)
    assert dom.snapshotNum(0) == len(names)
    assert sorted(dom.snapshotListNames()) == names
    snaps = dom.listAllSnapshots()
    assert isinstance(snaps, list)
    assert all(type(s) is libvirt.virDomainSnapshot for s in snaps)
    assert sorted(s.getName() for s in snaps) == names
    roots = sorted(s.name for s in d.snapshots if s.parent is None)
    assert sorted(s.getName() for s in dom.listAllSnapshots(
        libvirt.VIR_DOMAIN_SNAPSHOT_LIST_ROOTS)) == roots
    assert dom.snapshotNum(libvirt.VIR_DOMAIN_SNAPSHOT_LIST_ROOTS) == \
        len(roots)


def test_snapshot_objects(driver_conn, driver_xml, quiet):
    d = _snap_domain(driver_xml)
    dom = driver_conn.lookupByName(d.name)
    for s in d.snapshots:
        snap = dom.snapshotLookupByName(s.name)
        assert type(snap) is libvirt.virDomainSnapshot
        assert snap.getName() == s.name
        assert snap.getDomain() is dom
        assert snap.domain() is dom
        assert snap.connect() is driver_conn
        assert snap.getConnect() is driver_conn
        assert snap.isCurrent() == int(s.current)
        assert snap.hasMetadata() == 1
        children = sorted(c.name for c in d.snapshots if c.parent == s.name)
        assert sorted(snap.listChildrenNames()) == children
        assert sorted(c.getName() for c in snap.listAllChildren()) == children
        assert snap.numChildren() == len(children)
        root = ET.fromstring(snap.getXMLDesc())
        assert root.tag == "domainsnapshot"
        assert root.find("name").text == s.name
        assert root.find("description").text == s.description
        if s.parent is None:
            libvirt_error(libvirt.VIR_ERR_NO_DOMAIN_SNAPSHOT, snap.getParent)
        else:
            parent = snap.getParent()
            assert type(parent) is libvirt.virDomainSnapshot
            assert parent.getName() == s.parent


def test_snapshot_current(driver_conn, driver_xml, quiet):
    d = _snap_domain(driver_xml)
    dom = driver_conn.lookupByName(d.name)
    current = next(s.name for s in d.snapshots if s.current)
    assert dom.hasCurrentSnapshot() == 1
    assert dom.snapshotCurrent().getName() == current
    other = next(x for x in driver_xml.domains.values() if not x.snapshots)
    odom = driver_conn.lookupByName(other.name)
    assert odom.hasCurrentSnapshot() == 0
    assert odom.snapshotNum() == 0
    assert odom.listAllSnapshots() == []
    assert odom.snapshotListNames() == []
    libvirt_error(libvirt.VIR_ERR_NO_DOMAIN_SNAPSHOT, odom.snapshotCurrent)
    libvirt_error(libvirt.VIR_ERR_NO_DOMAIN_SNAPSHOT, dom.snapshotLookupByName, "no-such-snapshot")


def test_snapshot_create_revert_delete(driver_conn, driver_xml):
    d = _snap_domain(driver_xml)
    dom = driver_conn.lookupByName(d.name)
    current = next(s.name for s in d.snapshots if s.current)
    snap = dom.snapshotCreateXML(
        "<domainsnapshot><name>snap-new</name>"
        "<description>made by a test</description></domainsnapshot>", 0)
    assert type(snap) is libvirt.virDomainSnapshot
    assert snap.getDomain() is dom
    assert snap.getName() == "snap-new"
    assert dom.snapshotCurrent().getName() == "snap-new"
    assert snap.getParent().getName() == current
    assert dom.snapshotNum() == len(d.snapshots) + 1
    root = next(s.name for s in d.snapshots if s.parent is None)
    assert dom.revertToSnapshot(dom.snapshotLookupByName(root)) == 0
    assert dom.snapshotCurrent().getName() == root
    assert snap.delete() == 0
    assert dom.snapshotNum() == len(d.snapshots)
    assert dom.snapshotLookupByName(root).delete(
        libvirt.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN) == 0
    assert dom.snapshotNum() == 0
    assert dom.hasCurrentSnapshot() == 0


def test_list_all_domains_has_snapshot(driver_conn, driver_xml):
    got = sorted(d.name() for d in driver_conn.listAllDomains(
        libvirt.VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT))
    assert got == sorted(d.name for d in driver_xml.domains.values()
                         if d.snapshots)
    got = sorted(d.name() for d in driver_conn.listAllDomains(
        libvirt.VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT))
    assert got == sorted(d.name for d in driver_xml.domains.values()
                         if not d.snapshots)


def test_snapshot_num_matches_c(driver_conn, driver_xml, cdirect, driver_uri):
    c = cdirect.Connection(driver_uri)
    for name in driver_xml.domains:
        with c.domain(name) as cd:
            assert driver_conn.lookupByName(name).snapshotNum() == \
                cd.snapshot_num()


# --- checkpoints ----------------------------------------------------------------------

def _checkpoint_domain(driver_xml):
    # the test driver needs an active domain with a disk and no snapshots
    return next(d for d in driver_xml.domains.values()
                if d.active and d.disks and not d.snapshots)


def test_checkpoints(driver_conn, driver_xml, quiet):
    d = _checkpoint_domain(driver_xml)
    dom = driver_conn.lookupByName(d.name)
    assert dom.listAllCheckpoints() == []
    cp1 = dom.checkpointCreateXML(
        "<domaincheckpoint><name>cp1</name></domaincheckpoint>", 0)
    assert type(cp1) is libvirt.virDomainCheckpoint
    cp2 = dom.checkpointCreateXML(
        "<domaincheckpoint><name>cp2</name></domaincheckpoint>")
    assert cp2.getName() == "cp2"
    assert cp2.getDomain() is dom
    assert cp2.domain() is dom
    assert cp2.connect() is driver_conn
    assert cp2.getConnect() is driver_conn
    cps = dom.listAllCheckpoints()
    assert isinstance(cps, list)
    assert all(type(c) is libvirt.virDomainCheckpoint for c in cps)
    assert sorted(c.getName() for c in cps) == ["cp1", "cp2"]
    looked = dom.checkpointLookupByName("cp2")
    assert looked.getName() == "cp2"
    assert looked.getParent().getName() == "cp1"
    assert [c.getName() for c in
            dom.checkpointLookupByName("cp1").listAllChildren()] == ["cp2"]
    root = ET.fromstring(looked.getXMLDesc())
    assert root.tag == "domaincheckpoint"
    assert root.find("name").text == "cp2"
    assert root.find("parent/name").text == "cp1"
    libvirt_error(libvirt.VIR_ERR_NO_DOMAIN_CHECKPOINT, cp1.getParent)
    assert looked.delete() == 0
    assert [c.getName() for c in dom.listAllCheckpoints()] == ["cp1"]
    libvirt_error(libvirt.VIR_ERR_NO_DOMAIN_CHECKPOINT, dom.checkpointLookupByName, "cp2")


def test_checkpoint_needs_disk(driver_conn, driver_xml, quiet):
    d = next(x for x in driver_xml.domains.values()
             if x.active and not x.disks)
    with pytest.raises(libvirt.libvirtError) as ei:
        driver_conn.lookupByName(d.name).checkpointCreateXML(
            "<domaincheckpoint><name>cp</name></domaincheckpoint>")
    assert ei.value.get_error_code() == libvirt.VIR_ERR_CONFIG_UNSUPPORTED


# --- streams ---------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_new_stream(conn):
    st = conn.newStream(0)
    assert type(st) is libvirt.virStream
    assert st.connect() is conn
    st2 = conn.newStream()
    assert type(st2) is libvirt.virStream


def test_screenshot_stream_recv(conn):
    dom = conn.lookupByName("test")
    st = conn.newStream(0)
    mime = dom.screenshot(st, 0, 0)
    assert mime == "image/png"
    data = b""
    while True:
        chunk = st.recv(4096)
        assert type(chunk) is bytes
        if not chunk:
            break
        assert len(chunk) <= 4096
        data += chunk
    assert st.finish() == 0
    assert data.startswith(PNG_SIGNATURE)


def test_stream_recv_of_a_huge_size_reads_at_most_16_mib(conn):
    # Deviation: the reference allocates what is asked (2**31-1 overflows its heap).
    dom = conn.lookupByName("test")
    st = conn.newStream(0)
    dom.screenshot(st, 0, 0)
    chunk = st.recv(2 ** 31 - 1)
    assert type(chunk) is bytes and 0 < len(chunk) <= 16 * 1024 * 1024
    assert chunk.startswith(PNG_SIGNATURE)
    st.abort()


def test_screenshot_stream_recv_all(conn):
    dom = conn.lookupByName("test")
    st = conn.newStream(0)
    dom.screenshot(st, 0)
    calls = []

    def handler(stream, buf, opaque):
        calls.append((stream, type(buf), opaque))
        chunks.append(buf)
        return len(buf)

    chunks = []
    assert st.recvAll(handler, "opaque-value") is None
    assert st.finish() == 0
    assert calls
    for stream, buftype, opaque in calls:
        assert stream is st
        assert buftype is bytes
        assert opaque == "opaque-value"
    assert b"".join(chunks).startswith(PNG_SIGNATURE)


def test_volume_upload_unsupported(driver_conn, driver_xml, quiet):
    pool = next(p for p in driver_xml.pools.values() if p.volumes)
    vol = driver_conn.storagePoolLookupByName(pool.name)\
        .storageVolLookupByName(next(iter(pool.volumes)))
    st = driver_conn.newStream(0)
    libvirt_error(libvirt.VIR_ERR_NO_SUPPORT, vol.upload, st, 0, 10, 0)
