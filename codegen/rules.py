"""The generator's tables of rules, each entry with the reason it exists.

Everything the generator decides by name rather than by a function's C
signature is here, so that regenerating for a newer libvirt means reading
one file.  Naming (which class a function belongs to and its Python name)
lives in naming.py.
"""

from __future__ import annotations

import re

# The object classes: C handle type, function that releases our reference,
# and the class of the object a handle is obtained from (kept alive by it,
# and returned by its connect()/domain()/network() accessors).
CLASSES = {
    "virConnect": ("virConnectPtr", "virConnectClose", None),
    "virDomain": ("virDomainPtr", "virDomainFree", "virConnect"),
    "virNetwork": ("virNetworkPtr", "virNetworkFree", "virConnect"),
    "virNetworkPort": ("virNetworkPortPtr", "virNetworkPortFree", "virNetwork"),
    "virInterface": ("virInterfacePtr", "virInterfaceFree", "virConnect"),
    "virStoragePool": ("virStoragePoolPtr", "virStoragePoolFree", "virConnect"),
    "virStorageVol": ("virStorageVolPtr", "virStorageVolFree", "virConnect"),
    "virNodeDevice": ("virNodeDevicePtr", "virNodeDeviceFree", "virConnect"),
    "virSecret": ("virSecretPtr", "virSecretFree", "virConnect"),
    "virNWFilter": ("virNWFilterPtr", "virNWFilterFree", "virConnect"),
    "virNWFilterBinding": ("virNWFilterBindingPtr", "virNWFilterBindingFree", "virConnect"),
    "virStream": ("virStreamPtr", "virStreamFree", "virConnect"),
    "virDomainSnapshot": ("virDomainSnapshotPtr", "virDomainSnapshotFree", "virDomain"),
    "virDomainCheckpoint": ("virDomainCheckpointPtr", "virDomainCheckpointFree", "virDomain"),
}

HANDLE_TYPES = {ctype: cls for cls, (ctype, _, _) in CLASSES.items()}

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
    (r"^vir(?!Connect)\w+Free$",
     "the handle is released when its Python object is deallocated"),
    (r"^virTypedParams\w+$",
     "typed parameters are converted to and from dicts by typewrappers.c"),
    (r"^virDomainFSInfoFree$", "the FS info list is converted to Python and freed by the binding"),
    (r"^(virCopyLastError|virConnCopyLastError|virSaveLastError|virResetError|virFreeError|virDefaultErrorFunc)$",
     "error structs are converted to tuples by the binding; these manage C-side copies"),
    (r"^virConnSetErrorFunc$",
     "registerErrorHandler() (over virSetErrorFunc) is the Python way to see errors"),
    (r"^virDomainGetConnect$|^vir\w+GetConnect$",
     "the Python object keeps its connection: connect() returns that object"),
    (r"^virNetworkPortGetNetwork$|^virDomain(Snapshot|Checkpoint)GetDomain$",
     "the Python object keeps its parent: network()/domain() return that object"),
]

# Functions skipped by exact name, with reasons.
SKIPPED = {
    "virDomainBlockPeek": "takes a caller buffer: needs a hand-written override",
    "virDomainMemoryPeek": "takes a caller buffer: needs a hand-written override",
    "virConnectDomainEventRegister": "event callbacks: hand-written with the event loop (issue 3)",
    "virConnectDomainEventDeregister": "event callbacks: hand-written with the event loop (issue 3)",
    "virDomainLxcEnterSecurityLabel": "the reference does not expose it either: it takes security model and label structs in and out",
    "virDomainLxcEnterNamespace": "the reference exposes it only through lxcEnterNamespace of a future issue: fd lists in and out",
}

# Extra Python-level parameter defaults, beyond the rule that a trailing
# 'flags' of the libvirt module defaults to 0.
DEFAULTS = {
    ("virConnectGetDomainCapabilities", "emulatorbin"): "None",
    ("virConnectGetDomainCapabilities", "arch"): "None",
    ("virConnectGetDomainCapabilities", "machine"): "None",
    ("virConnectGetDomainCapabilities", "virttype"): "None",
    ("virDomainRestoreFlags", "dxml"): "None",
    ("virDomainSaveFlags", "dxml"): "None",
    ("virDomainBlockCommit", "bandwidth"): "0",
    ("virDomainBlockPull", "bandwidth"): "0",
    ("virDomainBlockRebase", "bandwidth"): "0",
    ("virDomainMigrate", "dname"): "None",
    ("virDomainMigrate", "uri"): "None",
    ("virDomainMigrate", "bandwidth"): "0",
    ("virDomainMigrate2", "dxml"): "None",
    ("virDomainMigrate2", "dname"): "None",
    ("virDomainMigrate2", "uri"): "None",
    ("virDomainMigrate2", "bandwidth"): "0",
    ("virDomainMigrateToURI", "dname"): "None",
    ("virDomainMigrateToURI", "bandwidth"): "0",
    ("virDomainMigrateToURI2", "dconnuri"): "None",
    ("virDomainMigrateToURI2", "miguri"): "None",
    ("virDomainMigrateToURI2", "dxml"): "None",
    ("virDomainMigrateToURI2", "dname"): "None",
    ("virDomainMigrateToURI2", "bandwidth"): "0",
    ("virConnectOpen", "name"): "None",
    ("virConnectOpenReadOnly", "name"): "None",
}

# C argument names that cannot be Python parameter names.
PARAM_NAMES = {
    ("virDomainRestore", "from"): "frm",
    ("virDomainRestoreFlags", "from"): "frm",
}

# String arguments take None everywhere, passed to libvirt as NULL: where
# NULL is not allowed libvirt's own argument check raises libvirtError
# (VIR_ERR_INVALID_ARG), exactly as the reference binding behaves, and
# where it is (most "optional" strings) the call works.  The documentation
# alone cannot tell the two apart reliably (virConnectGetMaxVcpus' type,
# virNodeListDevices' cap are optional without saying so).

_NULLABLE_WORDS = re.compile(r"\bNULL\b|optional|may be omitted", re.IGNORECASE)


def handle_is_nullable(func: str, arg: str, info: str) -> bool:
    """An object argument takes None where libvirt documents NULL (e.g. the
    domain of virConnectDomainEventRegisterAny); elsewhere None is a
    TypeError, since a wrong object is never what the caller meant."""
    return bool(_NULLABLE_WORDS.search(info))


# Functions whose NULL or zero return is a value, not a failure.
NULL_IS_VALUE = {
    "virNodeDeviceGetParent": "NULL means the device has no parent: returned as None",
}

# Functions returning a count whose failure value is not -1.
ZERO_IS_FAILURE = {
    "virDomainGetMaxMemory": "documented to return 0 in case of error",
    "virNodeGetFreeMemory": "documented to return 0 in case of error",
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


# Functions whose C signature no generated shape covers and whose
# hand-written override is not written yet: reason -> functions.  Each
# entry is a known gap of the binding, reported by the generator's summary.
PENDING = {
    "event and stream callbacks: hand-written with the event loops (issue 3)": [
        "virConnectDomainEventRegisterAny", "virConnectNetworkEventRegisterAny",
        "virConnectNodeDeviceEventRegisterAny", "virConnectSecretEventRegisterAny",
        "virConnectStoragePoolEventRegisterAny", "virConnectRegisterCloseCallback",
        "virConnectUnregisterCloseCallback",         "virStreamEventAddCallback", "virStreamRecvAll",
        "virStreamSendAll", "virStreamSparseRecvAll", "virStreamSparseSendAll",
        "virConnectDomainQemuMonitorEventRegister",
    ],
    "typed parameter lists in or out: need the typed-parameter override family": [
        "virConnectSetIdentity", "virDomainBlockCopy", "virDomainBlockStatsFlags",
        "virDomainGetBlkioParameters", "virDomainGetBlockIoTune", "virDomainGetGuestInfo",
        "virDomainGetGuestVcpus", "virDomainGetInterfaceParameters", "virDomainGetJobStats",
        "virDomainGetLaunchSecurityInfo", "virDomainGetMemoryParameters",
        "virDomainGetNumaParameters", "virDomainGetPerfEvents", "virDomainMigrate3",
        "virDomainMigrateToURI3", "virDomainRestoreParams", "virDomainSaveParams",
        "virDomainSetBlkioParameters", "virDomainSetBlockIoTune", "virDomainSetIOThreadParams",
        "virDomainSetInterfaceParameters", "virDomainSetLaunchSecurityState",
        "virDomainSetMemoryParameters", "virDomainSetNumaParameters", "virDomainSetPerfEvents",
        "virNetworkPortGetParameters", "virNetworkPortSetParameters",
        "virNodeGetMemoryParameters", "virNodeGetSEVInfo", "virNodeSetMemoryParameters",
        "virDomainGetCPUStats",
    ],
    "fixed C structs out: need an override giving the reference's list/dict shape": [
        "virDomainBlockStats", "virDomainGetBlockInfo", "virDomainGetBlockJobInfo",
        "virDomainGetControlInfo", "virDomainGetJobInfo", "virDomainInterfaceStats",
        "virDomainGetSecurityLabel", "virDomainGetSecurityLabelList", "virNodeGetInfo",
        "virNodeGetMemoryStats", "virNodeGetSecurityModel", "virStoragePoolGetInfo",
        "virStorageVolGetInfo", "virStorageVolGetInfoFlags", "virDomainGetDiskErrors",
            ],
    "arrays of structs or strings out: need an override": [
        "virConnectGetCPUModelNames", "virDomainAuthorizedSSHKeysGet", "virDomainGetFSInfo",
        "virDomainGetIOThreadInfo", "virDomainGetMessages", "virDomainInterfaceAddresses",
        "virNetworkGetDHCPLeases", "virNodeGetCellsFreeMemory", "virNodeGetFreePages",
        "virNodeGetCPUMap", "virDomainGetVcpus",
    ],
    "lists or buffers in: need an override converting the Python sequence": [
        "virConnectBaselineCPU", "virConnectBaselineHypervisorCPU",
        "virDomainAuthorizedSSHKeysSet", "virDomainFSFreeze", "virDomainFSThaw",
        "virDomainSendKey", "virNodeAllocPages", "virSecretSetValue", "virStreamSend",
    ],
    "CPU maps in or out: need an override converting tuples of booleans": [
        "virDomainGetEmulatorPinInfo", "virDomainGetVcpuPinInfo", "virDomainPinEmulator",
        "virDomainPinIOThread", "virDomainPinVcpu", "virDomainPinVcpuFlags",
    ],
    "file descriptors in or out: need an override": [
        "virDomainCreateWithFiles", "virDomainCreateXMLWithFiles", "virDomainFDAssociate",
        "virDomainQemuMonitorCommandWithFiles", "virDomainLxcOpenNamespace",
    ],
    "buffers or values out: need an override": [
        "virSecretGetValue", "virStreamRecv", "virStreamRecvFlags", "virStreamRecvHole",
        "virDomainQemuMonitorCommand",     ],
    "a snapshot argument on a domain method: needs an override": [
        "virDomainRevertToSnapshot",
    ],
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
