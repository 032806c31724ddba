"""What a call runs on (Context: a connection and the objects it names), and the helpers
the calls share."""

import os
import shutil
import tempfile

from differential.calls import Lazy
from differential.specs import (
    BINDING_XML, BRIDGE_NET_XML, NWFILTER_XML, PORT_XML, SECRET2_UUID, SECRET2_XML, SECRET_UUID,
    SECRET_XML)


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


DEVNULL_FDS = [Lazy(lambda ctx: ctx.devnull_fd())]   # a list of one fd, opened in the child


def mask_info(v):
    """dom.info(): cpuTime (last field) follows the clock on running domains."""
    return v[:4] if isinstance(v, list) else v


# the state after a call that changes it

def probe_doms(ctx):
    return sorted(d.name() for d in ctx.conn.listAllDomains())


def probe_nets(ctx):
    return sorted((n.name(), n.isActive()) for n in ctx.conn.listAllNetworks())


def probe_pools(ctx):
    return sorted((p.name(), p.isActive()) for p in ctx.conn.listAllStoragePools())


def probe_ifaces(ctx):
    return sorted((i.name(), i.isActive()) for i in ctx.conn.listAllInterfaces())


def probe_devs(ctx):
    return sorted(d.name() for d in ctx.conn.listAllDevices())


def REC(tag):
    """A callback argument that records its calls under tag (cb_recorder)."""
    return Lazy(lambda ctx: cb_recorder(ctx, tag))
