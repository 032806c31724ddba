"""Storage pool and volume API, checked against the driver XML and direct C
calls."""

import uuid as uuidlib
import xml.etree.ElementTree as ET

import pytest

import libvirt
from support.errors import libvirt_error
from support.handles import assert_listed, assert_lookups


def _vol_xml(name, capacity, allocation=0):
    return ("<volume><name>%s</name>"
            "<capacity unit='bytes'>%d</capacity>"
            "<allocation unit='bytes'>%d</allocation></volume>"
            % (name, capacity, allocation))


def _pool_with_volumes(driver_xml):
    return next(p for p in driver_xml.pools.values() if p.volumes)


def _pool_without_volumes(driver_xml):
    return next(p for p in driver_xml.pools.values() if not p.volumes)


# --- pools -----------------------------------------------------------------

def test_pool_lookups(driver_conn, driver_xml):
    for p in driver_xml.pools.values():
        assert_lookups(driver_conn, libvirt.virStoragePool, p.name, p.uuid,
                       driver_conn.storagePoolLookupByName,
                       driver_conn.storagePoolLookupByUUIDString,
                       driver_conn.storagePoolLookupByUUID)


def test_pool_lookup_missing(driver_conn, quiet):
    with pytest.raises(libvirt.libvirtError) as ei:
        driver_conn.storagePoolLookupByName("no-such-pool")
    assert ei.value.get_error_code() == libvirt.VIR_ERR_NO_STORAGE_POOL
    assert ei.value.get_error_domain() == libvirt.VIR_FROM_TEST


def test_pool_getters(driver_conn, driver_xml):
    for p in driver_xml.pools.values():
        pool = driver_conn.storagePoolLookupByName(p.name)
        assert pool.UUIDString() == p.uuid
        assert pool.UUID() == uuidlib.UUID(p.uuid).bytes
        assert type(pool.UUID()) is bytes
        assert pool.isActive() == 1
        assert pool.isPersistent() == 1
        assert pool.autostart() == 0
        root = ET.fromstring(pool.XMLDesc())
        assert root.tag == "pool"
        assert root.get("type") == p.type
        assert root.find("name").text == p.name
        assert root.find("target/path").text == p.path


def test_pool_info(driver_conn, driver_xml, cdirect, driver_uri):
    c = cdirect.Connection(driver_uri)
    for p in driver_xml.pools.values():
        info = driver_conn.storagePoolLookupByName(p.name).info()
        assert isinstance(info, list) and len(info) == 4
        assert all(type(x) is int for x in info)
        assert info == [libvirt.VIR_STORAGE_POOL_RUNNING, p.capacity,
                        p.allocation, p.available]
        assert info == c.pool_info(p.name)


def test_pool_counts_and_lists(driver_conn, driver_xml):
    names = sorted(driver_xml.pools)
    assert driver_conn.numOfStoragePools() == len(names)
    assert driver_conn.numOfDefinedStoragePools() == 0
    assert sorted(driver_conn.listStoragePools()) == names
    assert driver_conn.listDefinedStoragePools() == []


def test_list_all_storage_pools_flags(driver_conn, driver_xml):
    names = sorted(driver_xml.pools)
    assert_listed(driver_conn, libvirt.virStoragePool, driver_conn.listAllStoragePools(), names)
    driver_conn.storagePoolLookupByName(names[0]).destroy()

    def listed(flags):
        return sorted(p.name() for p in driver_conn.listAllStoragePools(flags))

    assert listed(libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE) == names[1:]
    assert listed(libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE) == \
        [names[0]]
    assert listed(libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT) == names
    assert listed(libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_DIR) == \
        sorted(p.name for p in driver_xml.pools.values() if p.type == "dir")


def test_pool_destroy_create(driver_conn, driver_xml, cdirect, quiet):
    p = _pool_with_volumes(driver_xml)
    pool = driver_conn.storagePoolLookupByName(p.name)
    assert pool.destroy() == 0
    assert pool.isActive() == 0
    assert pool.info()[0] == libvirt.VIR_STORAGE_POOL_INACTIVE
    assert driver_conn.listDefinedStoragePools() == [p.name]
    libvirt_error(libvirt.VIR_ERR_OPERATION_INVALID, pool.listVolumes)
    assert pool.create() == 0
    assert pool.isActive() == 1
    assert sorted(pool.listVolumes()) == sorted(p.volumes)
    assert pool.refresh() == 0
    assert pool.refresh(0) == 0


def test_pool_define_build_start_undefine(driver_conn, quiet):
    u = str(uuidlib.UUID(int=0xF00D))
    xml = ("<pool type='dir'><name>pool-new</name><uuid>%s</uuid>"
           "<target><path>/pool-new</path></target></pool>" % u)
    pool = driver_conn.storagePoolDefineXML(xml, 0)
    assert type(pool) is libvirt.virStoragePool
    assert pool.connect() is driver_conn
    assert pool.UUIDString() == u
    assert pool.isActive() == 0
    assert pool.isPersistent() == 1
    assert pool.build(0) == 0
    assert pool.create(0) == 0
    assert pool.isActive() == 1
    assert pool.numOfVolumes() == 0
    assert pool.listVolumes() == []
    assert pool.listAllVolumes() == []
    assert pool.destroy() == 0
    assert pool.undefine() == 0
    libvirt_error(libvirt.VIR_ERR_NO_STORAGE_POOL, driver_conn.storagePoolLookupByName, "pool-new")


def test_pool_create_xml_transient(driver_conn):
    xml = ("<pool type='dir'><name>pool-tr</name>"
           "<target><path>/pool-tr</path></target></pool>")
    pool = driver_conn.storagePoolCreateXML(xml, 0)
    assert type(pool) is libvirt.virStoragePool
    assert pool.isActive() == 1
    assert pool.isPersistent() == 0
    pool.destroy()
    assert "pool-tr" not in [p.name()
                             for p in driver_conn.listAllStoragePools()]


def test_pool_autostart(driver_conn, driver_xml):
    pool = driver_conn.storagePoolLookupByName(sorted(driver_xml.pools)[0])
    assert pool.setAutostart(1) == 0
    assert pool.autostart() == 1
    assert pool.setAutostart(0) == 0
    assert pool.autostart() == 0


# --- volumes -------------------------------------------------------------------

def test_volume_counts_and_lists(driver_conn, driver_xml):
    for p in driver_xml.pools.values():
        pool = driver_conn.storagePoolLookupByName(p.name)
        assert pool.numOfVolumes() == len(p.volumes)
        names = pool.listVolumes()
        assert isinstance(names, list)
        assert sorted(names) == sorted(p.volumes)
        vols = pool.listAllVolumes()
        assert isinstance(vols, list)
        assert all(type(v) is libvirt.virStorageVol for v in vols)
        assert sorted(v.name() for v in vols) == sorted(p.volumes)
        assert pool.listAllVolumes(0) is not None


def test_volume_lookups_and_getters(driver_conn, driver_xml, cdirect,
                                    driver_uri):
    c = cdirect.Connection(driver_uri)
    p = _pool_with_volumes(driver_xml)
    pool = driver_conn.storagePoolLookupByName(p.name)
    for v in p.volumes.values():
        for vol in (pool.storageVolLookupByName(v.name),
                    driver_conn.storageVolLookupByKey(v.key),
                    driver_conn.storageVolLookupByPath(v.path)):
            assert type(vol) is libvirt.virStorageVol
            assert vol.connect() is driver_conn
            assert vol.name() == v.name
            assert vol.key() == v.key
            assert vol.path() == v.path
            info = vol.info()
            assert isinstance(info, list) and len(info) == 3
            assert all(type(x) is int for x in info)
            assert info == [libvirt.VIR_STORAGE_VOL_FILE, v.capacity,
                            v.allocation]
            assert info == c.volume_info(p.name, v.name)
            owner = vol.storagePoolLookupByVolume()
            assert type(owner) is libvirt.virStoragePool
            assert owner.name() == p.name
            root = ET.fromstring(vol.XMLDesc())
            assert root.tag == "volume"
            assert root.find("name").text == v.name
            assert int(root.find("capacity").text) == v.capacity


def test_volume_lookup_missing(driver_conn, driver_xml, quiet):
    pool = driver_conn.storagePoolLookupByName(sorted(driver_xml.pools)[0])
    libvirt_error(libvirt.VIR_ERR_NO_STORAGE_VOL, pool.storageVolLookupByName, "no-such-vol")
    libvirt_error(libvirt.VIR_ERR_NO_STORAGE_VOL,
                  driver_conn.storageVolLookupByPath, "/no/such/path")
    libvirt_error(libvirt.VIR_ERR_NO_STORAGE_VOL, driver_conn.storageVolLookupByKey, "no-such-key")


def test_volume_create_delete(driver_conn, driver_xml, cdirect, driver_uri,
                              quiet):
    p = _pool_without_volumes(driver_xml)
    pool = driver_conn.storagePoolLookupByName(p.name)
    size = 64 * 1024 * 1024
    vol = pool.createXML(_vol_xml("new.img", size, size // 2), 0)
    assert type(vol) is libvirt.virStorageVol
    assert vol.connect() is driver_conn
    assert vol.name() == "new.img"
    assert vol.path() == p.path + "/new.img"
    assert vol.info() == [libvirt.VIR_STORAGE_VOL_FILE, size, size // 2]
    assert pool.numOfVolumes() == 1
    assert pool.listVolumes() == ["new.img"]
    # pool allocation follows its volumes
    assert pool.info()[2] == p.allocation + size // 2
    assert pool.info()[3] == p.available - size // 2
    assert vol.delete(0) == 0
    assert pool.numOfVolumes() == 0
    libvirt_error(libvirt.VIR_ERR_NO_STORAGE_VOL, pool.storageVolLookupByName, "new.img")


def test_volume_clone(driver_conn, driver_xml):
    p = _pool_with_volumes(driver_xml)
    pool = driver_conn.storagePoolLookupByName(p.name)
    src_def = next(iter(p.volumes.values()))
    src = pool.storageVolLookupByName(src_def.name)
    clone = pool.createXMLFrom(_vol_xml("clone.img", src_def.capacity), src, 0)
    assert type(clone) is libvirt.virStorageVol
    assert clone.name() == "clone.img"
    assert clone.info()[1] == src_def.capacity
    assert sorted(pool.listVolumes()) == sorted(list(p.volumes) +
                                                ["clone.img"])


def test_volume_unsupported_operations(driver_conn, driver_xml, quiet):
    p = _pool_with_volumes(driver_xml)
    vol = driver_conn.storagePoolLookupByName(p.name).storageVolLookupByName(
        next(iter(p.volumes)))
    for call in (vol.wipe, lambda: vol.resize(1 << 40)):
        err = libvirt_error(libvirt.VIR_ERR_NO_SUPPORT, call)
        assert err.get_error_domain() == libvirt.VIR_FROM_STORAGE


def test_default_pool(conn, cdirect):
    pool = conn.storagePoolLookupByName("default-pool")
    assert pool.info() == cdirect.Connection("test:///default").pool_info(
        "default-pool")
