"""The hand-written ("override") methods: exact return shapes and types, with
values cross-checked against direct C calls (cdirect) and the driver XML."""

import time
import uuid as uuidlib

import pytest

import libvirt
from support.errors import libvirt_error

# How the binding names virDomainMemoryStats tags in memoryStats()
MEMORY_STAT_NAMES = {
    libvirt.VIR_DOMAIN_MEMORY_STAT_SWAP_IN: "swap_in",
    libvirt.VIR_DOMAIN_MEMORY_STAT_SWAP_OUT: "swap_out",
    libvirt.VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT: "major_fault",
    libvirt.VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT: "minor_fault",
    libvirt.VIR_DOMAIN_MEMORY_STAT_UNUSED: "unused",
    libvirt.VIR_DOMAIN_MEMORY_STAT_AVAILABLE: "available",
    libvirt.VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON: "actual",
    libvirt.VIR_DOMAIN_MEMORY_STAT_RSS: "rss",
    libvirt.VIR_DOMAIN_MEMORY_STAT_USABLE: "usable",
    libvirt.VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE: "last_update",
    libvirt.VIR_DOMAIN_MEMORY_STAT_DISK_CACHES: "disk_caches",
    libvirt.VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC: "hugetlb_pgalloc",
    libvirt.VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL: "hugetlb_pgfail",
}

# Python type of a typed-parameter value, by virTypedParameterType
TYPED_PARAM_PYTYPE = {
    libvirt.VIR_TYPED_PARAM_INT: int,
    libvirt.VIR_TYPED_PARAM_UINT: int,
    libvirt.VIR_TYPED_PARAM_LLONG: int,
    libvirt.VIR_TYPED_PARAM_ULLONG: int,
    libvirt.VIR_TYPED_PARAM_DOUBLE: float,
    libvirt.VIR_TYPED_PARAM_BOOLEAN: bool,
    libvirt.VIR_TYPED_PARAM_STRING: str,
}


def assert_typed_params_equal(pydict, cdict):
    """A binding typed-parameter dict against cdirect's {field: (type, v)}."""
    assert isinstance(pydict, dict)
    assert sorted(pydict) == sorted(cdict)
    for field, (ptype, value) in cdict.items():
        assert type(pydict[field]) is TYPED_PARAM_PYTYPE[ptype], field
        assert pydict[field] == value, field


def _running(driver_xml):
    return next(d for d in driver_xml.domains.values()
                if d.state == libvirt.VIR_DOMAIN_RUNNING)


# --- info / state / UUID ------------------------------------------------------

def test_info_shape_and_values(driver_conn, driver_xml, cdirect, driver_uri):
    c = cdirect.Connection(driver_uri)
    for d in driver_xml.domains.values():
        dom = driver_conn.lookupByName(d.name)
        with c.domain(d.name) as cd:
            before = cd.info()
            info = dom.info()
            after = cd.info()
        assert isinstance(info, list)
        assert len(info) == 5
        assert all(type(x) is int for x in info)
        assert info[:4] == [d.state, d.memory, d.current_memory, d.vcpus]
        assert info[:4] == [before["state"], before["maxMem"],
                            before["memory"], before["nrVirtCpu"]]
        # the test driver reports the time of day as cpuTime
        assert before["cpuTime"] <= info[4] <= after["cpuTime"]


def test_info_default(conn, cdirect):
    with cdirect.Connection("test:///default").domain("test") as cd:
        ci = cd.info()
        info = conn.lookupByName("test").info()
    assert info[:4] == [ci["state"], ci["maxMem"], ci["memory"],
                        ci["nrVirtCpu"]]


def test_state_shape_and_values(driver_conn, driver_xml, cdirect, driver_uri):
    c = cdirect.Connection(driver_uri)
    for d in driver_xml.domains.values():
        dom = driver_conn.lookupByName(d.name)
        st = dom.state()
        assert isinstance(st, list)
        assert len(st) == 2
        assert all(type(x) is int for x in st)
        assert st == [d.state, 0]
        with c.domain(d.name) as cd:
            assert tuple(st) == cd.state()
        assert dom.state(0) == st


def test_state_follows_lifecycle(driver_conn, driver_xml):
    d = _running(driver_xml)
    dom = driver_conn.lookupByName(d.name)
    dom.suspend()
    assert dom.state() == [libvirt.VIR_DOMAIN_PAUSED,
                           libvirt.VIR_DOMAIN_PAUSED_USER]
    dom.resume()
    assert dom.state() == [libvirt.VIR_DOMAIN_RUNNING,
                           libvirt.VIR_DOMAIN_RUNNING_UNPAUSED]


def test_uuid_bytes(driver_conn, driver_xml, cdirect, driver_uri):
    c = cdirect.Connection(driver_uri)
    for d in driver_xml.domains.values():
        u = driver_conn.lookupByName(d.name).UUID()
        assert type(u) is bytes
        assert len(u) == 16
        assert u == uuidlib.UUID(d.uuid).bytes
        with c.domain(d.name) as cd:
            assert u == cd.uuid()


def test_other_uuid_getters(driver_conn, driver_xml):
    for n in driver_xml.networks.values():
        u = driver_conn.networkLookupByName(n.name).UUID()
        assert type(u) is bytes and u == uuidlib.UUID(n.uuid).bytes
    for p in driver_xml.pools.values():
        u = driver_conn.storagePoolLookupByName(p.name).UUID()
        assert type(u) is bytes and u == uuidlib.UUID(p.uuid).bytes


# --- memoryStats -------------------------------------------------------------

def test_memory_stats_running(driver_conn, driver_xml, cdirect, driver_uri):
    d = _running(driver_xml)
    stats = driver_conn.lookupByName(d.name).memoryStats()
    assert isinstance(stats, dict)
    assert stats
    assert all(type(k) is str for k in stats)
    assert all(type(v) is int for v in stats.values())
    with cdirect.Connection(driver_uri).domain(d.name) as cd:
        cstats = cd.memory_stats()
    assert stats == {MEMORY_STAT_NAMES[tag]: val
                     for tag, val in cstats.items()}
    # the balloon value is the current memory
    assert stats["actual"] == d.current_memory


def test_memory_stats_default(conn, cdirect):
    stats = conn.lookupByName("test").memoryStats()
    with cdirect.Connection("test:///default").domain("test") as cd:
        cstats = cd.memory_stats()
    assert stats == {MEMORY_STAT_NAMES[tag]: val
                     for tag, val in cstats.items()}


def test_memory_stats_paused_is_empty(driver_conn, driver_xml, cdirect,
                                      driver_uri):
    d = next(x for x in driver_xml.domains.values()
             if x.state == libvirt.VIR_DOMAIN_PAUSED)
    with cdirect.Connection(driver_uri).domain(d.name) as cd:
        assert cd.memory_stats() == {}
    assert driver_conn.lookupByName(d.name).memoryStats() == {}


def test_memory_stats_inactive_raises(driver_conn, driver_xml, quiet):
    d = next(x for x in driver_xml.domains.values() if not x.active)
    libvirt_error(libvirt.VIR_ERR_OPERATION_INVALID,
                  lambda: driver_conn.lookupByName(d.name).memoryStats())


# --- scheduler -------------------------------------------------------------------

def test_scheduler_type(driver_conn, driver_xml, cdirect, driver_uri):
    d = _running(driver_xml)
    st = driver_conn.lookupByName(d.name).schedulerType()
    assert isinstance(st, tuple)
    assert len(st) == 2
    assert type(st[0]) is str and type(st[1]) is int
    with cdirect.Connection(driver_uri).domain(d.name) as cd:
        assert st == cd.scheduler_type()


def test_scheduler_parameters(driver_conn, driver_xml, cdirect, driver_uri):
    c = cdirect.Connection(driver_uri)
    for d in driver_xml.domains.values():
        params = driver_conn.lookupByName(d.name).schedulerParameters()
        with c.domain(d.name) as cd:
            cparams = cd.scheduler_parameters()
            assert len(params) == cd.scheduler_type()[1]
        assert_typed_params_equal(params, cparams)


def test_set_scheduler_parameters_round_trip(driver_conn, driver_xml):
    d = _running(driver_xml)
    dom = driver_conn.lookupByName(d.name)
    params = dom.schedulerParameters()
    new = {k: v + 1 for k, v in params.items()}
    assert dom.setSchedulerParameters(new) == 0
    after = dom.schedulerParameters()
    assert sorted(after) == sorted(params)
    assert {k: type(v) for k, v in after.items()} == \
        {k: type(v) for k, v in params.items()}
    assert dom.setSchedulerParametersFlags is not None


def test_set_scheduler_parameters_shared_state(conn, cdirect):
    # test:///default is shared with cdirect's connection: what the binding
    # reads after setting must be what libvirt holds
    dom = conn.lookupByName("test")
    params = dom.schedulerParameters()
    try:
        assert dom.setSchedulerParameters(
            {k: v + 1 for k, v in params.items()}) == 0
        with cdirect.Connection("test:///default").domain("test") as cd:
            assert_typed_params_equal(dom.schedulerParameters(),
                                      cd.scheduler_parameters())
    finally:
        dom.setSchedulerParameters(params)
    assert dom.schedulerParameters() == params


def test_scheduler_parameters_flags_like_c(driver_conn, driver_xml, cdirect,
                                          driver_uri, quiet):
    # libvirt itself adds VIR_TYPED_PARAM_STRING_OKAY, which the test
    # driver's handler rejects: the binding must fail exactly as C does.
    d = _running(driver_xml)
    dom = driver_conn.lookupByName(d.name)
    with cdirect.Connection(driver_uri).domain(d.name) as cd:
        try:
            cparams = cd.scheduler_parameters_flags(0)
            cerr = None
        except cdirect.CDirectError as e:
            cerr = e.err
    if cerr is None:
        assert_typed_params_equal(dom.schedulerParametersFlags(0), cparams)
    else:
        with pytest.raises(libvirt.libvirtError) as ei:
            dom.schedulerParametersFlags(0)
        assert ei.value.get_error_code() == cerr[0]
        assert ei.value.get_error_domain() == cerr[1]
        assert ei.value.get_error_message() == cerr[2]


def test_set_scheduler_parameters_bad_input(driver_conn, driver_xml):
    dom = driver_conn.lookupByName(_running(driver_xml).name)
    field = next(iter(dom.schedulerParameters()))
    with pytest.raises(LookupError):
        dom.setSchedulerParameters({"no_such_field": 1})
    with pytest.raises(TypeError):
        dom.setSchedulerParameters({field: "not a number"})
    with pytest.raises(LookupError):
        dom.setSchedulerParameters({})


# --- other typed-parameter getters/setters ------------------------------------------------

@pytest.mark.parametrize("method, c_getter", [("memoryParameters", "memory_parameters"),
                                              ("blkioParameters", "blkio_parameters")])
def test_typed_parameters_match_c(driver_conn, driver_xml, cdirect, driver_uri, method,
                                  c_getter):
    d = _running(driver_xml)
    get = getattr(driver_conn.lookupByName(d.name), method)
    params = get()
    with cdirect.Connection(driver_uri).domain(d.name) as cd:
        assert_typed_params_equal(params, getattr(cd, c_getter)())
    assert get(0) == params


def test_set_memory_parameters_round_trip(driver_conn, driver_xml):
    dom = driver_conn.lookupByName(_running(driver_xml).name)
    assert dom.setMemoryParameters({"hard_limit": 1048576}) == 0
    params = dom.memoryParameters()
    assert params["hard_limit"] == 1048576
    assert type(params["hard_limit"]) is int


def test_set_blkio_parameters_round_trip(driver_conn, driver_xml):
    dom = driver_conn.lookupByName(_running(driver_xml).name)
    params = dom.blkioParameters()
    assert dom.setBlkioParameters({"weight": 500}) == 0
    after = dom.blkioParameters()
    assert after["weight"] == 500
    assert {k: type(v) for k, v in after.items()} == \
        {k: type(v) for k, v in params.items()}


def test_numa_parameters(driver_conn, driver_xml):
    dom = driver_conn.lookupByName(_running(driver_xml).name)
    params = dom.numaParameters()
    assert isinstance(params, dict)
    assert type(params["numa_mode"]) is int
    assert type(params["numa_nodeset"]) is str
    assert dom.setNumaParameters({"numa_nodeset": "0"}) == 0
    assert dom.numaParameters()["numa_nodeset"] == "0"


def test_perf_events_are_bool(driver_conn, driver_xml):
    dom = driver_conn.lookupByName(_running(driver_xml).name)
    events = dom.perfEvents()
    assert isinstance(events, dict) and events
    assert all(type(v) is bool for v in events.values())
    name = sorted(events)[0]
    assert dom.setPerfEvents({name: True}) == 0
    assert dom.perfEvents()[name] is True
    assert dom.setPerfEvents({name: False}) == 0
    assert dom.perfEvents()[name] is False


def test_interface_parameters(driver_conn, driver_xml):
    dom = driver_conn.lookupByName(_running(driver_xml).name)
    # the test driver names interfaces testnet0, testnet1, ...
    params = dom.interfaceParameters("testnet0", 0)
    assert isinstance(params, dict)
    assert all(type(v) is int for v in params.values())
    assert dom.setInterfaceParameters(
        "testnet0", {libvirt.VIR_DOMAIN_BANDWIDTH_IN_AVERAGE: 1000}, 0) == 0
    assert dom.interfaceParameters("testnet0", 0)[
        libvirt.VIR_DOMAIN_BANDWIDTH_IN_AVERAGE] == 1000


def test_block_io_tune(driver_conn, driver_xml):
    d = next(x for x in driver_xml.domains.values()
             if x.state == libvirt.VIR_DOMAIN_RUNNING and x.disks)
    dom = driver_conn.lookupByName(d.name)
    params = dom.blockIoTune(d.disks[0], 0)
    assert isinstance(params, dict)
    assert type(params[libvirt.VIR_DOMAIN_BLOCK_IOTUNE_GROUP_NAME]) is str
    assert type(params[libvirt.VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_BYTES_SEC]) is int
    assert dom.setBlockIoTune(
        d.disks[0], {libvirt.VIR_DOMAIN_BLOCK_IOTUNE_GROUP_NAME: "grp"}, 0) == 0
    assert dom.blockIoTune(d.disks[0])[
        libvirt.VIR_DOMAIN_BLOCK_IOTUNE_GROUP_NAME] == "grp"


# --- listAll* -------------------------------------------------------------------------

LIST_DOMAIN_FLAGS = [
    0,
    libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE,
    libvirt.VIR_CONNECT_LIST_DOMAINS_INACTIVE,
    libvirt.VIR_CONNECT_LIST_DOMAINS_PERSISTENT,
    libvirt.VIR_CONNECT_LIST_DOMAINS_TRANSIENT,
    libvirt.VIR_CONNECT_LIST_DOMAINS_RUNNING,
    libvirt.VIR_CONNECT_LIST_DOMAINS_PAUSED,
    libvirt.VIR_CONNECT_LIST_DOMAINS_SHUTOFF,
    libvirt.VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE,
    libvirt.VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE,
    libvirt.VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT,
    libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE |
    libvirt.VIR_CONNECT_LIST_DOMAINS_PERSISTENT,
]


def _expected_domains(driver_xml, flags):
    F = libvirt

    def ok(d):
        if flags & F.VIR_CONNECT_LIST_DOMAINS_ACTIVE and not d.active:
            return False
        if flags & F.VIR_CONNECT_LIST_DOMAINS_INACTIVE and d.active:
            return False
        if flags & F.VIR_CONNECT_LIST_DOMAINS_PERSISTENT and not d.persistent:
            return False
        if flags & F.VIR_CONNECT_LIST_DOMAINS_TRANSIENT and d.persistent:
            return False
        if flags & F.VIR_CONNECT_LIST_DOMAINS_RUNNING and \
                d.state != F.VIR_DOMAIN_RUNNING:
            return False
        if flags & F.VIR_CONNECT_LIST_DOMAINS_PAUSED and \
                d.state != F.VIR_DOMAIN_PAUSED:
            return False
        if flags & F.VIR_CONNECT_LIST_DOMAINS_SHUTOFF and \
                d.state != F.VIR_DOMAIN_SHUTOFF:
            return False
        if flags & F.VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE and \
                not d.managed_save:
            return False
        if flags & F.VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE and \
                d.managed_save:
            return False
        if flags & F.VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT and \
                not d.snapshots:
            return False
        return True

    return sorted(d.name for d in driver_xml.domains.values() if ok(d))


@pytest.mark.parametrize("flags", LIST_DOMAIN_FLAGS)
def test_list_all_domains_flags(driver_conn, driver_xml, cdirect, driver_uri,
                                flags):
    doms = driver_conn.listAllDomains(flags)
    assert isinstance(doms, list)
    assert all(type(d) is libvirt.virDomain for d in doms)
    assert all(d.connect() is driver_conn for d in doms)
    names = sorted(d.name() for d in doms)
    assert names == _expected_domains(driver_xml, flags)
    assert names == sorted(cdirect.Connection(driver_uri)
                           .list_all_domain_names(flags))


def test_list_all_domains_default_argument(driver_conn, driver_xml):
    assert sorted(d.name() for d in driver_conn.listAllDomains()) == \
        sorted(driver_xml.domains)


def test_list_all_domains_default_conn(conn, cdirect):
    names = sorted(d.name() for d in conn.listAllDomains())
    assert names == sorted(cdirect.Connection("test:///default")
                           .list_all_domain_names(0))


def test_list_all_domains_bad_flags(driver_conn, quiet):
    libvirt_error(libvirt.VIR_ERR_INVALID_ARG, driver_conn.listAllDomains, 1 << 20)


def test_other_list_all_types(driver_conn, driver_xml):
    checks = [
        (driver_conn.listAllNetworks(), libvirt.virNetwork,
         driver_xml.networks),
        (driver_conn.listAllStoragePools(), libvirt.virStoragePool,
         driver_xml.pools),
        (driver_conn.listAllInterfaces(), libvirt.virInterface,
         driver_xml.interfaces),
        (driver_conn.listAllDevices(), libvirt.virNodeDevice,
         driver_xml.devices),
    ]
    for objs, cls, expected in checks:
        assert isinstance(objs, list)
        assert all(type(o) is cls for o in objs)
        assert sorted(o.name() for o in objs) == sorted(expected)
        assert all(o.connect() is driver_conn for o in objs)
    for p in driver_xml.pools.values():
        vols = driver_conn.storagePoolLookupByName(p.name).listAllVolumes()
        assert isinstance(vols, list)
        assert all(type(v) is libvirt.virStorageVol for v in vols)
        assert sorted(v.name() for v in vols) == sorted(p.volumes)
        assert all(v.connect() is driver_conn for v in vols)
    for d in driver_xml.domains.values():
        dom = driver_conn.lookupByName(d.name)
        snaps = dom.listAllSnapshots()
        assert isinstance(snaps, list)
        assert all(type(s) is libvirt.virDomainSnapshot for s in snaps)
        assert sorted(s.getName() for s in snaps) == \
            sorted(s.name for s in d.snapshots)
        assert all(s.getDomain() is dom for s in snaps)


# --- domain stats -------------------------------------------------------------------

def _check_stats_list(result, conn):
    assert isinstance(result, list)
    for item in result:
        assert type(item) is tuple
        assert len(item) == 2
        dom, stats = item
        assert type(dom) is libvirt.virDomain
        assert dom.connect() is conn
        assert isinstance(stats, dict)
    return {dom.name(): stats for dom, stats in result}


def test_get_all_domain_stats(driver_conn, driver_xml, cdirect, driver_uri):
    result = driver_conn.getAllDomainStats()
    by_name = _check_stats_list(result, driver_conn)
    assert sorted(by_name) == sorted(driver_xml.domains)
    cstats = cdirect.Connection(driver_uri).all_domain_stats(0, 0)
    assert sorted(cstats) == sorted(by_name)
    for name, stats in by_name.items():
        assert_typed_params_equal(stats, cstats[name])
        assert stats["state.state"] == driver_xml.domains[name].state


@pytest.mark.parametrize("flags,pred", [
    (libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE, lambda d: d.active),
    (libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE,
     lambda d: not d.active),
    (libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_PAUSED,
     lambda d: d.state == libvirt.VIR_DOMAIN_PAUSED),
    (libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_TRANSIENT,
     lambda d: not d.persistent),
])
def test_get_all_domain_stats_flags(driver_conn, driver_xml, cdirect,
                                    driver_uri, flags, pred):
    stats_kind = libvirt.VIR_DOMAIN_STATS_STATE
    by_name = _check_stats_list(
        driver_conn.getAllDomainStats(stats_kind, flags), driver_conn)
    assert sorted(by_name) == sorted(d.name for d in driver_xml.domains.values()
                                     if pred(d))
    cstats = cdirect.Connection(driver_uri).all_domain_stats(stats_kind, flags)
    assert sorted(cstats) == sorted(by_name)
    for name, stats in by_name.items():
        assert_typed_params_equal(stats, cstats[name])


def test_get_all_domain_stats_keywords(driver_conn, driver_xml):
    res = driver_conn.getAllDomainStats(
        stats=libvirt.VIR_DOMAIN_STATS_STATE,
        flags=libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_SHUTOFF)
    assert sorted(d.name() for d, _ in res) == sorted(
        d.name for d in driver_xml.domains.values()
        if d.state == libvirt.VIR_DOMAIN_SHUTOFF)


def test_domain_list_get_stats(driver_conn, driver_xml, cdirect, driver_uri):
    names = sorted(driver_xml.domains)[:2]
    doms = [driver_conn.lookupByName(n) for n in names]
    result = driver_conn.domainListGetStats(doms, libvirt.VIR_DOMAIN_STATS_STATE)
    by_name = _check_stats_list(result, driver_conn)
    assert sorted(by_name) == names
    cstats = cdirect.Connection(driver_uri).all_domain_stats(
        libvirt.VIR_DOMAIN_STATS_STATE, 0)
    for name in names:
        assert_typed_params_equal(by_name[name], cstats[name])
    # any sequence of domains is accepted, and the defaults work
    by_name2 = _check_stats_list(driver_conn.domainListGetStats(tuple(doms)),
                                 driver_conn)
    assert sorted(by_name2) == names


def test_domain_list_get_stats_empty(driver_conn, quiet):
    libvirt_error(libvirt.VIR_ERR_INVALID_ARG, driver_conn.domainListGetStats, [])


# --- host statistics ----------------------------------------------------------------

@pytest.mark.parametrize("cpu", [-1, 0])
def test_get_cpu_stats(conn, cdirect, cpu):
    stats = conn.getCPUStats(cpu)
    assert isinstance(stats, dict)
    assert all(type(k) is str for k in stats)
    assert all(type(v) is int for v in stats.values())
    assert stats == cdirect.Connection("test:///default").node_cpu_stats(cpu)
    assert conn.getCPUStats(cpu, 0) == stats


def test_get_cpu_stats_driver(driver_conn, cdirect, driver_uri):
    assert driver_conn.getCPUStats(-1) == \
        cdirect.Connection(driver_uri).node_cpu_stats(-1)


def test_get_info_shape(conn, cdirect):
    info = conn.getInfo()
    assert isinstance(info, list) and len(info) == 8
    c = cdirect.Connection("test:///default").node_info()
    assert info[0] == c["model"]
    assert info[1] == c["memory"] // 1024


def test_get_cells_free_memory(conn, cdirect):
    c = cdirect.Connection("test:///default")
    ncells = len(c.cells_free_memory(0, 64))
    assert ncells >= 1
    mems = conn.getCellsFreeMemory(0, ncells)
    assert isinstance(mems, list)
    assert all(type(m) is int for m in mems)
    assert mems == c.cells_free_memory(0, ncells)
    # asking for more cells than exist returns the existing ones
    assert conn.getCellsFreeMemory(0, ncells + 5) == mems
    if ncells > 1:
        assert conn.getCellsFreeMemory(1, 1) == mems[1:2]


def test_get_cells_free_memory_without_cells(driver_conn, quiet):
    # the driver XML defines no NUMA cells
    libvirt_error(libvirt.VIR_ERR_INVALID_ARG, driver_conn.getCellsFreeMemory, 0, 1)


# --- vcpus and other tuple/list returning overrides ---------------------------------------

def test_vcpus(driver_conn, driver_xml, cdirect, driver_uri):
    d = _running(driver_xml)
    dom = driver_conn.lookupByName(d.name)
    ncpus = driver_conn.getCPUMap()[0]
    res = dom.vcpus()
    assert isinstance(res, tuple) and len(res) == 2
    infos, maps = res
    assert isinstance(infos, list) and isinstance(maps, list)
    assert len(infos) == len(maps) == d.vcpus
    for info in infos:
        assert type(info) is tuple and len(info) == 4
        assert all(type(x) is int for x in info)
    for m in maps:
        assert type(m) is tuple and len(m) == ncpus
        assert all(type(b) is bool for b in m)
    with cdirect.Connection(driver_uri).domain(d.name) as cd:
        cinfos, cmaps = cd.vcpus(ncpus)
    # cpuTime (index 2) is time based in the test driver
    assert [(i[0], i[1], i[3]) for i in infos] == \
        [(i[0], i[1], i[3]) for i in cinfos]
    assert [list(m) for m in maps] == cmaps


def test_vcpu_pin_info(driver_conn, driver_xml):
    d = _running(driver_xml)
    dom = driver_conn.lookupByName(d.name)
    ncpus = driver_conn.getCPUMap()[0]
    pins = dom.vcpuPinInfo()
    assert isinstance(pins, list) and len(pins) == d.vcpus
    for p in pins:
        assert type(p) is tuple and len(p) == ncpus
        assert all(type(b) is bool for b in p)
    emu = dom.emulatorPinInfo()
    assert type(emu) is tuple and len(emu) == ncpus
    assert all(type(b) is bool for b in emu)


def test_domain_cpu_stats(driver_conn, driver_xml):
    dom = driver_conn.lookupByName(_running(driver_xml).name)
    total = dom.getCPUStats(True)
    assert isinstance(total, list) and len(total) == 1
    assert isinstance(total[0], dict)
    assert "cpu_time" in total[0]
    assert all(type(v) is int for v in total[0].values())
    per_cpu = dom.getCPUStats(False)
    assert isinstance(per_cpu, list) and per_cpu
    assert all(isinstance(x, dict) for x in per_cpu)


def test_block_and_interface_stats(driver_conn, driver_xml):
    d = next(x for x in driver_xml.domains.values()
             if x.state == libvirt.VIR_DOMAIN_RUNNING and x.disks and x.macs)
    dom = driver_conn.lookupByName(d.name)
    bs = dom.blockStats(d.disks[0])
    assert type(bs) is tuple and len(bs) == 5
    assert all(type(x) is int for x in bs)
    ifs = dom.interfaceStats("testnet0")
    assert type(ifs) is tuple and len(ifs) == 8
    assert all(type(x) is int for x in ifs)
    bi = dom.blockInfo(d.disks[0], 0)
    assert isinstance(bi, list) and len(bi) == 3
    assert all(type(x) is int for x in bi)


def test_misc_small_overrides(driver_conn, driver_xml):
    d = _running(driver_xml)
    dom = driver_conn.lookupByName(d.name)
    ci = dom.controlInfo()
    assert isinstance(ci, list) and len(ci) == 3
    assert all(type(x) is int for x in ci)
    t = dom.getTime()
    assert isinstance(t, dict) and sorted(t) == ["nseconds", "seconds"]
    assert all(type(v) is int for v in t.values())
    label = dom.securityLabel()
    assert isinstance(label, list) and len(label) == 2
    assert type(label[0]) is str
    caps_model = driver_conn.getSecurityModel()
    assert isinstance(caps_model, list) and len(caps_model) == 2
    assert dom.autostart() in (0, 1)
    assert type(dom.autostart()) is int
    assert dom.setTime({"seconds": 1234567890, "nseconds": 5}) == 0
    assert dom.getTime() == {"seconds": 1234567890, "nseconds": 5}


def test_fs_info_and_addresses(driver_conn, driver_xml):
    d = next(x for x in driver_xml.domains.values()
             if x.state == libvirt.VIR_DOMAIN_RUNNING and x.macs)
    dom = driver_conn.lookupByName(d.name)
    fs = dom.fsInfo()
    assert isinstance(fs, list)
    for entry in fs:
        assert type(entry) is tuple and len(entry) == 4
        assert all(type(x) is str for x in entry[:3])
        assert isinstance(entry[3], list)
    addrs = dom.interfaceAddresses(
        libvirt.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE)
    assert isinstance(addrs, dict)
    assert sorted(v["hwaddr"] for v in addrs.values()) == sorted(d.macs)
    for v in addrs.values():
        assert isinstance(v["addrs"], list)
        for a in v["addrs"]:
            assert sorted(a) == ["addr", "prefix", "type"]
            assert type(a["addr"]) is str
            assert type(a["prefix"]) is int and type(a["type"]) is int


def test_disk_errors(driver_conn, driver_xml):
    d = next(x for x in driver_xml.domains.values()
             if x.state == libvirt.VIR_DOMAIN_RUNNING and x.disks)
    errs = driver_conn.lookupByName(d.name).diskErrors()
    assert isinstance(errs, dict)
    assert sorted(errs) == sorted(d.disks)
    assert all(type(v) is int for v in errs.values())


def test_pool_and_volume_info_shapes(driver_conn, driver_xml):
    p = next(x for x in driver_xml.pools.values() if x.volumes)
    pool = driver_conn.storagePoolLookupByName(p.name)
    info = pool.info()
    assert type(info) is list and len(info) == 4
    vol = pool.storageVolLookupByName(next(iter(p.volumes)))
    vinfo = vol.info()
    assert type(vinfo) is list and len(vinfo) == 3


def test_cpu_time_increases(driver_conn, driver_xml):
    dom = driver_conn.lookupByName(_running(driver_xml).name)
    t1 = dom.info()[4]
    time.sleep(0.01)
    assert dom.info()[4] > t1
