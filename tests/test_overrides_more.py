"""More hand-written methods: fixed C structs out, arrays out, lists and
buffers in, CPU maps, streams, the snapshot argument of revertToSnapshot,
and the QEMU/LXC functions, against libvirt's test driver.

Where the test driver does not implement a function, the binding must raise
libvirtError with VIR_ERR_NO_SUPPORT (and not crash); the conversions of
such functions' results are checked in test_overrides_fake.py.  Every
method also gets wrong-typed arguments, which must raise TypeError (or
ValueError/OverflowError) before libvirt is called.
"""

import os
import xml.etree.ElementTree as ET

import pytest

import libvirt
import libvirt_lxc
import libvirt_qemu
from support.errors import libvirt_error

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _running(driver_xml):
    return next(d for d in driver_xml.domains.values()
                if d.state == libvirt.VIR_DOMAIN_RUNNING and d.disks and d.macs)


@pytest.fixture
def dom(driver_conn, driver_xml):
    return driver_conn.lookupByName(_running(driver_xml).name)


@pytest.fixture
def dom_xml(driver_xml):
    return _running(driver_xml)


def _unsupported(call):
    return libvirt_error(libvirt.VIR_ERR_NO_SUPPORT, call)


# --- fixed structs out --------------------------------------------------------------

def test_block_stats_values(dom, dom_xml, quiet):
    stats = dom.blockStats(dom_xml.disks[0])
    assert type(stats) is tuple and len(stats) == 5
    assert all(type(x) is int and x >= 0 for x in stats)
    libvirt_error(libvirt.VIR_ERR_INVALID_ARG, dom.blockStats, "no-such-disk")


def test_interface_stats_values(dom, quiet):
    stats = dom.interfaceStats("testnet0")
    assert type(stats) is tuple and len(stats) == 8
    assert all(type(x) is int and x >= 0 for x in stats)
    libvirt_error(libvirt.VIR_ERR_INVALID_ARG, dom.interfaceStats, "nope")


def test_block_info_values(dom, dom_xml):
    info = dom.blockInfo(dom_xml.disks[0])
    assert type(info) is list and len(info) == 3
    assert all(type(x) is int for x in info)
    assert dom.blockInfo(dom_xml.disks[0], 0) == info
    assert dom.blockInfo(path=dom_xml.disks[0], flags=0) == info


def test_block_job_info_unsupported(dom, dom_xml, quiet):
    _unsupported(lambda: dom.blockJobInfo(dom_xml.disks[0]))
    _unsupported(lambda: dom.blockJobInfo(dom_xml.disks[0], 0))


def test_control_info(dom):
    info = dom.controlInfo()
    assert type(info) is list and len(info) == 3
    assert all(type(x) is int for x in info)
    assert info[0] == libvirt.VIR_DOMAIN_CONTROL_OK
    assert dom.controlInfo(0)[:2] == info[:2]


def test_job_info_unsupported(dom, quiet):
    _unsupported(dom.jobInfo)


def test_job_stats_unsupported(dom, quiet):
    _unsupported(dom.jobStats)
    _unsupported(lambda: dom.jobStats(0))
    with pytest.raises(TypeError):
        dom.jobStats("0")


def test_security_label(dom, conn):
    label = dom.securityLabel()
    assert type(label) is list and len(label) == 2
    assert type(label[0]) is str and type(label[1]) is bool
    assert label == ["libvirt-test", True]
    assert conn.lookupByName("test").securityLabel() == label


def test_security_label_list_unsupported(dom, quiet):
    _unsupported(dom.securityLabelList)


def test_node_info_and_security_model(driver_conn, driver_xml):
    info = driver_conn.getInfo()
    assert type(info) is list and len(info) == 8
    model = driver_conn.getSecurityModel()
    assert model == ["testSecurity", ""]
    caps = ET.fromstring(driver_conn.getCapabilities())
    assert model[0] == caps.find("host/secmodel/model").text


def test_node_memory_stats_unsupported(driver_conn, quiet):
    _unsupported(lambda: driver_conn.getMemoryStats(-1))
    _unsupported(lambda: driver_conn.getMemoryStats(
        libvirt.VIR_NODE_MEMORY_STATS_ALL_CELLS, 0))


def test_pool_and_volume_info_values(driver_conn, driver_xml, cdirect, driver_uri):
    c = cdirect.Connection(driver_uri)
    for p in driver_xml.pools.values():
        pool = driver_conn.storagePoolLookupByName(p.name)
        info = pool.info()
        assert type(info) is list and len(info) == 4
        assert all(type(x) is int for x in info)
        assert info[1:] == [p.capacity, p.allocation, p.available]
        for v in p.volumes.values():
            vol = pool.storageVolLookupByName(v.name)
            vinfo = vol.info()
            assert type(vinfo) is list and len(vinfo) == 3
            assert all(type(x) is int for x in vinfo)
            assert vinfo[1:] == [v.capacity, v.allocation]
            # not in the test driver
            _unsupported(vol.infoFlags)
            _unsupported(lambda: vol.infoFlags(flags=0))
            assert vinfo == c.volume_info(p.name, v.name)
        assert info == c.pool_info(p.name)


def test_disk_errors_values(dom, dom_xml):
    errs = dom.diskErrors()
    # the test driver reports an unspecified error on every disk
    assert errs == {disk: libvirt.VIR_DOMAIN_DISK_ERROR_UNSPEC for disk in dom_xml.disks}
    assert all(type(v) is int for v in errs.values())
    assert dom.diskErrors(0) == errs


def test_disk_errors_none(driver_conn, driver_xml):
    d = next(x for x in driver_xml.domains.values() if x.active and not x.disks)
    assert driver_conn.lookupByName(d.name).diskErrors() == {}


# --- arrays out ------------------------------------------------------------------------

def test_cpu_model_names(driver_conn, quiet):
    models = driver_conn.getCPUModelNames("x86_64")
    assert type(models) is list and models
    assert all(type(m) is str for m in models)
    assert "qemu64" in models
    assert driver_conn.getCPUModelNames("x86_64", 0) == models
    libvirt_error(libvirt.VIR_ERR_INVALID_ARG, driver_conn.getCPUModelNames, "no-such-arch")


def test_authorized_ssh_keys_unsupported(dom, quiet):
    _unsupported(lambda: dom.authorizedSSHKeysGet("root"))
    _unsupported(lambda: dom.authorizedSSHKeysGet("root", 0))
    _unsupported(lambda: dom.authorizedSSHKeysSet("root", ["ssh-rsa AAA a"], 0))
    _unsupported(lambda: dom.authorizedSSHKeysSet("root"))
    _unsupported(lambda: dom.authorizedSSHKeysSet("root", None))
    with pytest.raises(TypeError):   # a list only (the reference would set no keys)
        dom.authorizedSSHKeysSet("root", ("k1", "k2"))
    with pytest.raises(TypeError):   # user is a str, as the reference parses it
        dom.authorizedSSHKeysSet(None, ["k1"])


def test_fs_info_values(conn):
    fs = conn.lookupByName("test").fsInfo()
    assert fs == [("/", "vda1", "ext4", ["vda"]), ("/boot", "vda2", "ext4", ["vda"])]
    assert conn.lookupByName("test").fsInfo(0) == fs


def test_iothread_info_and_messages(dom):
    assert dom.ioThreadInfo() == []
    assert dom.ioThreadInfo(0) == []
    assert dom.messages() == []
    assert dom.messages(0) == []


def test_interface_addresses_sources(dom, dom_xml, quiet):
    for source in (libvirt.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE,
                   libvirt.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT):
        addrs = dom.interfaceAddresses(source)
        assert type(addrs) is dict
        assert list(addrs) == ["testnet0"]
        entry = addrs["testnet0"]
        assert list(entry) == ["addrs", "hwaddr"]
        assert entry["hwaddr"] == dom_xml.macs[0]
        for a in entry["addrs"]:
            assert list(a) == ["addr", "prefix", "type"]
        assert dom.interfaceAddresses(source, 0) == addrs
    with pytest.raises(libvirt.libvirtError):
        dom.interfaceAddresses(99)


def test_dhcp_leases_unsupported(driver_conn, driver_xml, quiet):
    net = driver_conn.networkLookupByName(next(iter(driver_xml.networks)))
    _unsupported(net.DHCPLeases)
    _unsupported(lambda: net.DHCPLeases(None, 0))
    _unsupported(lambda: net.DHCPLeases("52:54:00:00:00:01"))
    with pytest.raises(TypeError):
        net.DHCPLeases(5)


def test_cells_free_memory_errors(conn, quiet):
    libvirt_error(libvirt.VIR_ERR_INVALID_ARG, conn.getCellsFreeMemory, 0, 0)
    libvirt_error(libvirt.VIR_ERR_INVALID_ARG, conn.getCellsFreeMemory, -1, 2)
    with pytest.raises(TypeError):
        conn.getCellsFreeMemory("0", 2)
    with pytest.raises(OverflowError):
        conn.getCellsFreeMemory(0, 1 << 40)


def test_free_pages(conn, quiet):
    # the test driver fills the counts but reports none filled
    assert conn.getFreePages([4, 2048], 0, 2) == {}
    assert conn.getFreePages([4], 0, 1, 0) == {}
    with pytest.raises(TypeError):   # a list, as the reference requires
        conn.getFreePages((4,), 0, 1, 0)
    libvirt_error(libvirt.VIR_ERR_INVALID_ARG, conn.getFreePages, [], 0, 1)
    with pytest.raises(libvirt.libvirtError):
        conn.getFreePages([4], 0, 0)
    with pytest.raises(TypeError):
        conn.getFreePages(4, 0, 1)
    with pytest.raises(TypeError):
        conn.getFreePages(["4"], 0, 1)
    with pytest.raises(OverflowError):
        conn.getFreePages([-4], 0, 1)
    with pytest.raises(OverflowError):
        conn.getFreePages([4] * 4, 0, 1 << 30)


def test_cpu_map(conn, cdirect):
    m = conn.getCPUMap(0)
    assert m == conn.getCPUMap()
    ncpus, cpumap, online = m
    assert len(cpumap) == ncpus
    assert sum(cpumap) == online
    assert m == cdirect.Connection("test:///default").cpu_map()


def test_vcpus_inactive(driver_conn, driver_xml, quiet):
    d = next(x for x in driver_xml.domains.values() if not x.active)
    libvirt_error(libvirt.VIR_ERR_OPERATION_INVALID,
                  lambda: driver_conn.lookupByName(d.name).vcpus())


def test_vcpus_follow_set_vcpus(dom, dom_xml, driver_conn):
    ncpus = driver_conn.getCPUMap()[0]
    assert dom.setVcpus(1) == 0
    infos, maps = dom.vcpus()
    assert len(infos) == len(maps) == 1
    assert infos[0][:2] == (0, libvirt.VIR_VCPU_RUNNING)
    assert len(maps[0]) == ncpus
    assert len(dom.vcpuPinInfo()) == 1


# --- CPU maps ----------------------------------------------------------------------------

def test_pin_vcpu_round_trip(dom, driver_conn):
    ncpus = driver_conn.getCPUMap()[0]
    want = tuple(i % 2 == 1 for i in range(ncpus))
    assert dom.pinVcpu(0, want) == 0
    assert dom.vcpuPinInfo()[0] == want
    assert dom.vcpus()[1][0] == want
    # truth values; missing CPUs are not in the map
    assert dom.pinVcpu(1, (1, 0)) == 0
    with pytest.raises(TypeError):   # a tuple, as the reference requires
        dom.pinVcpu(1, [1, 0])
    assert dom.vcpuPinInfo()[1] == (True,) + (False,) * (ncpus - 1)
    # CPUs past the host's are ignored, like the reference
    assert dom.pinVcpu(0, (False,) * ncpus + (True,)) == 0
    assert dom.vcpuPinInfo()[0] == (False,) * ncpus
    assert dom.pinVcpuFlags(0, (True,) * ncpus) == 0
    assert dom.pinVcpuFlags(vcpu=0, cpumap=(True,) * ncpus, flags=0) == 0
    assert dom.vcpuPinInfo(0)[0] == (True,) * ncpus


def test_pin_vcpu_errors(dom, quiet):
    libvirt_error(libvirt.VIR_ERR_INVALID_ARG,
                  dom.pinVcpuFlags, 0, (True,), libvirt.VIR_DOMAIN_AFFECT_CONFIG)
    with pytest.raises(libvirt.libvirtError):
        dom.pinVcpu(99, (True,))
    for bad in ("ab", b"\x01", 3, None, {0: True}):
        with pytest.raises(TypeError):
            dom.pinVcpu(0, bad)
        with pytest.raises(TypeError):
            dom.pinVcpuFlags(0, bad, 0)
        with pytest.raises(TypeError):
            dom.pinEmulator(bad)
        with pytest.raises(TypeError):
            dom.pinIOThread(1, bad)
    with pytest.raises(OverflowError):
        dom.pinVcpu(-1, (True,))
    with pytest.raises(TypeError):
        dom.pinVcpu("0", (True,))
    with pytest.raises(TypeError):
        dom.pinVcpu(0)

    class Bad:
        def __bool__(self):
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        dom.pinVcpu(0, (True, Bad()))


def test_pin_emulator_round_trip(dom, driver_conn, quiet):
    ncpus = driver_conn.getCPUMap()[0]
    assert dom.emulatorPinInfo() == (True,) * ncpus
    assert dom.pinEmulator((False, True)) == 0
    assert dom.emulatorPinInfo() == (False, True) + (False,) * (ncpus - 2)
    assert dom.emulatorPinInfo(0) == dom.emulatorPinInfo()
    libvirt_error(libvirt.VIR_ERR_INVALID_ARG, dom.pinEmulator, ())


def test_pin_iothread_without_iothreads(dom, quiet):
    libvirt_error(libvirt.VIR_ERR_INVALID_ARG, dom.pinIOThread, 1, (True,))
    with pytest.raises(libvirt.libvirtError):
        dom.pinIOThread(iothread_val=1, cpumap=(True,), flags=0)


def test_pin_info_inactive(driver_conn, driver_xml):
    d = next(x for x in driver_xml.domains.values() if not x.active)
    dom = driver_conn.lookupByName(d.name)
    ncpus = driver_conn.getCPUMap()[0]
    assert dom.vcpuPinInfo() == [(True,) * ncpus] * d.vcpus
    assert dom.emulatorPinInfo() == (True,) * ncpus


# --- lists and buffers in -----------------------------------------------------------------

CPU_XML = "<cpu><arch>x86_64</arch><model>qemu64</model></cpu>"


def test_baseline_cpu(driver_conn, quiet):
    xml = driver_conn.baselineCPU([CPU_XML])
    assert type(xml) is str
    assert ET.fromstring(xml).find("model").text == "qemu64"
    assert driver_conn.baselineCPU([CPU_XML, CPU_XML], 0) == xml
    # anything but a list is no CPUs, as in the reference: libvirt says so
    for nothing in ((CPU_XML,), CPU_XML, 5):
        libvirt_error(libvirt.VIR_ERR_INVALID_ARG, driver_conn.baselineCPU, nothing)
    libvirt_error(libvirt.VIR_ERR_INVALID_ARG, driver_conn.baselineCPU, [])
    with pytest.raises(libvirt.libvirtError):
        driver_conn.baselineCPU(None)
    for bad in ([1], [CPU_XML, None]):
        with pytest.raises(TypeError):
            driver_conn.baselineCPU(bad)
    with pytest.raises(ValueError):
        driver_conn.baselineCPU(["<cpu>\0</cpu>"])


def test_baseline_hypervisor_cpu_unsupported(driver_conn, quiet):
    _unsupported(lambda: driver_conn.baselineHypervisorCPU(None, None, None, None, [CPU_XML]))
    _unsupported(lambda: driver_conn.baselineHypervisorCPU(
        "/usr/bin/qemu", "x86_64", "pc", "kvm", [CPU_XML], 0))
    with pytest.raises(TypeError):
        driver_conn.baselineHypervisorCPU(None, None, None, None)
    with pytest.raises(TypeError):
        driver_conn.baselineHypervisorCPU(1, None, None, None, [CPU_XML])
    with pytest.raises(libvirt.libvirtError):   # no list: no CPUs, as in the reference
        driver_conn.baselineHypervisorCPU(None, None, None, None, CPU_XML)


def test_fs_freeze_thaw(dom, quiet):
    # the test driver counts the filesystems it freezes: "/" and "/boot"
    assert dom.fsFreeze() == 2
    assert dom.fsThaw() == 2
    assert dom.fsFreeze(["/"]) == 1
    assert dom.fsFreeze(["/", "/boot"], 0) == 1   # "/" is frozen already
    assert dom.fsThaw(mountpoints=["/boot"], flags=0) == 1
    assert dom.fsThaw(None) == 1
    with pytest.raises(libvirt.libvirtError):
        dom.fsFreeze(["/no/such/mountpoint"])
    # a list only: the reference would freeze (thaw) every filesystem
    for bad in ("/", [1], 3, ("/",)):
        with pytest.raises(TypeError):
            dom.fsFreeze(bad)
        with pytest.raises(TypeError):
            dom.fsThaw(bad)


def test_send_key(dom, quiet):
    assert dom.sendKey(libvirt.VIR_KEYCODE_SET_LINUX, 100, [1, 2, 3], 3) == 0
    # What the reference refuses before libvirt (no list, a wrong count, more
    # than 16 keys) is a failed call, as there.
    for keys, n in (((30,), 1), (list(range(1, 20)), 19), ([1, 2, 3], 2), ([1], -1), (1, 1),
                    (None, 0)):
        with pytest.raises(libvirt.libvirtError, match=r"virDomainSendKey\(\) failed"):
            dom.sendKey(libvirt.VIR_KEYCODE_SET_LINUX, 100, keys, n, 0)
    with pytest.raises(libvirt.libvirtError) as ei:   # libvirt's own check
        dom.sendKey(libvirt.VIR_KEYCODE_SET_LINUX, 100, [], 0, 0)
    assert ei.value.get_error_code() == libvirt.VIR_ERR_INVALID_ARG
    with pytest.raises(TypeError):
        dom.sendKey(libvirt.VIR_KEYCODE_SET_LINUX, 100, ["a"], 1, 0)
    with pytest.raises(OverflowError):
        dom.sendKey(libvirt.VIR_KEYCODE_SET_LINUX, 100, [-1], 1, 0)
    with pytest.raises(TypeError):
        dom.sendKey(libvirt.VIR_KEYCODE_SET_LINUX, 100, [1])


def test_alloc_pages_unsupported(conn, quiet):
    # libvirt itself wants a cellCount (0 by default, as in the reference)
    libvirt_error(libvirt.VIR_ERR_INVALID_ARG, conn.allocPages, {4: 10})
    _unsupported(lambda: conn.allocPages({4: 10}, 0, 1))
    _unsupported(lambda: conn.allocPages({4: 10, 2048: 1}, 0, 1, 0))
    for bad in ([4], None, {"4": 1}, {4: "1"}):
        with pytest.raises(TypeError):
            conn.allocPages(bad)
    with pytest.raises(OverflowError):
        conn.allocPages({-4: 1})


def test_secret_value_unsupported(driver_conn, quiet):
    # the test driver has no secrets: no virSecret to call value() on
    libvirt_error(libvirt.VIR_ERR_NO_SUPPORT,
                  driver_conn.secretLookupByUUIDString, "00000000-0000-0000-0000-000000000001")
    assert libvirt.virSecret.value is not None
    assert libvirt.virSecret.setValue is not None


# --- revertToSnapshot -----------------------------------------------------------------------

def test_revert_to_snapshot_arguments(driver_conn, driver_xml, quiet):
    d = next(x for x in driver_xml.domains.values() if x.snapshots)
    dom = driver_conn.lookupByName(d.name)
    snap = dom.snapshotLookupByName(d.snapshots[0].name)
    assert dom.revertToSnapshot(snap, 0) == 0
    assert dom.snapshotCurrent().getName() == d.snapshots[0].name
    assert dom.revertToSnapshot(snap=snap, flags=0) == 0
    with pytest.raises(libvirt.libvirtError) as ei:   # None is NULL, as in the reference
        dom.revertToSnapshot(None)
    assert ei.value.get_error_code() == libvirt.VIR_ERR_INVALID_DOMAIN_SNAPSHOT
    for bad in (dom, "snap1", 0):
        with pytest.raises(TypeError):
            dom.revertToSnapshot(bad)
    with pytest.raises(TypeError):
        dom.revertToSnapshot()
    with pytest.raises(TypeError):
        dom.revertToSnapshot(snap, "0")


# --- streams -------------------------------------------------------------------------------

def test_stream_unstarted(conn, quiet):
    st = conn.newStream(0)
    _unsupported(lambda: st.recv(10))
    _unsupported(lambda: st.send(b"abc"))
    _unsupported(lambda: st.recvFlags(10))
    _unsupported(lambda: st.recvHole())
    st.abort()


def test_stream_recv_arguments(conn, quiet):
    st = conn.newStream(0)
    conn.lookupByName("test").screenshot(st, 0)
    assert st.recv(0) == b""
    first = st.recv(8)
    assert first == PNG_SIGNATURE
    assert type(st.recv(nbytes=10)) is bytes
    with pytest.raises(OverflowError):
        st.recv(-1)
    with pytest.raises(TypeError):
        st.recv("10")
    with pytest.raises(TypeError):
        st.recv()
    _unsupported(lambda: st.recvFlags(10, libvirt.VIR_STREAM_RECV_STOP_AT_HOLE))
    _unsupported(lambda: st.recvHole(0))
    # the rest, in one call asking for far more than there is
    rest = st.recv(1 << 40)
    assert type(rest) is bytes and rest
    assert st.recv(1 << 20) == b""
    assert st.finish() == 0


def test_stream_send_arguments(conn, quiet):
    st = conn.newStream(0)
    conn.lookupByName("test").screenshot(st, 0)
    for bad in ("text", 3, None, [1, 2]):
        with pytest.raises(TypeError):
            st.send(bad)
    # a screenshot stream only reads
    with pytest.raises(libvirt.libvirtError):
        st.send(b"abc")
    st.abort()


def test_stream_recv_all_handler_errors(conn, quiet):
    dom = conn.lookupByName("test")

    def raising(stream, buf, opaque):
        raise KeyError(opaque)

    st = conn.newStream(0)
    dom.screenshot(st, 0)
    with pytest.raises(KeyError):
        st.recvAll(raising, "x")

    st = conn.newStream(0)
    dom.screenshot(st, 0)
    with pytest.raises(libvirt.libvirtError) as ei:
        st.recvAll(lambda stream, buf, opaque: -1, None)
    assert "-1" in str(ei.value)

    st = conn.newStream(0)
    dom.screenshot(st, 0)
    seen = []
    st.recvAll(lambda stream, buf, opaque: seen.append(buf), None)
    assert b"".join(seen).startswith(PNG_SIGNATURE)
    assert st.finish() == 0


# --- files in ---------------------------------------------------------------------------------

def test_create_with_files(driver_conn, driver_xml, quiet):
    d = next(x for x in driver_xml.domains.values() if not x.active)
    dom = driver_conn.lookupByName(d.name)
    # the test driver starts the domain (ignoring the files)
    with open(os.devnull) as f:
        assert dom.createWithFiles([f.fileno()]) == 0
        assert dom.isActive() == 1
        assert dom.destroy() == 0
        assert dom.createWithFiles([f], 0) == 0   # objects with fileno() do too
        assert dom.destroy() == 0
        assert dom.createWithFiles(files=[], flags=0) == 0
        with pytest.raises(libvirt.libvirtError):
            dom.createWithFiles([f.fileno()])   # running already
    for bad in (3, "3", ["a"], [None], [1.5], (0,)):   # a list, as the reference requires
        with pytest.raises(TypeError):
            dom.createWithFiles(bad)
    with pytest.raises(ValueError):
        dom.createWithFiles([-1])
    with pytest.raises(TypeError):
        dom.createWithFiles()


NEW_DOMAIN_XML = ("<domain type='test'><name>with-files</name><memory>1024</memory>"
                  "<os><type>hvm</type></os></domain>")


def test_create_xml_with_files(driver_conn, quiet):
    with open(os.devnull) as f:
        dom = driver_conn.createXMLWithFiles(NEW_DOMAIN_XML, [f.fileno(), f])
    assert type(dom) is libvirt.virDomain
    assert dom.connect() is driver_conn
    assert dom.name() == "with-files"
    assert dom.isActive() == 1
    libvirt_error(libvirt.VIR_ERR_NO_NAME, driver_conn.createXMLWithFiles, "<domain/>", [], 0)
    with pytest.raises(TypeError):
        driver_conn.createXMLWithFiles(NEW_DOMAIN_XML, None)
    with pytest.raises(libvirt.libvirtError):   # NULL, reported by libvirt
        driver_conn.createXMLWithFiles(None, [])
    with pytest.raises(TypeError):
        driver_conn.createXMLWithFiles(NEW_DOMAIN_XML)


def test_fd_associate(dom, quiet):
    _unsupported(lambda: dom.FDAssociate("name", [0]))
    _unsupported(lambda: dom.FDAssociate("name", [0], 0))
    with pytest.raises(TypeError):
        dom.FDAssociate("name", 0)
    with pytest.raises(TypeError):   # name is a str, as the reference parses it
        dom.FDAssociate(None, [0])
    with pytest.raises(TypeError):
        dom.FDAssociate("name", (0,))


# --- QEMU and LXC ----------------------------------------------------------------------------

def test_qemu_monitor_command(dom, quiet):
    _unsupported(lambda: libvirt_qemu.qemuMonitorCommand(dom, "info status", 0))
    _unsupported(lambda: libvirt_qemu.qemuMonitorCommand(domain=dom, cmd="x", flags=0))
    with pytest.raises(TypeError):
        libvirt_qemu.qemuMonitorCommand(dom, "info status")
    with pytest.raises(AttributeError):   # None._o, as in the reference
        libvirt_qemu.qemuMonitorCommand(None, "info status", 0)
    with pytest.raises(TypeError):
        libvirt_qemu.qemuMonitorCommand(dom.connect(), "info status", 0)
    with pytest.raises(libvirt.libvirtError):
        libvirt_qemu.qemuMonitorCommand(dom, None, 0)


def test_qemu_monitor_command_with_files(dom, quiet):
    _unsupported(lambda: libvirt_qemu.qemuMonitorCommandWithFiles(dom, "x"))
    _unsupported(lambda: libvirt_qemu.qemuMonitorCommandWithFiles(dom, "x", [0], 0))
    with pytest.raises(TypeError):
        libvirt_qemu.qemuMonitorCommandWithFiles(dom, "x", 0)
    with pytest.raises(TypeError):
        libvirt_qemu.qemuMonitorCommandWithFiles("dom", "x")


def test_lxc_open_namespace(dom, quiet):
    _unsupported(lambda: libvirt_lxc.lxcOpenNamespace(dom, 0))
    with pytest.raises(TypeError):
        libvirt_lxc.lxcOpenNamespace(dom)
    with pytest.raises(AttributeError):   # None._o, as in the reference
        libvirt_lxc.lxcOpenNamespace(None, 0)


# --- arguments common to the new methods ----------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda d, c: d.blockStats(1),
    lambda d, c: d.interfaceStats(b"testnet0"),
    lambda d, c: d.blockInfo("vda", "0"),
    lambda d, c: d.controlInfo(None),
    lambda d, c: d.diskErrors(1.0),
    lambda d, c: d.authorizedSSHKeysGet(None),   # the reference too refuses None here
    lambda d, c: c.getCPUModelNames(None),
    lambda d, c: d.authorizedSSHKeysSet("root", "key"),
    lambda d, c: d.authorizedSSHKeysSet("root", [b"key"]),
    lambda d, c: d.messages("x"),
    lambda d, c: d.fsInfo(None),
    lambda d, c: d.ioThreadInfo([]),
    lambda d, c: d.interfaceAddresses(None),
    lambda d, c: d.vcpuPinInfo("0"),
    lambda d, c: d.emulatorPinInfo("0"),
    lambda d, c: d.getCPUStats(True, "0"),
    lambda d, c: c.getMemoryStats("0"),
    lambda d, c: c.getCellsFreeMemory(0),
    lambda d, c: c.getCPUMap(None),
    lambda d, c: c.getCPUModelNames(b"x86_64"),
    lambda d, c: c.getFreePages([4], None, 1),
    lambda d, c: c.storagePoolLookupByName("pool-a").storageVolLookupByName(
        "disk1.img").infoFlags("0"),
    lambda d, c: d.blockStats("vda", "extra"),
    lambda d, c: d.blockStats(path="vda", nope=1),
])
def test_bad_arguments_raise_type_error(driver_conn, driver_xml, call):
    dom = driver_conn.lookupByName(_running(driver_xml).name)
    with pytest.raises(TypeError):
        call(dom, driver_conn)


@pytest.mark.parametrize("call", [
    lambda d, c: d.blockStats(None),
    lambda d, c: d.blockJobInfo(None),
])
def test_none_for_a_string_reaches_libvirt(driver_conn, driver_xml, call, quiet):
    # As the reference passes NULL: libvirt reports it.
    dom = driver_conn.lookupByName(_running(driver_xml).name)
    with pytest.raises(libvirt.libvirtError) as info:
        call(dom, driver_conn)
    assert info.value.get_error_code() in (libvirt.VIR_ERR_INVALID_ARG, libvirt.VIR_ERR_NO_SUPPORT)


def test_keyword_arguments(dom, dom_xml, driver_conn):
    assert len(dom.blockStats(path=dom_xml.disks[0])) == 5
    assert dom.controlInfo(flags=0)[0] == libvirt.VIR_DOMAIN_CONTROL_OK
    assert dom.fsInfo(flags=0) == dom.fsInfo()
    assert driver_conn.getCPUMap(flags=0) == driver_conn.getCPUMap()
    assert driver_conn.getCPUModelNames(arch="x86_64", flags=0) == \
        driver_conn.getCPUModelNames("x86_64")
    assert driver_conn.getFreePages(pages=[4], startCell=0, maxCells=1, flags=0) == {}


def test_memory_peek_returns_the_bytes_libvirt_read(conn):
    dom = conn.lookupByName("test")
    data = dom.memoryPeek(0, 16, libvirt.VIR_MEMORY_VIRTUAL)
    assert type(data) is bytes and len(data) == 16
    # the test driver's guest memory counts up from its start address
    assert dom.memoryPeek(4, 4, libvirt.VIR_MEMORY_VIRTUAL) == data[4:8]


def test_peek_arguments_are_checked(conn, quiet):
    dom = conn.lookupByName("test")
    with pytest.raises(libvirt.libvirtError):
        dom.blockPeek(None, 0, 1)
    with pytest.raises(OverflowError):
        dom.blockPeek("vda", -1, 1)
    with pytest.raises(OverflowError):
        dom.memoryPeek(0, 2 ** 64)
    libvirt_error(libvirt.VIR_ERR_NO_SUPPORT, dom.blockPeek, "vda", 0, 16)
