"""Where each libvirt C function lives in the Python binding, and under what name.

The binding exposes the C API (libvirt, libvirt-qemu, libvirt-lxc) as methods of
14 object classes plus a few module-level functions.  `python_name()` decides,
for one C function, the owning class (or None for a module-level function) and
the Python name.  It applies the rules below, in this order:

 1. Owner.  A function belongs to the class of its first argument when that
    argument is a single object handle (``virDomainPtr`` -> ``virDomain``).
    Anything else (``const char *``, callbacks, ``virTypedParameterPtr``, no
    arguments, ...) is a module-level function.  Everything in libvirt-qemu
    and libvirt-lxc is module-level in libvirt_qemu / libvirt_lxc.

 2. Subject prefix.  The ``vir<Object>`` prefix of the C name is removed when
    it names the owner (``virDomainGetName`` on virDomain -> ``GetName``;
    ``virDomainSnapshotCreateXML`` on virDomain -> ``SnapshotCreateXML``).
    The connection also swallows the ``virDomain`` and ``virNode`` prefixes,
    domains and the host node being its "own" objects (``virDomainLookupByName``
    -> ``lookupByName``, ``virNodeGetInfo`` -> ``getInfo``).  Any other object
    prefix only loses its ``vir`` (``virNetworkLookupByName`` on virConnect ->
    ``networkLookupByName``).

 3. Getters.  Methods of every class except virConnect, virDomainSnapshot and
    virDomainCheckpoint drop a leading ``Get`` (``virDomainGetInfo`` -> ``info``,
    but ``virConnectGetVersion`` -> ``getVersion`` and
    ``virDomainSnapshotGetName`` -> ``getName``).

 4. First letter.  The first letter is lower-cased, except that a leading
    acronym from LEADING_WORDS is spelled as listed there (``UUIDString``,
    ``XMLDesc``, ``ID`` stay; ``FSFreeze`` -> ``fsFreeze``; ``NWFilter...`` ->
    ``nwfilter...``).  Other acronyms just get their first letter lowered
    (``PMWakeup`` -> ``pMWakeup``).

 5. Module-level functions keep their C name (``virInitialize``,
    ``virEventAddHandle``, ``virGetLastError``), except that the ``virConnect``
    constructors lose their prefix (``virConnectOpen`` -> ``open``).  In
    libvirt_qemu / libvirt_lxc, everything before the ``Qemu`` / ``Lxc`` tag is
    dropped (``virDomainQemuMonitorCommand`` -> ``qemuMonitorCommand``).

 6. The per-connection error API, prefixed ``virConn`` (not ``virConnect``),
    keeps its C names as virConnect methods (``virConnGetLastError``,
    ``virConnResetLastError``), like the global error API at module level
    (``virGetLastError``, rule 5).

Every departure from these rules is one entry of NAME_EXCEPTIONS, with the
reason.  Names of the reference binding's surface that wrap no C function at
all are listed (with reasons) in SURFACE_ONLY_PYTHON.

Functions that the binding does not expose at all (virDomainFree,
virConnectRef, virTypedParams*, virCopyLastError, ...) still get a name from
the rules; deciding to skip them is not this module's business.

tests/test_naming.py checks the rules against the installed API XML and
tests/data/libvirt-python-surface.json.
"""

from __future__ import annotations

from . import rules

# The libvirt object classes (rules.CLASSES), each wrapping one
# ``vir<Class>Ptr`` handle type.
CLASSES = tuple(rules.CLASSES)
HANDLE_TYPES = rules.HANDLE_TYPES

# Rule 2: prefixes that virConnect methods lose besides its own "virConnect".
# ("virNode" only when it is the whole subject: virNodeDevice* keeps "nodeDevice".)
CONNECT_OWN_SUBJECTS = ("virDomain", "virNode")

# Rule 3: classes whose getters keep "Get".
KEEP_GET = frozenset({"virConnect", "virDomainSnapshot", "virDomainCheckpoint"})

# Rule 4: how a leading acronym is spelled at the start of a Python name.
# A key matches only as a whole word (followed by an upper-case letter or the end).
LEADING_WORDS = {
    "UUID": "UUID",          # UUID, UUIDString
    "ID": "ID",              # virDomain.ID
    "OS": "OS",              # virDomain.OSType
    "XML": "XML",            # XMLDesc
    "DHCP": "DHCP",          # virNetwork.DHCPLeases
    "MAC": "MAC",            # virInterface.MACString
    "FD": "FD",              # virDomain.FDAssociate
    "FS": "fs",              # virDomain.fsFreeze, fsThaw, fsInfo (but see fSTrim)
    "IO": "io",              # virDomain.ioThreadInfo
    "NWFilter": "nwfilter",  # virConnect.nwfilterLookupByName, nwfilterBindingCreateXML
}

# Rule 5: module tag of the qemu / lxc add-on libraries.
MODULE_TAGS = {"libvirt-qemu": "Qemu", "libvirt-lxc": "Lxc"}

# Rule 6: prefix of the per-connection error API (virConnGetLastError, ...).
CONN_ERROR_PREFIX = "virConn"

# Every departure from the rules: C name -> (class or None, Python name, reason).
NAME_EXCEPTIONS: dict[str, tuple[str | None, str, str]] = {
    # --- module level ---------------------------------------------------------
    "virGetVersion": (
        None, "getVersion",
        "the reference drops 'vir' (rule 5 would keep 'virGetVersion'); "
        "Python takes only the driver name"),
    "virSetErrorFunc": (
        None, "registerErrorHandler",
        "the reference's global error-handler hook, taking (f, ctx) "
        "where C takes (userData, handler)"),
    # --- owner differs from the first argument ----------------------------------
    "virDomainListGetStats": (
        "virConnect", "domainListGetStats",
        "first argument is an array of domains (virDomainPtr *), not one handle; "
        "the reference makes it a connection method taking a list of domains"),
    "virDomainRevertToSnapshot": (
        "virDomain", "revertToSnapshot",
        "first argument is the snapshot, but the reference puts it on the domain: "
        "dom.revertToSnapshot(snap, flags)"),
    "virStorageVolCreateXML": (
        "virStoragePool", "createXML",
        "volume constructor on its pool; the reference drops 'storageVol' "
        "(rule 2 would give 'storageVolCreateXML')"),
    "virStorageVolCreateXMLFrom": (
        "virStoragePool", "createXMLFrom",
        "volume constructor on its pool; the reference drops 'storageVol' "
        "(rule 2 would give 'storageVolCreateXMLFrom')"),
    # --- connection methods named differently -----------------------------------
    "virConnectListDomains": (
        "virConnect", "listDomainsID",
        "returns the IDs of the running domains; the reference says so in the name"),
    "virConnectListAllNodeDevices": (
        "virConnect", "listAllDevices",
        "the reference names it after listDevices (virNodeListDevices), "
        "not 'listAllNodeDevices'"),
    "virStreamNew": (
        "virConnect", "newStream",
        "stream constructor on the connection; the reference puts the verb first "
        "(rule 2 would give 'streamNew')"),
    "virInterfaceChangeBegin": (
        "virConnect", "changeBegin",
        "host network-config transaction of the connection; the reference drops "
        "'interface' (rule 2 would give 'interfaceChangeBegin')"),
    "virInterfaceChangeCommit": (
        "virConnect", "changeCommit",
        "host network-config transaction of the connection; the reference drops "
        "'interface' (rule 2 would give 'interfaceChangeCommit')"),
    "virInterfaceChangeRollback": (
        "virConnect", "changeRollback",
        "host network-config transaction of the connection; the reference drops "
        "'interface' (rule 2 would give 'interfaceChangeRollback')"),
    # --- domain methods spelled against rules 3 and 4 ---------------------------
    "virDomainGetCPUStats": (
        "virDomain", "getCPUStats",
        "the reference keeps 'Get' here (rule 3 would give 'CPUStats'); "
        "Python takes (total, flags) instead of a CPU range"),
    "virDomainGetTime": (
        "virDomain", "getTime",
        "the reference keeps 'Get' here (rule 3 would give 'time')"),
    "virDomainFSTrim": (
        "virDomain", "fSTrim",
        "the reference only lowers the first letter here (rule 4 would give "
        "'fsTrim' like fsFreeze/fsThaw/fsInfo)"),
}

_SURFACE_ONLY_C_POINTER = (
    "returns the address of the wrapped C handle as an int; no C function")
_SURFACE_ONLY_CONNECT = (
    "returns the virConnect object the instance was created from; the C API "
    "has no vir<Class>GetConnect for this class")
_SURFACE_ONLY_ERROR = "libvirtError is a pure-Python exception class; accessor of its err tuple"

# Names of the reference surface that wrap no single C function:
# (class or None, Python name) -> reason.  All live in the `libvirt` module.
SURFACE_ONLY_PYTHON: dict[tuple[str | None, str], str] = {
    **{(cls, "c_pointer"): _SURFACE_ONLY_C_POINTER for cls in CLASSES},
    # The C API has a GetConnect for virDomain, virNetwork, virInterface,
    # virStoragePool, virStorageVol and virSecret (rule 3 names those 'connect',
    # so they are not listed here); the other classes only have the Python-side
    # accessor.  Note that in the reference every connect() (and the snapshot /
    # checkpoint getConnect/getDomain) returns the very Python object the
    # instance came from (dom.connect() is conn), not a fresh wrapper.
    ("virNetworkPort", "connect"): _SURFACE_ONLY_CONNECT,
    ("virNodeDevice", "connect"): _SURFACE_ONLY_CONNECT,
    ("virNWFilter", "connect"): _SURFACE_ONLY_CONNECT,
    ("virNWFilterBinding", "connect"): _SURFACE_ONLY_CONNECT,
    ("virStream", "connect"): _SURFACE_ONLY_CONNECT,
    ("virDomainSnapshot", "connect"): (
        "returns the parent domain's virConnect object (getConnect is the C one)"),
    ("virDomainCheckpoint", "connect"): (
        "returns the parent domain's virConnect object (getConnect is the C one)"),
    ("virDomainSnapshot", "domain"): (
        "returns the virDomain object the snapshot was created from (getDomain is the C one)"),
    ("virDomainCheckpoint", "domain"): (
        "returns the virDomain object the checkpoint was created from (getDomain is the C one)"),
    (None, "virEventInvokeFreeCallback"): (
        "binding helper, no C function of that name: a Python event-loop "
        "implementation calls it to run the virFreeCallback that came with a "
        "handle/timeout registration ('opaque')"),
    **{("libvirtError", name): _SURFACE_ONLY_ERROR for name in (
        "get_error_code", "get_error_domain", "get_error_level", "get_error_message",
        "get_int1", "get_int2", "get_str1", "get_str2", "get_str3")},
}


def _lower_first(name: str) -> str:
    """Rule 4: spell the first word of a Python name."""
    for word, spelling in LEADING_WORDS.items():
        if name.startswith(word):
            rest = name[len(word):]
            if not rest or rest[0].isupper():
                return spelling + rest
    return name[:1].lower() + name[1:]


def _subject(func_name: str) -> str | None:
    """The longest object prefix ('virNodeDevice', 'virNode', 'virDomain', ...) of func_name."""
    candidates = [p for p in CLASSES + CONNECT_OWN_SUBJECTS if func_name.startswith(p)]
    return max(candidates, key=len) if candidates else None


def _method_name(func_name: str, owner: str) -> str:
    """Rules 2-4 for a method of class `owner`."""
    if func_name.startswith(owner):
        rest = func_name[len(owner):]
    elif owner == "virConnect" and _subject(func_name) in CONNECT_OWN_SUBJECTS:
        rest = func_name[len(_subject(func_name)):]
    else:
        rest = func_name[len("vir"):]
    if owner not in KEEP_GET and rest.startswith("Get") and rest[3:4].isupper():
        rest = rest[len("Get"):]
    return _lower_first(rest)


def python_name(func_name: str, arg_types: list[str], module: str) -> tuple[str | None, str]:
    """(class name, or None for a module-level function; Python name) of C function func_name.

    arg_types are the C types of its arguments in order, e.g. ['virDomainPtr', 'unsigned int'].
    module is 'libvirt', 'libvirt-qemu' or 'libvirt-lxc'.
    """
    if func_name in NAME_EXCEPTIONS:
        cls, name, _reason = NAME_EXCEPTIONS[func_name]
        return cls, name
    return rule_name(func_name, arg_types, module)


def rule_name(func_name: str, arg_types: list[str], module: str) -> tuple[str | None, str]:
    """What rules 1-6 alone give for func_name (python_name without NAME_EXCEPTIONS)."""
    if module in MODULE_TAGS:                                   # rule 5, add-on modules
        tag = MODULE_TAGS[module]
        if tag not in func_name:
            raise ValueError(f"{func_name} has no {tag!r} tag")
        return None, tag.lower() + func_name.split(tag, 1)[1]
    if module != "libvirt":
        raise ValueError(f"unknown module {module!r}")
    owner = HANDLE_TYPES.get(arg_types[0].strip()) if arg_types else None  # rule 1
    if owner is None:                                           # rule 5
        if func_name.startswith("virConnect"):
            return None, _lower_first(func_name[len("virConnect"):])
        return None, func_name
    if func_name.startswith(CONN_ERROR_PREFIX) and func_name[len(CONN_ERROR_PREFIX)].isupper():
        return owner, func_name                                 # rule 6
    return owner, _method_name(func_name, owner)
