"""virConnect: read-only calls and calls that change the state."""

from differential.calls import C, D, F, I, K, L, M, P, R, S, U, US, X, group
from differential.context import (
    DEVNULL_FDS, probe_devs, probe_doms, probe_ifaces, probe_nets, probe_pools)
from differential.specs import (
    ALPHA, BINDING_XML, CPU_XML, NET_ONE, NEW_DOM_XML, NEW_IFACE_XML, NEW_NET_XML, NEW_POOL_XML,
    NOWHERE, NWFILTER_UUID, NWFILTER_XML, POOL_A, SECRET_UUID, SECRET_XML, VHBA_XML)


# ------------------------------------------------------------ virConnect

group("connect", doc="virConnect, read-only calls")
for _m in ("getCapabilities", "getFreeMemory", "getHostname", "getInfo", "getLibVersion",
           "getSecurityModel", "getType", "getURI", "getVersion", "isAlive", "isEncrypted",
           "isSecure", "numOfDefinedDomains", "numOfDefinedInterfaces",
           "numOfDefinedNetworks", "numOfDefinedStoragePools", "numOfDomains",
           "numOfInterfaces", "numOfNWFilters", "numOfNetworks", "numOfSecrets",
           "numOfStoragePools", "virConnGetLastError", "virConnResetLastError"):
    M("virConnect", _m, "conn")
for _m in ("listDefinedDomains", "listDefinedInterfaces", "listDefinedNetworks",
           "listDefinedStoragePools", "listInterfaces", "listNWFilters", "listNetworks",
           "listSecrets", "listStoragePools"):
    M("virConnect", _m, "conn", unordered=True)
M("virConnect", "listDomainsID", "conn", unordered=True)
for _m in ("listAllDevices", "listAllDomains", "listAllInterfaces", "listAllNWFilterBindings",
           "listAllNWFilters", "listAllNetworks", "listAllSecrets", "listAllStoragePools"):
    M("virConnect", _m, "conn", F(), unordered=True)
M("virConnect", "listAllDomains", "conn", F(K("VIR_CONNECT_LIST_DOMAINS_ACTIVE")), tag="active",
  unordered=True, variants=False)
M("virConnect", "listAllDomains", "conn", F(K("VIR_CONNECT_LIST_DOMAINS_PAUSED")), tag="paused",
  unordered=True, variants=False)
M("virConnect", "listAllDomains", "conn", F(K("VIR_CONNECT_LIST_DOMAINS_INACTIVE")),
  tag="inactive", unordered=True, variants=False)
M("virConnect", "listAllNetworks", "conn", F(K("VIR_CONNECT_LIST_NETWORKS_INACTIVE")),
  tag="inactive", unordered=True, variants=False)
M("virConnect", "listAllStoragePools", "conn", F(K("VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE")),
  tag="inactive", unordered=True, variants=False)
M("virConnect", "listAllInterfaces", "conn", F(K("VIR_CONNECT_LIST_INTERFACES_INACTIVE")),
  tag="inactive", unordered=True, variants=False)
M("virConnect", "listAllDevices", "conn", F(K("VIR_CONNECT_LIST_NODE_DEVICES_CAP_SCSI_HOST")),
  tag="scsi", unordered=True, variants=False)
M("virConnect", "listAllDomains", "conn", F(1 << 31), tag="bad-flags", variants=False)
M("virConnect", "listDevices", "conn", S("scsi_host"), F(), unordered=True)
M("virConnect", "listDevices", "conn", S("nosuchcap"), F(), tag="unknown", unordered=True,
  variants=False)
M("virConnect", "numOfDevices", "conn", S("scsi_host"), F())
M("virConnect", "numOfDevices", "conn", S("net"), F(), tag="net", variants=False)
M("virConnect", "allocPages", "conn", D({4: 16}), I(0), I(1), F())
M("virConnect", "allocPages", "conn", D({4: 16, 2048: 1}), I(0), I(1), F(), tag="two",
  variants=False)
M("virConnect", "baselineCPU", "conn", L([CPU_XML]), F())
M("virConnect", "baselineHypervisorCPU", "conn", S("/usr/bin/qemu-system-x86_64"), S("x86_64"),
  S("pc"), S("kvm"), L([CPU_XML]), F())
M("virConnect", "c_pointer", "conn", varies=True)
M("virConnect", "compareCPU", "conn", S(CPU_XML), F())
M("virConnect", "compareHypervisorCPU", "conn", S("/usr/bin/qemu-system-x86_64"), S("x86_64"),
  S("pc"), S("kvm"), S(CPU_XML), F())
M("virConnect", "domainListGetStats", "conn", L([R("dom:alpha"), R("dom:gamma")]), I(0), F(),
  varies=True)
M("virConnect", "domainListGetStats", "conn", L([R("dom:gamma")]), I(K("VIR_DOMAIN_STATS_STATE")),
  F(), tag="state")
M("virConnect", "domainListGetStats", "conn", X([None]), I(0), F(), tag="None-item",
  variants=False)
M("virConnect", "domainListGetStats", "conn", X(["alpha"]), I(0), F(), tag="str-item",
  variants=False)
M("virConnect", "domainXMLFromNative", "conn", S("qemu-argv"), S("qemu -m 64"), F())
M("virConnect", "domainXMLToNative", "conn", S("qemu-argv"), S(NEW_DOM_XML), F())
M("virConnect", "findStoragePoolSources", "conn", S("logical"), S(None), F(), tag="logical")
M("virConnect", "findStoragePoolSources", "conn", S("netfs"),
  S("<source><host name='nfs.example.org'/></source>"), F())
M("virConnect", "findStoragePoolSources", "conn", S("nosuch"), S(None), F(), tag="unknown",
  variants=False)
M("virConnect", "getAllDomainStats", "conn", I(0), F(), varies=True, unordered=True)
M("virConnect", "getAllDomainStats", "conn", I(K("VIR_DOMAIN_STATS_STATE")),
  F(K("VIR_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE")), tag="inactive-state", unordered=True)
M("virConnect", "getCPUMap", "conn", F())
M("virConnect", "getCPUModelNames", "conn", S("x86_64"), F())
M("virConnect", "getCPUModelNames", "conn", S("nosucharch"), F(), tag="bad-arch", variants=False)
M("virConnect", "getCPUStats", "conn", I(K("VIR_NODE_CPU_STATS_ALL_CPUS")), F(), varies=True)
M("virConnect", "getCPUStats", "conn", I(0), F(), tag="cpu0", varies=True)
M("virConnect", "getCellsFreeMemory", "conn", I(0), I(1))
M("virConnect", "getDomainCapabilities", "conn", S(None), S("i686"), S(None), S("test"), F())
M("virConnect", "getDomainCapabilities", "conn", tag="defaults")
M("virConnect", "getFreePages", "conn", L([4, 2048]), I(0), I(1), F())
M("virConnect", "getMaxVcpus", "conn", S("test"))
M("virConnect", "getMaxVcpus", "conn", S("kvm"), tag="kvm", variants=False)
M("virConnect", "getMemoryParameters", "conn", F())
M("virConnect", "getMemoryStats", "conn", I(K("VIR_NODE_MEMORY_STATS_ALL_CELLS")), F())
M("virConnect", "getMemoryStats", "conn", I(0), F(), tag="cell0", variants=False)
M("virConnect", "getSEVInfo", "conn", F())
M("virConnect", "getStoragePoolCapabilities", "conn", F())
M("virConnect", "getSysinfo", "conn", F())
M("virConnect", "interfaceLookupByMACString", "conn", S("52:54:00:aa:bb:07"))
M("virConnect", "interfaceLookupByMACString", "conn", S("52:54:00:aa:bb:99"), tag="missing",
  variants=False)
M("virConnect", "interfaceLookupByName", "conn", S("eth7"))
M("virConnect", "interfaceLookupByName", "conn", S("eth9"), tag="inactive", variants=False)
M("virConnect", "interfaceLookupByName", "conn", S("nosuch"), tag="missing", variants=False)
M("virConnect", "lookupByID", "conn", I(1))
M("virConnect", "lookupByID", "conn", I(-1), tag="minus1", variants=False)
M("virConnect", "lookupByID", "conn", I(999), tag="missing", variants=False)
M("virConnect", "lookupByName", "conn", S("alpha"))
M("virConnect", "lookupByName", "conn", S("gamma"), tag="shutoff", variants=False)
M("virConnect", "lookupByName", "conn", S("nosuch"), tag="missing", variants=False)
M("virConnect", "lookupByName", "conn", S(""), tag="empty", variants=False)
M("virConnect", "lookupByUUID", "conn", U(ALPHA))
M("virConnect", "lookupByUUID", "conn", U(NOWHERE), tag="missing", variants=False)
M("virConnect", "lookupByUUIDString", "conn", US(ALPHA))
M("virConnect", "lookupByUUIDString", "conn", US(NOWHERE), tag="missing", variants=False)
M("virConnect", "lookupByUUIDString", "conn", US(ALPHA.upper()), tag="upper", variants=False)
M("virConnect", "networkLookupByName", "conn", S("net-one"))
M("virConnect", "networkLookupByName", "conn", S("nosuch"), tag="missing", variants=False)
M("virConnect", "networkLookupByUUID", "conn", U(NET_ONE))
M("virConnect", "networkLookupByUUIDString", "conn", US(NET_ONE))
M("virConnect", "newStream", "conn", F(), variants=True)
M("virConnect", "newStream", "conn", F(K("VIR_STREAM_NONBLOCK")), tag="nonblock", variants=False)
M("virConnect", "nodeDeviceLookupByName", "conn", S("scsi_host5"))
M("virConnect", "nodeDeviceLookupByName", "conn", S("nosuch"), tag="missing", variants=False)
M("virConnect", "nodeDeviceLookupSCSIHostByWWN", "conn", S("2000000012341234"),
  S("1000000012341234"), F())
M("virConnect", "nwfilterBindingLookupByPortDev", "conn", S("vnet0"))
M("virConnect", "nwfilterLookupByName", "conn", S("allow-all"))
M("virConnect", "nwfilterLookupByUUID", "conn", U(NWFILTER_UUID))
M("virConnect", "nwfilterLookupByUUIDString", "conn", US(NWFILTER_UUID))
M("virConnect", "saveImageGetXMLDesc", "conn", S("/nonexistent/save.img"), F())
M("virConnect", "secretLookupByUUID", "conn", U(SECRET_UUID))
M("virConnect", "secretLookupByUUIDString", "conn", US(SECRET_UUID))
M("virConnect", "secretLookupByUsage", "conn", I(K("VIR_SECRET_USAGE_TYPE_VOLUME")),
  S("/pool-a/disk1.img"))
M("virConnect", "setKeepAlive", "conn", I(5), I(3))
M("virConnect", "storagePoolLookupByName", "conn", S("pool-a"))
M("virConnect", "storagePoolLookupByName", "conn", S("nosuch"), tag="missing", variants=False)
M("virConnect", "storagePoolLookupByTargetPath", "conn", S("/pool-a"))
M("virConnect", "storagePoolLookupByUUID", "conn", U(POOL_A))
M("virConnect", "storagePoolLookupByUUIDString", "conn", US(POOL_A))
M("virConnect", "storageVolLookupByKey", "conn", S("/pool-a/disk1.img"))
M("virConnect", "storageVolLookupByKey", "conn", S("/nosuch"), tag="missing", variants=False)
M("virConnect", "storageVolLookupByPath", "conn", S("/pool-b/big.raw"))
M("virConnect", "storageVolLookupByPath", "conn", S("/nosuch"), tag="missing", variants=False)
M("virConnect", "suspendForDuration", "conn", I(K("VIR_NODE_SUSPEND_TARGET_MEM")), I(60), F())
M("virConnect", "getURI", "roconn", tag="readonly")
M("virConnect", "defineXML", "roconn", S(NEW_DOM_XML), tag="readonly", variants=False)

group("connect_write", doc="virConnect, calls that change the state (each on its own connection)")


W = dict(fresh=True)
M("virConnect", "close", "conn", **W)
C("virConnect.close#twice", lambda ctx: (ctx.conn.close(), ctx.conn.close()), fresh=True,
  covers=["virConnect.close"])
C("virConnect.close#then-use", lambda ctx: (ctx.conn.close(), ctx.conn.getType()), fresh=True,
  covers=["virConnect.close"])
M("virConnect", "createLinux", "conn", S(NEW_DOM_XML), F(), post=probe_doms, **W)
M("virConnect", "createXML", "conn", S(NEW_DOM_XML), F(), post=probe_doms, **W)
M("virConnect", "createXML", "conn", S("<domain>"), F(), tag="bad-xml", variants=False, **W)
M("virConnect", "createXML", "conn", S(NEW_DOM_XML), F(K("VIR_DOMAIN_START_PAUSED")),
  tag="paused", variants=False, post=lambda ctx: ctx.conn.lookupByName("newdom").state(), **W)
M("virConnect", "createXMLWithFiles", "conn", S(NEW_DOM_XML), L(DEVNULL_FDS), F(),
  post=probe_doms,
  **W)
M("virConnect", "createXMLWithFiles", "conn", S(NEW_DOM_XML), X([]), F(), tag="no-files",
  variants=False, **W)
M("virConnect", "createXMLWithFiles", "conn", S(NEW_DOM_XML), X([0]), F(), tag="fd0",
  variants=False, **W)
M("virConnect", "createXMLWithFiles", "conn", S(NEW_DOM_XML), X(["x"]), F(), tag="str-fd",
  variants=False, **W)
M("virConnect", "defineXML", "conn", S(NEW_DOM_XML), post=probe_doms, **W)
M("virConnect", "defineXMLFlags", "conn", S(NEW_DOM_XML), F(), post=probe_doms, **W)
M("virConnect", "defineXMLFlags", "conn", S(NEW_DOM_XML), F(K("VIR_DOMAIN_DEFINE_VALIDATE")),
  tag="validate", variants=False, **W)
M("virConnect", "changeBegin", "conn", F(), **W)
M("virConnect", "changeCommit", "conn", F(), tag="no-begin", **W)
M("virConnect", "changeRollback", "conn", F(), tag="no-begin", **W)
C("virConnect.changeCommit", lambda ctx: (ctx.conn.changeBegin(0),
                                          ctx.conn.interfaceLookupByName("eth8").undefine(),
                                          ctx.conn.changeCommit(0), probe_ifaces(ctx)),
  fresh=True, covers=["virConnect.changeCommit", "virConnect.changeBegin"])
C("virConnect.changeRollback", lambda ctx: (ctx.conn.changeBegin(0),
                                            ctx.conn.interfaceLookupByName("eth8").undefine(),
                                            ctx.conn.changeRollback(0), probe_ifaces(ctx)),
  fresh=True, covers=["virConnect.changeRollback", "virConnect.changeBegin"])
M("virConnect", "interfaceDefineXML", "conn", S(NEW_IFACE_XML), F(), post=probe_ifaces, **W)
M("virConnect", "networkCreateXML", "conn", S(NEW_NET_XML), post=probe_nets, **W)
M("virConnect", "networkCreateXMLFlags", "conn", S(NEW_NET_XML), F(), post=probe_nets, **W)
M("virConnect", "networkDefineXML", "conn", S(NEW_NET_XML), post=probe_nets, **W)
M("virConnect", "networkDefineXMLFlags", "conn", S(NEW_NET_XML), F(), post=probe_nets, **W)
M("virConnect", "nodeDeviceCreateXML", "conn", S(VHBA_XML), F(), post=probe_devs, **W)
M("virConnect", "nodeDeviceDefineXML", "conn", S(VHBA_XML), F(), **W)
M("virConnect", "nwfilterBindingCreateXML", "conn", S(BINDING_XML), F(), **W)
M("virConnect", "nwfilterDefineXML", "conn", S(NWFILTER_XML), **W)
M("virConnect", "nwfilterDefineXMLFlags", "conn", S(NWFILTER_XML), F(), **W)
M("virConnect", "secretDefineXML", "conn", S(SECRET_XML), F(), **W)
M("virConnect", "storagePoolCreateXML", "conn", S(NEW_POOL_XML), F(), post=probe_pools, **W)
M("virConnect", "storagePoolDefineXML", "conn", S(NEW_POOL_XML), F(), post=probe_pools, **W)
M("virConnect", "setIdentity", "conn", P({"user-name": "root", "unix-user-id": 0}), F(), **W)
M("virConnect", "setMemoryParameters", "conn", P({"shm_pages_to_scan": 200}), F(), **W)
M("virConnect", "saveImageDefineXML", "conn", S("/nonexistent/save.img"), S(NEW_DOM_XML), F(), **W)
M("virConnect", "restore", "conn", S("/nonexistent/save.img"), tag="missing", variants=False, **W)


def _saved(fn):
    """Save gamma... no: save alpha (running) to a file, then fn(ctx, path)."""
    def run(ctx):
        path = ctx.path("alpha.save")
        ctx.conn.lookupByName("alpha").save(path)
        return fn(ctx, path), probe_doms(ctx), ctx.conn.lookupByName("alpha").state()
    return run


C("virConnect.restore", _saved(lambda ctx, p: ctx.conn.restore(p)), fresh=True,
  covers=["virConnect.restore", "virDomain.save"])
C("virConnect.restoreFlags", _saved(lambda ctx, p: ctx.conn.restoreFlags(p, None, 0)), fresh=True,
  covers=["virConnect.restoreFlags"])
C("virConnect.restoreFlags#paused", _saved(lambda ctx, p: ctx.conn.restoreFlags(
    p, None, K("VIR_DOMAIN_SAVE_PAUSED"))), fresh=True, covers=["virConnect.restoreFlags"])
C("virConnect.restoreFlags#default-args", _saved(lambda ctx, p: ctx.conn.restoreFlags(p)),
  fresh=True, covers=["virConnect.restoreFlags"])
C("virConnect.restoreParams", _saved(lambda ctx, p: ctx.conn.restoreParams(
    {K("VIR_DOMAIN_SAVE_PARAM_FILE"): p}, 0)), fresh=True, covers=["virConnect.restoreParams"])
C("virConnect.saveImageGetXMLDesc#saved", _saved(lambda ctx, p: ctx.conn.saveImageGetXMLDesc(p,
                                                                                             0)),
  fresh=True, covers=["virConnect.saveImageGetXMLDesc"])
M("virConnect", "restoreFlags", "conn", S("/nonexistent/save.img"), S(None), F(), tag="missing",
  **W)
M("virConnect", "restoreParams", "conn", P({"file": "/nonexistent/save.img"}), F(), tag="missing",
  **W)
