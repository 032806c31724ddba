"""The valid and the bad argument values of tests/test_fuzz_arguments.py."""

import os

from support.fuzz_entries import URI


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


def noop(*args):
    return 0


def valid_table(tmp):
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
        "auth": k([[1, 2], noop, None]),
        "f": k(noop), "ctx": k(None),
        "cb": k(noop), "opaque": k(None),
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
        "addHandle": k(lambda *a: -1), "updateHandle": k(noop),
        "removeHandle": k(noop), "addTimeout": k(lambda *a: -1),
        "updateTimeout": k(noop), "removeTimeout": k(noop),
    }


def bad_values():
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


def extra_bad_values():
    """Bad values for parameters of a compound type, by parameter name:
    (label, function(env))."""
    k = lambda v: (lambda env: v)  # noqa: E731
    return {
        "auth": [
            ("auth-empty-list", k([])),
            ("auth-one-item", k([[1]])),
            ("auth-four-items", k([[1], noop, None, 1])),
            ("auth-tuple", k(((1,), noop, None))),
            ("auth-credtypes-None", k([None, noop, None])),
            ("auth-credtype-str", k([["x"], noop, None])),
            ("auth-credtype-2**70", k([[2 ** 70], noop, None])),
            ("auth-credtype-negative", k([[-1], noop, None])),
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
