"""The calls of the differential test, in groups.

Each group runs in one child process (runner.py) under each binding.  A call
is made either on the group's shared context (read-only calls) or, when it
is marked ``fresh``, on a context of its own: a new connection to the driver
URI, which for ``test:///<file>`` is a fresh private state.  So what a
mutating call does never reaches another call, and both runs see the same
state whatever the other calls did.

A method call is written

    M(Class, method, target, arg, arg, ..., tag=..., fresh=..., ...)

where ``target`` names the object (see Context.ref) and each ``arg`` is a
plain value or one of the argument kinds below.  M() adds the base call and
one call per *variant* of each argument (the same call with that one
argument replaced): None for strings and objects, str/bytes/wrong length for
UUIDs, bool/__index__/out-of-C-range for integers, ...  Call ids:

    Class.method[#tag]                 the base call
    Class.method[#tag][param=variant]  a variant (param named as in the
                                       reference's signature)
    Class.method[#tag][*=keywords]     the base call, every argument given
                                       by keyword

Nothing here imports the binding at module level: the child passes in the
module (ctx.lv), and the test imports this file only to list the calls.
"""

import json
import os
import shutil
import sys
import tempfile

from support.eventloop import PythonEventLoop

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS_DIR = os.path.dirname(HERE)
SURFACE_PATH = os.path.join(TESTS_DIR, "data", "libvirt-python-surface.json")
RICH_XML = os.path.join(TESTS_DIR, "data", "rich-driver.xml")
RICH_URI = "test://" + RICH_XML

with open(SURFACE_PATH) as _f:
    SURFACE = json.load(_f)["modules"]

CONST = {n: v["value"] for n, v in SURFACE["libvirt"]["names"].items()
         if v["kind"].endswith("constant")}


def K(name):
    """A libvirt constant, by name (values from the reference surface)."""
    return CONST[name]


def params_of(cls, meth):
    """Parameter names (without self) of a reference method or function."""
    if cls in ("libvirt", "libvirt_qemu", "libvirt_lxc"):
        return [p["name"] for p in SURFACE[cls]["names"][meth]["params"]]
    return [p["name"] for p in SURFACE["libvirt"]["names"][cls]["methods"][meth]["params"][1:]]


# ---------------------------------------------------------------- arguments

class Index:
    """An int-like object that is not an int: only __index__."""
    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value

    def __repr__(self):
        return "Index(%d)" % self.value


BIG = 1 << 70          # out of the range of every C integer type


class Arg:
    """An argument: its value for the base call and its variants."""
    def __init__(self, value):
        self.value = value

    def resolve(self, ctx):
        return resolve(self.value, ctx)

    def variants(self):
        return []


def resolve(v, ctx):
    """A value with the Refs and Lazys in it (also inside lists and
    tuples) replaced by what they name."""
    if isinstance(v, Ref):
        return ctx.ref(v.spec)
    if isinstance(v, Lazy):
        return v.fn(ctx)
    if isinstance(v, (list, tuple)) and any(isinstance(x, (Ref, Lazy)) for x in v):
        return type(v)(resolve(x, ctx) for x in v)
    return v


class Ref:
    def __init__(self, spec):
        self.spec = spec


class Lazy:
    """A value computed in the child from the context."""
    def __init__(self, fn):
        self.fn = fn


class S(Arg):
    """A string argument: also None (the reference passes NULL then)."""
    def variants(self):
        return [("None", None)]


class I(Arg):
    """An integer argument: also bool, an __index__ object, out of C range."""
    def variants(self):
        v = self.value
        return [("bool", bool(v)), ("index", Index(v)), ("big", BIG + v)]


def F(value=0):
    """A flags argument (unsigned int)."""
    return I(value)


class U(Arg):
    """A raw UUID argument (16 bytes), given as the canonical string."""
    def __init__(self, uuidstr):
        super().__init__(bytes.fromhex(uuidstr.replace("-", "")))
        self.uuidstr = uuidstr

    def variants(self):
        raw = self.value
        return [("str", self.uuidstr), ("str16", raw.decode("latin-1")),
                ("short", raw[:15]), ("long", raw + b"\x01"), ("None", None)]


class US(Arg):
    """A UUID string argument."""
    def variants(self):
        v = self.value
        return [("bytes", v.encode()), ("short", v[:13]), ("nodash", v.replace("-", "")),
                ("None", None)]


class O(Arg):
    """An object argument (a Ref or Lazy): also None."""
    def variants(self):
        return [("None", None)]


class L(Arg):
    """A list/tuple argument: also the other container type, empty, None."""
    def variants(self):
        v = self.value
        other = tuple(v) if isinstance(v, list) else list(v)
        return [("other", other), ("empty", type(v)()), ("None", None)]


class P(Arg):
    """A typed-parameter dict: also None, {}, and each value as bool,
    __index__, out of range, str."""
    def variants(self):
        v = self.value
        out = [("None", None), ("empty", {})]
        for k, x in v.items():
            if isinstance(x, int) and not isinstance(x, bool):
                for label, y in (("bool", bool(x)), ("index", Index(x)), ("big", BIG + x),
                                 ("str", str(x))):
                    d = dict(v)
                    d[k] = y
                    out.append(("%s:%s" % (k, label), d))
            elif isinstance(x, str):
                d = dict(v)
                d[k] = None
                out.append(("%s:None" % k, d))
        d = dict(v)
        d["no.such.parameter"] = 1
        out.append(("unknown-key", d))
        return out


class D(Arg):
    """A dict argument (not typed parameters): also None, {}."""
    def variants(self):
        return [("None", None), ("empty", {})]


class B(Arg):
    """A bytes argument: also str, None."""
    def variants(self):
        return [("str", self.value.decode("latin-1")), ("None", None)]


class X(Arg):
    """A value with no variants (callbacks, opaque values, ...)."""


def as_arg(a):
    if isinstance(a, Arg):
        return a
    if isinstance(a, (Ref, Lazy)):
        return O(a)
    return X(a)


# -------------------------------------------------------------------- calls

class Call:
    def __init__(self, cid, fn, covers, fresh=False, varies=False, unordered=False,
                 mask=None, post=None):
        self.id = cid
        self.fn = fn
        self.covers = set(covers)
        self.fresh = fresh
        self.varies = varies
        self.unordered = unordered
        self.mask = mask
        self.post = post


class Group:
    def __init__(self, name, kind="test", doc="", checkpoints=False, all_fresh=False):
        self.name = name
        self.all_fresh = all_fresh      # every call on a context of its own
        self.checkpoints = checkpoints  # contexts create checkpoints cp1, cp2 on beta
        self.kind = kind          # "test": rich driver; "secret"; "daemon"; "eventimpl"
        self.doc = doc
        self.calls = []
        self.ids = set()

    def add(self, call):
        if self.all_fresh:
            call.fresh = True
        if call.id in self.ids:
            raise ValueError("duplicate call id %s" % call.id)
        self.ids.add(call.id)
        self.calls.append(call)


GROUPS = {}
_current = [None]


def group(name, kind="test", doc="", checkpoints=False, all_fresh=False):
    g = GROUPS[name] = Group(name, kind, doc, checkpoints, all_fresh)
    _current[0] = g
    return g


def _invoke(target, cls, meth, argspecs, kwspecs, replace=None):
    def fn(ctx):
        obj = ctx.ref(target) if isinstance(target, str) else target(ctx)
        args = []
        for i, a in enumerate(argspecs):
            if replace is not None and replace[0] == i:
                args.append(resolve(replace[1], ctx))
            else:
                args.append(a.resolve(ctx))
        kwargs = {k: a.resolve(ctx) for k, a in kwspecs.items()}
        return getattr(obj, meth)(*args, **kwargs)
    return fn


def M(cls, meth, target, *args, tag=None, variants=True, kw=None, fresh=False,
      varies=False, unordered=False, mask=None, post=None, covers=()):
    """A method call (or, with cls a module name, a module function call)
    plus its argument variants."""
    names = params_of(cls, meth)
    if len(args) > len(names):
        raise ValueError("%s.%s: too many arguments" % (cls, meth))
    argspecs = [as_arg(a) for a in args]
    kwspecs = {k: as_arg(a) for k, a in (kw or {}).items()}
    base = "%s.%s" % (cls, meth) + ("#" + tag if tag else "")
    cov = {"%s.%s" % (cls, meth)} | set(covers)
    g = _current[0]
    opts = dict(fresh=fresh, varies=varies, unordered=unordered, mask=mask, post=post)
    g.add(Call(base, _invoke(target, cls, meth, argspecs, kwspecs), cov, **opts))
    if not variants:
        return
    if argspecs:
        # every argument by keyword, under the reference's parameter names
        bykw = dict(kwspecs)
        bykw.update({names[i]: a for i, a in enumerate(argspecs)})
        g.add(Call(base + "[*=keywords]", _invoke(target, cls, meth, [], bykw), cov, **opts))
    for i, a in enumerate(argspecs):
        for label, value in a.variants():
            cid = "%s[%s=%s]" % (base, names[i], label)
            g.add(Call(cid, _invoke(target, cls, meth, argspecs, kwspecs, (i, value)), cov,
                       **opts))


def FN(module, name, *args, **kw):
    """A module function call plus its argument variants."""
    M(module, name, "module:" + module, *args, **kw)


def C(cid, fn, covers=(), fresh=False, varies=False, unordered=False, mask=None, post=None):
    """A free-form call: fn(ctx) -> value."""
    _current[0].add(Call(cid, fn, covers, fresh=fresh, varies=varies, unordered=unordered,
                         mask=mask, post=post))


# ------------------------------------------------------------------ context


# Reference kinds of the driver's objects: "kind:name" (or "kind:parent/name").
_LOOKUPS = {
    "dom": lambda c, name: c.lookupByName(name),
    "net": lambda c, name: c.networkLookupByName(name),
    "pool": lambda c, name: c.storagePoolLookupByName(name),
    "vol": lambda c, pool, vol: c.storagePoolLookupByName(pool).storageVolLookupByName(vol),
    "iface": lambda c, name: c.interfaceLookupByName(name),
    "dev": lambda c, name: c.nodeDeviceLookupByName(name),
    "snap": lambda c, dom, snap: c.lookupByName(dom).snapshotLookupByName(snap, 0),
    "cp": lambda c, dom, cp: c.lookupByName(dom).checkpointLookupByName(cp, 0),
    "secret": lambda c, uuid: c.secretLookupByUUIDString(uuid),
    "nwfilter": lambda c, name: c.nwfilterLookupByName(name),
    "binding": lambda c, dev: c.nwfilterBindingLookupByPortDev(dev),
    "port": lambda c, net, uuid: c.networkLookupByName(net).portLookupByUUIDString(uuid),
}

class Context:
    """One connection and the objects looked up on it.

    ref(spec) names an object:
      conn, roconn (read-only open of the same URI), stream (a new one each
      time), err (a libvirtError caught from a failing lookup),
      module:libvirt / module:libvirt_qemu / module:libvirt_lxc,
      dom:NAME, net:NAME, pool:NAME, vol:POOL/NAME, iface:NAME, dev:NAME,
      snap:DOMAIN/NAME, cp:DOMAIN/NAME, secret:UUID, nwfilter:NAME,
      binding:PORTDEV, port:NETWORK/UUID
    """

    def __init__(self, lv, uri, group, conn=None):
        self.lv = lv
        self.borrowed = conn is not None   # not ours to close
        self.uri = uri
        self.group = group
        kind = self.kind = group.kind
        self.cache = {}
        self.events = []
        self.extra = []
        self.tmp = None                  # made on first use (path())
        self.fds = []
        self.conn = conn if conn is not None else lv.open(uri)
        if kind == "test":
            self._setup_test_driver()
        elif kind == "daemon":
            self._setup_daemon()

    def _setup_test_driver(self):
        c = self.conn
        # the test driver starts every network, pool, interface it loads
        c.networkLookupByName("net-idle").destroy()
        c.storagePoolLookupByName("pool-idle").destroy()
        c.interfaceLookupByName("eth9").destroy()
        if self.group.checkpoints:
            self.make_checkpoints()

    def make_checkpoints(self):
        c = self.conn
        # checkpoints cannot be written in the driver file
        beta = c.lookupByName("beta")
        beta.checkpointCreateXML("<domaincheckpoint><name>cp1</name>"
                                 "<description>first</description></domaincheckpoint>")
        beta.checkpointCreateXML("<domaincheckpoint><name>cp2</name></domaincheckpoint>")

    def _setup_daemon(self):
        # the daemon keeps its state between connections: start afresh
        c = self.conn
        # (deleting a binding takes ~0.1 s: the one the reset makes stays)
        keep = firewall_tools() is None
        have_binding = False
        for b in c.listAllNWFilterBindings(0):
            if keep and b.portDev() == "vnet7":
                have_binding = True
            else:
                b.delete()
        for net in c.listAllNetworks(0):
            for port in net.listAllPorts(0) if net.isActive() else []:
                port.delete(0)
            if net.isActive():
                net.destroy()
            if net.isPersistent():
                net.undefine()
        for f in c.listAllNWFilters(0):
            if f.name() != "allow-all":
                f.undefine()
        c.nwfilterDefineXML(NWFILTER_XML)     # (re)defines allow-all
        for sec in c.listAllSecrets(0):
            if sec.UUIDString() not in (SECRET_UUID, SECRET2_UUID):
                sec.undefine()
        c.secretDefineXML(SECRET_XML, 0).setValue(b"s3cret\x00bytes", 0)
        c.secretDefineXML(SECRET2_XML, 0)
        net = c.networkDefineXML(BRIDGE_NET_XML)
        net.create()
        net.portCreateXML(PORT_XML, 0)
        if keep and not have_binding:
            c.nwfilterBindingCreateXML(BINDING_XML.replace("vnet8", "vnet7"), 0)

    def ref(self, spec):
        if spec == "conn":
            return self.conn
        if spec == "stream":
            return self.conn.newStream(0)
        if spec in self.cache:
            return self.cache[spec]
        kind, _, name = spec.partition(":")
        c = self.conn
        lv = self.lv
        if kind == "module":
            import importlib
            obj = importlib.import_module(name)
        elif spec == "roconn":
            obj = lv.openReadOnly(self.uri)
            self.extra.append(obj)
        elif spec == "err":
            try:
                c.lookupByName("no-such-domain")
            except lv.libvirtError as e:
                obj = e
        elif kind in _LOOKUPS:
            obj = _LOOKUPS[kind](c, *name.split("/"))
        else:
            raise ValueError("unknown ref %r" % spec)
        self.cache[spec] = obj
        return obj

    def devnull_fd(self):
        fd = os.open("/dev/null", os.O_RDONLY)
        self.fds.append(fd)
        return fd

    def socket_fd(self):
        import socket
        a, b = socket.socketpair()
        self.extra_sockets = getattr(self, "extra_sockets", []) + [a, b]
        return a.fileno()

    def path(self, name):
        if self.tmp is None:
            self.tmp = tempfile.mkdtemp(prefix="lvdiff-")
        return os.path.join(self.tmp, name)

    def close(self):
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
        for fd in self.fds:
            try:
                os.close(fd)
            except OSError:
                pass
        for sock in getattr(self, "extra_sockets", []):
            sock.close()
        self.cache.clear()
        for c in self.extra + ([] if self.borrowed else [self.conn]):
            try:
                c.close()
            except Exception:
                pass


# ------------------------------------------------------------ helpers

def strip_times(value):
    from differential.normalise import strip_times as st
    return st(value)


def firewall_tools():
    """A firewall program on this machine, or None.  With none, the nwfilter
    driver instantiates filters without touching anything; with one, the
    scenarios create no nwfilter bindings (they would change the host's
    firewall)."""
    for prog in ("iptables", "ip6tables", "ebtables", "nft", "firewall-cmd"):
        found = shutil.which(prog, path="/usr/sbin:/usr/bin:/sbin:/bin")
        if found:
            return found
    return None


def no_firewall(fn):
    def run(ctx):
        if firewall_tools() is not None:
            raise RuntimeError("firewall tools present: no filter instantiated")
        return fn(ctx)
    return run


def noop(*args):
    return None


def cb_recorder(ctx, tag):
    """A callback that records its (normalised-later) arguments."""
    def cb(*args):
        ctx.events.append((tag, args_shape(ctx, args)))
        return 0
    return cb


def args_shape(ctx, args):
    """Event callback arguments, with the connection checked for identity."""
    out = []
    for a in args:
        if a is ctx.conn:
            out.append("<the connection>")
        else:
            out.append(a)
    return tuple(out)


def pump(ctx, rounds=4):
    """Run libvirt's default event loop a few times without blocking for
    long (a 1 ms timer keeps each iteration short).  Events of a daemon come
    over its socket: for those, wait up to 2 s for the first one."""
    import time
    lv = ctx.lv
    tid = lv.virEventAddTimeout(1, noop, None)
    try:
        for _ in range(rounds):
            lv.virEventRunDefaultImpl()
        if ctx.kind == "daemon":
            deadline = time.monotonic() + 2.0
            while not ctx.events and time.monotonic() < deadline:
                lv.virEventRunDefaultImpl()
            for _ in range(rounds):
                lv.virEventRunDefaultImpl()
    finally:
        lv.virEventRemoveTimeout(tid)
    return list(ctx.events)


def then(fn, probe):
    """Call fn(ctx), then return (its result, probe(ctx))."""
    def run(ctx):
        return fn(ctx), probe(ctx)
    return run


def err_of(fn):
    """Run fn(ctx); return what it returned, or the exception object."""
    def run(ctx):
        try:
            return fn(ctx)
        except Exception as e:
            return e
    return run




# =================================================================== specs

NEW_DOM_UUID = "5a1f0e2c-0009-4a6b-9c3d-1e2f3a4b5c09"
NEW_DOM_XML = ("<domain type='test'><name>newdom</name><uuid>%s</uuid>"
               "<memory unit='KiB'>65536</memory><vcpu>1</vcpu>"
               "<os><type>hvm</type></os></domain>" % NEW_DOM_UUID)
NEW_NET_XML = ("<network><name>newnet</name><uuid>5a1f0e2c-0109-4a6b-9c3d-1e2f3a4b5d09</uuid>"
               "<bridge name='virbr19'/><ip address='192.168.159.1' netmask='255.255.255.0'/>"
               "</network>")
NEW_POOL_XML = ("<pool type='dir'><name>newpool</name>"
                "<uuid>5a1f0e2c-0209-4a6b-9c3d-1e2f3a4b5e09</uuid>"
                "<target><path>/newpool</path></target></pool>")
NEW_VOL_XML = ("<volume><name>new.img</name><capacity unit='bytes'>1048576</capacity>"
               "<allocation unit='bytes'>0</allocation></volume>")
NEW_IFACE_XML = ("<interface type='ethernet' name='eth5'><start mode='none'/>"
                 "<mac address='52:54:00:aa:bb:05'/></interface>")
VHBA_XML = ("<device><parent>scsi_host5</parent><capability type='scsi_host'>"
            "<capability type='fc_host'><wwnn>2000000012349999</wwnn>"
            "<wwpn>1000000012349999</wwpn></capability></capability></device>")
CPU_XML = ("<cpu><arch>x86_64</arch><model>core2duo</model><vendor>Intel</vendor>"
           "<topology sockets='1' cores='2' threads='1'/></cpu>")
DISK_XML = ("<disk type='file' device='disk'><source file='/guest/extra.img'/>"
            "<target dev='vdc' bus='virtio'/></disk>")
ALPHA_DISK_XML = ("<disk type='file' device='disk'><source file='/guest/alpha-data.img'/>"
                  "<target dev='vdb' bus='virtio'/></disk>")
SNAP_XML = "<domainsnapshot><name>snap3</name><description>new</description></domainsnapshot>"
CP_XML = "<domaincheckpoint><name>cp3</name></domaincheckpoint>"
META_NS = "http://example.org/app"
SECRET_UUID = "5a1f0e2c-0401-4a6b-9c3d-1e2f3a4b6001"
SECRET_XML = ("<secret ephemeral='no' private='no'><uuid>%s</uuid>"
              "<description>vol key</description>"
              "<usage type='volume'><volume>/pool-a/disk1.img</volume></usage></secret>"
              % SECRET_UUID)
SECRET2_UUID = "5a1f0e2c-0402-4a6b-9c3d-1e2f3a4b6002"
SECRET2_XML = ("<secret ephemeral='no' private='no'><uuid>%s</uuid>"
               "<usage type='ceph'><name>client.admin</name></usage></secret>" % SECRET2_UUID)
NWFILTER_UUID = "5a1f0e2c-0501-4a6b-9c3d-1e2f3a4b7001"
NWFILTER_XML = ("<filter name='allow-all' chain='root'><uuid>%s</uuid>"
                "<rule action='accept' direction='inout' priority='500'><all/></rule></filter>"
                % NWFILTER_UUID)
BINDING_XML = ("<filterbinding><owner><name>alpha</name>"
               "<uuid>5a1f0e2c-0001-4a6b-9c3d-1e2f3a4b5c01</uuid></owner>"
               "<portdev name='vnet8'/><mac address='52:54:00:00:00:08'/>"
               "<filterref filter='allow-all'/></filterbinding>")
PORT_UUID = "5a1f0e2c-0601-4a6b-9c3d-1e2f3a4b8001"
PORT_XML = ("<networkport><uuid>%s</uuid><owner><name>alpha</name>"
            "<uuid>5a1f0e2c-0001-4a6b-9c3d-1e2f3a4b5c01</uuid></owner>"
            "<mac address='52:54:00:00:00:01'/>"
            "<bandwidth><inbound average='1000'/><outbound average='2000' peak='3000'/>"
            "</bandwidth></networkport>" % PORT_UUID)
PORT2_XML = PORT_XML.replace(PORT_UUID, "5a1f0e2c-0602-4a6b-9c3d-1e2f3a4b8002").replace(
    "52:54:00:00:00:01", "52:54:00:00:00:02")
BRIDGE_NET_XML = ("<network><name>pnet</name><uuid>5a1f0e2c-0110-4a6b-9c3d-1e2f3a4b5d10</uuid>"
                  "<forward mode='bridge'/><bridge name='br-fake'/></network>")

ALPHA = "5a1f0e2c-0001-4a6b-9c3d-1e2f3a4b5c01"
NET_ONE = "5a1f0e2c-0101-4a6b-9c3d-1e2f3a4b5d01"
POOL_A = "5a1f0e2c-0201-4a6b-9c3d-1e2f3a4b5e01"
NOWHERE = "5a1f0e2c-ffff-4a6b-9c3d-1e2f3a4bffff"

R = Ref
A = lambda f: Lazy(f)  # noqa: E731
DEVNULL_FDS = [Lazy(lambda ctx: ctx.devnull_fd())]   # a list of one fd, opened in the child


def mask_info(v):
    """dom.info(): cpuTime (last field) follows the clock on running domains."""
    return v[:4] if isinstance(v, list) else v


# ----------------------------------------------------------------- module

group("module", doc="libvirt's module functions, on the rich test driver")
FN("libvirt", "getVersion")
FN("libvirt", "getVersion", S("Test"), tag="test")
FN("libvirt", "getVersion", S("NoSuchHypervisor"), tag="unknown")
FN("libvirt", "open", S(RICH_URI))
FN("libvirt", "open", S("test:///default"), tag="default")
FN("libvirt", "open", S("nosuch:///x"), tag="bad-uri", variants=False)
FN("libvirt", "openReadOnly", S(RICH_URI))
FN("libvirt", "openReadOnly", S("nosuch:///x"), tag="bad-uri", variants=False)
FN("libvirt", "openAuth", S(RICH_URI), X([[K("VIR_CRED_AUTHNAME"), K("VIR_CRED_PASSPHRASE")], noop,
                                          None]), F())
FN("libvirt", "openAuth", S(RICH_URI), L([[], noop, None]), F(), tag="auth-list")
FN("libvirt", "openAuth", S(RICH_URI), X([[K("VIR_CRED_AUTHNAME")], None, None]), F(),
   tag="auth-nocb",
  variants=False)
FN("libvirt", "openAuth", S(RICH_URI), X([]), F(), tag="auth-short", variants=False)
FN("libvirt", "openAuth", S(RICH_URI), X({}), F(), tag="auth-dict", variants=False)
FN("libvirt", "openAuth", S(RICH_URI), X(None), F(), tag="auth-None", variants=False)
FN("libvirt", "openAuth", S(RICH_URI), X([[K("VIR_CRED_AUTHNAME")], noop, None]),
  F(K("VIR_CONNECT_RO")), tag="ro", variants=False)
FN("libvirt", "registerErrorHandler", X(noop), X(None))
FN("libvirt", "registerErrorHandler", X(None), X(None), tag="None")
FN("libvirt", "registerErrorHandler", X(42), X(None), tag="not-callable")
FN("libvirt", "virInitialize")
FN("libvirt", "virResetLastError")
FN("libvirt", "virGetLastError")
FN("libvirt", "virGetLastErrorCode")
FN("libvirt", "virGetLastErrorDomain")
FN("libvirt", "virGetLastErrorMessage")


def _after_error(what):
    def run(ctx):
        lv = ctx.lv
        try:
            ctx.conn.lookupByName("no-such-domain")
        except lv.libvirtError:
            pass
        return getattr(lv, what)()
    return run


for _w in ("virGetLastError", "virGetLastErrorCode", "virGetLastErrorDomain",
           "virGetLastErrorMessage"):
    C("libvirt.%s#after-error" % _w, _after_error(_w), covers=["libvirt." + _w])
C("libvirt.virResetLastError#after-error",
  lambda ctx: (_after_error("virResetLastError")(ctx), ctx.lv.virGetLastError()),
  covers=["libvirt.virResetLastError"])

# libvirtError's methods, on an error raised by a failing lookup
for _m in ("get_error_code", "get_error_domain", "get_error_level", "get_error_message",
           "get_int1", "get_int2", "get_str1", "get_str2", "get_str3"):
    M("libvirtError", _m, "err")
C("libvirtError.attributes", lambda ctx: (str(ctx.ref("err")), ctx.ref("err").args,
                                          type(ctx.ref("err").err).__name__,
                                          ctx.ref("err").err))
C("libvirtError.construct", lambda ctx: (lambda e: (str(e), e.get_error_code(), e.err))(
    ctx.lv.libvirtError("made by hand")))

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
def _probe_doms(ctx):
    return sorted(d.name() for d in ctx.conn.listAllDomains())


def _probe_nets(ctx):
    return sorted((n.name(), n.isActive()) for n in ctx.conn.listAllNetworks())


def _probe_pools(ctx):
    return sorted((p.name(), p.isActive()) for p in ctx.conn.listAllStoragePools())


def _probe_ifaces(ctx):
    return sorted((i.name(), i.isActive()) for i in ctx.conn.listAllInterfaces())


def _probe_devs(ctx):
    return sorted(d.name() for d in ctx.conn.listAllDevices())


W = dict(fresh=True)
M("virConnect", "close", "conn", **W)
C("virConnect.close#twice", lambda ctx: (ctx.conn.close(), ctx.conn.close()), fresh=True,
  covers=["virConnect.close"])
C("virConnect.close#then-use", lambda ctx: (ctx.conn.close(), ctx.conn.getType()), fresh=True,
  covers=["virConnect.close"])
M("virConnect", "createLinux", "conn", S(NEW_DOM_XML), F(), post=_probe_doms, **W)
M("virConnect", "createXML", "conn", S(NEW_DOM_XML), F(), post=_probe_doms, **W)
M("virConnect", "createXML", "conn", S("<domain>"), F(), tag="bad-xml", variants=False, **W)
M("virConnect", "createXML", "conn", S(NEW_DOM_XML), F(K("VIR_DOMAIN_START_PAUSED")),
  tag="paused", variants=False, post=lambda ctx: ctx.conn.lookupByName("newdom").state(), **W)
M("virConnect", "createXMLWithFiles", "conn", S(NEW_DOM_XML), L(DEVNULL_FDS), F(),
  post=_probe_doms,
  **W)
M("virConnect", "createXMLWithFiles", "conn", S(NEW_DOM_XML), X([]), F(), tag="no-files",
  variants=False, **W)
M("virConnect", "createXMLWithFiles", "conn", S(NEW_DOM_XML), X([0]), F(), tag="fd0",
  variants=False, **W)
M("virConnect", "createXMLWithFiles", "conn", S(NEW_DOM_XML), X(["x"]), F(), tag="str-fd",
  variants=False, **W)
M("virConnect", "defineXML", "conn", S(NEW_DOM_XML), post=_probe_doms, **W)
M("virConnect", "defineXMLFlags", "conn", S(NEW_DOM_XML), F(), post=_probe_doms, **W)
M("virConnect", "defineXMLFlags", "conn", S(NEW_DOM_XML), F(K("VIR_DOMAIN_DEFINE_VALIDATE")),
  tag="validate", variants=False, **W)
M("virConnect", "changeBegin", "conn", F(), **W)
M("virConnect", "changeCommit", "conn", F(), tag="no-begin", **W)
M("virConnect", "changeRollback", "conn", F(), tag="no-begin", **W)
C("virConnect.changeCommit", lambda ctx: (ctx.conn.changeBegin(0),
                                          ctx.conn.interfaceLookupByName("eth8").undefine(),
                                          ctx.conn.changeCommit(0), _probe_ifaces(ctx)),
  fresh=True, covers=["virConnect.changeCommit", "virConnect.changeBegin"])
C("virConnect.changeRollback", lambda ctx: (ctx.conn.changeBegin(0),
                                            ctx.conn.interfaceLookupByName("eth8").undefine(),
                                            ctx.conn.changeRollback(0), _probe_ifaces(ctx)),
  fresh=True, covers=["virConnect.changeRollback", "virConnect.changeBegin"])
M("virConnect", "interfaceDefineXML", "conn", S(NEW_IFACE_XML), F(), post=_probe_ifaces, **W)
M("virConnect", "networkCreateXML", "conn", S(NEW_NET_XML), post=_probe_nets, **W)
M("virConnect", "networkCreateXMLFlags", "conn", S(NEW_NET_XML), F(), post=_probe_nets, **W)
M("virConnect", "networkDefineXML", "conn", S(NEW_NET_XML), post=_probe_nets, **W)
M("virConnect", "networkDefineXMLFlags", "conn", S(NEW_NET_XML), F(), post=_probe_nets, **W)
M("virConnect", "nodeDeviceCreateXML", "conn", S(VHBA_XML), F(), post=_probe_devs, **W)
M("virConnect", "nodeDeviceDefineXML", "conn", S(VHBA_XML), F(), **W)
M("virConnect", "nwfilterBindingCreateXML", "conn", S(BINDING_XML), F(), **W)
M("virConnect", "nwfilterDefineXML", "conn", S(NWFILTER_XML), **W)
M("virConnect", "nwfilterDefineXMLFlags", "conn", S(NWFILTER_XML), F(), **W)
M("virConnect", "secretDefineXML", "conn", S(SECRET_XML), F(), **W)
M("virConnect", "storagePoolCreateXML", "conn", S(NEW_POOL_XML), F(), post=_probe_pools, **W)
M("virConnect", "storagePoolDefineXML", "conn", S(NEW_POOL_XML), F(), post=_probe_pools, **W)
M("virConnect", "setIdentity", "conn", P({"user-name": "root", "unix-user-id": 0}), F(), **W)
M("virConnect", "setMemoryParameters", "conn", P({"shm_pages_to_scan": 200}), F(), **W)
M("virConnect", "saveImageDefineXML", "conn", S("/nonexistent/save.img"), S(NEW_DOM_XML), F(), **W)
M("virConnect", "restore", "conn", S("/nonexistent/save.img"), tag="missing", variants=False, **W)


def _saved(fn):
    """Save gamma... no: save alpha (running) to a file, then fn(ctx, path)."""
    def run(ctx):
        path = ctx.path("alpha.save")
        ctx.conn.lookupByName("alpha").save(path)
        return fn(ctx, path), _probe_doms(ctx), ctx.conn.lookupByName("alpha").state()
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

# ------------------------------------------------------------ virNetwork

group("network", doc="virNetwork and virInterface")
for _n in ("net-one", "net-idle", "net-bridge"):
    t = "net:" + _n
    v = _n == "net-one"
    for _m in ("UUID", "UUIDString", "autostart", "bridgeName", "connect", "isActive",
               "isPersistent", "name"):
        M("virNetwork", _m, t, tag=_n)
    M("virNetwork", "XMLDesc", t, F(), tag=_n, variants=v)
    M("virNetwork", "listAllPorts", t, F(), tag=_n, variants=v, unordered=True)
    M("virNetwork", "DHCPLeases", t, S("52:54:00:00:00:01"), F(), tag=_n, variants=v)
M("virNetwork", "DHCPLeases", "net:net-one", tag="default")
M("virNetwork", "XMLDesc", "net:net-one", F(K("VIR_NETWORK_XML_INACTIVE")), tag="inactive",
  variants=False)
M("virNetwork", "c_pointer", "net:net-one", varies=True)
M("virNetwork", "portLookupByUUID", "net:net-one", U(PORT_UUID))
M("virNetwork", "portLookupByUUIDString", "net:net-one", US(PORT_UUID))
_nstate = lambda n: (lambda ctx: (lambda x: (x.isActive(), x.isPersistent(),
                                             x.autostart()))(  # noqa: E731
    ctx.conn.networkLookupByName(n)))
M("virNetwork", "create", "net:net-idle", tag="net-idle", fresh=True, post=_nstate("net-idle"))
M("virNetwork", "create", "net:net-one", tag="net-one", fresh=True, post=_nstate("net-one"))
M("virNetwork", "destroy", "net:net-one", tag="net-one", fresh=True, post=_nstate("net-one"))
M("virNetwork", "destroy", "net:net-idle", tag="net-idle", fresh=True, post=_nstate("net-idle"))
M("virNetwork", "undefine", "net:net-idle", tag="net-idle", fresh=True, post=_probe_nets)
M("virNetwork", "undefine", "net:net-one", tag="net-one", fresh=True, post=_probe_nets)
M("virNetwork", "setAutostart", "net:net-one", I(1), fresh=True, post=_nstate("net-one"))
M("virNetwork", "portCreateXML", "net:net-one", S(PORT_XML), F(), fresh=True)
M("virNetwork", "update", "net:net-one", I(K("VIR_NETWORK_UPDATE_COMMAND_ADD_LAST")),
  I(K("VIR_NETWORK_SECTION_IP_DHCP_HOST")), I(-1),
  S("<host mac='52:54:00:00:00:09' name='nine' ip='192.168.150.99'/>"),
  F(K("VIR_NETWORK_UPDATE_AFFECT_CONFIG")), fresh=True,
  post=lambda ctx: ctx.conn.networkLookupByName("net-one").XMLDesc(
      K("VIR_NETWORK_XML_INACTIVE")))
M("virNetwork", "update", "net:net-one", I(K("VIR_NETWORK_UPDATE_COMMAND_DELETE")),
  I(K("VIR_NETWORK_SECTION_IP_DHCP_HOST")), I(-1),
  S("<host mac='52:54:00:00:00:01' name='alpha' ip='192.168.150.10'/>"),
  F(K("VIR_NETWORK_UPDATE_AFFECT_LIVE") | K("VIR_NETWORK_UPDATE_AFFECT_CONFIG")), tag="delete",
  variants=False, fresh=True, post=lambda ctx: ctx.conn.networkLookupByName("net-one").XMLDesc(0))

# ---------------------------------------------------------- virInterface

for _n in ("eth7", "eth9"):
    t = "iface:" + _n
    v = _n == "eth7"
    for _m in ("MACString", "connect", "isActive", "name"):
        M("virInterface", _m, t, tag=_n)
    M("virInterface", "XMLDesc", t, F(), tag=_n, variants=v)
M("virInterface", "XMLDesc", "iface:eth7", F(K("VIR_INTERFACE_XML_INACTIVE")), tag="inactive",
  variants=False)
M("virInterface", "c_pointer", "iface:eth7", varies=True)
for _n in ("eth7", "eth9"):
    t = "iface:" + _n
    v = _n == "eth9"
    M("virInterface", "create", t, F(), tag=_n, variants=v, fresh=True, post=_probe_ifaces)
    M("virInterface", "destroy", t, F(), tag=_n, variants=not v, fresh=True, post=_probe_ifaces)
    M("virInterface", "undefine", t, tag=_n, fresh=True, post=_probe_ifaces)

# ---------------------------------------------------- storage pools, vols

group("storage", doc="virStoragePool and virStorageVol")
_pstate = lambda n: (lambda ctx: (lambda p: (p.info(), p.isActive(), p.autostart(),  # noqa: E731
                                             sorted(p.listVolumes()) if p.isActive() else None))(
    ctx.conn.storagePoolLookupByName(n)))
for _n in ("pool-a", "pool-b", "pool-idle"):
    t = "pool:" + _n
    v = _n == "pool-a"
    for _m in ("UUID", "UUIDString", "autostart", "connect", "info", "isActive", "isPersistent",
               "name", "numOfVolumes"):
        M("virStoragePool", _m, t, tag=_n)
    M("virStoragePool", "listVolumes", t, tag=_n, unordered=True)
    M("virStoragePool", "XMLDesc", t, F(), tag=_n, variants=v)
    M("virStoragePool", "listAllVolumes", t, F(), tag=_n, variants=v, unordered=True)
    M("virStoragePool", "storageVolLookupByName", t, S("disk1.img"), tag=_n, variants=v)
    M("virStoragePool", "build", t, F(), tag=_n, variants=v, fresh=True, post=_pstate(_n))
    M("virStoragePool", "create", t, F(), tag=_n, variants=not v, fresh=True, post=_pstate(_n))
    M("virStoragePool", "destroy", t, tag=_n, fresh=True, post=_pstate(_n))
    M("virStoragePool", "delete", t, F(), tag=_n, variants=not v, fresh=True, post=_pstate(_n))
    M("virStoragePool", "refresh", t, F(), tag=_n, variants=v, fresh=True, post=_pstate(_n))
    M("virStoragePool", "setAutostart", t, I(1), tag=_n, variants=v, fresh=True, post=_pstate(_n))
    M("virStoragePool", "undefine", t, tag=_n, fresh=True, post=_probe_pools)
    M("virStoragePool", "createXML", t, S(NEW_VOL_XML), F(), tag=_n, variants=v, fresh=True,
      post=_pstate(_n))
    M("virStoragePool", "createXMLFrom", t, S(NEW_VOL_XML), O(R("vol:pool-a/disk1.img")), F(),
      tag=_n, variants=v, fresh=True, post=_pstate(_n))
M("virStoragePool", "XMLDesc", "pool:pool-a", F(K("VIR_STORAGE_XML_INACTIVE")), tag="inactive",
  variants=False)
M("virStoragePool", "c_pointer", "pool:pool-a", varies=True)
M("virStoragePool", "createXML", "pool:pool-a", S("<volume>"), F(), tag="bad-xml", variants=False,
  fresh=True)
M("virStoragePool", "createXML", "pool:pool-a", S(NEW_VOL_XML.replace("new.img", "disk1.img")),
  F(), tag="exists", variants=False, fresh=True)
C("virStoragePool.createXMLFrom#not-a-volume",
  lambda ctx: ctx.conn.storagePoolLookupByName("pool-a").createXMLFrom(
      NEW_VOL_XML, ctx.conn.storagePoolLookupByName("pool-a"), 0),
  fresh=True, covers=["virStoragePool.createXMLFrom"])

_vstate = lambda p, n: (lambda ctx: (lambda vol: (vol.info(), vol.XMLDesc(0)))(  # noqa: E731
    ctx.conn.storagePoolLookupByName(p).storageVolLookupByName(n)))
for _n in ("pool-a/disk1.img", "pool-a/disk3.qcow2", "pool-b/big.raw"):
    t = "vol:" + _n
    v = _n == "pool-a/disk1.img"
    pool, vol = _n.split("/")
    for _m in ("connect", "info", "key", "name", "path", "storagePoolLookupByVolume"):
        M("virStorageVol", _m, t, tag=vol)
    M("virStorageVol", "XMLDesc", t, F(), tag=vol, variants=v)
    M("virStorageVol", "infoFlags", t, F(), tag=vol, variants=v)
    M("virStorageVol", "delete", t, F(), tag=vol, variants=v, fresh=True,
      post=_pstate(pool))
    M("virStorageVol", "resize", t, I(8 << 30), F(), tag=vol, variants=v, fresh=True,
      post=_vstate(pool, vol))
    M("virStorageVol", "wipe", t, F(), tag=vol, variants=v, fresh=True, post=_vstate(pool, vol))
    M("virStorageVol", "wipePattern", t, I(K("VIR_STORAGE_VOL_WIPE_ALG_ZERO")), F(), tag=vol,
      variants=v, fresh=True, post=_vstate(pool, vol))
    M("virStorageVol", "download", t, O(R("stream")), I(0), I(16), F(), tag=vol, variants=v,
      fresh=True)
    M("virStorageVol", "upload", t, O(R("stream")), I(0), I(16), F(), tag=vol, variants=v,
      fresh=True)
M("virStorageVol", "c_pointer", "vol:pool-a/disk1.img", varies=True)
M("virStorageVol", "infoFlags", "vol:pool-a/disk1.img",
  F(K("VIR_STORAGE_VOL_GET_PHYSICAL")), tag="physical", variants=False)
M("virStorageVol", "resize", "vol:pool-a/disk1.img", I(1 << 20),
  F(K("VIR_STORAGE_VOL_RESIZE_SHRINK")), tag="shrink", variants=False, fresh=True,
  post=_vstate("pool-a", "disk1.img"))
M("virStorageVol", "resize", "vol:pool-a/disk1.img", I(1 << 40), F(), tag="too-big",
  variants=False, fresh=True)

# ---------------------------------------------------------- node devices

group("nodedev", doc="virNodeDevice")
for _n in ("computer", "scsi_host5", "scsi_host11", "pci_0000_00_02_0",
           "net_eth7_52_54_00_aa_bb_07"):
    t = "dev:" + _n
    v = _n == "scsi_host5"
    for _m in ("autostart", "connect", "isActive", "isPersistent", "name", "numOfCaps",
               "parent"):
        M("virNodeDevice", _m, t, tag=_n)
    M("virNodeDevice", "listCaps", t, tag=_n)
    M("virNodeDevice", "XMLDesc", t, F(), tag=_n, variants=v)
M("virNodeDevice", "c_pointer", "dev:computer", varies=True)
for _n in ("scsi_host11", "pci_0000_00_02_0"):
    t = "dev:" + _n
    v = _n == "pci_0000_00_02_0"
    for _m in ("destroy", "dettach", "reAttach", "reset"):
        M("virNodeDevice", _m, t, tag=_n, fresh=True, post=_probe_devs)
    M("virNodeDevice", "create", t, F(), tag=_n, variants=v, fresh=True, post=_probe_devs)
    M("virNodeDevice", "undefine", t, F(), tag=_n, variants=v, fresh=True, post=_probe_devs)
    M("virNodeDevice", "setAutostart", t, I(1), tag=_n, variants=v, fresh=True)
    M("virNodeDevice", "detachFlags", t, S("vfio"), F(), tag=_n, variants=v, fresh=True)
M("virNodeDevice", "detachFlags", "dev:pci_0000_00_02_0", S(None), F(), tag="default-driver",
  variants=False, fresh=True)


def _vhba(fn):
    def run(ctx):
        dev = ctx.conn.nodeDeviceCreateXML(VHBA_XML, 0)
        return dev.name(), dev.parent(), dev.listCaps(), fn(ctx, dev), _probe_devs(ctx)
    return run


C("virNodeDevice.destroy#vhba", _vhba(lambda ctx, d: d.destroy()), fresh=True,
  covers=["virNodeDevice.destroy"])
C("virNodeDevice.XMLDesc#vhba", _vhba(lambda ctx, d: d.XMLDesc(0)), fresh=True,
  covers=["virNodeDevice.XMLDesc"])
C("virNodeDevice.undefine#vhba", _vhba(lambda ctx, d: d.undefine(0)), fresh=True,
  covers=["virNodeDevice.undefine"])

# --------------------------------------------------- snapshots, checkpoints

group("snapshot", doc="virDomainSnapshot and virDomainCheckpoint", checkpoints=True)
for _n in ("alpha/snap1", "alpha/snap2"):
    t = "snap:" + _n
    v = _n == "alpha/snap1"
    s_ = _n.split("/")[1]
    for _m in ("connect", "domain", "getConnect", "getDomain", "getName"):
        M("virDomainSnapshot", _m, t, tag=s_)
    for _m in ("getParent", "getXMLDesc", "hasMetadata", "isCurrent", "numChildren"):
        M("virDomainSnapshot", _m, t, F(), tag=s_, variants=v)
    for _m in ("listAllChildren", "listChildrenNames"):
        M("virDomainSnapshot", _m, t, F(), tag=s_, variants=v, unordered=True)
    M("virDomainSnapshot", "listAllChildren", t, F(K("VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS")),
      tag=s_ + "-descendants", variants=False, unordered=True)
    M("virDomainSnapshot", "delete", t, F(), tag=s_, variants=v, fresh=True,
      post=lambda ctx: sorted(ctx.conn.lookupByName("alpha").snapshotListNames(0)))
M("virDomainSnapshot", "c_pointer", "snap:alpha/snap1", varies=True)
M("virDomainSnapshot", "delete", "snap:alpha/snap1",
  F(K("VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN")), tag="children", variants=False, fresh=True,
  post=lambda ctx: sorted(ctx.conn.lookupByName("alpha").snapshotListNames(0)))
M("virDomainSnapshot", "delete", "snap:alpha/snap1",
  F(K("VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY")), tag="metadata", variants=False, fresh=True,
  post=lambda ctx: sorted(ctx.conn.lookupByName("alpha").snapshotListNames(0)))
M("virDomain", "snapshotListNames", "dom:alpha", F(K("VIR_DOMAIN_SNAPSHOT_LIST_ROOTS")),
  tag="roots", variants=False)
M("virDomain", "listAllSnapshots", "dom:alpha", F(K("VIR_DOMAIN_SNAPSHOT_LIST_LEAVES")),
  tag="leaves", variants=False)

for _n in ("beta/cp1", "beta/cp2"):
    t = "cp:" + _n
    v = _n == "beta/cp1"
    c_ = _n.split("/")[1]
    for _m in ("connect", "domain", "getConnect", "getDomain", "getName"):
        M("virDomainCheckpoint", _m, t, tag=c_)
    M("virDomainCheckpoint", "getParent", t, F(), tag=c_, variants=v)
    M("virDomainCheckpoint", "getXMLDesc", t, F(), tag=c_, variants=v, mask=strip_times)
    M("virDomainCheckpoint", "listAllChildren", t, F(), tag=c_, variants=v, unordered=True)
    M("virDomainCheckpoint", "delete", t, F(), tag=c_, variants=v, fresh=True,
      post=lambda ctx: sorted(c.getName() for c in
                              ctx.conn.lookupByName("beta").listAllCheckpoints(0)))
M("virDomainCheckpoint", "c_pointer", "cp:beta/cp1", varies=True)
M("virDomainCheckpoint", "delete", "cp:beta/cp1",
  F(K("VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN")), tag="children", variants=False, fresh=True,
  post=lambda ctx: sorted(c.getName()
                          for c in ctx.conn.lookupByName("beta").listAllCheckpoints(0)))
M("virDomain", "listAllCheckpoints", "dom:beta", F(K("VIR_DOMAIN_CHECKPOINT_LIST_ROOTS")),
  tag="roots", variants=False)
M("virDomain", "checkpointLookupByName", "dom:beta", S("cp2"), F(), tag="cp2", variants=False)

# ------------------------------------------------------------- virStream

group("stream", doc="virStream: new streams and the stream of a screenshot")


def _shot(ctx):
    """A stream that has data: the test driver's screenshot (a PNG file)."""
    st = ctx.conn.newStream(0)
    ctx.conn.lookupByName("alpha").screenshot(st, 0)
    return st


SHOT = A(_shot)


def _on_shot(fn):
    return lambda ctx: fn(ctx, _shot(ctx))


def _collect():
    chunks = []

    def handler(stream, data, opaque):
        chunks.append((type(stream).__name__, len(data), opaque))
        return len(data)
    return chunks, handler


def _recv_all(ctx):
    chunks, handler = _collect()
    st = _shot(ctx)
    r = st.recvAll(handler, "opaque")
    return r, len(chunks), sum(c[1] for c in chunks), chunks[0], st.finish()


def _sparse_recv_all(ctx):
    chunks, handler = _collect()
    holes = []
    st = _shot(ctx)
    r = st.sparseRecvAll(handler, lambda s, length, opaque: holes.append(length) or 0, "opaque")
    return r, len(chunks), sum(c[1] for c in chunks), holes


def _send_all(ctx):
    calls = []

    def handler(stream, nbytes, opaque):
        calls.append((type(stream).__name__, nbytes, opaque))
        return b"data" if len(calls) == 1 else b""
    st = ctx.conn.newStream(0)
    try:
        return st.sendAll(handler, "opaque"), calls
    except Exception as e:
        return e, calls


def _sparse_send_all(ctx):
    calls = []

    def handler(stream, nbytes, opaque):
        calls.append(("data", nbytes, opaque))
        return b"data" if len(calls) == 1 else b""

    def hole(stream, opaque):
        calls.append(("hole", opaque))
        return (False, 0)

    def skip(stream, length, opaque):
        calls.append(("skip", length, opaque))
        return 0
    st = ctx.conn.newStream(0)
    try:
        return st.sparseSendAll(handler, hole, skip, "opaque"), calls
    except Exception as e:
        return e, calls


for _tag, _t in (("new", "stream"), ("shot", SHOT)):
    v = _tag == "shot"
    tgt = (lambda ctx: ctx.conn.newStream(0)) if _tag == "new" else _shot
    M("virStream", "abort", tgt, tag=_tag, fresh=True)
    M("virStream", "finish", tgt, tag=_tag, fresh=True)
    M("virStream", "connect", tgt, tag=_tag, fresh=True)
    M("virStream", "recv", tgt, I(16), tag=_tag, variants=v, fresh=True)
    M("virStream", "recvFlags", tgt, I(16), F(), tag=_tag, variants=v, fresh=True)
    M("virStream", "recvHole", tgt, F(), tag=_tag, variants=v, fresh=True)
    M("virStream", "send", tgt, B(b"abc"), tag=_tag, variants=not v, fresh=True)
    M("virStream", "sendHole", tgt, I(4096), F(), tag=_tag, variants=not v, fresh=True)
    M("virStream", "eventAddCallback", tgt, I(K("VIR_STREAM_EVENT_READABLE")), X(noop), X(None),
      tag=_tag, variants=v, fresh=True)
    M("virStream", "eventUpdateCallback", tgt, I(K("VIR_STREAM_EVENT_READABLE")), tag=_tag,
      variants=v, fresh=True)
    M("virStream", "eventRemoveCallback", tgt, tag=_tag, fresh=True)
M("virStream", "c_pointer", "stream", varies=True)
M("virStream", "recv", _shot, I(0), tag="zero", variants=False, fresh=True)
M("virStream", "recv", _shot, I(-1), tag="negative", variants=False, fresh=True)
M("virStream", "recvFlags", _shot, I(16), F(K("VIR_STREAM_RECV_STOP_AT_HOLE")), tag="stop-at-hole",
  variants=False, fresh=True)
C("virStream.recv#all", _on_shot(lambda ctx, st: [len(st.recv(65536)) for _ in range(3)]),
  fresh=True, covers=["virStream.recv"])
C("virStream.recv#after-finish", _on_shot(lambda ctx, st: (st.recv(1 << 20), st.finish(),
                                                            st.recv(16))),
  fresh=True, covers=["virStream.recv"])
C("virStream.recv#after-abort", _on_shot(lambda ctx, st: (st.abort(), st.recv(16))),
  fresh=True, covers=["virStream.recv"])
C("virStream.recvAll", _recv_all, fresh=True, covers=["virStream.recvAll"])
C("virStream.recvAll#new", lambda ctx: ctx.conn.newStream(0).recvAll(noop, None), fresh=True,
  covers=["virStream.recvAll"])
C("virStream.sparseRecvAll", _sparse_recv_all, fresh=True, covers=["virStream.sparseRecvAll"])
C("virStream.sendAll", _send_all, fresh=True, covers=["virStream.sendAll"])
C("virStream.sparseSendAll", _sparse_send_all, fresh=True, covers=["virStream.sparseSendAll"])
C("virStream.eventAddCallback#fires", lambda ctx: (lambda st: (
    st.eventAddCallback(K("VIR_STREAM_EVENT_READABLE"), cb_recorder(ctx, "stream"), "op"),
    [(tag, (type(a[0]).__name__,) + tuple(a[1:])) for tag, a in pump(ctx, 2)][:1],
    st.eventRemoveCallback(), st.abort()))(_shot(ctx)),
  fresh=True, covers=["virStream.eventAddCallback", "virStream.eventRemoveCallback"])
C("virStream.eventAddCallback#twice", lambda ctx: (lambda st: (
    st.eventAddCallback(K("VIR_STREAM_EVENT_READABLE"), noop, None),
    st.eventAddCallback(K("VIR_STREAM_EVENT_READABLE"), noop, None)))(_shot(ctx)),
  fresh=True, covers=["virStream.eventAddCallback"])
C("virStream.eventAddCallback#not-callable", lambda ctx: _shot(ctx).eventAddCallback(
    K("VIR_STREAM_EVENT_READABLE"), 42, None), fresh=True, covers=["virStream.eventAddCallback"])

# ---------------------------------------------------------------- events

group("events", doc="event registration and delivery (default event loop)")


def _trigger_domain(ctx):
    d = ctx.conn.lookupByName("alpha")
    d.suspend()
    d.resume()
    return pump(ctx)


def _trigger_network(ctx):
    ctx.conn.networkLookupByName("net-one").destroy()
    return pump(ctx)


def _trigger_pool(ctx):
    ctx.conn.storagePoolLookupByName("pool-b").destroy()
    return pump(ctx)


def _trigger_nodedev(ctx):
    ctx.conn.nodeDeviceCreateXML(VHBA_XML, 0)
    return pump(ctx)


def _trigger_secret(ctx):
    ctx.conn.secretDefineXML(SECRET_XML, 0)
    return pump(ctx)


REC = lambda tag: A(lambda ctx: cb_recorder(ctx, tag))  # noqa: E731
M("virConnect", "domainEventRegister", "conn", REC("dom"), X("opaque"), fresh=True,
  post=_trigger_domain)
M("virConnect", "domainEventRegister", "conn", X(42), X(None), tag="not-callable", variants=False,
  fresh=True)
M("virConnect", "domainEventRegisterAny", "conn", O(R("dom:alpha")),
  I(K("VIR_DOMAIN_EVENT_ID_LIFECYCLE")), REC("lifecycle"), X("opaque"), fresh=True,
  post=_trigger_domain)
M("virConnect", "domainEventRegisterAny", "conn", X(None), I(K("VIR_DOMAIN_EVENT_ID_REBOOT")),
  REC("reboot"), X(None), tag="reboot", fresh=True,
  post=lambda ctx: (ctx.conn.lookupByName("alpha").reboot(0), pump(ctx)))
M("virConnect", "domainEventRegisterAny", "conn", X(None), I(K("VIR_DOMAIN_EVENT_ID_LIFECYCLE")),
  REC("lifecycle"), X(None), tag="lifecycle-any", variants=False, fresh=True,
  post=_trigger_domain)
M("virConnect", "domainEventRegisterAny", "conn", X(None), I(999), X(noop), X(None),
  tag="bad-id", variants=False, fresh=True)
M("virConnect", "domainEventRegisterAny", "conn", X(None), I(K("VIR_DOMAIN_EVENT_ID_LIFECYCLE")),
  X(42), X(None), tag="not-callable", variants=False, fresh=True)
M("virConnect", "domainEventRegisterAny", "conn", X("alpha"),
  I(K("VIR_DOMAIN_EVENT_ID_LIFECYCLE")), X(noop), X(None), tag="str-dom", variants=False,
  fresh=True)
for _eid in ("REBOOT", "RTC_CHANGE", "WATCHDOG", "IO_ERROR", "GRAPHICS", "IO_ERROR_REASON",
             "CONTROL_ERROR", "BLOCK_JOB", "DISK_CHANGE", "TRAY_CHANGE", "PMWAKEUP",
             "PMSUSPEND", "BALLOON_CHANGE", "PMSUSPEND_DISK", "DEVICE_REMOVED", "BLOCK_JOB_2",
             "TUNABLE", "AGENT_LIFECYCLE", "DEVICE_ADDED", "MIGRATION_ITERATION",
             "JOB_COMPLETED", "DEVICE_REMOVAL_FAILED", "METADATA_CHANGE", "BLOCK_THRESHOLD",
             "MEMORY_FAILURE", "MEMORY_DEVICE_SIZE_CHANGE"):
    M("virConnect", "domainEventRegisterAny", "conn", X(None),
      I(K("VIR_DOMAIN_EVENT_ID_" + _eid)), REC(_eid), X(None), tag="id-" + _eid,
      variants=False, fresh=True)
M("virConnect", "domainEventRegisterAny", "conn", X(None),
  I(K("VIR_DOMAIN_EVENT_ID_METADATA_CHANGE")), REC("metadata"), X(None), tag="metadata-fires",
  variants=False, fresh=True, post=lambda ctx: (ctx.conn.lookupByName("alpha").setMetadata(
      K("VIR_DOMAIN_METADATA_TITLE"), "t", None, None, 0), pump(ctx)))
M("virConnect", "domainEventRegisterAny", "conn", X(None),
  I(K("VIR_DOMAIN_EVENT_ID_DEVICE_ADDED")), REC("added"), X(None), tag="device-added-fires",
  variants=False, fresh=True, post=lambda ctx: (ctx.conn.lookupByName("alpha").attachDeviceFlags(
      DISK_XML, K("VIR_DOMAIN_AFFECT_LIVE")), pump(ctx)))
M("virConnect", "domainEventRegisterAny", "conn", X(None),
  I(K("VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED")), REC("removed"), X(None), tag="device-removed-fires",
  variants=False, fresh=True, post=lambda ctx: (ctx.conn.lookupByName("alpha").detachDeviceFlags(
      ALPHA_DISK_XML, K("VIR_DOMAIN_AFFECT_LIVE")), pump(ctx)))
M("virConnect", "domainEventRegisterAny", "conn", X(None),
  I(K("VIR_DOMAIN_EVENT_ID_PMSUSPEND")), REC("pmsuspend"), X(None), tag="pmsuspend-fires",
  variants=False, fresh=True, post=lambda ctx: (
      err_of(lambda c: c.conn.lookupByName("alpha").pMSuspendForDuration(
          K("VIR_NODE_SUSPEND_TARGET_MEM"), 0, 0))(ctx), pump(ctx)))
M("virConnect", "domainEventDeregister", "conn", X(noop), tag="not-registered", fresh=True)
M("virConnect", "domainEventDeregisterAny", "conn", I(12345), tag="not-registered", fresh=True)
C("virConnect.domainEventDeregister", lambda ctx: (lambda cb: (
    ctx.conn.domainEventRegister(cb, None), ctx.conn.domainEventDeregister(cb),
    _trigger_domain(ctx)))(cb_recorder(ctx, "x")),
  fresh=True, covers=["virConnect.domainEventDeregister", "virConnect.domainEventRegister"])
C("virConnect.domainEventDeregisterAny", lambda ctx: (lambda cid: (
    ctx.conn.domainEventDeregisterAny(cid), _trigger_domain(ctx),
    err_of(lambda c: c.conn.domainEventDeregisterAny(cid))(ctx)))(
        ctx.conn.domainEventRegisterAny(None, K("VIR_DOMAIN_EVENT_ID_LIFECYCLE"),
                                        cb_recorder(ctx, "x"), None)),
  fresh=True, covers=["virConnect.domainEventDeregisterAny"])
C("virConnect.domainEventRegister#two-callbacks", lambda ctx: (
    ctx.conn.domainEventRegister(cb_recorder(ctx, "a"), 1),
    ctx.conn.domainEventRegister(cb_recorder(ctx, "b"), 2), _trigger_domain(ctx)),
  fresh=True, covers=["virConnect.domainEventRegister"])
C("virConnect.domainEventRegisterAny#ids", lambda ctx: [
    ctx.conn.domainEventRegisterAny(None, K("VIR_DOMAIN_EVENT_ID_LIFECYCLE"), noop, None)
    for _ in range(3)], fresh=True, covers=["virConnect.domainEventRegisterAny"])
M("virConnect", "networkEventRegisterAny", "conn", O(R("net:net-one")),
  I(K("VIR_NETWORK_EVENT_ID_LIFECYCLE")), REC("net"), X("opaque"), fresh=True,
  post=_trigger_network)
M("virConnect", "networkEventRegisterAny", "conn", X(None), I(99), X(noop), X(None),
  tag="bad-id", variants=False, fresh=True)
M("virConnect", "networkEventDeregisterAny", "conn", I(12345), tag="not-registered", fresh=True)
C("virConnect.networkEventDeregisterAny", lambda ctx: (lambda cid: (
    ctx.conn.networkEventDeregisterAny(cid), _trigger_network(ctx)))(
        ctx.conn.networkEventRegisterAny(None, 0, cb_recorder(ctx, "x"), None)),
  fresh=True, covers=["virConnect.networkEventDeregisterAny"])
M("virConnect", "storagePoolEventRegisterAny", "conn", O(R("pool:pool-b")),
  I(K("VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE")), REC("pool"), X("opaque"), fresh=True,
  post=_trigger_pool)
M("virConnect", "storagePoolEventRegisterAny", "conn", X(None),
  I(K("VIR_STORAGE_POOL_EVENT_ID_REFRESH")), REC("refresh"), X(None), tag="refresh",
  variants=False, fresh=True,
  post=lambda ctx: (ctx.conn.storagePoolLookupByName("pool-a").refresh(0), pump(ctx)))
M("virConnect", "storagePoolEventDeregisterAny", "conn", I(12345), tag="not-registered",
  fresh=True)
C("virConnect.storagePoolEventDeregisterAny", lambda ctx: (lambda cid: (
    ctx.conn.storagePoolEventDeregisterAny(cid), _trigger_pool(ctx)))(
        ctx.conn.storagePoolEventRegisterAny(None, 0, cb_recorder(ctx, "x"), None)),
  fresh=True, covers=["virConnect.storagePoolEventDeregisterAny"])
M("virConnect", "nodeDeviceEventRegisterAny", "conn", O(R("dev:scsi_host5")),
  I(K("VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE")), REC("dev"), X("opaque"), fresh=True,
  post=_trigger_nodedev)
M("virConnect", "nodeDeviceEventRegisterAny", "conn", X(None),
  I(K("VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE")), REC("dev"), X(None), tag="any", variants=False,
  fresh=True, post=_trigger_nodedev)
M("virConnect", "nodeDeviceEventDeregisterAny", "conn", I(12345), tag="not-registered",
  fresh=True)
C("virConnect.nodeDeviceEventDeregisterAny", lambda ctx: (lambda cid: (
    ctx.conn.nodeDeviceEventDeregisterAny(cid), _trigger_nodedev(ctx)))(
        ctx.conn.nodeDeviceEventRegisterAny(None, 0, cb_recorder(ctx, "x"), None)),
  fresh=True, covers=["virConnect.nodeDeviceEventDeregisterAny"])
M("virConnect", "secretEventRegisterAny", "conn", X(None),
  I(K("VIR_SECRET_EVENT_ID_LIFECYCLE")), REC("secret"), X(None), fresh=True)
M("virConnect", "secretEventDeregisterAny", "conn", I(12345), tag="not-registered", fresh=True)
M("virConnect", "registerCloseCallback", "conn", REC("close"), X("opaque"), fresh=True,
  post=lambda ctx: (ctx.conn.close(), pump(ctx)))
M("virConnect", "registerCloseCallback", "conn", X(42), X(None), tag="not-callable",
  variants=False, fresh=True)
M("virConnect", "unregisterCloseCallback", "conn", tag="not-registered", fresh=True)
C("virConnect.unregisterCloseCallback", lambda ctx: (
    ctx.conn.registerCloseCallback(noop, None), ctx.conn.unregisterCloseCallback(),
    err_of(lambda c: c.conn.unregisterCloseCallback())(ctx)),
  fresh=True, covers=["virConnect.unregisterCloseCallback", "virConnect.registerCloseCallback"])

# libvirt's default event loop, through the module functions


def _pipe_handle(fn):
    def run(ctx):
        r, w = os.pipe()
        try:
            return fn(ctx, r, w)
        finally:
            os.close(r)
            os.close(w)
    return run


def _handle_fires(ctx, r, w):
    lv = ctx.lv
    seen = []
    wid = lv.virEventAddHandle(r, K("VIR_EVENT_HANDLE_READABLE"),
                               lambda watch, fd, events, opaque: seen.append(
                                   (watch == wid, fd == r, events, opaque)), "opaque")
    os.write(w, b"x")
    tid = lv.virEventAddTimeout(1, noop, None)
    lv.virEventRunDefaultImpl()
    lv.virEventRemoveTimeout(tid)
    upd = lv.virEventUpdateHandle(wid, 0)
    rem = lv.virEventRemoveHandle(wid)
    return seen[:1], upd, rem


def _timeout_fires(ctx):
    lv = ctx.lv
    seen = []
    tid = lv.virEventAddTimeout(1, lambda timer, opaque: seen.append((timer == tid, opaque)), "op")
    for _ in range(50):
        if seen:
            break
        lv.virEventRunDefaultImpl()
    upd = lv.virEventUpdateTimeout(tid, -1)
    rem = lv.virEventRemoveTimeout(tid)
    return seen[:1], upd, rem


FN("libvirt", "virEventRegisterDefaultImpl")
C("libvirt.virEventRunDefaultImpl", lambda ctx: (lambda tid: (
    ctx.lv.virEventRunDefaultImpl(), ctx.lv.virEventRemoveTimeout(tid)))(
        ctx.lv.virEventAddTimeout(0, noop, None)), covers=["libvirt.virEventRunDefaultImpl"])
C("libvirt.virEventAddHandle#fires", _pipe_handle(_handle_fires),
  covers=["libvirt.virEventAddHandle", "libvirt.virEventUpdateHandle",
          "libvirt.virEventRemoveHandle"])
C("libvirt.virEventAddTimeout#fires", _timeout_fires,
  covers=["libvirt.virEventAddTimeout", "libvirt.virEventUpdateTimeout",
          "libvirt.virEventRemoveTimeout"])
C("libvirt.virEventAddHandle", _pipe_handle(lambda ctx, r, w: (lambda h: (
    h >= 0, ctx.lv.virEventRemoveHandle(h)))(
        ctx.lv.virEventAddHandle(r, K("VIR_EVENT_HANDLE_READABLE"), noop, None))),
  covers=["libvirt.virEventAddHandle"])
for _lbl, _v in (("bool", True), ("index", Index(0)), ("big", BIG), ("None", None),
                 ("negative", -1)):
    C("libvirt.virEventAddHandle[fd=%s]" % _lbl, _pipe_handle(
        lambda ctx, r, w, _v=_v: ctx.lv.virEventAddHandle(_v, 1, noop, None)),
      covers=["libvirt.virEventAddHandle"])
    C("libvirt.virEventAddHandle[events=%s]" % _lbl, _pipe_handle(
        lambda ctx, r, w, _v=_v: (lambda h: (h >= 0, ctx.lv.virEventRemoveHandle(h)))(
            ctx.lv.virEventAddHandle(r, _v, noop, None))),
      covers=["libvirt.virEventAddHandle"])
    C("libvirt.virEventAddTimeout[timeout=%s]" % _lbl,
      lambda ctx, _v=_v: (lambda t: (t >= 0, ctx.lv.virEventRemoveTimeout(t)))(
          ctx.lv.virEventAddTimeout(_v, noop, None)), covers=["libvirt.virEventAddTimeout"])
    C("libvirt.virEventUpdateTimeout[timeout=%s]" % _lbl,
      lambda ctx, _v=_v: (lambda t: (ctx.lv.virEventUpdateTimeout(t, _v),
                                     ctx.lv.virEventRemoveTimeout(t)))(
          ctx.lv.virEventAddTimeout(-1, noop, None)), covers=["libvirt.virEventUpdateTimeout"])
    C("libvirt.virEventRemoveTimeout[timer=%s]" % _lbl,
      lambda ctx, _v=_v: ctx.lv.virEventRemoveTimeout(_v),
      covers=["libvirt.virEventRemoveTimeout"])
    C("libvirt.virEventRemoveHandle[watch=%s]" % _lbl,
      lambda ctx, _v=_v: ctx.lv.virEventRemoveHandle(_v), covers=["libvirt.virEventRemoveHandle"])
    C("libvirt.virEventUpdateHandle[watch=%s]" % _lbl,
      lambda ctx, _v=_v: ctx.lv.virEventUpdateHandle(_v, 1),
      covers=["libvirt.virEventUpdateHandle"])
C("libvirt.virEventAddHandle[cb=not-callable]", _pipe_handle(
    lambda ctx, r, w: ctx.lv.virEventAddHandle(r, 1, 42, None)),
  covers=["libvirt.virEventAddHandle"])
C("libvirt.virEventAddTimeout[cb=not-callable]",
  lambda ctx: ctx.lv.virEventAddTimeout(-1, 42, None), covers=["libvirt.virEventAddTimeout"])
C("libvirt.virEventRemoveTimeout#unknown", lambda ctx: ctx.lv.virEventRemoveTimeout(12345),
  covers=["libvirt.virEventRemoveTimeout"])
C("libvirt.virEventRemoveHandle#unknown", lambda ctx: ctx.lv.virEventRemoveHandle(12345),
  covers=["libvirt.virEventRemoveHandle"])
C("libvirt.virEventUpdateHandle#unknown", lambda ctx: ctx.lv.virEventUpdateHandle(12345, 1),
  covers=["libvirt.virEventUpdateHandle"])
C("libvirt.virEventUpdateTimeout#unknown", lambda ctx: ctx.lv.virEventUpdateTimeout(12345, 1),
  covers=["libvirt.virEventUpdateTimeout"])

# ---------------------------------------------- an event loop in Python

group("eventimpl", kind="eventimpl",
      doc="virEventRegisterImpl: libvirt drives an event loop written in Python")


# The loop double of support/eventloop.py, never run: it records what
# libvirt asks of it, and the calls below fire or free by hand every timer
# libvirt ever added (removed ones too).

def _pyloop_calls(loop, since=0):
    """What libvirt asked of the loop (from its call number `since` on),
    each add with whether the callback it gave is callable; the descriptor
    of a handle left out (it differs between the two processes)."""
    added = iter(loop.added)        # one registration per add, in order
    calls = []
    for c in loop.log:
        if c[0] == "addHandle":
            c = (c[0], c[2], callable(next(added).cb))
        elif c[0] == "addTimeout":
            c = c + (callable(next(added).cb),)
        calls.append(c)
    return calls[since:]


def _timers_ever_added(loop):
    return [r for r in loop.added if r.kind == "timer"]


def _register_pyloop(ctx):
    loop = PythonEventLoop()
    ctx.cache["pyloop"] = loop
    return ctx.lv.virEventRegisterImpl(*loop.callables()), _pyloop_calls(loop)


def _pyloop_events(ctx):
    loop = ctx.cache["pyloop"]
    since = len(loop.log)
    seen = []
    cid = ctx.conn.domainEventRegisterAny(None, K("VIR_DOMAIN_EVENT_ID_LIFECYCLE"),
                                          lambda *a: seen.append(a[2:]), None)
    d = ctx.conn.lookupByName("alpha")
    d.suspend()
    # run the timers libvirt registered, as a loop would
    fired = [t.cb(t.id, t.opaque) for t in _timers_ever_added(loop)]
    ctx.conn.domainEventDeregisterAny(cid)
    return cid, _pyloop_calls(loop, since), fired, seen


def _pyloop_free(ctx):
    loop = ctx.cache["pyloop"]
    return [ctx.lv.virEventInvokeFreeCallback(t.opaque) for t in _timers_ever_added(loop)]


C("libvirt.virEventRegisterImpl", _register_pyloop, covers=["libvirt.virEventRegisterImpl"])
C("libvirt.virEventRegisterImpl#events", _pyloop_events, covers=["libvirt.virEventRegisterImpl"])
C("libvirt.virEventInvokeFreeCallback", _pyloop_free,
  covers=["libvirt.virEventInvokeFreeCallback"])
C("libvirt.virEventInvokeFreeCallback#None", lambda ctx: ctx.lv.virEventInvokeFreeCallback(None),
  covers=["libvirt.virEventInvokeFreeCallback"])
C("libvirt.virEventInvokeFreeCallback#str", lambda ctx: ctx.lv.virEventInvokeFreeCallback("x"),
  covers=["libvirt.virEventInvokeFreeCallback"])
C("libvirt.virEventRegisterImpl#not-callable", lambda ctx: ctx.lv.virEventRegisterImpl(
    1, 2, 3, 4, 5, 6), covers=["libvirt.virEventRegisterImpl"])

# ------------------------------------------------ libvirt_qemu, libvirt_lxc

group("qemu_lxc", doc="libvirt_qemu and libvirt_lxc on the test driver (unsupported there)")
FN("libvirt_qemu", "qemuAgentCommand", O(R("dom:alpha")), S('{"execute":"guest-ping"}'), I(5), F())
FN("libvirt_qemu", "qemuAttach", O(R("conn")), I(1), F())
FN("libvirt_qemu", "qemuMonitorCommand", O(R("dom:alpha")), S('{"execute":"query-status"}'), F())
FN("libvirt_qemu", "qemuMonitorCommand", O(R("dom:alpha")), S("info status"),
   F(K("VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP") if "VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP" in CONST
     else 1), tag="hmp", variants=False)
FN("libvirt_qemu", "qemuMonitorCommandWithFiles", O(R("dom:alpha")),
   S('{"execute":"query-status"}'), L(DEVNULL_FDS), F())
FN("libvirt_qemu", "qemuMonitorCommandWithFiles", O(R("dom:alpha")),
   S('{"execute":"query-status"}'), tag="default")
FN("libvirt_qemu", "qemuMonitorEventRegister", O(R("conn")), O(R("dom:alpha")), S("STOP"),
   X(noop), X(None), F(), fresh=True)
FN("libvirt_qemu", "qemuMonitorEventRegister", O(R("conn")), X(None), S(None), X(noop), X(None),
   tag="any", variants=False, fresh=True)
FN("libvirt_qemu", "qemuMonitorEventDeregister", O(R("conn")), I(0), fresh=True)
FN("libvirt_lxc", "lxcEnterCGroup", O(R("dom:alpha")), F())
FN("libvirt_lxc", "lxcOpenNamespace", O(R("dom:alpha")), F())
C("libvirt_qemu.qemuAgentCommand#not-a-domain", lambda ctx: __import__(
    "libvirt_qemu").qemuAgentCommand(ctx.conn, "{}", 5, 0),
  covers=["libvirt_qemu.qemuAgentCommand"])
C("libvirt_lxc.lxcOpenNamespace#not-a-domain", lambda ctx: __import__(
    "libvirt_lxc").lxcOpenNamespace(ctx.conn, 0), covers=["libvirt_lxc.lxcOpenNamespace"])
C("libvirt_qemu.qemuMonitorCommand#not-a-domain", lambda ctx: __import__(
    "libvirt_qemu").qemuMonitorCommand("alpha", "{}", 0),
  covers=["libvirt_qemu.qemuMonitorCommand"])

# ------------------------------------------------------------- virSecret

# (not on secret:///embed: libvirt 9.0.0's embedded secret driver crashes in
# virSecretUndefine, whichever binding calls it)
group("secret", kind="daemon", all_fresh=True,
      doc="virSecret, on a private libvirtd (its state outlives connections, so every "
          "call starts from a reset state)")
for _u in (SECRET_UUID, SECRET2_UUID):
    t = "secret:" + _u
    v = _u == SECRET_UUID
    tg = "volume" if v else "ceph"
    for _m in ("UUID", "UUIDString", "connect", "usageID", "usageType"):
        M("virSecret", _m, t, tag=tg)
    M("virSecret", "XMLDesc", t, F(), tag=tg, variants=v)
    M("virSecret", "value", t, F(), tag=tg, variants=v)
    M("virSecret", "setValue", t, B(b"new\x00value"), F(), tag=tg, variants=v, fresh=True,
      post=lambda ctx, t=t: ctx.ref(t).value(0))
    M("virSecret", "undefine", t, tag=tg, fresh=True,
      post=lambda ctx: sorted(ctx.conn.listSecrets()))
M("virSecret", "c_pointer", "secret:" + SECRET_UUID, varies=True)
M("virSecret", "setValue", "secret:" + SECRET_UUID, B(b""), F(), tag="empty", variants=False,
  fresh=True, post=lambda ctx: ctx.ref("secret:" + SECRET_UUID).value(0))
M("virSecret", "setValue", "secret:" + SECRET_UUID, X(bytearray(b"ba")), F(), tag="bytearray",
  variants=False, fresh=True, post=lambda ctx: ctx.ref("secret:" + SECRET_UUID).value(0))
M("virSecret", "setValue", "secret:" + SECRET_UUID, X(memoryview(b"mv")), F(), tag="memoryview",
  variants=False, fresh=True, post=lambda ctx: ctx.ref("secret:" + SECRET_UUID).value(0))
M("virSecret", "setValue", "secret:" + SECRET_UUID, X("unicode \u00e9"), F(), tag="non-ascii",
  variants=False, fresh=True, post=lambda ctx: ctx.ref("secret:" + SECRET_UUID).value(0))
M("virConnect", "secretLookupByUUID", "conn", U(SECRET_UUID), tag="libvirtd")
M("virConnect", "secretLookupByUUID", "conn", U(NOWHERE), tag="libvirtd-missing", variants=False)
M("virConnect", "secretLookupByUUIDString", "conn", US(SECRET_UUID), tag="libvirtd")
M("virConnect", "secretLookupByUUIDString", "conn", US(NOWHERE), tag="libvirtd-missing",
  variants=False)
M("virConnect", "secretLookupByUsage", "conn", I(K("VIR_SECRET_USAGE_TYPE_VOLUME")),
  S("/pool-a/disk1.img"), tag="libvirtd")
M("virConnect", "secretLookupByUsage", "conn", I(K("VIR_SECRET_USAGE_TYPE_CEPH")),
  S("client.admin"), tag="libvirtd-ceph", variants=False)
M("virConnect", "secretLookupByUsage", "conn", I(K("VIR_SECRET_USAGE_TYPE_CEPH")),
  S("nosuch"), tag="libvirtd-missing", variants=False)
M("virConnect", "listSecrets", "conn", tag="libvirtd", unordered=True)
M("virConnect", "listAllSecrets", "conn", F(), tag="libvirtd", unordered=True)
M("virConnect", "numOfSecrets", "conn", tag="libvirtd")
M("virConnect", "getType", "conn", tag="libvirtd")
M("virConnect", "secretDefineXML", "conn", S(SECRET_XML.replace("6001", "6003").replace(
    "disk1.img", "disk2.img")), F(), tag="libvirtd", fresh=True,
  post=lambda ctx: sorted(ctx.conn.listSecrets()))
M("virConnect", "secretDefineXML", "conn", S("<secret>"), F(), tag="libvirtd-bad-xml",
  variants=False, fresh=True)
M("virConnect", "secretEventRegisterAny", "conn", O(R("secret:" + SECRET_UUID)),
  I(K("VIR_SECRET_EVENT_ID_LIFECYCLE")), REC("secret"), X("opaque"), tag="libvirtd", fresh=True,
  post=lambda ctx: (ctx.ref("secret:" + SECRET_UUID).undefine(), pump(ctx)))
M("virConnect", "secretEventRegisterAny", "conn", X(None),
  I(K("VIR_SECRET_EVENT_ID_VALUE_CHANGED")), REC("value"), X(None), tag="libvirtd-value",
  variants=False, fresh=True,
  post=lambda ctx: (ctx.ref("secret:" + SECRET_UUID).setValue(b"x", 0), pump(ctx)))
C("virConnect.secretEventDeregisterAny#libvirtd", lambda ctx: (lambda cid: (
    ctx.conn.secretEventDeregisterAny(cid),
    ctx.ref("secret:" + SECRET_UUID).undefine(), pump(ctx)))(
        ctx.conn.secretEventRegisterAny(None, 0, cb_recorder(ctx, "x"), None)),
  fresh=True, covers=["virConnect.secretEventDeregisterAny"])

# --------------------- nwfilters, nwfilter bindings, network ports (libvirtd)

group("daemon", kind="daemon", all_fresh=True,
      doc="virNWFilter, virNWFilterBinding, virNetworkPort on a private libvirtd (its state "
          "outlives connections, so every call starts from a reset state)")
NWF = "nwfilter:allow-all"
for _m in ("UUID", "UUIDString", "connect", "name"):
    M("virNWFilter", _m, NWF)
M("virNWFilter", "XMLDesc", NWF, F())
M("virNWFilter", "c_pointer", NWF, varies=True)
M("virNWFilter", "undefine", NWF, fresh=True, post=lambda ctx: sorted(ctx.conn.listNWFilters()))
M("virConnect", "nwfilterLookupByName", "conn", S("allow-all"), tag="daemon")
M("virConnect", "nwfilterLookupByName", "conn", S("nosuch"), tag="daemon-missing", variants=False)
M("virConnect", "nwfilterLookupByUUID", "conn", U(NWFILTER_UUID), tag="daemon")
M("virConnect", "nwfilterLookupByUUIDString", "conn", US(NWFILTER_UUID), tag="daemon")
M("virConnect", "listNWFilters", "conn", tag="daemon", unordered=True)
M("virConnect", "listAllNWFilters", "conn", F(), tag="daemon", unordered=True)
M("virConnect", "numOfNWFilters", "conn", tag="daemon")
_nwf2 = NWFILTER_XML.replace("allow-all", "allow-two").replace("7001", "7002")
M("virConnect", "nwfilterDefineXML", "conn", S(_nwf2), tag="daemon", fresh=True,
  post=lambda ctx: sorted(ctx.conn.listNWFilters()))
M("virConnect", "nwfilterDefineXMLFlags", "conn", S(_nwf2), F(), tag="daemon", fresh=True,
  post=lambda ctx: sorted(ctx.conn.listNWFilters()))
M("virConnect", "nwfilterDefineXML", "conn", S("<filter>"), tag="daemon-bad-xml", variants=False,
  fresh=True)

BND = "binding:vnet7"
for _m in ("connect", "filterName", "portDev"):
    C("virNWFilterBinding.%s" % _m, no_firewall(lambda ctx, _m=_m: getattr(ctx.ref(BND), _m)()),
      covers=["virNWFilterBinding." + _m])
C("virNWFilterBinding.XMLDesc", no_firewall(lambda ctx: ctx.ref(BND).XMLDesc(0)),
  covers=["virNWFilterBinding.XMLDesc"])
for _lbl, _v in (("bool", False), ("index", Index(0)), ("big", BIG)):
    C("virNWFilterBinding.XMLDesc[flags=%s]" % _lbl,
      no_firewall(lambda ctx, _v=_v: ctx.ref(BND).XMLDesc(_v)),
      covers=["virNWFilterBinding.XMLDesc"])
C("virNWFilterBinding.c_pointer", no_firewall(lambda ctx: type(ctx.ref(BND).c_pointer()).__name__),
  covers=["virNWFilterBinding.c_pointer"])
C("virNWFilterBinding.delete", no_firewall(lambda ctx: (
    ctx.ref(BND).delete(), ctx.conn.listAllNWFilterBindings(0))),
  fresh=True, covers=["virNWFilterBinding.delete"])
M("virConnect", "nwfilterBindingLookupByPortDev", "conn", S("vnet7"), tag="daemon")
M("virConnect", "nwfilterBindingLookupByPortDev", "conn", S("nosuch"), tag="daemon-missing",
  variants=False)
M("virConnect", "listAllNWFilterBindings", "conn", F(), tag="daemon", unordered=True)
C("virConnect.nwfilterBindingCreateXML#daemon", no_firewall(
    lambda ctx: (ctx.conn.nwfilterBindingCreateXML(BINDING_XML, 0),
                 sorted(b.portDev() for b in ctx.conn.listAllNWFilterBindings(0)))),
  fresh=True, covers=["virConnect.nwfilterBindingCreateXML"])
for _lbl, _v in (("None", None),):
    C("virConnect.nwfilterBindingCreateXML#daemon[xml=%s]" % _lbl, no_firewall(
        lambda ctx, _v=_v: ctx.conn.nwfilterBindingCreateXML(_v, 0)),
      fresh=True, covers=["virConnect.nwfilterBindingCreateXML"])
for _lbl, _v in (("bool", False), ("index", Index(0)), ("big", BIG)):
    C("virConnect.nwfilterBindingCreateXML#daemon[flags=%s]" % _lbl, no_firewall(
        lambda ctx, _v=_v: ctx.conn.nwfilterBindingCreateXML(BINDING_XML, _v)),
      fresh=True, covers=["virConnect.nwfilterBindingCreateXML"])

PORT = "port:pnet/" + PORT_UUID
for _m in ("UUID", "UUIDString", "connect", "network"):
    M("virNetworkPort", _m, PORT)
M("virNetworkPort", "XMLDesc", PORT, F())
M("virNetworkPort", "parameters", PORT, F())
M("virNetworkPort", "c_pointer", PORT, varies=True)
M("virNetworkPort", "setParameters", PORT, P({"inbound.average": 1000, "outbound.peak": 2000}),
  F(), fresh=True, post=lambda ctx: ctx.ref(PORT).parameters(0))
M("virNetworkPort", "delete", PORT, F(), fresh=True,
  post=lambda ctx: [p.UUIDString() for p in ctx.conn.networkLookupByName("pnet").listAllPorts(0)])
M("virNetwork", "portLookupByUUID", "net:pnet", U(PORT_UUID), tag="daemon")
M("virNetwork", "portLookupByUUIDString", "net:pnet", US(PORT_UUID), tag="daemon")
M("virNetwork", "portLookupByUUIDString", "net:pnet", US(NOWHERE), tag="daemon-missing",
  variants=False)
M("virNetwork", "listAllPorts", "net:pnet", F(), tag="daemon", unordered=True)
M("virNetwork", "portCreateXML", "net:pnet", S(PORT2_XML), F(), tag="daemon", fresh=True,
  post=lambda ctx: sorted(p.UUIDString() for p in ctx.conn.networkLookupByName("pnet")
                          .listAllPorts(0)))
M("virNetwork", "portCreateXML", "net:pnet", S("<networkport>"), F(), tag="daemon-bad-xml",
  variants=False, fresh=True)
# libvirt_qemu on a real QEMU driver (no guest is started)
FN("libvirt_qemu", "qemuMonitorEventRegister", O(R("conn")), X(None), S("STOP"), X(noop), X(None),
   F(), tag="daemon", fresh=True)
C("libvirt_qemu.qemuMonitorEventDeregister#daemon", lambda ctx: (lambda q: (lambda cid: (
    cid, q.qemuMonitorEventDeregister(ctx.conn, cid),
    err_of(lambda c: q.qemuMonitorEventDeregister(ctx.conn, cid))(ctx)))(
        q.qemuMonitorEventRegister(ctx.conn, None, "STOP", noop, None, 0)))(
            __import__("libvirt_qemu")),
  fresh=True, covers=["libvirt_qemu.qemuMonitorEventDeregister"])
FN("libvirt_qemu", "qemuMonitorEventDeregister", O(R("conn")), I(7), tag="daemon-unknown",
   fresh=True)
