"""virNetwork and virInterface."""

from differential.calls import F, I, K, M, S, U, US, group
from differential.context import probe_ifaces, probe_nets
from differential.specs import PORT_UUID, PORT_XML


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
M("virNetwork", "undefine", "net:net-idle", tag="net-idle", fresh=True, post=probe_nets)
M("virNetwork", "undefine", "net:net-one", tag="net-one", fresh=True, post=probe_nets)
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
    M("virInterface", "create", t, F(), tag=_n, variants=v, fresh=True, post=probe_ifaces)
    M("virInterface", "destroy", t, F(), tag=_n, variants=not v, fresh=True, post=probe_ifaces)
    M("virInterface", "undefine", t, tag=_n, fresh=True, post=probe_ifaces)
