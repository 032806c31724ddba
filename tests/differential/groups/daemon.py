"""virSecret, virNWFilter, virNWFilterBinding and virNetworkPort on a private libvirtd."""

from differential.calls import B, BIG, C, F, FN, I, Index, K, M, O, P, R, S, U, US, X, group
from differential.context import REC, cb_recorder, err_of, no_firewall, noop, pump
from differential.specs import (
    BINDING_XML, NOWHERE, NWFILTER_UUID, NWFILTER_XML, PORT2_XML, PORT_UUID, SECRET2_UUID,
    SECRET_UUID, SECRET_XML)


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
