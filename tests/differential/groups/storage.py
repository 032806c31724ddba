"""virStoragePool and virStorageVol."""

from differential.calls import C, F, I, K, M, O, R, S, group
from differential.context import probe_pools
from differential.specs import NEW_VOL_XML


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
    M("virStoragePool", "undefine", t, tag=_n, fresh=True, post=probe_pools)
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
