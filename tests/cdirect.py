"""Independent access to libvirt's C API, for cross-checking the binding.

This module talks to libvirt.so.0 directly through cffi in ABI mode, with
only the handful of declarations the tests need.  It never imports
``libvirt`` (the binding under test), so values read here are an
independent source of truth: tests open a connection of their own to the
same URI and compare what the binding returns with what the C functions
return.

Notes for users:

* ``test:///default`` connections opened in one process share a single
  driver state for as long as at least one of them is open, so a
  ``Connection('test:///default')`` opened here sees the changes made
  through the binding's connection (and vice versa).  Connections to a
  driver XML file each get a private, fresh state.
* libvirt keeps a per-thread "last error".  ``last_error()`` reads it
  without resetting it, so it can be called right after a failing binding
  call to see the error libvirt reported.
* A failing C call here goes through libvirt's error reporting like any
  other, so a handler registered with the binding's
  ``registerErrorHandler`` sees it too.  Avoid failing calls while such a
  handler is being checked.
"""

import cffi

CDEFS = r"""
typedef struct _virConnect *virConnectPtr;
typedef struct _virDomain *virDomainPtr;
typedef struct _virNetwork *virNetworkPtr;
typedef struct _virStoragePool *virStoragePoolPtr;
typedef struct _virStorageVol *virStorageVolPtr;

typedef struct {
    char field[80];
    int type;
    union {
        int i;
        unsigned int ui;
        long long l;
        unsigned long long ul;
        double d;
        char b;
        char *s;
    } value;
} virTypedParameter;

typedef struct {
    int code;
    int domain;
    char *message;
    int level;
    virConnectPtr conn;
    virDomainPtr dom;
    char *str1;
    char *str2;
    char *str3;
    int int1;
    int int2;
    virNetworkPtr net;
} virError;

typedef struct {
    unsigned char state;
    unsigned long maxMem;
    unsigned long memory;
    unsigned short nrVirtCpu;
    unsigned long long cpuTime;
} virDomainInfo;

typedef struct {
    char model[32];
    unsigned long memory;
    unsigned int cpus;
    unsigned int mhz;
    unsigned int nodes;
    unsigned int sockets;
    unsigned int cores;
    unsigned int threads;
} virNodeInfo;

typedef struct {
    int tag;
    unsigned long long val;
} virDomainMemoryStatStruct;

typedef struct {
    char field[80];
    unsigned long long value;
} virNodeCPUStats;

typedef struct {
    virDomainPtr dom;
    virTypedParameter *params;
    int nparams;
} virDomainStatsRecord;

typedef struct {
    unsigned int number;
    int state;
    unsigned long long cpuTime;
    int cpu;
} virVcpuInfo;

typedef struct {
    int state;
    unsigned long long capacity;
    unsigned long long allocation;
    unsigned long long available;
} virStoragePoolInfo;

typedef struct {
    int type;
    unsigned long long capacity;
    unsigned long long allocation;
} virStorageVolInfo;

int virGetVersion(unsigned long *libVer, const char *type,
                  unsigned long *typeVer);
virError *virGetLastError(void);
void virResetLastError(void);
int virGetLastErrorCode(void);
int virGetLastErrorDomain(void);
const char *virGetLastErrorMessage(void);
void virTypedParamsClear(virTypedParameter *params, int nparams);

virConnectPtr virConnectOpen(const char *name);
virConnectPtr virConnectOpenReadOnly(const char *name);
int virConnectClose(virConnectPtr conn);
int virConnectGetVersion(virConnectPtr conn, unsigned long *hvVer);
int virConnectGetLibVersion(virConnectPtr conn, unsigned long *libVer);
const char *virConnectGetType(virConnectPtr conn);
char *virConnectGetURI(virConnectPtr conn);
char *virConnectGetHostname(virConnectPtr conn);
char *virConnectGetCapabilities(virConnectPtr conn);
char *virConnectGetSysinfo(virConnectPtr conn, unsigned int flags);
int virConnectGetMaxVcpus(virConnectPtr conn, const char *type);
int virConnectIsSecure(virConnectPtr conn);
int virConnectIsEncrypted(virConnectPtr conn);
int virConnectIsAlive(virConnectPtr conn);
int virNodeGetInfo(virConnectPtr conn, virNodeInfo *info);
int virNodeGetCPUStats(virConnectPtr conn, int cpuNum,
                       virNodeCPUStats *params, int *nparams,
                       unsigned int flags);
int virNodeGetCellsFreeMemory(virConnectPtr conn,
                              unsigned long long *freeMems,
                              int startCell, int maxCells);
unsigned long long virNodeGetFreeMemory(virConnectPtr conn);
int virNodeGetCPUMap(virConnectPtr conn, unsigned char **cpumap,
                     unsigned int *online, unsigned int flags);

int virConnectNumOfDomains(virConnectPtr conn);
int virConnectNumOfDefinedDomains(virConnectPtr conn);
int virConnectListDomains(virConnectPtr conn, int *ids, int maxids);
int virConnectListDefinedDomains(virConnectPtr conn, char **names,
                                 int maxnames);
int virConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains,
                             unsigned int flags);
int virConnectGetAllDomainStats(virConnectPtr conn, unsigned int stats,
                                virDomainStatsRecord ***retStats,
                                unsigned int flags);
void virDomainStatsRecordListFree(virDomainStatsRecord **stats);

virDomainPtr virDomainLookupByName(virConnectPtr conn, const char *name);
int virDomainFree(virDomainPtr domain);
const char *virDomainGetName(virDomainPtr domain);
unsigned int virDomainGetID(virDomainPtr domain);
int virDomainGetUUID(virDomainPtr domain, unsigned char *uuid);
int virDomainGetUUIDString(virDomainPtr domain, char *buf);
char *virDomainGetOSType(virDomainPtr domain);
unsigned long virDomainGetMaxMemory(virDomainPtr domain);
int virDomainGetMaxVcpus(virDomainPtr domain);
int virDomainGetInfo(virDomainPtr domain, virDomainInfo *info);
int virDomainGetState(virDomainPtr domain, int *state, int *reason,
                      unsigned int flags);
int virDomainIsActive(virDomainPtr dom);
int virDomainIsPersistent(virDomainPtr dom);
int virDomainGetAutostart(virDomainPtr domain, int *autostart);
int virDomainSetMemory(virDomainPtr domain, unsigned long memory);
char *virDomainGetXMLDesc(virDomainPtr domain, unsigned int flags);
char *virDomainGetHostname(virDomainPtr domain, unsigned int flags);
int virDomainHasManagedSaveImage(virDomainPtr dom, unsigned int flags);
int virDomainSnapshotNum(virDomainPtr domain, unsigned int flags);
int virDomainMemoryStats(virDomainPtr dom,
                         virDomainMemoryStatStruct *stats,
                         unsigned int nr_stats, unsigned int flags);
char *virDomainGetSchedulerType(virDomainPtr domain, int *nparams);
int virDomainGetSchedulerParameters(virDomainPtr domain,
                                    virTypedParameter *params,
                                    int *nparams);
int virDomainGetSchedulerParametersFlags(virDomainPtr domain,
                                         virTypedParameter *params,
                                         int *nparams, unsigned int flags);
int virDomainGetMemoryParameters(virDomainPtr domain,
                                 virTypedParameter *params,
                                 int *nparams, unsigned int flags);
int virDomainGetBlkioParameters(virDomainPtr domain,
                                virTypedParameter *params,
                                int *nparams, unsigned int flags);
int virDomainGetVcpus(virDomainPtr domain, virVcpuInfo *info, int maxinfo,
                      unsigned char *cpumaps, int maplen);

virNetworkPtr virNetworkLookupByName(virConnectPtr conn, const char *name);
int virNetworkFree(virNetworkPtr network);
int virNetworkIsActive(virNetworkPtr net);
int virNetworkIsPersistent(virNetworkPtr net);
int virNetworkGetUUIDString(virNetworkPtr network, char *buf);
char *virNetworkGetBridgeName(virNetworkPtr network);
int virConnectNumOfNetworks(virConnectPtr conn);
int virConnectNumOfDefinedNetworks(virConnectPtr conn);

virStoragePoolPtr virStoragePoolLookupByName(virConnectPtr conn,
                                             const char *name);
int virStoragePoolFree(virStoragePoolPtr pool);
int virStoragePoolGetInfo(virStoragePoolPtr pool, virStoragePoolInfo *info);
int virStoragePoolNumOfVolumes(virStoragePoolPtr pool);
virStorageVolPtr virStorageVolLookupByName(virStoragePoolPtr pool,
                                           const char *name);
int virStorageVolFree(virStorageVolPtr vol);
int virStorageVolGetInfo(virStorageVolPtr vol, virStorageVolInfo *info);

void free(void *ptr);
"""

ffi = cffi.FFI()
ffi.cdef(CDEFS)
lib = ffi.dlopen("libvirt.so.0")
# memory returned by libvirt (strings, arrays) is released with free()
libc = ffi.dlopen(None)

# virTypedParameterType (libvirt-common.h)
TYPED_PARAM_INT = 1
TYPED_PARAM_UINT = 2
TYPED_PARAM_LLONG = 3
TYPED_PARAM_ULLONG = 4
TYPED_PARAM_DOUBLE = 5
TYPED_PARAM_BOOLEAN = 6
TYPED_PARAM_STRING = 7

# virDomainMemoryStatTags (libvirt-domain.h); VIR_DOMAIN_MEMORY_STAT_NR
MEMORY_STAT_NR = 13


class CDirectError(Exception):
    """A C call failed; ``err`` is libvirt's last error as a 9-tuple."""

    def __init__(self, func, err):
        super().__init__("%s failed: %r" % (func, err))
        self.func = func
        self.err = err


def _str(cdata):
    return None if cdata == ffi.NULL else ffi.string(cdata).decode("utf-8")


def _take_str(cdata, func):
    """Convert a malloc'ed char* returned by libvirt and free it."""
    if cdata == ffi.NULL:
        raise CDirectError(func, last_error())
    try:
        return ffi.string(cdata).decode("utf-8")
    finally:
        libc.free(cdata)


def _check(ret, func, bad=-1):
    if ret == bad:
        raise CDirectError(func, last_error())
    return ret


def _call(func, *args, bad=-1):
    """lib.<func>(*args), checked by _check."""
    return _check(getattr(lib, func)(*args), func, bad)


def _call_str(func, *args):
    """The malloc'ed string lib.<func>(*args) returns, taken by _take_str."""
    return _take_str(getattr(lib, func)(*args), func)


def _ptr_call(call, func, *extra):
    """A method returning call(func, self.ptr, *extra): _call or _call_str of
    a C function taking the object alone (and constant flags)."""
    def method(self):
        return call(func, self.ptr, *extra)
    return method


def last_error():
    """libvirt's last error in this thread as
    (code, domain, message, level, str1, str2, str3, int1, int2),
    or None when no error is set.  Does not reset it."""
    e = lib.virGetLastError()
    if e == ffi.NULL:
        return None
    return (e.code, e.domain, _str(e.message), e.level,
            _str(e.str1), _str(e.str2), _str(e.str3), e.int1, e.int2)


def reset_last_error():
    lib.virResetLastError()


def last_error_code():
    return lib.virGetLastErrorCode()


def last_error_domain():
    return lib.virGetLastErrorDomain()


def last_error_message():
    return _str(lib.virGetLastErrorMessage())


def lib_version():
    """virGetVersion(): the library version as an int (major*1e6+...)."""
    ver = ffi.new("unsigned long *")
    _call("virGetVersion", ver, ffi.NULL, ffi.NULL)
    return int(ver[0])


def typed_param_value(p):
    """(type, python value) of one virTypedParameter."""
    t = p.type
    if t == TYPED_PARAM_INT:
        return t, p.value.i
    if t == TYPED_PARAM_UINT:
        return t, p.value.ui
    if t == TYPED_PARAM_LLONG:
        return t, p.value.l
    if t == TYPED_PARAM_ULLONG:
        return t, p.value.ul
    if t == TYPED_PARAM_DOUBLE:
        return t, p.value.d
    if t == TYPED_PARAM_BOOLEAN:
        return t, p.value.b != b"\0"
    if t == TYPED_PARAM_STRING:
        return t, _str(p.value.s)
    raise ValueError("unknown typed parameter type %d" % t)


def typed_params_dict(params, n):
    """{field: (type, value)} of an array of n virTypedParameter."""
    out = {}
    for i in range(n):
        out[ffi.string(params[i].field).decode("utf-8")] = \
            typed_param_value(params[i])
    return out


class Connection:
    """A connection opened with virConnectOpen / virConnectOpenReadOnly."""

    def __init__(self, uri, readonly=False):
        opener = lib.virConnectOpenReadOnly if readonly else lib.virConnectOpen
        ptr = opener(uri.encode("utf-8"))
        if ptr == ffi.NULL:
            raise CDirectError("virConnectOpen", last_error())
        self.ptr = ptr
        self.uri = uri

    def close(self):
        if self.ptr is not None:
            ret = lib.virConnectClose(self.ptr)
            self.ptr = None
            return ret
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- connection / host --------------------------------------------
    def version(self):
        v = ffi.new("unsigned long *")
        _call("virConnectGetVersion", self.ptr, v)
        return int(v[0])

    def lib_version(self):
        v = ffi.new("unsigned long *")
        _call("virConnectGetLibVersion", self.ptr, v)
        return int(v[0])

    def type(self):
        t = lib.virConnectGetType(self.ptr)
        if t == ffi.NULL:
            raise CDirectError("virConnectGetType", last_error())
        return _str(t)

    get_uri = _ptr_call(_call_str, "virConnectGetURI")
    hostname = _ptr_call(_call_str, "virConnectGetHostname")
    capabilities = _ptr_call(_call_str, "virConnectGetCapabilities")
    sysinfo = _ptr_call(_call_str, "virConnectGetSysinfo", 0)

    def max_vcpus(self, type=None):
        arg = ffi.NULL if type is None else type.encode("utf-8")
        return _call("virConnectGetMaxVcpus", self.ptr, arg)

    is_secure = _ptr_call(_call, "virConnectIsSecure")
    is_encrypted = _ptr_call(_call, "virConnectIsEncrypted")
    is_alive = _ptr_call(_call, "virConnectIsAlive")

    def node_info(self):
        """virNodeGetInfo as a dict (memory in KiB, as libvirt gives it)."""
        info = ffi.new("virNodeInfo *")
        _call("virNodeGetInfo", self.ptr, info)
        return {
            "model": ffi.string(info.model).decode("utf-8"),
            "memory": int(info.memory),
            "cpus": info.cpus,
            "mhz": info.mhz,
            "nodes": info.nodes,
            "sockets": info.sockets,
            "cores": info.cores,
            "threads": info.threads,
        }

    def node_cpu_stats(self, cpu=-1, flags=0):
        """virNodeGetCPUStats as {field: value}."""
        n = ffi.new("int *", 0)
        _call("virNodeGetCPUStats", self.ptr, cpu, ffi.NULL, n, flags)
        params = ffi.new("virNodeCPUStats[]", max(n[0], 1))
        _call("virNodeGetCPUStats", self.ptr, cpu, params, n, flags)
        return {ffi.string(params[i].field).decode("utf-8"):
                int(params[i].value) for i in range(n[0])}

    def cells_free_memory(self, start, maxcells):
        mems = ffi.new("unsigned long long[]", max(maxcells, 1))
        n = _call("virNodeGetCellsFreeMemory", self.ptr, mems, start, maxcells)
        return [int(mems[i]) for i in range(n)]

    def free_memory(self):
        return int(lib.virNodeGetFreeMemory(self.ptr))

    def cpu_map(self):
        """virNodeGetCPUMap as (ncpus, [bool per cpu], online)."""
        cmap = ffi.new("unsigned char **")
        online = ffi.new("unsigned int *")
        n = _call("virNodeGetCPUMap", self.ptr, cmap, online, 0)
        try:
            bits = [bool(cmap[0][i // 8] & (1 << (i % 8))) for i in range(n)]
        finally:
            libc.free(cmap[0])
        return n, bits, int(online[0])

    # --- domains --------------------------------------------------------
    num_domains = _ptr_call(_call, "virConnectNumOfDomains")
    num_defined_domains = _ptr_call(_call, "virConnectNumOfDefinedDomains")

    def list_domain_ids(self):
        n = self.num_domains()
        ids = ffi.new("int[]", max(n, 1))
        got = _call("virConnectListDomains", self.ptr, ids, n)
        return [ids[i] for i in range(got)]

    def list_defined_domains(self):
        n = self.num_defined_domains()
        names = ffi.new("char *[]", max(n, 1))
        got = _call("virConnectListDefinedDomains", self.ptr, names, n)
        out = []
        for i in range(got):
            out.append(ffi.string(names[i]).decode("utf-8"))
            libc.free(names[i])
        return out

    def list_all_domain_names(self, flags=0):
        """Names of virConnectListAllDomains(flags), in libvirt's order."""
        arr = ffi.new("virDomainPtr **")
        n = _call("virConnectListAllDomains", self.ptr, arr, flags)
        names = []
        try:
            for i in range(n):
                names.append(_str(lib.virDomainGetName(arr[0][i])))
                lib.virDomainFree(arr[0][i])
        finally:
            libc.free(arr[0])
        return names

    def all_domain_stats(self, stats=0, flags=0):
        """virConnectGetAllDomainStats as {domain name: {field: (type, value)}}."""
        rec = ffi.new("virDomainStatsRecord ***")
        n = _call("virConnectGetAllDomainStats", self.ptr, stats, rec, flags)
        out = {}
        try:
            for i in range(n):
                r = rec[0][i]
                out[_str(lib.virDomainGetName(r.dom))] = \
                    typed_params_dict(r.params, r.nparams)
        finally:
            lib.virDomainStatsRecordListFree(rec[0])
        return out

    def domain(self, name):
        ptr = lib.virDomainLookupByName(self.ptr, name.encode("utf-8"))
        if ptr == ffi.NULL:
            raise CDirectError("virDomainLookupByName", last_error())
        return Domain(ptr)

    def domain_lookup_error(self, name):
        """Look a domain up by name (None passes NULL), expecting failure:
        returns libvirt's error (None if the lookup succeeded)."""
        arg = ffi.NULL if name is None else name.encode("utf-8")
        ptr = lib.virDomainLookupByName(self.ptr, arg)
        if ptr != ffi.NULL:
            lib.virDomainFree(ptr)
            return None
        return last_error()

    # --- networks -------------------------------------------------------
    num_networks = _ptr_call(_call, "virConnectNumOfNetworks")
    num_defined_networks = _ptr_call(_call, "virConnectNumOfDefinedNetworks")

    def network(self, name):
        ptr = lib.virNetworkLookupByName(self.ptr, name.encode("utf-8"))
        if ptr == ffi.NULL:
            raise CDirectError("virNetworkLookupByName", last_error())
        try:
            buf = ffi.new("char[]", 37)
            _call("virNetworkGetUUIDString", ptr, buf)
            return {
                "active": _call("virNetworkIsActive", ptr),
                "persistent": _call("virNetworkIsPersistent", ptr),
                "uuid": ffi.string(buf).decode("ascii"),
                "bridge": _call_str("virNetworkGetBridgeName", ptr),
            }
        finally:
            lib.virNetworkFree(ptr)

    # --- storage --------------------------------------------------------
    def pool_info(self, name):
        """virStoragePoolGetInfo as [state, capacity, allocation, available]."""
        ptr = lib.virStoragePoolLookupByName(self.ptr, name.encode("utf-8"))
        if ptr == ffi.NULL:
            raise CDirectError("virStoragePoolLookupByName", last_error())
        try:
            info = ffi.new("virStoragePoolInfo *")
            _call("virStoragePoolGetInfo", ptr, info)
            return [info.state, int(info.capacity), int(info.allocation),
                    int(info.available)]
        finally:
            lib.virStoragePoolFree(ptr)

    def volume_info(self, pool, vol):
        """virStorageVolGetInfo as [type, capacity, allocation]."""
        pptr = lib.virStoragePoolLookupByName(self.ptr, pool.encode("utf-8"))
        if pptr == ffi.NULL:
            raise CDirectError("virStoragePoolLookupByName", last_error())
        try:
            vptr = lib.virStorageVolLookupByName(pptr, vol.encode("utf-8"))
            if vptr == ffi.NULL:
                raise CDirectError("virStorageVolLookupByName", last_error())
            try:
                info = ffi.new("virStorageVolInfo *")
                _call("virStorageVolGetInfo", vptr, info)
                return [info.type, int(info.capacity), int(info.allocation)]
            finally:
                lib.virStorageVolFree(vptr)
        finally:
            lib.virStoragePoolFree(pptr)


class Domain:
    """A virDomainPtr; released with free() or when garbage collected."""

    def __init__(self, ptr):
        self.ptr = ptr

    def free(self):
        if self.ptr is not None:
            lib.virDomainFree(self.ptr)
            self.ptr = None

    def __del__(self):
        try:
            self.free()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.free()

    def name(self):
        return _str(lib.virDomainGetName(self.ptr))

    def id(self):
        """virDomainGetID; (unsigned)-1 for inactive domains is returned
        as -1."""
        v = lib.virDomainGetID(self.ptr)
        return -1 if v == 0xFFFFFFFF else v

    def uuid(self):
        buf = ffi.new("unsigned char[]", 16)
        _call("virDomainGetUUID", self.ptr, buf)
        return bytes(ffi.buffer(buf, 16))

    def uuid_string(self):
        buf = ffi.new("char[]", 37)
        _call("virDomainGetUUIDString", self.ptr, buf)
        return ffi.string(buf).decode("ascii")

    os_type = _ptr_call(_call_str, "virDomainGetOSType")

    def max_memory(self):
        v = lib.virDomainGetMaxMemory(self.ptr)
        if v == 0:
            raise CDirectError("virDomainGetMaxMemory", last_error())
        return int(v)

    max_vcpus = _ptr_call(_call, "virDomainGetMaxVcpus")

    def info(self):
        """virDomainGetInfo as a dict."""
        info = ffi.new("virDomainInfo *")
        _call("virDomainGetInfo", self.ptr, info)
        return {
            "state": info.state,
            "maxMem": int(info.maxMem),
            "memory": int(info.memory),
            "nrVirtCpu": info.nrVirtCpu,
            "cpuTime": int(info.cpuTime),
        }

    def state(self, flags=0):
        state = ffi.new("int *")
        reason = ffi.new("int *")
        _call("virDomainGetState", self.ptr, state, reason, flags)
        return state[0], reason[0]

    is_active = _ptr_call(_call, "virDomainIsActive")
    is_persistent = _ptr_call(_call, "virDomainIsPersistent")

    def autostart(self):
        v = ffi.new("int *")
        _call("virDomainGetAutostart", self.ptr, v)
        return v[0]

    def set_memory(self, kib):
        """virDomainSetMemory; kib is converted to C unsigned long."""
        return _call("virDomainSetMemory", self.ptr, kib)

    def xml_desc(self, flags=0):
        return _call_str("virDomainGetXMLDesc", self.ptr, flags)

    def hostname(self, flags=0):
        return _call_str("virDomainGetHostname", self.ptr, flags)

    has_managed_save = _ptr_call(_call, "virDomainHasManagedSaveImage", 0)

    def snapshot_num(self, flags=0):
        return _call("virDomainSnapshotNum", self.ptr, flags)

    def memory_stats(self):
        """virDomainMemoryStats as {tag (int): value}."""
        stats = ffi.new("virDomainMemoryStatStruct[]", MEMORY_STAT_NR)
        n = _call("virDomainMemoryStats", self.ptr, stats, MEMORY_STAT_NR, 0)
        return {stats[i].tag: int(stats[i].val) for i in range(n)}

    def scheduler_type(self):
        """virDomainGetSchedulerType as (name, nparams)."""
        n = ffi.new("int *")
        name = _call_str("virDomainGetSchedulerType", self.ptr, n)
        return name, n[0]

    def _typed(self, func, name, nparams, *extra):
        n = ffi.new("int *", nparams)
        params = ffi.new("virTypedParameter[]", max(nparams, 1))
        _check(func(self.ptr, params, n, *extra), name)
        try:
            return typed_params_dict(params, n[0])
        finally:
            lib.virTypedParamsClear(params, n[0])

    def scheduler_parameters(self):
        """virDomainGetSchedulerParameters as {field: (type, value)}."""
        _, nparams = self.scheduler_type()
        return self._typed(lib.virDomainGetSchedulerParameters,
                           "virDomainGetSchedulerParameters", nparams)

    def scheduler_parameters_flags(self, flags=0):
        _, nparams = self.scheduler_type()
        return self._typed(lib.virDomainGetSchedulerParametersFlags,
                           "virDomainGetSchedulerParametersFlags", nparams,
                           flags)

    def _typed_counted(self, func, name, flags):
        n = ffi.new("int *", 0)
        _check(func(self.ptr, ffi.NULL, n, flags), name)
        return self._typed(func, name, n[0], flags)

    def memory_parameters(self, flags=0):
        return self._typed_counted(lib.virDomainGetMemoryParameters,
                                   "virDomainGetMemoryParameters", flags)

    def blkio_parameters(self, flags=0):
        return self._typed_counted(lib.virDomainGetBlkioParameters,
                                   "virDomainGetBlkioParameters", flags)

    def vcpus(self, ncpus):
        """virDomainGetVcpus as ([(number, state, cpuTime, cpu)...],
        [[bool]*ncpus per vcpu]) for a host with ncpus CPUs in its map."""
        nvcpu = self.info()["nrVirtCpu"]
        maplen = (ncpus + 7) // 8
        infos = ffi.new("virVcpuInfo[]", max(nvcpu, 1))
        maps = ffi.new("unsigned char[]", max(nvcpu * maplen, 1))
        got = _call("virDomainGetVcpus", self.ptr, infos, nvcpu, maps, maplen)
        vinfo = [(infos[i].number, infos[i].state, int(infos[i].cpuTime),
                  infos[i].cpu) for i in range(got)]
        vmaps = [[bool(maps[i * maplen + j // 8] & (1 << (j % 8)))
                  for j in range(ncpus)] for i in range(got)]
        return vinfo, vmaps
