"""Wrong-argument calls on every C entry point of the binding.

Every method of every C type of ``libvirtmod`` and every function of
``libvirtmod``, ``libvirtmod_qemu`` and ``libvirtmod_lxc`` is found by
introspection, its parameters are read from its ``__text_signature__``
(``inspect.signature``), and it is called:

* with valid-looking arguments: positionally, by keyword, and with the
  optional ones left out;
* with each bad value of BAD_VALUES in each parameter position, the other
  parameters valid;
* with a bad ``self`` (methods): None, object(), a str, an object of
  another libvirt class, a closed connection, and an object whose
  connection was closed;
* with one positional argument too many, an unknown keyword, a required
  argument missing, and a parameter given both positionally and by name.

A call may return or raise TypeError, ValueError, OverflowError or
libvirt.libvirtError; anything else is a failure (LookupError is accepted
only where an argument is a dict, as libvirt-python raises it for unknown or
missing keys, and AttributeError only for None given to a libvirt_qemu or
libvirt_lxc function, as libvirt-python reads its ``_o``).  The bad values include hostile ones: an int whose
__index__ closes the connection passed in another argument, a dict that
regrows its key while it is converted.  openAuth's credential callback is
made to misbehave in every way too (AUTH_CALLBACK_GROUP).

The calls run in a child Python (``python test_fuzz_arguments.py GROUP
START``), one per C type or module function, that prints each case before
making it: a crash or a hang is reported as a failure naming the case, and
the child is started again after that case so that one crash hides nothing
else.

Children run with PYTHONMALLOC=debug (but NO_DEBUG_MALLOC), so that a
write past the end of a buffer the binding got from PyMem aborts.

Objects come from ``test:///default``.  After every case that may have
reached libvirt (it returned or raised libvirtError), and before every
bad-self case, all objects are dropped, so the next case gets a fresh
driver state (rebuilt when the last connection closes): what a destructive
call (destroy, undefine, close, ...) did never reaches another case.

Entry points deliberately not called, or called in a restricted way, are
listed in NOT_CALLED and RESTRICTED with the reason.
"""

import gc
import inspect
import os
import selectors
import sys
import tempfile
import time
import types

from support import child
from support.eventloop import PythonEventLoop

URI = "test:///default"
HERE = os.path.abspath(__file__)

# A case whose child prints nothing for this long is a hang.
HANG_SECONDS = float(os.environ.get("FUZZ_HANG_SECONDS", "20"))

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

# ---- values -------------------------------------------------------------

DOM_XML = ("<domain type='test'><name>fuzzdom</name><memory>8192</memory>"
           "<os><type>hvm</type></os></domain>")
NET_XML = ("<network><name>fuzznet</name><bridge name='fuzzbr0'/>"
           "<ip address='192.168.251.1' netmask='255.255.255.0'/></network>")
POOL_XML = ("<pool type='dir'><name>fuzzpool</name>"
            "<target><path>/fuzzpool</path></target></pool>")
VOL_XML = "<volume><name>{}</name><capacity>1048576</capacity></volume>"
IFACE_XML = ("<interface type='ethernet' name='fuzz0'><start mode='onboot'/>"
             "<mac address='52:54:00:aa:bb:cc'/></interface>")
NODEDEV_XML = ("<device><name>fuzzdev</name><parent>scsi_host1</parent>"
               "<capability type='scsi_host'><capability type='fc_host'>"
               "<wwnn>2000000012341299</wwnn><wwpn>1000000012341299</wwpn>"
               "</capability></capability></device>")
SNAP_XML = "<domainsnapshot><name>fuzzsnap</name></domainsnapshot>"
CKPT_XML = "<domaincheckpoint><name>fuzzckpt</name></domaincheckpoint>"
SECRET_XML = ("<secret ephemeral='no' private='no'><usage type='volume'>"
              "<volume>/fuzz.img</volume></usage></secret>")
NWFILTER_XML = "<filter name='fuzzfilter' chain='root'></filter>"
BINDING_XML = ("<filterbinding><owner><name>test</name>"
               "<uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid></owner>"
               "<portdev name='vnet0'/><mac address='52:54:00:00:00:01'/>"
               "<filterref filter='fuzzfilter'/></filterbinding>")
PORT_XML = ("<networkport><owner><name>test</name>"
            "<uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid></owner>"
            "<mac address='52:54:00:00:00:02'/></networkport>")
DEVICE_XML = ("<disk type='file' device='disk'><source file='/fuzz.img'/>"
              "<target dev='vdz' bus='virtio'/></disk>")
CPU_XML = "<cpu><arch>x86_64</arch><model>qemu64</model></cpu>"


def _noop(*args):
    return 0


def _valid_table(tmp):
    """Valid-looking values: key 'Owner.method.param', 'method.param' or
    'param' -> function(env) giving the value."""
    k = lambda v: (lambda env: v)  # noqa: E731 (a constant)
    path = lambda name: (lambda env: os.path.join(tmp, name))  # noqa: E731
    return {
        # XML, by what it describes
        "virConnect.createXML.xmlDesc": k(DOM_XML),
        "virConnect.createLinux.xmlDesc": k(DOM_XML),
        "virConnect.defineXML.xml": k(DOM_XML),
        "virConnect.defineXMLFlags.xml": k(DOM_XML),
        "networkCreateXML.xmlDesc": k(NET_XML),
        "networkCreateXMLFlags.xmlDesc": k(NET_XML),
        "networkDefineXML.xml": k(NET_XML),
        "networkDefineXMLFlags.xml": k(NET_XML),
        "storagePoolCreateXML.xmlDesc": k(POOL_XML),
        "storagePoolDefineXML.xml": k(POOL_XML),
        "interfaceDefineXML.xml": k(IFACE_XML),
        "nodeDeviceCreateXML.xmlDesc": k(NODEDEV_XML),
        "nodeDeviceDefineXML.xmlDesc": k(NODEDEV_XML),
        "secretDefineXML.xml": k(SECRET_XML),
        "nwfilterDefineXML.xmlDesc": k(NWFILTER_XML),
        "nwfilterDefineXMLFlags.xmlDesc": k(NWFILTER_XML),
        "nwfilterBindingCreateXML.xml": k(BINDING_XML),
        "compareCPU.xmlDesc": k(CPU_XML),
        "xmlCPU": k(CPU_XML),
        "snapshotCreateXML.xmlDesc": k(SNAP_XML),
        "checkpointCreateXML.xmlDesc": k(CKPT_XML),
        "virStoragePool.createXML.xmlDesc": k(VOL_XML.format("fuzznew")),
        "createXMLFrom.xmlDesc": k(VOL_XML.format("fuzzclone")),
        "portCreateXML.xmldesc": k(PORT_XML),
        "backupXML": k("<domainbackup/>"),
        "checkpointXML": k(None),
        "xml": k(DEVICE_XML),
        "destxml": k("<disk type='file'><source file='/fuzz-copy.img'/>"
                     "<driver type='raw'/></disk>"),
        "xmlDesc": k(DEVICE_XML),
        "domainXml": k(DOM_XML),
        "nativeFormat": k("qemu-argv"),
        "nativeConfig": k("/usr/bin/qemu-system-x86_64 -name fuzz"),
        "dxml": k(None),
        "managedSaveDefineXML.dxml": k(DOM_XML),
        "saveImageDefineXML.dxml": k(DOM_XML),
        "virNetwork.update.xml": k("<host mac='52:54:00:00:00:03' ip='192.168.122.50'/>"),
        # names and identifiers
        "lookupByName.name": k("test"),
        "networkLookupByName.name": k("default"),
        "interfaceLookupByName.name": k("eth1"),
        "nodeDeviceLookupByName.name": k("computer"),
        "storagePoolLookupByName.name": k("default-pool"),
        "storageVolLookupByName.name": k("fuzzvol"),
        "snapshotLookupByName.name": k("fuzzsnap"),
        "checkpointLookupByName.name": k("fuzzckpt"),
        "nwfilterLookupByName.name": k("fuzzfilter"),
        "openChannel.name": k(None),
        "name": k("test"),
        "lookupByUUID.uuid": lambda env: env.get("dom").UUID(),
        "networkLookupByUUID.uuid": lambda env: env.get("net").UUID(),
        "storagePoolLookupByUUID.uuid": lambda env: env.get("pool").UUID(),
        "uuid": k(bytes(range(16))),
        "lookupByUUIDString.uuidstr": k("6695eb01-f6a4-8304-79aa-97f2502e193f"),
        "uuidstr": k("00010203-0405-0607-0809-0a0b0c0d0e0f"),
        "macstr": k("aa:bb:cc:dd:ee:ff"),
        "storagePoolLookupByTargetPath.path": k("/default-pool"),
        "path": k("/default-pool/fuzzvol"),
        "storageVolLookupByKey.key": k("/default-pool/fuzzvol"),
        "key": k(None),
        "cap": k("scsi_host"),
        "getMaxVcpus.type": k("test"),
        "getCPUModelNames.arch": k("x86_64"),
        "findStoragePoolSources.type": k("logical"),
        "srcSpec": k(None),
        "type": k(0),
        "metadata": k("fuzz description"),
        "uri": k(None),
        "virDomain.metadata.uri": k(None),
        "duri": k("test:///default"),
        "dconnuri": k(None),
        "miguri": k(None),
        "dname": k(None),
        "emulator": k(None), "emulatorbin": k(None), "arch": k(None),
        "machine": k(None), "virttype": k(None),
        "usageType": k(0), "usageID": k("/fuzz.img"),
        "wwnn": k("2000000012341234"), "wwpn": k("1000000012341234"),
        "portdev": k("vnet0"),
        "disk": k("vda"), "dev": k("vda"), "base": k(None), "top": k(None),
        "dev_name": k(None), "alias": k("ua-fuzz"), "new_name": k("fuzzrenamed"),
        "user": k("root"), "password": k("fuzz"), "mountPoint": k(None),
        "driverName": k(None),
        "cpumap": k("0"), "vcpumap": k("0"),
        "pinVcpu.cpumap": k((True, False)), "pinVcpuFlags.cpumap": k((True, False)),
        "pinEmulator.cpumap": k((True, False)), "pinIOThread.cpumap": k((True, False)),
        "vcpu": k(0), "iothread_val": k(1),
        "codeset": k(0), "holdtime": k(0), "keycodes": k([30]), "nkeycodes": k(1),
        "device": k("testnet0"), "source": k(0), "types": k(0),
        "snap": lambda env: env.get("snap"),
        "files": k([]),
        "cellNum": k(-1), "startCell": k(0), "maxCells": k(1), "cellCount": k(1),
        "getFreePages.pages": k([4]), "allocPages.pages": k({4: 0}),
        "xmlCPUs": k([CPU_XML]),
        "value": k(b"fuzz secret"),
        "data": k(b"fuzz data"), "nbytes": k(16),
        "cmd": k('{"execute":"guest-ping"}'),
        # files: inside the child's own temporary directory
        "to": path("fuzz.save"), "frm": path("fuzz.save"), "file": path("fuzz.save"),
        # objects
        "dconn": lambda env: env.get("conn2"),
        "conn": lambda env: env.get("conn2"),
        "domain": lambda env: env.get("dom"),
        "st": lambda env: env.get("stream"),
        "stream": lambda env: env.get("stream"),
        "clonevol": lambda env: env.get("vol"),
        "doms": lambda env: [env.get("dom")],
        "params": k({"weight": 100}),
        "time": k({"seconds": 0, "nseconds": 0}),
        # integers
        "flags": k(0), "stats": k(0), "id": k(1), "cpuNum": k(-1),
        "memory": k(2097152), "nvcpus": k(1), "bandwidth": k(0),
        "cacheSize": k(0), "downtime": k(0), "size": k(1 << 30),
        "callbackID": k(0), "iothread_id": k(1), "timeout": k(0),
        "idx": k(0), "fd": k(-1), "period": k(0), "seconds": k(0),
        "nseconds": k(0), "pid_value": k(1), "signum": k(0), "screen": k(0),
        "target": k(0), "duration": k(0), "threshold": k(0), "minimum": k(0),
        "capacity": k(1 << 21), "offset": k(0), "length": k(0),
        "algorithm": k(0), "interval": k(5), "count": k(3), "events": k(0),
        "watch": k(1), "timer": k(1), "state": k(0), "action": k(0),
        "autostart": k(0), "dumpformat": k(0),
        "command": k(3), "section": k(4), "parentIndex": k(-1),
        "qemuAttach.pid_value": k(1),
        # module functions
        "open.name": k(URI), "openReadOnly.name": k(URI),
        "getVersion.name": k("Test"),
        "openAuth.uri": k(URI),
        "auth": k([[1, 2], _noop, None]),
        "f": k(_noop), "ctx": k(None),
        "cb": k(_noop), "opaque": k(None),
        "virEventAddHandle.fd": lambda env: env.pipe_fd,
        "virEventInvokeHandleCallback.fd": lambda env: env.pipe_fd,
        "virEventInvokeHandleCallback.opaque": lambda env: env.get("handle_opaque"),
        "virEventInvokeHandleCallback.watch": k(1),
        "virEventInvokeTimeoutCallback.opaque": lambda env: env.get("timeout_opaque"),
        "virEventInvokeTimeoutCallback.timer": k(1),
        "virEventInvokeFreeCallback.opaque": lambda env: env.get("handle_opaque"),
        "virEventRemoveHandle.watch": lambda env: env.get("watch"),
        "virEventUpdateHandle.watch": lambda env: env.get("watch"),
        "virEventRemoveTimeout.timer": lambda env: env.get("timer"),
        "virEventUpdateTimeout.timer": lambda env: env.get("timer"),
        "virEventAddTimeout.timeout": k(-1),
        "addHandle": k(lambda *a: -1), "updateHandle": k(_noop),
        "removeHandle": k(_noop), "addTimeout": k(lambda *a: -1),
        "updateTimeout": k(_noop), "removeTimeout": k(_noop),
    }


def _bad_values():
    """(label, function(env)) for the values tried in every position."""
    k = lambda v: (lambda env: v)  # noqa: E731

    class Index:
        def __index__(self):
            return 2 ** 70

    class Regrow:
        """An int-like value that, when converted, takes its own key out of
        its dict and puts it back with a new Regrow: the dict's iteration
        then meets the key again (up to 8 times)."""

        def __init__(self, d, key, left=8):
            self.d, self.key, self.left = d, key, left

        def __index__(self):
            if self.left:
                self.d.pop(self.key, None)
                self.d[self.key] = Regrow(self.d, self.key, self.left - 1)
            return 10

    def regrowing(key):
        def make(env):
            d = {}
            d[key] = Regrow(d, key)
            return d
        return make

    class ClosesConnection:
        """An int whose conversion closes the connection passed as another
        argument (dconn, conn) of the same call."""

        def __init__(self, env):
            self.env = env

        def __index__(self):
            c = self.env.get("conn2")
            if c.c_pointer():
                c.close()
            return 0

    return [
        ("None", k(None)),
        ("str", k("/nonexistent/fuzz")),
        ("str-with-NUL", k("test\0tail")),
        ("str-surrogate", k("x\ud800")),
        ("str-100k", k("A" * 100000)),
        ("bytes", k(b"test")),
        ("int-negative", k(-1)),
        ("int-2**31", k(2 ** 31)),
        ("int-2**64", k(2 ** 64)),
        ("int-(-2**63-1)", k(-2 ** 63 - 1)),
        ("__index__-2**70", lambda env: Index()),
        ("__index__-closing-the-other-connection", lambda env: ClosesConnection(env)),
        ("float", k(1.5)),
        ("list", k([None, 1])),
        # dicts: typed parameters ('weight' is the test driver's scheduler
        # parameter) and setTime's {'seconds', 'nseconds'}
        ("dict-empty", k({})),
        ("dict-int-key", k({1: 1})),
        ("dict-weight-str", k({"weight": "x"})),
        ("dict-weight-2**70", k({"weight": 2 ** 70})),
        ("dict-weight-None", k({"weight": None})),
        ("dict-seconds-str", k({"seconds": "x"})),
        ("dict-seconds-2**70", k({"seconds": 2 ** 70})),
        ("dict-nseconds-negative", k({"seconds": 0, "nseconds": -1})),
        ("dict-regrown-while-converted", regrowing("weight")),
        ("dict-seconds-regrown-while-converted", regrowing("seconds")),
        ("object", lambda env: object()),
        ("virNetwork", lambda env: env.get("net")),
        ("virDomain", lambda env: env.get("dom")),
        ("virStream", lambda env: env.get("stream")),
        ("closed-virConnect", lambda env: env.get("closed")),
        ("list-of-virNetwork", lambda env: [env.get("dom"), env.get("net")]),
    ]


def _extra_bad_values():
    """Bad values for parameters of a compound type, by parameter name:
    (label, function(env))."""
    k = lambda v: (lambda env: v)  # noqa: E731
    return {
        "auth": [
            ("auth-empty-list", k([])),
            ("auth-one-item", k([[1]])),
            ("auth-four-items", k([[1], _noop, None, 1])),
            ("auth-tuple", k(((1,), _noop, None))),
            ("auth-credtypes-None", k([None, _noop, None])),
            ("auth-credtype-str", k([["x"], _noop, None])),
            ("auth-credtype-2**70", k([[2 ** 70], _noop, None])),
            ("auth-credtype-negative", k([[-1], _noop, None])),
            ("auth-callback-not-callable", k([[1], "x", None])),
        ],
        "virEventInvokeHandleCallback.opaque": [
            ("opaque-of-a-timeout", lambda env: env.get("timeout_opaque")),
            ("opaque-already-freed", lambda env: env.freed_opaque("handle_opaque")),
            ("a-function", lambda env: env.libvirtmod.virEventInvokeHandleCallback),
        ],
        "virEventInvokeTimeoutCallback.opaque": [
            ("opaque-of-a-handle", lambda env: env.get("handle_opaque")),
            ("opaque-already-freed", lambda env: env.freed_opaque("timeout_opaque")),
        ],
        "virEventInvokeFreeCallback.opaque": [
            ("opaque-of-a-timeout", lambda env: env.get("timeout_opaque")),
            ("opaque-already-freed", lambda env: env.freed_opaque("handle_opaque")),
        ],
        "doms": [
            ("doms-empty", k([])),
            ("doms-with-None", lambda env: [env.get("dom"), None]),
            ("doms-with-virNetwork", lambda env: [env.get("net")]),
            ("doms-with-closed-virConnect", lambda env: [env.get("closed")]),
            ("doms-tuple", lambda env: (env.get("dom"),)),
            ("doms-generator", lambda env: (d for d in [env.get("dom")])),
            ("doms-of-two-connections", lambda env: [env.get("dom"), env.get("dom2")]),
            ("doms-of-a-closed-connection", lambda env: [env.orphan("dom")]),
        ],
    }


# ---- the child: runs the cases of one group -----------------------------

class Env:
    """The libvirt objects of one case, made on first use."""

    def __init__(self, libvirt, readonly, pipe_fd):
        import libvirtmod
        self.libvirt = libvirt
        self.libvirtmod = libvirtmod
        self.readonly = readonly
        self.pipe_fd = pipe_fd
        self.objs = {}

    def get(self, key):
        if key not in self.objs:
            self.objs[key] = getattr(self, "_make_" + key)()
        return self.objs[key]

    def _open(self):
        lv = self.libvirt
        return lv.openReadOnly(URI) if self.readonly else lv.open(URI)

    def _make_conn(self):
        return self._open()

    def _make_conn2(self):
        return self._open()

    def _make_closed(self):
        c = self._open()
        c.close()
        return c

    def _make_dom(self):
        return self.get("conn").lookupByName("test")

    def _make_dom2(self):
        return self.get("conn2").lookupByName("test")

    def _make_net(self):
        return self.get("conn").networkLookupByName("default")

    def _make_iface(self):
        return self.get("conn").interfaceLookupByName("eth1")

    def _make_pool(self):
        return self.get("conn").storagePoolLookupByName("default-pool")

    def _make_vol(self):
        return self.get("pool").createXML(VOL_XML.format("fuzzvol"), 0)

    def _make_dev(self):
        return self.get("conn").nodeDeviceLookupByName("scsi_host1")

    def _make_stream(self):
        return self.get("conn").newStream(0)

    def _make_snap(self):
        return self.get("dom").snapshotCreateXML(SNAP_XML, 0)

    def _make_ckpt(self):
        return self.get("dom").checkpointCreateXML(CKPT_XML, 0)

    def _make_secret(self):
        return self.get("conn").secretDefineXML(SECRET_XML, 0)

    def _make_nwfilter(self):
        return self.get("conn").nwfilterDefineXML(NWFILTER_XML)

    def _make_binding(self):
        return self.get("conn").nwfilterBindingCreateXML(BINDING_XML, 0)

    def _make_port(self):
        return self.get("net").portCreateXML(PORT_XML, 0)

    def _make_watch(self):
        return self.libvirtmod.virEventAddHandle(self.pipe_fd, 0, _noop, None)

    def _make_timer(self):
        return self.libvirtmod.virEventAddTimeout(-1, _noop, None)

    def _make_handle_opaque(self):
        self.libvirtmod.virEventAddHandle(self.pipe_fd, 0, _noop, None)
        return _LOOP.last_opaque

    def _make_timeout_opaque(self):
        self.libvirtmod.virEventAddTimeout(-1, _noop, None)
        return _LOOP.last_opaque

    def freed_opaque(self, key):
        o = self.get(key)
        self.libvirtmod.virEventInvokeFreeCallback(o)
        return o

    def orphan(self, key):
        """An object of `key` whose connection object was closed."""
        other = Env(self.libvirt, self.readonly, self.pipe_fd)
        obj = other.get(key)
        other.get("conn").close()
        return obj

    def drop(self):
        # children before their owners, so the last reference of each
        # connection goes last
        for key in reversed(list(self.objs)):
            del self.objs[key]


_LOOP = None       # the loop double of a "python-loop" child (support/eventloop.py)


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


def _is_method(v):
    return isinstance(v, (types.MethodDescriptorType, types.ClassMethodDescriptorType,
                          types.WrapperDescriptorType))


def _c_types(libvirtmod):
    return {name: v for name, v in vars(libvirtmod).items()
            if isinstance(v, type) and not issubclass(v, BaseException)}


def _modules():
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
    for name, mod in _modules():
        if isinstance(mod, ImportError):
            out.append("import:" + name)
        else:
            mods.append(mod)
    if mods and mods[0].__name__ == "libvirtmod":
        out = sorted(_c_types(mods[0])) + out
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


def _entries(group):
    import libvirtmod
    if group.startswith("_selftest"):
        return _selftest_entries()
    group = group.split("@")[0]
    if "." in group:
        modname, name = group.split(".")
        mod = __import__(modname)
        return [Entry(group, getattr(mod, name))]
    cls = getattr(libvirtmod, group)
    return [Entry(group + "." + name, v, SELF_KEYS[group], cls)
            for name, v in sorted(cls.__dict__.items())
            if not name.startswith("__") and _is_method(v)]


class Case:
    def __init__(self, entry, kind, desc, build, dirty_after=False):
        self.entry = entry
        self.kind = kind
        self.desc = desc
        self.build = build        # env -> (callable, args, kwargs)
        self.dirty_after = dirty_after


class CallbackError(Exception):
    """Raised by a test callback: the binding passes it on."""


def _auth_callback_cases(e):
    """openAuth with a credential callback that returns or mutates badly."""
    def set_result(value):
        def cb(creds, data):
            for c in creds:
                c[4] = value
            return 0
        return cb

    def mutate(fn, ret=0):
        def cb(creds, data):
            fn(creds)
            return ret
        return cb

    def returns(value):
        return lambda creds, data: (set_result("root")(creds, data), value)[1]

    def raises(creds, data):
        raise CallbackError("from the credential callback")

    def reenters(creds, data):
        try:
            __import__("libvirtmod").openAuth(ESX_URI, [[2], set_result("x"), None], 0)
        except Exception:
            pass
        return set_result("root")(creds, data)

    callbacks = [
        ("answers", set_result("root")),
        ("leaves-results-None", lambda creds, data: 0),
        ("empties-the-list", mutate(lambda creds: creds.clear())),
        ("pops-an-item", mutate(lambda creds: creds.pop())),
        ("appends-an-item", mutate(lambda creds: creds.append([2, "", "", "", "x"]))),
        ("replaces-an-item-by-a-str", mutate(lambda creds: creds.__setitem__(0, "x"))),
        ("replaces-an-item-by-a-short-list", mutate(lambda creds: creds.__setitem__(0, [2]))),
        ("replaces-an-item-by-a-tuple",
         mutate(lambda creds: creds.__setitem__(0, tuple(creds[0][:4]) + ("root",)))),
        ("empties-an-item", mutate(lambda creds: creds[0].clear())),
        ("result-int", set_result(5)),
        ("result-bytes", set_result(b"root")),
        ("result-with-NUL", set_result("ro\0ot")),
        ("result-surrogate", set_result("x\ud800")),
        ("result-100k", set_result("A" * 100000)),
        ("returns-None", returns(None)),
        ("returns-str", returns("0")),
        ("returns-float", returns(0.0)),
        ("returns-negative", returns(-1)),
        ("returns-2**32", returns(2 ** 32)),
        ("returns-2**70", returns(2 ** 70)),
        ("raises", raises),
        ("calls-openAuth-again", reenters),
    ]
    out = []
    for label, cb in callbacks:
        out.append(Case(e, "callback", "%s(callback %s)" % (e.qualname, label),
                        lambda env, cb=cb: (e.func, [ESX_URI, [[2, 5], cb, None], 0], {})))
    return out


def _cases(group, entries, valid, bad_values, extra_bad):
    """Every case of the group, in a stable order."""
    if group == AUTH_CALLBACK_GROUP:
        return _auth_callback_cases(entries[0])
    cases = []
    for e in entries:
        if e.params is None:
            cases.append(Case(e, "nosig", "%s has no usable signature (%s)"
                              % (e.qualname, e.sig_error), None))
            continue
        cases.extend(_entry_cases(e, valid, bad_values, extra_bad))
    return cases


def _value_for(valid, e, p):
    for key in ("%s.%s.%s" % (e.owner, e.method, p.name), "%s.%s" % (e.method, p.name), p.name):
        if key in valid:
            return valid[key]
    if p.default is not p.empty:
        return lambda env: p.default
    return lambda env: 0


def _entry_cases(e, valid, bad_values, extra_bad):
    params = [p for p in e.params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD,
                                                p.KEYWORD_ONLY)]
    varargs = any(p.kind == p.VAR_POSITIONAL for p in e.params)
    required = [p for p in params if p.default is p.empty]
    vals = [_value_for(valid, e, p) for p in params]
    q = e.qualname

    def call(env, self_obj, pos, kw):
        f = e.func
        if e.self_key is not None:
            return f, [self_obj] + pos, kw
        return f, pos, kw

    def self_of(env):
        return env.get(e.self_key) if e.self_key else None

    def split(env, upto, override=None):
        """Arguments for the first `upto` parameters (positional where the
        parameter allows it), parameter i replaced by override[i]."""
        pos, kw = [], {}
        for i, p in enumerate(params[:upto]):
            v = override[1](env) if override and override[0] == i else vals[i](env)
            if p.kind == p.KEYWORD_ONLY:
                kw[p.name] = v
            else:
                pos.append(v)
        return pos, kw

    nreq = max((params.index(p) + 1 for p in required), default=0)
    out = []
    if q == "libvirtmod._register":
        # only argument checks: never the valid call
        for label, bad in [("no-args", lambda env: ()),
                           ("None", lambda env: (None,)),
                           ("not-an-exception", lambda env: (int,) + (object,) * 14),
                           ("classes-wrong", lambda env: (Exception,) + (int,) * 14),
                           ("too-few", lambda env: (Exception, object)),
                           ("too-many", lambda env: (Exception,) + (object,) * 20)]:
            out.append(Case(e, "arg", "%s(%s)" % (q, label),
                            lambda env, bad=bad: (e.func, list(bad(env)), {})))
        return out

    out.append(Case(e, "valid", "%s(valid positional)" % q,
                    lambda env: call(env, self_of(env), *split(env, len(params))),
                    dirty_after=True))
    out.append(Case(e, "valid", "%s(valid by keyword)" % q,
                    lambda env: call(env, self_of(env), [],
                                     {p.name: vals[i](env) for i, p in enumerate(params)
                                      if p.kind != p.POSITIONAL_ONLY}),
                    dirty_after=True))
    if nreq < len(params):
        out.append(Case(e, "valid", "%s(valid, optional arguments left out)" % q,
                        lambda env: call(env, self_of(env), *split(env, nreq)),
                        dirty_after=True))
    if e.self_key is not None:
        other = "net" if e.self_key != "net" else "dom"
        for label, make in [("None", lambda env: None),
                            ("object", lambda env: object()),
                            ("str", lambda env: "test"),
                            ("other-class", lambda env, other=other: env.get(other)),
                            ("closed-virConnect", lambda env: env.get("closed"))]:
            out.append(Case(e, "self", "%s(self=%s)" % (q, label),
                            lambda env, make=make: call(env, make(env), *split(env, nreq)),
                            dirty_after=True))
        if e.self_key != "conn":
            out.append(Case(e, "self", "%s(self=object whose connection was closed)" % q,
                            lambda env: call(env, env.orphan(e.self_key), *split(env, nreq)),
                            dirty_after=True))
    for i, p in enumerate(params):
        extra = extra_bad.get("%s.%s" % (e.method, p.name), extra_bad.get(p.name, []))
        for label, bad in bad_values + extra:
            out.append(Case(e, "arg", "%s(%s=%s)" % (q, p.name, label),
                            lambda env, i=i, bad=bad: call(
                                env, self_of(env), *split(env, max(nreq, i + 1), (i, bad))),
                            dirty_after=True))
    if not varargs:
        out.append(Case(e, "extra", "%s(one positional argument too many)" % q,
                        lambda env: call(env, self_of(env),
                                         split(env, len(params))[0] + [0], {})))
    out.append(Case(e, "extra", "%s(unknown keyword argument)" % q,
                    lambda env: call(env, self_of(env), split(env, nreq)[0],
                                     dict(split(env, nreq)[1], fuzz_no_such_arg=1))))
    if nreq:
        out.append(Case(e, "extra", "%s(required argument '%s' missing)"
                        % (q, params[nreq - 1].name),
                        lambda env: call(env, self_of(env), *split(env, nreq - 1))))
    if params and params[0].kind == params[0].POSITIONAL_OR_KEYWORD:
        out.append(Case(e, "extra", "%s(%s given twice)" % (q, params[0].name),
                        lambda env: call(env, self_of(env), split(env, 1)[0],
                                         {params[0].name: vals[0](env)})))
    return out


def _selftest_entries():
    """Fake entry points with known faults, to check that the harness
    reports each kind of failure (see test_harness_reports_failures)."""
    def fine(name, flags=0):
        return None

    def raises_attribute_error(name, flags=0):
        if name == "test" and flags == 0:
            raise AttributeError("from inside the binding")

    def crashes(name, flags=0):
        if flags == -1:
            os.abort()

    def hangs(name, flags=0):
        if flags == 2 ** 31:
            time.sleep(3600)

    def renamed_parameter(name, *args, **kwargs):
        # Its signature says `flags`; what it parses calls it otherwise.
        if "flags" in kwargs:
            raise TypeError("renamed_parameter() got an unexpected keyword argument 'flags'")
    renamed_parameter.__signature__ = inspect.signature(fine)

    out = []
    for f in (fine, raises_attribute_error, crashes, hangs, renamed_parameter):
        out.append(Entry("_selftest." + f.__name__, f))
    return out


def _emit(line):
    os.write(1, (line.replace("\n", "\\n") + "\n").encode("utf-8", "backslashreplace"))


# TypeError messages (ours and CPython's) that say the call's shape did not
# fit the signature, whatever the values.
SIGNATURE_MISMATCH = ("unexpected keyword argument", "multiple values for argument",
                      "missing required argument", "required positional argument",
                      "required keyword-only argument", "positional argument but",
                      "positional arguments but", "takes at most", "takes exactly",
                      "takes no arguments")


def child_main(group, start):
    import libvirt
    accepted = (TypeError, ValueError, OverflowError, libvirt.libvirtError)
    # LookupError: for a dict argument with missing, unknown or no keys,
    # as libvirt-python raises it (drop-in compatibility); nowhere else.
    quiet = lambda ctx, err: None  # noqa: E731
    libvirt.registerErrorHandler(quiet, None)
    tmp = os.environ.get("FUZZ_TMPDIR") or tempfile.mkdtemp(prefix="fuzz-")
    os.chdir(tmp)
    rfd, wfd = os.pipe()
    readonly = group.startswith(("libvirtmod_lxc.", "libvirtmod_qemu."))
    loop = group.partition("@")[2]
    if loop == "python-loop":
        global _LOOP
        _LOOP = PythonEventLoop().register(libvirt)     # records, never runs
    elif loop == "default-loop":
        libvirt.virEventRegisterDefaultImpl()
    state_error = STATE_ERRORS.get(group)

    entries = _entries(group)
    cases = _cases(group, entries, _valid_table(tmp), _bad_values(), _extra_bad_values())
    _emit("TOTAL\t%d" % len(cases))

    # Object types the driver cannot make: only bad-self cases.
    no_object = set()
    if entries and entries[0].self_key:
        probe = Env(libvirt, readonly, rfd)
        try:
            probe.get(entries[0].self_key)
        except libvirt.libvirtError as e:
            no_object.add(entries[0].self_key)
            _emit("NOTE\t" + NO_OBJECT_REASON.format(group) + " (%s)" % e)
        probe.drop()
        del probe

    env = Env(libvirt, readonly, rfd)
    for idx, case in enumerate(cases):
        if idx < start:
            continue
        if case.kind == "nosig":
            _emit("BAD\t%d\t%s" % (idx, case.desc))
            continue
        if case.entry.self_key in no_object and (case.kind != "self" or "closed)" in case.desc):
            continue
        _emit("CASE\t%d\t%s" % (idx, case.desc))
        if case.kind == "self" and env.objs:
            env.drop()
            env = Env(libvirt, readonly, rfd)
        try:
            func, args, kwargs = case.build(env)
        except libvirt.libvirtError as e:
            # the objects of the case could not be made: a driver limit
            _emit("NOTE\t%s: setup failed: %s" % (case.desc, e))
            env.drop()
            env = Env(libvirt, readonly, rfd)
            continue
        except Exception as e:
            _emit("BAD\t%d\t%s: making its arguments raised %s: %s"
                  % (idx, case.desc, type(e).__name__, e))
            env.drop()
            env = Env(libvirt, readonly, rfd)
            continue
        outcome = None
        try:
            result = func(*args, **kwargs)
            repr(result)
            if isinstance(result, (list, tuple)):
                for item in result:
                    repr(item)
            outcome = "returned"
            del result
        except accepted as e:
            outcome = type(e).__name__
            str(e)
            if case.kind == "valid" and isinstance(e, TypeError) and any(
                    m in str(e) for m in SIGNATURE_MISMATCH):
                # Valid values under the surface's own parameter names: a
                # renamed or dropped parameter, not a judged value.
                outcome = "BAD"
                _emit("BAD\t%d\t%s raised %s: %s" % (idx, case.desc, type(e).__name__, e))
        except LookupError as e:
            if any(isinstance(a, dict) for a in list(args) + list(kwargs.values())):
                outcome = type(e).__name__
            else:
                outcome = "BAD"
                _emit("BAD\t%d\t%s raised %s: %s" % (idx, case.desc, type(e).__name__, e))
        except AttributeError as e:
            # libvirt_qemu's and libvirt_lxc's functions read domain._o (or
            # conn._o) as the reference's do: None is an AttributeError there.
            if readonly and str(e).startswith("'NoneType' object has no attribute") and any(
                    a is None for a in list(args) + list(kwargs.values())):
                outcome = type(e).__name__
            else:
                outcome = "BAD"
                _emit("BAD\t%d\t%s raised %s: %s" % (idx, case.desc, type(e).__name__, e))
        except CallbackError as e:
            outcome = "CallbackError"   # the test callback's own, passed on
        except BaseException as e:  # noqa: B902 (everything else is a failure)
            if state_error and type(e).__name__ == state_error[0] and state_error[1] in str(e):
                outcome = type(e).__name__
                _emit("R\t%d\t%s" % (idx, outcome))
                continue
            outcome = "BAD"
            _emit("BAD\t%d\t%s raised %s: %s" % (idx, case.desc, type(e).__name__, e))
        del func, args, kwargs
        if group == "libvirtmod.registerErrorHandler":
            libvirt.registerErrorHandler(quiet, None)
        if case.kind == "self" or (case.dirty_after
                                   and outcome not in ("TypeError", "ValueError", "OverflowError")):
            # the call may have reached libvirt (or made objects of another
            # connection): the next case gets a fresh driver state
            env.drop()
            env = Env(libvirt, readonly, rfd)
        _emit("R\t%d\t%s" % (idx, outcome))
    env.drop()
    gc.collect()
    _emit("DONE")


# ---- the parent: pytest ---------------------------------------------------

def run_group(group, hang_seconds=HANG_SECONDS):
    """Run the child over a group, restarting after each crash or hang.
    Returns (problems, notes, number of cases run)."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        return _run_group(group, hang_seconds, tmp)


def _run_group(group, hang_seconds, tmp):
    problems, notes = [], []
    start, ran, restarts = 0, 0, 0
    # PYTHONMALLOC=debug: a write past a PyMem buffer of the binding aborts
    env = dict(os.environ, LIBVIRT_DEFAULT_URI=URI, LIBVIRT_AUTOSTART="0",
               PYTHONFAULTHANDLER="1", PYTHONDONTWRITEBYTECODE="1",
               PYTHONMALLOC="malloc" if group in NO_DEBUG_MALLOC else "debug",
               FUZZ_TMPDIR=tmp)
    while True:
        proc = child.start(HERE, group, start, env=env, cwd=tempfile.gettempdir(), text=False)
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        buf, last_case, done, hung = b"", None, False, False
        while True:
            if not sel.select(timeout=hang_seconds):
                hung = True
                proc.kill()
                break
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for raw in lines:
                parts = raw.decode("utf-8", "replace").split("\t")
                tag = parts[0]
                if tag == "CASE":
                    last_case = (int(parts[1]), parts[2])
                    ran += 1
                elif tag == "R":
                    last_case = None
                elif tag == "BAD":
                    problems.append(parts[2])
                elif tag == "NOTE":
                    notes.append(parts[1])
                elif tag == "DONE":
                    done = True
        sel.close()
        _, err = proc.communicate()
        err = err.decode("utf-8", "replace")
        if done and proc.returncode == 0:
            break
        tail = "\n        ".join(err.strip().splitlines()[-12:])
        if last_case is None:
            problems.append("child exited with %s outside any case (after %d cases)\n        %s"
                            % (proc.returncode, ran, tail))
            break
        idx, desc = last_case
        if hung:
            problems.append("%s hung (no progress for %.0f s)" % (desc, hang_seconds))
        else:
            problems.append("%s crashed the interpreter (exit status %s)\n        %s"
                            % (desc, proc.returncode, tail))
        restarts += 1
        if restarts > 25:
            problems.append("too many crashes: stopped")
            break
        start = idx + 1
    return problems, notes, ran


def _format(group, problems, notes):
    """The problems, those differing only in the bad argument merged."""
    import re
    merged = {}
    for p in problems:
        m = re.match(r"^(\S+?)\((.*)\) (raised .*)$", p, re.S)
        key = (m.group(1), m.group(3)) if m else (p, "")
        merged.setdefault(key, []).append(m.group(2) if m else "")
    lines = ["%d unacceptable outcome(s) in %s:" % (len(problems), group)]
    for (call, what), args in merged.items():
        if what:
            shown = ", ".join(args[:6]) + (", ... (%d calls)" % len(args) if len(args) > 6 else "")
            lines.append("  - %s(%s) %s" % (call, shown, what))
        else:
            lines.append("  - " + call)
    if notes:
        lines.append("notes:")
        lines += ["  " + n for n in notes]
    return "\n".join(lines)


if __name__ == "__main__":
    child_main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    sys.exit(0)

import pytest  # noqa: E402  (the child does not need it)


@pytest.mark.parametrize("group", groups())
def test_wrong_arguments(group):
    if group.startswith("import:"):
        name = group.split(":", 1)[1]
        pytest.fail("%s cannot be imported: %s" % (name, dict(_modules())[name]))
    problems, notes, ran = run_group(group)
    assert ran > 0, "no case ran for %s" % group
    assert not problems, _format(group, problems, notes)


def test_every_entry_point_is_fuzzed():
    """Every builtin of the three modules and every method of every C type
    is in a group, apart from NOT_CALLED; and every NOT_CALLED entry still
    exists (the table stays honest)."""
    mods = dict(_modules())
    for name, mod in mods.items():
        assert not isinstance(mod, ImportError), "%s: %s" % (name, mod)
    libvirtmod, libvirtmod_qemu, libvirtmod_lxc = (
        mods["libvirtmod"], mods["libvirtmod_qemu"], mods["libvirtmod_lxc"])
    gs = {g.split("@")[0] for g in groups()}
    for name, cls in _c_types(libvirtmod).items():
        assert name in gs
        assert name in SELF_KEYS, "no self object is known for the new type %s" % name
    for mod in (libvirtmod, libvirtmod_qemu, libvirtmod_lxc):
        for name, v in vars(mod).items():
            if isinstance(v, types.BuiltinFunctionType):
                q = mod.__name__ + "." + name
                assert q in gs or q in NOT_CALLED, q
    for q in NOT_CALLED:
        modname, name = q.split(".")
        assert hasattr(__import__(modname), name), "NOT_CALLED lists a missing %s" % q


def test_harness_reports_failures():
    """The harness itself: an exception of the wrong class, a crash and a
    hang are each reported with the call that caused them, and the cases
    after a crash still run."""
    problems, notes, ran = run_group("_selftest", hang_seconds=3)
    text = "\n".join(problems)
    assert "_selftest.raises_attribute_error(valid positional) raised AttributeError" in text
    assert "_selftest.crashes(flags=int-negative) crashed the interpreter" in text
    assert "_selftest.hangs(flags=int-2**31) hung" in text
    assert "_selftest.fine" not in text
    assert ("_selftest.renamed_parameter(valid by keyword) raised TypeError: "
            "renamed_parameter() got an unexpected keyword argument 'flags'") in text
    # cases after the crash and the hang ran
    assert "_selftest.hangs(valid positional)" not in text
    # the AttributeError three times (positional, keyword, optional left out),
    # the renamed parameter once (by keyword)
    assert len(problems) == 6, text
