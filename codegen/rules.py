"""The generator's tables of rules, each entry with the reason it exists.

Everything the generator decides by name rather than by a function's C
signature is here, so that regenerating for a newer libvirt means reading
one file.  Naming (which class a function belongs to and its Python name)
lives in naming.py.
"""

from __future__ import annotations

import re

# The object classes, each with the class of the object a handle is
# obtained from (kept alive by it, and returned by its connect()/domain()/
# network() accessors), in the order of libvirtmod's kinds.
OWNERS = {
    "virConnect": None,
    "virDomain": "virConnect", "virNetwork": "virConnect", "virNetworkPort": "virNetwork",
    "virInterface": "virConnect", "virStoragePool": "virConnect", "virStorageVol": "virConnect",
    "virNodeDevice": "virConnect", "virSecret": "virConnect", "virNWFilter": "virConnect",
    "virNWFilterBinding": "virConnect", "virStream": "virConnect",
    "virDomainSnapshot": "virDomain", "virDomainCheckpoint": "virDomain",
}
# Each wraps a vir<Class>Ptr and releases our reference with vir<Class>Free,
# except a connection: virConnectClose.
RELEASE_FUNCTIONS = {"virConnect": "virConnectClose"}
# class -> (C handle type, function releasing our reference, owner class)
CLASSES = {cls: (cls + "Ptr", RELEASE_FUNCTIONS.get(cls, cls + "Free"), owner)
           for cls, owner in OWNERS.items()}

HANDLE_TYPES = {ctype: cls for cls, (ctype, _, _) in CLASSES.items()}

# The constructors, as the reference's: <class>(<owner>, _obj=None), the
# owner parameter named after the owner's class (CLASSES); virConnect(_obj=None).
CONSTRUCTOR_OWNER_PARAMS = {"virConnect": "conn", "virDomain": "dom", "virNetwork": "net"}

# Integer C types a Python int converts to, with the typewrappers.c helper.
INTEGER_TYPES = {
    "int": "int",
    "unsigned int": "uint",
    "long": "long",
    "unsigned long": "ulong",
    "long long": "llong",
    "unsigned long long": "ullong",
    "size_t": "size",
}

# ---- argument names the C type alone does not explain -------------------
# The generator reads a meaning from these C argument names, because the
# same C type also means something else elsewhere.

# A trailing `flags` of a libvirt function (not qemu/lxc: the reference
# requires it there) defaults to 0: every flags argument documents 0 as
# the default behaviour.
FLAGS_ARG, FLAGS_DEFAULT = "flags", "0"
# `const unsigned char *uuid` is a VIR_UUID_BUFLEN raw UUID in (str or bytes
# in Python); a lone `unsigned char *uuid` is the buffer a getter fills.
UUID_ARG = "uuid"
# A lone `char *buf` is the VIR_UUID_STRING_BUFLEN buffer of the
# Get*UUIDString getters (no other function has that signature).
UUID_STRING_ARG = "buf"
# `unsigned char *cpumap, int maplen` is one Python tuple of bools; other
# `unsigned char *` arguments are output buffers.
CPUMAP_ARG = "cpumap"
# `unsigned int nfds, int *fds` is one Python list of file descriptors;
# other `int *` arguments are outputs.
FD_ARRAY_ARGS = ("files", "fds")
# A function with one scalar output pointer is a getter (its result is the
# output) only when its name says so: virDomainGetAutostart(int *) is;
# virDomainBlockResize, say, is not a getter whatever its signature.
GETTER_WORD = "Get"
# Setters whose getter reads the current values (TYPED_SETTERS) pass on
# only the live/config choice of the setter's flags: a setter's other
# flags mean nothing to the getter, or something else (node and port
# setters take the same masks).
GETTER_FLAGS_MASK = "VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG"

# Functions returning an unsigned int whose all-ones value is a result,
# returned as -1 as the reference returns it (no other function of
# libvirt returns unsigned int).
UNSIGNED_MINUS_ONE = {
    "virDomainGetID": "(unsigned int)-1 is the ID of an inactive domain",
}

# Functions whose only work is reading data cached in the handle: no I/O,
# no driver call, so the GIL is kept (releasing it would cost more than the
# call).  Every other libvirt call releases the GIL.
NON_BLOCKING = {
    "virDomainGetName", "virDomainGetID", "virDomainGetUUID", "virDomainGetUUIDString",
    "virNetworkGetName", "virNetworkGetUUID", "virNetworkGetUUIDString",
    "virNetworkPortGetUUID", "virNetworkPortGetUUIDString",
    "virInterfaceGetName", "virInterfaceGetMACString",
    "virStoragePoolGetName", "virStoragePoolGetUUID", "virStoragePoolGetUUIDString",
    "virStorageVolGetName", "virStorageVolGetKey",
    "virNodeDeviceGetName",
    "virSecretGetUUID", "virSecretGetUUIDString", "virSecretGetUsageType", "virSecretGetUsageID",
    "virNWFilterGetName", "virNWFilterGetUUID", "virNWFilterGetUUIDString",
    "virNWFilterBindingGetPortDev", "virNWFilterBindingGetFilterName",
    "virDomainSnapshotGetName", "virDomainCheckpointGetName",
    "virGetLastError", "virGetLastErrorCode", "virGetLastErrorDomain",
    "virGetLastErrorMessage", "virResetLastError",
}

# Functions deliberately not bound, matched by name.  First match wins.
SKIPPED_PATTERNS = [
    (r"^vir\w+Ref$",
     "reference counting belongs to the Python object: each wrapper owns one reference"),
    (r"^virTypedParams\w+$",
     "typed parameters are converted to and from dicts by src/typed-params.c"),
    (r"^vir(DomainFSInfo|DomainIOThreadInfo|DomainInterface|DomainStatsRecordList"
     r"|NetworkDHCPLease)Free$",
     "frees a C result the binding converts to Python values and frees itself"),
    (r"^vir(?!Connect)\w+Free$",
     "the handle is released when its Python object is deallocated"),
    (r"^(virCopyLastError|virConnCopyLastError|virSaveLastError|virResetError|virFreeError|virDefaultErrorFunc)$",
     "error structs are converted to tuples by the binding; these manage C-side copies"),
    (r"^virStream(Send|Recv|SparseSend|SparseRecv)All$",
     "takes C callbacks: written in Python over send()/recv() (libvirt-override-virStream.py)"),
    (r"^virConnSetErrorFunc$",
     "registerErrorHandler() (over virSetErrorFunc) is the Python way to see errors"),
    (r"^virDomainGetConnect$|^vir\w+GetConnect$",
     "the Python object keeps its connection: connect() returns that object"),
    (r"^virNetworkPortGetNetwork$|^virDomain(Snapshot|Checkpoint)GetDomain$",
     "the Python object keeps its parent: network()/domain() return that object"),
]

# Functions skipped by exact name, with reasons.
SKIPPED = {
    "virDomainLxcEnterSecurityLabel": "the reference does not expose it either: it takes security model and label structs in and out",
    "virDomainLxcEnterNamespace": "the reference does not expose it either: it moves the whole process into the container's namespaces",
}

# Parameters the reference makes optional, beyond the rule that a trailing
# 'flags' of the libvirt module defaults to 0: an int defaults to 0, any
# other (a string, a list, a dict) to None, which passes NULL.
OPTIONAL_PARAMS = {
    "virConnectGetDomainCapabilities": ("emulatorbin", "arch", "machine", "virttype"),
    "virConnectOpen": ("name",),
    "virConnectOpenReadOnly": ("name",),
    "virDomainAuthorizedSSHKeysSet": ("keys",),
    "virDomainBlockCommit": ("bandwidth",),
    "virDomainBlockCopy": ("params",),
    "virDomainBlockPull": ("bandwidth",),
    "virDomainBlockRebase": ("bandwidth",),
    "virDomainFSFreeze": ("mountpoints",),
    "virDomainFSThaw": ("mountpoints",),
    "virDomainGetGuestInfo": ("types",),
    "virDomainMigrate": ("dname", "uri", "bandwidth"),
    "virDomainMigrate2": ("dxml", "dname", "uri", "bandwidth"),
    "virDomainMigrateToURI": ("dname", "bandwidth"),
    "virDomainMigrateToURI2": ("dconnuri", "miguri", "dxml", "dname", "bandwidth"),
    "virDomainRestoreFlags": ("dxml",),
    "virDomainSaveFlags": ("dxml",),
    "virNetworkGetDHCPLeases": ("mac",),
}

# Tables of names that the hand-written C looks up by an enum's value,
# generated from the API's enum values with the prefix, in lower case
# without it, but for the exceptions: table -> (API module, prefix, the
# count macro sizing the table, exceptions, what the names are).
ENUM_NAME_TABLES = {
    "lv_memory_stat_names": ("libvirt", "VIR_DOMAIN_MEMORY_STAT_", "VIR_DOMAIN_MEMORY_STAT_NR",
                             {"ACTUAL_BALLOON": "actual"},   # the balloon size, ever since
                             "the keys of memoryStats()"),
}

# Arrays the entry point of a converted call (convert='yes') allocates for
# libvirt to fill, and their size: a Python parameter (at most that many
# items), or else a C argument, libvirt's count asked for first with NULL
# and 0.  The converter gets the array and the count libvirt filled.
FILLED_ARRAYS = {
    "virNodeGetCellsFreeMemory": ("freeMems", "maxCells"),
    "virDomainGetDiskErrors": ("errors", "maxerrors"),
}

# Python parameter names that differ from the C argument's: Python keywords,
# and the reference's own spelling.
PARAM_NAMES = {
    ("virDomainRestore", "from"): "frm",
    ("virDomainRestoreFlags", "from"): "frm",
    ("virDomainBlockStatsFlags", "disk"): "path",
    ("virDomainSetIOThreadParams", "iothread_id"): "iothread_val",
    ("virDomainPinIOThread", "iothread_id"): "iothread_val",
    ("virDomainFDAssociate", "fds"): "files",
    ("virDomainRevertToSnapshot", "snapshot"): "snap",
    ("virDomainBlockStats", "disk"): "path",
    ("virDomainInterfaceStats", "device"): "path",
    ("virDomainGetBlockInfo", "disk"): "path",
    ("virDomainGetBlockJobInfo", "disk"): "path",
}

# Methods whose C function does not take self's handle: every C argument
# is a Python parameter, and self is not passed.
SELF_NOT_PASSED = {
    "virDomainRevertToSnapshot": "libvirt takes only the snapshot (the domain is the "
                                 "snapshot's); the reference puts it on virDomain (naming.py)",
}

# String and object arguments take None, passed to libvirt as NULL, as the
# reference passes it: libvirt checks its required arguments and reports a
# NULL (VIR_ERR_INVALID_ARG, "... must not be NULL").  Except these, where
# libvirt 9.0.0 does not check and a driver dereferences the NULL (the
# reference crashes): None raises TypeError.
NULL_CRASHES = {
    ("virDomainGetInterfaceParameters", "device"): "drivers look the device up by name unchecked",
    ("virDomainSetInterfaceParameters", "device"): "drivers look the device up by name unchecked",
    ("virDomainMigrate3", "dconn"): "reads the destination connection unchecked (found by tests/test_differential.py)",
}


# Strings the reference takes only as str (its "s" format): None raises
# TypeError before libvirt is called.
NULL_REFUSED = {
    ("virDomainAuthorizedSSHKeysSet", "user"): "its override parses user as str",
    ("virDomainAuthorizedSSHKeysGet", "user"): "its override parses user as str",
    ("virConnectGetCPUModelNames", "arch"): "its override parses arch as str",
    ("virDomainFDAssociate", "name"): "its override parses name as str",
}


def is_nullable(func: str, arg: str, module: str = "libvirt") -> bool:
    """Whether a string or object argument takes None (passed as NULL).
    libvirt_qemu's and libvirt_lxc's functions read `domain._o` (or
    `conn._o`) first: None is an AttributeError there (emit_c)."""
    return ((func, arg) not in NULL_CRASHES and (func, arg) not in NULL_REFUSED
            and module == "libvirt")


# Functions whose NULL or zero return is a value, not a failure.
NULL_IS_VALUE = {
    "virNodeDeviceGetParent": "NULL means the device has no parent: returned as None",
}

# Functions returning a count whose failure value is not -1.
ZERO_IS_FAILURE = {
    "virDomainGetMaxMemory": "documented to return 0 in case of error",
}

# Functions whose failure the reference returns as a value instead of
# raising (libvirt's error still reaches the error handler): the value.
FAILURE_IS_VALUE = {
    "virNodeGetFreeMemory": "0",       # documented to return 0 on error; the reference returns it
    "virDomainGetGuestVcpus": "None",
    "virDomainMigrateGetMaxDowntime": "None",
    "virDomainMigrateGetCompressionCache": "None",
}

# The name-list functions (fixed-size caller arrays) and the count function
# that sizes them.
NAME_LISTS = {
    "virConnectListDomains": "virConnectNumOfDomains",
    "virConnectListDefinedDomains": "virConnectNumOfDefinedDomains",
    "virConnectListNetworks": "virConnectNumOfNetworks",
    "virConnectListDefinedNetworks": "virConnectNumOfDefinedNetworks",
    "virConnectListStoragePools": "virConnectNumOfStoragePools",
    "virConnectListDefinedStoragePools": "virConnectNumOfDefinedStoragePools",
    "virConnectListInterfaces": "virConnectNumOfInterfaces",
    "virConnectListDefinedInterfaces": "virConnectNumOfDefinedInterfaces",
    "virConnectListSecrets": "virConnectNumOfSecrets",
    "virConnectListNWFilters": "virConnectNumOfNWFilters",
    "virNodeListDevices": "virNodeNumOfDevices",
    "virNodeDeviceListCaps": "virNodeDeviceNumOfCaps",
    "virStoragePoolListVolumes": "virStoragePoolNumOfVolumes",
    "virDomainSnapshotListNames": "virDomainSnapshotNum",
    "virDomainSnapshotListChildrenNames": "virDomainSnapshotNumChildren",
}

# Hand-written functions that share one impl, which takes a leading
# argument (after self, the module state and self's handle) saying which
# of them it is: name -> (the impl, that argument).  A hand-written header
# (modules.C_HEADERS, all of which the impl header includes) declares it.
_EVENT_FAMILY = "only the family table (src/callbacks.h) differs between the families"
SHARED_IMPLS = {
    f"virConnect{fam}Event{verb}Any": (f"lv_event_{verb.lower()}_any", f"&lv_{var}_family",
                                       _EVENT_FAMILY)
    for fam, var in (("Domain", "domain"), ("Network", "network"), ("StoragePool", "pool"),
                     ("NodeDevice", "nodedev"), ("Secret", "secret"))
    for verb in ("Register", "Deregister")
}

# Functions filling one fixed struct of the caller's (a `<struct>Ptr`
# argument, with its sizeof in a following `size_t size` where libvirt asks
# for it), and what the reference returns its fields in, in the struct's
# order: a list or a tuple.  Each field converts by its C type (a char array
# to str) unless STRUCT_FIELDS says otherwise.
STRUCT_RESULTS = {
    "virDomainBlockStats": "tuple",
    "virDomainInterfaceStats": "tuple",
    "virDomainGetBlockInfo": "list",
    "virDomainGetControlInfo": "list",
    "virDomainGetJobInfo": "list",
    "virDomainGetSecurityLabel": "list",
    "virNodeGetInfo": "list",
    "virNodeGetSecurityModel": "list",
    "virStoragePoolGetInfo": "list",
    "virStorageVolGetInfo": "list",
    "virStorageVolGetInfoFlags": "list",
}
# Functions returning an array of records libvirt allocates (a `<type>Ptr **`
# argument), each record released with <type>Free: the hand-written C
# function converting record i (src/; its prototype goes into the generated
# impl header) and the Python type of the list.
RECORD_LISTS = {
    "virDomainGetFSInfo": ("lv_fs_info", "list[tuple[str, str, str, list[str]]]"),
    "virNetworkGetDHCPLeases": ("lv_dhcp_lease", "list[dict[str, Any]]"),
}

# The `size` argument that STRUCT_RESULTS pass sizeof(struct) in.
STRUCT_SIZE_ARG = "size"
# Struct fields returned otherwise than their C type gives: (struct, field)
# -> (Py_BuildValue format, C expression with {s} for the struct, Python
# type, reason).
STRUCT_FIELDS = {
    ("virNodeInfo", "memory"): ("k", "{s}.memory >> 10", "int",
                                "in MiB (libvirt gives KiB), as the reference returns it"),
    ("virSecurityLabel", "enforcing"): ("N", "PyBool_FromLong({s}.enforcing)", "bool",
                                        "a bool, as the reference returns it"),
}

# Typed-parameter setters and the getter whose current values tell the C
# type of each parameter a Python dict sets (a Python int fits several).
TYPED_SETTERS = {
    "virDomainSetBlkioParameters": "virDomainGetBlkioParameters",
    "virDomainSetMemoryParameters": "virDomainGetMemoryParameters",
    "virDomainSetNumaParameters": "virDomainGetNumaParameters",
    "virDomainSetInterfaceParameters": "virDomainGetInterfaceParameters",
    "virDomainSetPerfEvents": "virDomainGetPerfEvents",
    "virNodeSetMemoryParameters": "virNodeGetMemoryParameters",
    "virNetworkPortSetParameters": "virNetworkPortGetParameters",
}

# Typed-parameter setters typed from a table instead of a getter (those
# with no getter, and setBlockIoTune, which the reference types the same
# way): the string macros with this prefix name the parameters, and their
# documentation the C type ("As VIR_TYPED_PARAM_ULLONG", "as a uint").  As
# in the reference, an empty dict goes to libvirt and a key the table does
# not name is typed from its value.
STATIC_TYPED_SETTERS = {
    "virDomainSetBlockIoTune": "VIR_DOMAIN_BLOCK_IOTUNE_",
    "virConnectSetIdentity": "VIR_CONNECT_IDENTITY_",
    "virDomainBlockCopy": "VIR_DOMAIN_BLOCK_COPY_",
    "virDomainMigrate3": "VIR_MIGRATE_PARAM_",
    "virDomainMigrateToURI3": "VIR_MIGRATE_PARAM_",
    "virDomainSaveParams": "VIR_DOMAIN_SAVE_PARAM_",
    "virDomainRestoreParams": "VIR_DOMAIN_SAVE_PARAM_",
    "virDomainSetIOThreadParams": "VIR_DOMAIN_IOTHREAD_",
    "virDomainSetLaunchSecurityState": "VIR_DOMAIN_LAUNCH_SECURITY_",
}

# Functions taking a list of strings where the reference passes anything
# but a list as no strings (NULL, 0), which libvirt then reports as its
# own error.  Elsewhere a non-list is a TypeError: where the reference
# ignores it too, the call would silently do something else (fsFreeze of
# a tuple would freeze every filesystem).
NON_LIST_IS_NULL = {
    "virConnectBaselineCPU": "libvirt reports the missing xmlCPUs",
    "virConnectBaselineHypervisorCPU": "libvirt reports the missing xmlCPUs",
}

# Typed parameters whose documentation does not name their C type: the
# type libvirt's drivers read them as.
PARAM_TYPES = {
    "VIR_MIGRATE_PARAM_COMPRESSION": "STRING",       # may repeat: a list of str
    "VIR_MIGRATE_PARAM_LISTEN_ADDRESS": "STRING",
    "VIR_MIGRATE_PARAM_MIGRATE_DISKS": "STRING",     # may repeat: a list of str
    "VIR_DOMAIN_BLOCK_COPY_BANDWIDTH": "ULLONG",
    "VIR_DOMAIN_BLOCK_COPY_GRANULARITY": "UINT",
    "VIR_DOMAIN_SAVE_PARAM_DXML": "STRING",
    "VIR_DOMAIN_SAVE_PARAM_FILE": "STRING",
    "VIR_DOMAIN_IOTHREAD_POLL_GROW": "UINT",
    "VIR_DOMAIN_IOTHREAD_POLL_MAX_NS": "ULLONG",
    "VIR_DOMAIN_IOTHREAD_POLL_SHRINK": "UINT",
}

# Accessors returning the Python object a handle was obtained from, which
# the object keeps (libvirt's own Get*Connect/GetDomain would make a second
# Python object for the same handle): Python name -> class of the ancestor.
OWNER_ACCESSORS = {
    cls: {"connect": "virConnect"} for cls in CLASSES if cls != "virConnect"
}
OWNER_ACCESSORS["virNetworkPort"]["network"] = "virNetwork"
for _cls in ("virDomainSnapshot", "virDomainCheckpoint"):
    OWNER_ACCESSORS[_cls].update(domain="virDomain", getDomain="virDomain",
                                 getConnect="virConnect")


# Functions of libvirt 9.0.0 that read their object before checking it, so
# a released object's NULL handle crashes them (found by the fuzz test's
# libvirtmod.<name>(None) cases; the reference crashes there).  The binding
# reports the NULL handle itself, as libvirt reports it elsewhere.
NULL_HANDLE_CRASHES = {
    "virDomainFDAssociate": "reads domain->conn before virCheckDomainReturn",
    "virDomainGetLaunchSecurityInfo": "reads domain->conn before virCheckDomainReturn",
    "virConnectSetIdentity": "reads conn->flags before virCheckConnectReturn",
    "virDomainSetLaunchSecurityState": "reads domain->conn before virCheckDomainReturn",
}

# libvirtmod's functions named after libvirt's C functions (libvirtmod.
# virDomainGetName(dom._o), ...) exist for every bound function; these are
# the reference's other names for some of them: its name -> the C function.
FLAT_ALIASES = {
    "virConnectListDomainsID": "virConnectListDomains",   # the reference's Python name listDomainsID
    "virRegisterErrorHandler": "virSetErrorFunc",         # registerErrorHandler() binds virSetErrorFunc
}


def flat_failure(function_name: str, return_type: str, shape: str, returns: str) -> str:
    """What libvirtmod.<C name>() returns instead of raising libvirtError,
    as the reference's libvirtmod does (its Python layer then raises):
    'none' for results that are objects, strings, lists or dicts, 'minus_one'
    for int statuses, 'raw' where no value means failure."""
    if function_name in NULL_IS_VALUE or function_name in FAILURE_IS_VALUE \
            or return_type in ("unsigned int", "void"):
        return "raw"
    if function_name in ZERO_IS_FAILURE:
        return "zero"
    if shape:   # generated
        pointer = return_type.endswith("*") or return_type in HANDLE_TYPES
        if shape in ("plain", "out_scalar", "typed_set") and not pointer:
            return "minus_one"
        return "none"
    # Hand-written: the override description's result says which.
    return "minus_one" if re.match(r"(0|-1|int)\b", returns) else "none"


# Functions whose C signature no generated shape covers and whose
# hand-written override is not written yet: reason -> functions.  Each
# entry is a known gap of the binding, reported by the generator's summary.
PENDING: dict[str, list[str]] = {
}

PENDING_REASONS = {func: reason for reason, funcs in PENDING.items() for func in funcs}


def skip_reason(func: str) -> str | None:
    if func in SKIPPED:
        return SKIPPED[func]
    if func in PENDING_REASONS:
        return "pending: " + PENDING_REASONS[func]
    for pattern, reason in SKIPPED_PATTERNS:
        if re.search(pattern, func):
            return reason
    return None
