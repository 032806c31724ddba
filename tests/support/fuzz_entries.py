"""The C entry points tests/test_fuzz_arguments.py calls, in groups, and those it leaves out."""

import inspect
import types


URI = "test:///default"

# ---- entry points not called, or called in a restricted way -------------

NOT_CALLED = {
    "libvirtmod.virEventRunDefaultImpl":
        "runs one iteration of the default event loop, which blocks until a "
        "registered handle or timer fires; in this test none ever does",
    "libvirtmod._register":
        "replaces the classes every result is made of (libvirt.py calls it "
        "once at import); only its argument checks are tested, by the "
        "'libvirtmod._register' group, which never passes valid arguments",
}

RESTRICTED = {
    "libvirtmod_lxc.lxcEnterCGroup":
        "virDomainLxcEnterCGroup (client side, before any driver) moves the "
        "calling process into the cgroup of the process whose pid is the "
        "domain's ID: 1, init, for the test driver's running domain.  Every "
        "libvirt object of its cases comes from a read-only connection, "
        "which libvirt rejects before doing that",
    "libvirtmod_qemu.*":
        "QEMU-only calls (attach to a process, agent and monitor commands): "
        "their libvirt objects come from a read-only connection too, so that "
        "no driver is ever asked to act",
    "libvirtmod.registerErrorHandler":
        "the child's silent handler is registered again after every case",
    "libvirtmod.virEventRegisterImpl":
        "an event implementation is process-wide and registered once: the "
        "group runs in its own child (like every module function), and a "
        "valid call after the first raises RuntimeError('Event loop is "
        "already registered'), as in libvirt-python (STATE_ERRORS)",
    "libvirtmod.virEvent{Add,Update,Remove}{Handle,Timeout}":
        "run twice, with a Python event loop and with the default one "
        "registered (EVENT_LOOP_VARIANTS); the default loop is never run",
    "libvirtmod.virEventInvoke*Callback":
        "run with a Python event loop registered, so that their opaque "
        "argument is a real registration of libvirt's (EVENT_LOOP_VARIANTS)",
}

# Event functions, run with each kind of event loop registered in the child
# before the cases (libvirt keeps the first loop registered in a process):
# "python-loop", a Python loop (virEventRegisterImpl) that records what
# libvirt registers, so that the virEventInvoke* functions get real opaque
# objects; "default-loop", virEventRegisterDefaultImpl.  Every other group
# runs with no event loop registered.
EVENT_LOOP_VARIANTS = {
    "virEventAddHandle": ("python-loop", "default-loop"),
    "virEventAddTimeout": ("python-loop", "default-loop"),
    "virEventUpdateHandle": ("python-loop", "default-loop"),
    "virEventUpdateTimeout": ("python-loop", "default-loop"),
    "virEventRemoveHandle": ("python-loop", "default-loop"),
    "virEventRemoveTimeout": ("python-loop", "default-loop"),
    "virEventInvokeHandleCallback": ("python-loop",),
    "virEventInvokeTimeoutCallback": ("python-loop",),
    "virEventInvokeFreeCallback": ("python-loop",),
}

# State errors that are the documented answer to a valid call repeated in
# one process (entry point -> (exception class name, text in the message)).
STATE_ERRORS = {
    "libvirtmod.virEventRegisterImpl": ("RuntimeError", "already registered"),
}

# openAuth's credential callback, misbehaving in every way (see
# _auth_callback_cases).  The test driver never asks for credentials; the
# ESX driver (client side, inside libvirt.so) asks for a user name and a
# password before connecting, here to port 1 of the loopback address,
# where nothing listens.
AUTH_CALLBACK_GROUP = "libvirtmod.openAuth@credential-callback"
ESX_URI = "esx://127.0.0.1:1/?no_verify=1"

# Groups whose child runs without PYTHONMALLOC=debug (every other child has
# it, so that a write past the end of a buffer the binding got from PyMem
# aborts), with the reason.
NO_DEBUG_MALLOC = {
    "virStream":
        "recv(nbytes=2**31) allocates its 2 GiB result before asking libvirt; "
        "the debug allocator would fill it byte by byte (seconds, and 2 GiB "
        "of RSS)",
}

# Types the test driver cannot give an object of (every call that would
# make one fails with VIR_ERR_NO_SUPPORT): only the bad-self cases run for
# their methods, which need no object of the type.  Checked at run time:
# if the driver learns to make them, the full cases run.
NO_OBJECT_REASON = "the test driver does not support {}: no object to call methods on"


SELF_KEYS = {
    "virConnect": "conn", "virDomain": "dom", "virNetwork": "net",
    "virNetworkPort": "port", "virInterface": "iface",
    "virStoragePool": "pool", "virStorageVol": "vol",
    "virNodeDevice": "dev", "virSecret": "secret", "virNWFilter": "nwfilter",
    "virNWFilterBinding": "binding", "virStream": "stream",
    "virDomainSnapshot": "snap", "virDomainCheckpoint": "ckpt",
}


class Entry:
    """One C entry point: name, callable, parameters (without self)."""

    def __init__(self, qualname, func, self_key=None, owner_type=None):
        self.qualname = qualname
        self.func = func
        self.self_key = self_key
        self.owner_type = owner_type
        self.method = qualname.rsplit(".", 1)[1]
        self.owner = qualname.rsplit(".", 1)[0]
        try:
            sig = inspect.signature(func)
        except (ValueError, TypeError) as e:
            self.params = None
            self.sig_error = "%s: %s" % (type(e).__name__, e)
            return
        self.sig_error = None
        params = list(sig.parameters.values())
        if self_key is not None and params and params[0].kind == params[0].POSITIONAL_ONLY:
            params = params[1:]
        self.params = params


def is_method(v):
    return isinstance(v, (types.MethodDescriptorType, types.ClassMethodDescriptorType,
                          types.WrapperDescriptorType))


def c_types(libvirtmod):
    return {name: v for name, v in vars(libvirtmod).items()
            if isinstance(v, type) and not issubclass(v, BaseException)}


def modules():
    """libvirtmod, libvirtmod_qemu, libvirtmod_lxc: (name, module or the
    ImportError)."""
    out = []
    for name in ("libvirtmod", "libvirtmod_qemu", "libvirtmod_lxc"):
        try:
            out.append((name, __import__(name)))
        except ImportError as e:
            out.append((name, e))
    return out


def groups():
    """Group names (test ids), in a stable order.  A module that cannot be
    imported is a group of its own ("import:NAME"), which fails."""
    out = []
    mods = []
    for name, mod in modules():
        if isinstance(mod, ImportError):
            out.append("import:" + name)
        else:
            mods.append(mod)
    if mods and mods[0].__name__ == "libvirtmod":
        out = sorted(c_types(mods[0])) + out
    for mod in mods:
        for name, v in sorted(vars(mod).items()):
            if isinstance(v, types.BuiltinFunctionType):
                qual = mod.__name__ + "." + name
                if qual in NOT_CALLED:
                    continue
                if name in EVENT_LOOP_VARIANTS:
                    out.extend(qual + "@" + loop for loop in EVENT_LOOP_VARIANTS[name])
                else:
                    out.append(qual)
    out.append("libvirtmod._register")
    out.append(AUTH_CALLBACK_GROUP)
    return out
