"""virDomainSnapshot and virDomainCheckpoint."""

from differential.calls import F, K, M, S, group
from differential.context import strip_times


# --------------------------------------------------- snapshots, checkpoints

group("snapshot", doc="virDomainSnapshot and virDomainCheckpoint", checkpoints=True)


def _each(cls, kind, names):
    """(target, tag, variants?) of each of names, once the calls every
    snapshot and checkpoint takes are made on it; variants on the first."""
    for n in names:
        t = kind + ":" + n
        tag = n.split("/")[1]
        for m in ("connect", "domain", "getConnect", "getDomain", "getName"):
            M(cls, m, t, tag=tag)
        yield t, tag, n == names[0]


for t, s_, v in _each("virDomainSnapshot", "snap", ("alpha/snap1", "alpha/snap2")):
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

for t, c_, v in _each("virDomainCheckpoint", "cp", ("beta/cp1", "beta/cp2")):
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
