"""virDomain: read-only calls on domains in each state and calls that change the state."""

from differential.calls import A, C, D, F, I, K, L, M, O, P, R, S, X, group
from differential.context import DEVNULL_FDS, mask_info
from differential.specs import ALPHA_DISK_XML, CP_XML, DISK_XML, META_NS, SNAP_XML


# ------------------------------------------------------------- virDomain

group("domain", doc="virDomain, read-only calls on domains in each state", checkpoints=True)
_DOMS = ("alpha", "beta", "gamma", "delta", "epsilon")
for _i, _d in enumerate(_DOMS):
    t = "dom:" + _d
    v = _i == 0        # argument variants on the first domain only
    for _m in ("ID", "OSType", "UUID", "UUIDString", "autostart", "hasCurrentSnapshot",
               "isActive", "isPersistent", "isUpdated", "maxMemory", "maxVcpus", "name",
               "schedulerType", "securityLabel", "securityLabelList", "connect"):
        if _m in ("hasCurrentSnapshot",):
            M("virDomain", _m, t, F(), tag=_d, variants=v)
        else:
            M("virDomain", _m, t, tag=_d)
    M("virDomain", "info", t, tag=_d, mask=mask_info)
    M("virDomain", "info", t, tag=_d + "-types", varies=True)
    for _m in ("XMLDesc", "state", "blkioParameters", "memoryParameters", "numaParameters",
               "schedulerParametersFlags", "vcpusFlags", "hasManagedSaveImage",
               "snapshotNum", "controlInfo", "emulatorPinInfo", "vcpuPinInfo",
               "ioThreadInfo", "perfEvents", "diskErrors", "jobStats", "guestVcpus",
               "launchSecurityInfo", "migrateGetCompressionCache", "migrateGetMaxDowntime",
               "migrateGetMaxSpeed", "managedSaveGetXMLDesc", "messages",
               "backupGetXMLDesc", "hostname", "fsInfo"):
        M("virDomain", _m, t, F(), tag=_d, variants=v)
    for _m in ("snapshotListNames", "listAllSnapshots", "listAllCheckpoints"):
        M("virDomain", _m, t, F(), tag=_d, variants=v, unordered=True)
    M("virDomain", "schedulerParameters", t, tag=_d)
    M("virDomain", "jobInfo", t, tag=_d)
    M("virDomain", "vcpus", t, tag=_d, varies=True)
    M("virDomain", "memoryStats", t, tag=_d)
    M("virDomain", "getTime", t, F(), tag=_d, variants=v, varies=True)
    M("virDomain", "getCPUStats", t, X(True), F(), tag=_d + "-total", varies=True)
    M("virDomain", "getCPUStats", t, I(False), F(), tag=_d, variants=v, varies=True)
    M("virDomain", "guestInfo", t, I(0), F(), tag=_d, variants=v)
    M("virDomain", "snapshotCurrent", t, F(), tag=_d, variants=v)
    M("virDomain", "interfaceAddresses", t,
      I(K("VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE")), F(), tag=_d, variants=v)
    M("virDomain", "XMLDesc", t, F(K("VIR_DOMAIN_XML_INACTIVE")), tag=_d + "-inactive",
      variants=False)
    M("virDomain", "state", t, tag=_d + "-noflags")
M("virDomain", "XMLDesc", "dom:alpha", tag="default")
M("virDomain", "XMLDesc", "dom:alpha", F(1 << 30), tag="bad-flags", variants=False)
M("virDomain", "interfaceAddresses", "dom:alpha", I(K("VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT")),
  F(), tag="agent", variants=False)
M("virDomain", "interfaceAddresses", "dom:alpha", I(K("VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP")),
  F(), tag="arp", variants=False)
M("virDomain", "blockInfo", "dom:alpha", S("vda"), F())
M("virDomain", "blockInfo", "dom:alpha", S("/guest/alpha.img"), F(), tag="path", variants=False)
M("virDomain", "blockInfo", "dom:alpha", S("vdz"), F(), tag="missing", variants=False)
M("virDomain", "blockIoTune", "dom:alpha", S("vda"), F())
M("virDomain", "blockIoTune", "dom:alpha", S(None), F(), tag="all", variants=False)
M("virDomain", "blockJobInfo", "dom:alpha", S("vda"), F())
M("virDomain", "blockPeek", "dom:alpha", S("vda"), I(0), I(16), F())
M("virDomain", "blockStats", "dom:alpha", S("vda"), varies=True)
M("virDomain", "blockStats", "dom:alpha", S("vdz"), tag="missing", variants=False)
M("virDomain", "blockStats", "dom:gamma", S("vda"), tag="inactive", variants=False)
M("virDomain", "blockStatsFlags", "dom:alpha", S("vda"), F())
M("virDomain", "blockStatsFlags", "dom:alpha", S(""), F(), tag="all", variants=False)
M("virDomain", "c_pointer", "dom:alpha", varies=True)
M("virDomain", "checkpointLookupByName", "dom:beta", S("cp1"), F())
M("virDomain", "checkpointLookupByName", "dom:beta", S("nosuch"), F(), tag="missing",
  variants=False)
M("virDomain", "interfaceParameters", "dom:alpha", S("testnet0"), F())
M("virDomain", "interfaceParameters", "dom:alpha", S("52:54:00:00:00:01"), F(), tag="mac",
  variants=False)
M("virDomain", "interfaceStats", "dom:alpha", S("testnet0"), varies=True)
M("virDomain", "interfaceStats", "dom:alpha", S("52:54:00:00:00:02"), tag="mac", variants=False,
  varies=True)
M("virDomain", "interfaceStats", "dom:alpha", S("nosuch"), tag="missing", variants=False)
M("virDomain", "memoryPeek", "dom:alpha", I(0), I(16), F(K("VIR_MEMORY_VIRTUAL")))
M("virDomain", "metadata", "dom:alpha", I(K("VIR_DOMAIN_METADATA_ELEMENT")), S(META_NS), F())
M("virDomain", "metadata", "dom:alpha", I(K("VIR_DOMAIN_METADATA_TITLE")), S(None), F(),
  tag="title")
M("virDomain", "metadata", "dom:alpha", I(K("VIR_DOMAIN_METADATA_DESCRIPTION")), S(None), F(),
  tag="description", variants=False)
M("virDomain", "metadata", "dom:gamma", I(K("VIR_DOMAIN_METADATA_TITLE")), S(None), F(),
  tag="no-title", variants=False)
M("virDomain", "snapshotLookupByName", "dom:alpha", S("snap1"), F())
M("virDomain", "snapshotLookupByName", "dom:alpha", S("nosuch"), F(), tag="missing",
  variants=False)
M("virDomain", "authorizedSSHKeysGet", "dom:alpha", S("root"), F())
M("virDomain", "openGraphicsFD", "dom:alpha", I(0), F())
M("virDomain", "openGraphics", "dom:alpha", I(0), A(lambda ctx: ctx.socket_fd()), F())
M("virDomain", "openGraphics", "dom:alpha", I(0), I(0), F(), tag="not-a-socket", variants=False)
M("virDomain", "emulatorPinInfo", "dom:alpha", tag="default")
M("virDomain", "vcpuPinInfo", "dom:alpha", F(K("VIR_DOMAIN_AFFECT_CONFIG")), tag="config",
  variants=False)
M("virDomain", "vcpusFlags", "dom:alpha", F(K("VIR_DOMAIN_VCPU_MAXIMUM")), tag="maximum",
  variants=False)
M("virDomain", "memoryParameters", "dom:alpha", F(K("VIR_DOMAIN_AFFECT_CONFIG")), tag="config",
  variants=False)
M("virDomain", "hostname", "dom:alpha", F(K("VIR_DOMAIN_GET_HOSTNAME_LEASE")), tag="lease",
  variants=False)
M("virDomain", "hostname", "dom:alpha", F(K("VIR_DOMAIN_GET_HOSTNAME_AGENT")), tag="agent",
  variants=False)

VARIANTS_ON = {"checkpointCreateXML": "beta", "rename": "gamma", "setMaxMemory": "gamma",
               "createWithFlags": "gamma", "createWithFiles": "gamma", "coreDump": "alpha",
               "delIOThread": "alpha", "FDAssociate": "alpha"}

group("domain_write", doc="virDomain, calls that change the state (each on its own connection)")
_dstate = lambda n: (lambda ctx: ctx.conn.lookupByName(n).state())  # noqa: E731
_dinfo = lambda n: (lambda ctx: mask_info(ctx.conn.lookupByName(n).info()))  # noqa: E731
_dxml = lambda n, f=0: (lambda ctx: ctx.conn.lookupByName(n).XMLDesc(f))  # noqa: E731
_dexists = lambda n: (lambda ctx: n in [d.name() for d in ctx.conn.listAllDomains()])  # noqa: E731
for _d in ("alpha", "beta", "gamma"):
    t = "dom:" + _d
    st = _dstate(_d)

    def vv(method, _d=_d):
        """Argument variants on one domain only: the one where the base
        call can succeed."""
        return _d == VARIANTS_ON.get(method, "alpha")
    for _m in ("create", "destroy", "resume", "suspend", "shutdown", "undefine", "abortJob"):
        M("virDomain", _m, t, tag=_d, fresh=True, post=st)
    for _m in ("createWithFlags", "destroyFlags", "shutdownFlags", "reboot", "reset",
               "undefineFlags", "managedSave", "managedSaveRemove", "injectNMI", "pMWakeup",
               "migrateStartPostCopy", "abortJobFlags"):
        M("virDomain", _m, t, F(), tag=_d, variants=vv(_m), fresh=True, post=st)
    M("virDomain", "createWithFiles", t, L(DEVNULL_FDS), F(), tag=_d,
      variants=vv("createWithFiles"), fresh=True, post=st)
    M("virDomain", "setAutostart", t, I(1), tag=_d, variants=vv("setAutostart"), fresh=True,
      post=lambda ctx, _d=_d: ctx.conn.lookupByName(_d).autostart())
    M("virDomain", "setMemory", t, I(262144), tag=_d, variants=vv("setMemory"), fresh=True,
      post=_dinfo(_d))
    M("virDomain", "setMaxMemory", t, I(2097152), tag=_d, variants=vv("setMaxMemory"), fresh=True,
      post=_dinfo(_d))
    M("virDomain", "setMemoryFlags", t, I(262144), F(K("VIR_DOMAIN_AFFECT_CONFIG")), tag=_d,
      variants=vv("setMemoryFlags"), fresh=True, post=_dxml(_d, K("VIR_DOMAIN_XML_INACTIVE")))
    M("virDomain", "setVcpus", t, I(1), tag=_d, variants=vv("setVcpus"), fresh=True,
      post=_dinfo(_d))
    M("virDomain", "setVcpusFlags", t, I(1), F(K("VIR_DOMAIN_AFFECT_CONFIG")), tag=_d,
      variants=vv("setVcpusFlags"),
      fresh=True, post=_dxml(_d, K("VIR_DOMAIN_XML_INACTIVE")))
    M("virDomain", "rename", t, S("renamed"), F(), tag=_d, variants=vv("rename"), fresh=True,
      post=_dexists("renamed"))
    M("virDomain", "attachDevice", t, S(DISK_XML), tag=_d, variants=vv("attachDevice"), fresh=True,
      post=_dxml(_d))
    M("virDomain", "attachDeviceFlags", t, S(DISK_XML), F(K("VIR_DOMAIN_AFFECT_CONFIG")), tag=_d,
      variants=vv("attachDeviceFlags"), fresh=True, post=_dxml(_d, K("VIR_DOMAIN_XML_INACTIVE")))
    M("virDomain", "setSchedulerParameters", t, P({"weight": 100}), tag=_d,
      variants=vv("setSchedulerParameters"),
      fresh=True, post=lambda ctx, _d=_d: ctx.conn.lookupByName(_d).schedulerParameters())
    M("virDomain", "setSchedulerParametersFlags", t, P({"weight": 200}),
      F(K("VIR_DOMAIN_AFFECT_CURRENT")), tag=_d, variants=vv("setSchedulerParametersFlags"),
      fresh=True,
      post=lambda ctx, _d=_d: ctx.conn.lookupByName(_d).schedulerParameters())
    M("virDomain", "setMetadata", t, I(K("VIR_DOMAIN_METADATA_ELEMENT")),
      S("<info>new-meta</info>"), S("app"), S(META_NS), F(), tag=_d, variants=vv("setMetadata"),
      fresh=True,
      post=_dxml(_d))
    M("virDomain", "setMetadata", t, I(K("VIR_DOMAIN_METADATA_TITLE")), S("A title"), S(None),
      S(None), F(), tag=_d + "-title", variants=vv("setMetadata"), fresh=True, post=_dxml(_d))
    M("virDomain", "snapshotCreateXML", t, S(SNAP_XML), F(), tag=_d,
      variants=vv("snapshotCreateXML"), fresh=True,
      post=lambda ctx, _d=_d: sorted(ctx.conn.lookupByName(_d).snapshotListNames(0)))
    M("virDomain", "checkpointCreateXML", t, S(CP_XML), F(), tag=_d,
      variants=vv("checkpointCreateXML"), fresh=True,
      post=lambda ctx, _d=_d: sorted(c.getName() for c in
                                     ctx.conn.lookupByName(_d).listAllCheckpoints(0)))
    M("virDomain", "setLifecycleAction", t, I(K("VIR_DOMAIN_LIFECYCLE_POWEROFF")),
      I(K("VIR_DOMAIN_LIFECYCLE_ACTION_RESTART")), F(K("VIR_DOMAIN_AFFECT_CONFIG")), tag=_d,
      variants=vv("setLifecycleAction"), fresh=True, post=_dxml(_d, K("VIR_DOMAIN_XML_INACTIVE")))
    M("virDomain", "save", t, A(lambda ctx: ctx.path("save.img")), tag=_d, fresh=True, post=st)
    M("virDomain", "saveFlags", t, A(lambda ctx: ctx.path("save.img")), S(None), F(), tag=_d,
      variants=vv("saveFlags"), fresh=True, post=st)
    M("virDomain", "saveParams", t, A(lambda ctx: {"file": ctx.path("save.img")}), F(), tag=_d,
      variants=vv("saveParams"), fresh=True, post=st)
    M("virDomain", "coreDump", t, A(lambda ctx: ctx.path("core")), F(), tag=_d,
      variants=vv("coreDump"),
      fresh=True, post=st)
    M("virDomain", "coreDumpWithFormat", t, A(lambda ctx: ctx.path("core")),
      I(K("VIR_DOMAIN_CORE_DUMP_FORMAT_RAW")), F(), tag=_d, variants=vv("coreDumpWithFormat"),
      fresh=True, post=st)
    M("virDomain", "pinVcpu", t, I(0), L((True, False)), tag=_d, variants=vv("pinVcpu"),
      fresh=True,
      post=lambda ctx, _d=_d: ctx.conn.lookupByName(_d).vcpuPinInfo(0))
    M("virDomain", "pinVcpuFlags", t, I(0), L((False, True)), F(K("VIR_DOMAIN_AFFECT_LIVE")),
      tag=_d, variants=vv("pinVcpuFlags"), fresh=True,
      post=lambda ctx, _d=_d: ctx.conn.lookupByName(_d).vcpuPinInfo(K("VIR_DOMAIN_AFFECT_CONFIG")))
    M("virDomain", "pinEmulator", t, L((True, True, False)), F(), tag=_d,
      variants=vv("pinEmulator"), fresh=True)
    M("virDomain", "pinIOThread", t, I(1), L((True,)), F(), tag=_d, variants=vv("pinIOThread"),
      fresh=True)
    M("virDomain", "addIOThread", t, I(5), F(K("VIR_DOMAIN_AFFECT_CONFIG")), tag=_d,
      variants=vv("addIOThread"),
      fresh=True, post=lambda ctx, _d=_d: ctx.conn.lookupByName(_d).ioThreadInfo(
          K("VIR_DOMAIN_AFFECT_CONFIG")))
    M("virDomain", "delIOThread", t, I(1), F(K("VIR_DOMAIN_AFFECT_CONFIG")), tag=_d,
      variants=vv("delIOThread"),
      fresh=True)
    M("virDomain", "setIOThreadParams", t, I(1), P({"poll_max_ns": 1000}), F(), tag=_d,
      variants=vv("setIOThreadParams"), fresh=True)
    M("virDomain", "setBlkioParameters", t, P({"weight": 500}), F(), tag=_d,
      variants=vv("setBlkioParameters"),
      fresh=True)
    M("virDomain", "setMemoryParameters", t, P({"hard_limit": 1048576}), F(), tag=_d,
      variants=vv("setMemoryParameters"),
      fresh=True)
    M("virDomain", "setNumaParameters", t, P({"numa_nodeset": "0"}), F(), tag=_d,
      variants=vv("setNumaParameters"),
      fresh=True)
    M("virDomain", "setPerfEvents", t, P({"cmt": True}), F(), tag=_d, variants=vv("setPerfEvents"),
      fresh=True)
    M("virDomain", "setInterfaceParameters", t, S("testnet0"), P({"inbound.average": 1000}), F(),
      tag=_d, variants=vv("setInterfaceParameters"), fresh=True)
    M("virDomain", "setBlockIoTune", t, S("vda"), P({"total_bytes_sec": 1000000,
                                                     "total_bytes_sec_max": 2000000}), F(), tag=_d,
      variants=vv("setBlockIoTune"), fresh=True)
    M("virDomain", "setMemoryStatsPeriod", t, I(5), F(), tag=_d,
      variants=vv("setMemoryStatsPeriod"), fresh=True)
    M("virDomain", "setTime", t, D({"seconds": 1600000000, "nseconds": 0}), F(), tag=_d,
      variants=vv("setTime"), fresh=True)
    M("virDomain", "setUserPassword", t, S("root"), S("secret"), F(), tag=_d,
      variants=vv("setUserPassword"),
      fresh=True)
    M("virDomain", "setVcpu", t, S("1"), I(0), F(), tag=_d, variants=vv("setVcpu"), fresh=True)
    M("virDomain", "setGuestVcpus", t, S("1"), I(0), F(), tag=_d, variants=vv("setGuestVcpus"),
      fresh=True)
    M("virDomain", "setBlockThreshold", t, S("vda"), I(1 << 20), F(), tag=_d,
      variants=vv("setBlockThreshold"),
      fresh=True)
    M("virDomain", "setLaunchSecurityState", t, P({"sev-secret": "x"}), F(), tag=_d,
      variants=vv("setLaunchSecurityState"),
      fresh=True)
    M("virDomain", "sendKey", t, I(K("VIR_KEYCODE_SET_LINUX")), I(0), L([30, 48]), I(2), F(),
      tag=_d, variants=vv("sendKey"), fresh=True)
    M("virDomain", "sendProcessSignal", t, I(1), I(K("VIR_DOMAIN_PROCESS_SIGNAL_TERM")), F(),
      tag=_d, variants=vv("sendProcessSignal"), fresh=True)
    M("virDomain", "pMSuspendForDuration", t, I(K("VIR_NODE_SUSPEND_TARGET_MEM")), I(0), F(),
      tag=_d, variants=vv("pMSuspendForDuration"), fresh=True, post=st)
    M("virDomain", "fSTrim", t, S(None), I(0), F(), tag=_d, variants=vv("fSTrim"), fresh=True)
    M("virDomain", "fsFreeze", t, L(["/"]), F(), tag=_d, variants=vv("fsFreeze"), fresh=True)
    M("virDomain", "fsThaw", t, L(["/"]), F(), tag=_d, variants=vv("fsThaw"), fresh=True)
    M("virDomain", "agentSetResponseTimeout", t, I(5), F(), tag=_d,
      variants=vv("agentSetResponseTimeout"), fresh=True)
    M("virDomain", "authorizedSSHKeysSet", t, S("root"), L(["ssh-ed25519 AAAA x@y"]), F(),
      tag=_d, variants=vv("authorizedSSHKeysSet"), fresh=True)
    M("virDomain", "migrateSetCompressionCache", t, I(1 << 20), F(), tag=_d,
      variants=vv("migrateSetCompressionCache"),
      fresh=True)
    M("virDomain", "migrateSetMaxDowntime", t, I(100), F(), tag=_d,
      variants=vv("migrateSetMaxDowntime"), fresh=True)
    M("virDomain", "migrateSetMaxSpeed", t, I(100), F(), tag=_d, variants=vv("migrateSetMaxSpeed"),
      fresh=True)
    M("virDomain", "startDirtyRateCalc", t, I(1), F(), tag=_d, variants=vv("startDirtyRateCalc"),
      fresh=True)
    M("virDomain", "managedSaveDefineXML", t, S(None), F(), tag=_d,
      variants=vv("managedSaveDefineXML"), fresh=True)
    M("virDomain", "detachDevice", t, S(ALPHA_DISK_XML), tag=_d, variants=vv("detachDevice"),
      fresh=True, post=_dxml(_d))
    M("virDomain", "detachDeviceFlags", t, S(ALPHA_DISK_XML), F(K("VIR_DOMAIN_AFFECT_CONFIG")),
      tag=_d, variants=vv("detachDeviceFlags"), fresh=True,
      post=_dxml(_d, K("VIR_DOMAIN_XML_INACTIVE")))
    M("virDomain", "detachDeviceAlias", t, S("virtio-disk0"), F(K("VIR_DOMAIN_AFFECT_CONFIG")),
      tag=_d, variants=vv("detachDeviceAlias"), fresh=True)
    M("virDomain", "updateDeviceFlags", t, S(ALPHA_DISK_XML), F(K("VIR_DOMAIN_AFFECT_CONFIG")),
      tag=_d, variants=vv("updateDeviceFlags"), fresh=True)
    M("virDomain", "blockCommit", t, S("vda"), S(None), S(None), I(0), F(), tag=_d,
      variants=vv("blockCommit"),
      fresh=True)
    M("virDomain", "blockCopy", t, S("vda"), S("<disk type='file'><source file='/tmp/copy.img'/>"
                                            "</disk>"), P({"bandwidth": 1000}), F(), tag=_d,
      variants=vv("blockCopy"), fresh=True)
    M("virDomain", "blockJobAbort", t, S("vda"), F(), tag=_d, variants=vv("blockJobAbort"),
      fresh=True)
    M("virDomain", "blockJobSetSpeed", t, S("vda"), I(100), F(), tag=_d,
      variants=vv("blockJobSetSpeed"), fresh=True)
    M("virDomain", "blockPull", t, S("vda"), I(0), F(), tag=_d, variants=vv("blockPull"),
      fresh=True)
    M("virDomain", "blockRebase", t, S("vda"), S(None), I(0), F(), tag=_d,
      variants=vv("blockRebase"), fresh=True)
    M("virDomain", "blockResize", t, S("vda"), I(1 << 30), F(), tag=_d, variants=vv("blockResize"),
      fresh=True)
    M("virDomain", "backupBegin", t, S("<domainbackup/>"), S(None), F(), tag=_d,
      variants=vv("backupBegin"),
      fresh=True)
    M("virDomain", "FDAssociate", t, S("fdgroup"), L(DEVNULL_FDS), F(), tag=_d,
      variants=vv("FDAssociate"), fresh=True)
    M("virDomain", "openConsole", t, S(None), O(R("stream")), F(), tag=_d,
      variants=vv("openConsole"), fresh=True)
    M("virDomain", "openChannel", t, S("org.qemu.guest_agent.0"), O(R("stream")), F(), tag=_d,
      variants=vv("openChannel"), fresh=True)
    M("virDomain", "screenshot", t, O(R("stream")), I(0), F(), tag=_d, variants=vv("screenshot"),
      fresh=True)
    M("virDomain", "revertToSnapshot", t, O(R("snap:alpha/snap1")), F(), tag=_d,
      variants=vv("revertToSnapshot"),
      fresh=True, post=st)
    M("virDomain", "migrate", t, O(R("roconn")), F(), S(None), S(None), I(0), tag=_d,
      variants=vv("migrate"),
      fresh=True)
    M("virDomain", "migrate2", t, O(R("roconn")), S(None), F(), S(None), S(None), I(0), tag=_d,
      variants=vv("migrate2"), fresh=True)
    M("virDomain", "migrate3", t, O(R("roconn")), P({"destination_name": "moved"}), F(), tag=_d,
      variants=vv("migrate3"), fresh=True)
    M("virDomain", "migrateToURI", t, S("test:///default"), F(), S(None), I(0), tag=_d,
      variants=vv("migrateToURI"), fresh=True)
    M("virDomain", "migrateToURI2", t, S("test:///default"), S(None), S(None), F(), S(None), I(0),
      tag=_d, variants=vv("migrateToURI2"), fresh=True)
    M("virDomain", "migrateToURI3", t, S("test:///default"), P({"destination_name": "moved"}), F(),
      tag=_d, variants=vv("migrateToURI3"), fresh=True)
M("virDomain", "setMemory", "dom:alpha", I(1 << 40), tag="too-much", variants=False, fresh=True)
M("virDomain", "setVcpus", "dom:alpha", I(0), tag="zero", variants=False, fresh=True)
M("virDomain", "setVcpusFlags", "dom:alpha", I(3), F(K("VIR_DOMAIN_AFFECT_LIVE")), tag="live",
  variants=False, fresh=True, post=_dinfo("alpha"))
M("virDomain", "managedSaveRemove", "dom:epsilon", F(), tag="epsilon", variants=False, fresh=True,
  post=lambda ctx: ctx.conn.lookupByName("epsilon").hasManagedSaveImage(0))
M("virDomain", "createWithFlags", "dom:epsilon", F(), tag="epsilon", variants=False, fresh=True,
  post=_dstate("epsilon"))
M("virDomain", "createWithFlags", "dom:gamma", F(K("VIR_DOMAIN_START_PAUSED")), tag="gamma-paused",
  variants=False, fresh=True, post=_dstate("gamma"))
M("virDomain", "undefineFlags", "dom:alpha", F(K("VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA")),
  tag="alpha-snapshots", variants=False, fresh=True, post=_dexists("alpha"))
M("virDomain", "undefineFlags", "dom:epsilon", F(K("VIR_DOMAIN_UNDEFINE_MANAGED_SAVE")),
  tag="epsilon-managed", variants=False, fresh=True, post=_dexists("epsilon"))
M("virDomain", "destroy", "dom:delta", tag="transient", fresh=True, post=_dexists("delta"))
M("virDomain", "setMetadata", "dom:alpha", I(K("VIR_DOMAIN_METADATA_ELEMENT")), S(None), S(None),
  S(META_NS), F(), tag="remove", variants=False, fresh=True, post=_dxml("alpha"))
M("virDomain", "sendKey", "dom:alpha", I(K("VIR_KEYCODE_SET_LINUX")), I(0), L([30, 48]), I(5), F(),
  tag="nkeycodes-too-big", variants=False, fresh=True)
M("virDomain", "sendKey", "dom:alpha", I(K("VIR_KEYCODE_SET_LINUX")), I(0), X(["a"]), I(1), F(),
  tag="str-keycode", variants=False, fresh=True)
M("virDomain", "pinVcpu", "dom:alpha", I(0), X((1, 0)), tag="int-map", variants=False, fresh=True)
M("virDomain", "pinVcpu", "dom:alpha", I(0), X((True,) * 64), tag="long-map", variants=False,
  fresh=True)
M("virDomain", "pinVcpu", "dom:alpha", I(7), X((True,)), tag="bad-vcpu", variants=False,
  fresh=True)
M("virDomain", "setTime", "dom:alpha", tag="default", fresh=True)
M("virDomain", "setTime", "dom:alpha", D({"seconds": 1600000000}), F(K("VIR_DOMAIN_TIME_SYNC")),
  tag="sync", variants=False, fresh=True)
M("virDomain", "setTime", "dom:alpha", X({"nseconds": 1}), F(), tag="no-seconds", variants=False,
  fresh=True)
M("virDomain", "setTime", "dom:alpha", X({"seconds": 1.5}), F(), tag="float", variants=False,
  fresh=True)
M("virDomain", "fsFreeze", "dom:alpha", tag="default", fresh=True)
M("virDomain", "fsThaw", "dom:alpha", tag="default", fresh=True)
M("virDomain", "authorizedSSHKeysSet", "dom:alpha", S("root"), tag="default", fresh=True)
M("virDomain", "blockCopy", "dom:alpha", S("vda"), S("<disk/>"), tag="default", fresh=True)
M("virDomain", "migrate", "dom:alpha", O(R("roconn")), tag="default", fresh=True)
M("virDomain", "migrateToURI2", "dom:alpha", tag="default", fresh=True)
C("virDomain.revertToSnapshot#snap2-then-info",
  lambda ctx: (ctx.conn.lookupByName("alpha").revertToSnapshot(
      ctx.conn.lookupByName("alpha").snapshotLookupByName("snap1", 0), 0),
      ctx.conn.lookupByName("alpha").snapshotCurrent(0).getName()),
  fresh=True, covers=["virDomain.revertToSnapshot"])
C("virDomain.revertToSnapshot#not-a-snapshot",
  lambda ctx: ctx.conn.lookupByName("alpha").revertToSnapshot(ctx.conn.lookupByName("alpha"), 0),
  fresh=True, covers=["virDomain.revertToSnapshot"])
C("virDomain.screenshot#read", lambda ctx: (lambda st: (
    ctx.conn.lookupByName("alpha").screenshot(st, 0), len(st.recv(1 << 20)), st.finish()))(
        ctx.conn.newStream(0)), fresh=True, covers=["virDomain.screenshot"])
