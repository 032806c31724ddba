"""virNodeDevice."""

from differential.calls import C, F, I, M, S, group
from differential.context import probe_devs
from differential.specs import VHBA_XML


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
        M("virNodeDevice", _m, t, tag=_n, fresh=True, post=probe_devs)
    M("virNodeDevice", "create", t, F(), tag=_n, variants=v, fresh=True, post=probe_devs)
    M("virNodeDevice", "undefine", t, F(), tag=_n, variants=v, fresh=True, post=probe_devs)
    M("virNodeDevice", "setAutostart", t, I(1), tag=_n, variants=v, fresh=True)
    M("virNodeDevice", "detachFlags", t, S("vfio"), F(), tag=_n, variants=v, fresh=True)
M("virNodeDevice", "detachFlags", "dev:pci_0000_00_02_0", S(None), F(), tag="default-driver",
  variants=False, fresh=True)


def _vhba(fn):
    def run(ctx):
        dev = ctx.conn.nodeDeviceCreateXML(VHBA_XML, 0)
        return dev.name(), dev.parent(), dev.listCaps(), fn(ctx, dev), probe_devs(ctx)
    return run


C("virNodeDevice.destroy#vhba", _vhba(lambda ctx, d: d.destroy()), fresh=True,
  covers=["virNodeDevice.destroy"])
C("virNodeDevice.XMLDesc#vhba", _vhba(lambda ctx, d: d.XMLDesc(0)), fresh=True,
  covers=["virNodeDevice.XMLDesc"])
C("virNodeDevice.undefine#vhba", _vhba(lambda ctx, d: d.undefine(0)), fresh=True,
  covers=["virNodeDevice.undefine"])
