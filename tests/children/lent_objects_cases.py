"""Cases of tests/test_lent_objects.py: what becomes of the object an event
callback gets (the domain, network, ...), and of getAllDomainStats'
domains, each in a process of its own.

    python tests/children/lent_objects_cases.py CASE URI [LOG]

URI: the test driver connection (tests/data/testdriver.xml's).  The
behaviour cases return what the callback saw and what the object it kept
answers after the event, with the domain gone meanwhile: the test compares
that with the reference binding's answers, and runs them with freed memory
overwritten (MALLOC_PERTURB_) and PYTHONMALLOC=debug, so that an object
left with a handle libvirt freed would show.  The counting case (LOG: the
libvirt debug log the test made libvirt write) returns how many of
libvirt's Ref and Free functions each step called.
"""

import gc
import os
import sys
import threading
import time
import uuid
import weakref

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import libvirt  # noqa: E402

from support import child  # noqa: E402
from support.memory import rss_kib  # noqa: E402

DOMAIN_XML = ("<domain type='test'><name>%s</name><uuid>%s</uuid><memory>8192</memory>"
              "<os><type>hvm</type></os></domain>")
NETWORK_XML = ("<network><name>%s</name><bridge name='virbr%d'/>"
               "<ip address='192.168.%d.1' netmask='255.255.255.0'/></network>")
POOL_XML = "<pool type='dir'><name>%s</name><target><path>/tmp/%s</path></target></pool>"
VHBA_XML = ("<device><parent>scsi_host1</parent><capability type='scsi_host'>"
            "<capability type='fc_host'><wwnn>2000000012345678</wwnn>"
            "<wwpn>1000000012345678</wwpn></capability></capability></device>")
LIFECYCLE = libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE


class Loop:
    """The default event loop, iterated here (a 20 ms timer keeps an
    iteration short)."""

    def __init__(self):
        libvirt.virEventRegisterDefaultImpl()
        self.timer = libvirt.virEventAddTimeout(20, lambda timer, opaque: None, None)

    def until(self, predicate, iterations=400):
        for _ in range(iterations):
            if predicate():
                return True
            libvirt.virEventRunDefaultImpl()
        raise AssertionError("the events did not arrive")

    def settle(self):
        for _ in range(10):
            libvirt.virEventRunDefaultImpl()


def domain_xml(name):
    """A domain of its own name and UUID (the same UUID in every run)."""
    return DOMAIN_XML % (name, uuid.uuid5(uuid.NAMESPACE_URL, "lent:" + name))


def define_and_undefine(conn, loop, name, callback, count=2, collect=True):
    """Register `callback` for lifecycle events, define and undefine the
    domain `name` (DEFINED, UNDEFINED), deliver both events, deregister.
    The domain is gone afterwards: an object the callback kept has only
    its own reference to libvirt's."""
    seen = []

    def cb(c, dom, event, detail, opaque):
        seen.append(event)
        callback(dom, event)

    cid = conn.domainEventRegisterAny(None, LIFECYCLE, cb, None)
    try:
        dom = conn.defineXML(domain_xml(name))
        dom.undefine()
        del dom
        loop.until(lambda: len(seen) >= count)
        loop.settle()
    finally:
        conn.domainEventDeregisterAny(cid)
    if collect:
        gc.collect()
    return seen


def answers(dom):
    """What a kept domain answers without its daemon-side object."""
    try:
        info = dom.info()
    except libvirt.libvirtError as e:
        info = ["libvirtError", e.get_error_code()]
    return [dom.name(), dom.UUIDString(), dom.connect() is not None, info]


# ---- behaviour ------------------------------------------------------------------

def case_kept_in_a_list(uri):
    conn, loop, kept = libvirt.open(uri), Loop(), []
    define_and_undefine(conn, loop, "lent-list", lambda dom, event: kept.append(dom))
    result = [answers(d) for d in kept]
    del kept[:]
    gc.collect()
    conn.close()
    return result


def case_dropped(uri):
    """The callback keeps a weak reference only: the object is gone when
    the callback returns, its weakref callback run by then."""
    conn, loop = libvirt.open(uri), Loop()
    refs, died, at_return = [], [], []

    def callback(dom, event):
        refs.append(weakref.ref(dom, lambda r: died.append(event)))
        at_return.append(dom.name())

    seen = define_and_undefine(conn, loop, "lent-dropped", callback)
    result = [at_return, [r() is None for r in refs], sorted(died) == sorted(seen)]
    conn.close()
    return result


def case_in_a_closure(uri):
    conn, loop, closures = libvirt.open(uri), Loop(), []

    def callback(dom, event):
        closures.append(lambda: answers(dom))

    define_and_undefine(conn, loop, "lent-closure", callback)
    result = [f() for f in closures]
    conn.close()
    return result


def case_in_a_traceback(uri, keep):
    """The callback raises with the domain a local of its frame; the
    unraisable hook keeps the exception (keep == "1", and the domain with
    it), or not."""
    conn, loop, hooked, refs = libvirt.open(uri), Loop(), [], []

    def hook(unraisable):
        hooked.append(unraisable.exc_value if keep == "1" else type(unraisable.exc_value).__name__)

    def callback(dom, event):
        refs.append(weakref.ref(dom))
        raise ValueError(dom.name())

    sys.unraisablehook = hook
    define_and_undefine(conn, loop, "lent-tb", callback)
    sys.unraisablehook = sys.__unraisablehook__
    if keep == "1":
        doms = []
        for exc in hooked:
            tb = exc.__traceback__
            while tb.tb_next is not None:
                tb = tb.tb_next
            doms.append(tb.tb_frame.f_locals["dom"])
        result = [[str(e) for e in hooked], [answers(d) for d in doms]]
        del doms, exc, tb
    else:
        result = [list(hooked)]
    hooked.clear()
    gc.collect()
    result.append([r() is None for r in refs])
    conn.close()
    return result


def case_in_a_cycle(uri):
    """The object kept only by a reference cycle, until the collector runs."""
    conn, loop, refs = libvirt.open(uri), Loop(), []

    def callback(dom, event):
        holder = {"dom": dom}
        holder["self"] = holder
        refs.append(weakref.ref(dom))

    gc.disable()
    try:
        define_and_undefine(conn, loop, "lent-cycle", callback, collect=False)
        alive = [answers(r()) for r in refs if r() is not None]
    finally:
        gc.enable()
    gc.collect()
    result = [alive, [r() is None for r in refs]]
    conn.close()
    return result


def case_used_by_another_thread(uri):
    """The callback hands the domain to a thread whose calls go on after
    the callback returned."""
    conn, loop, threads, results = libvirt.open(uri), Loop(), [], []
    go = threading.Event()

    def work(dom):
        go.wait()
        results.append(answers(dom))

    def callback(dom, event):
        t = threading.Thread(target=work, args=(dom,))
        t.start()
        threads.append(t)

    define_and_undefine(conn, loop, "lent-thread", callback)
    go.set()
    for t in threads:
        t.join()
    conn.close()
    return results


def case_wrapped_again_and_released(uri):
    """virDomain(conn, _obj=dom._o) in the callback makes an object of its
    own; dom.__del__() releases the one given, which then reads as
    released."""
    conn, loop, again, released = libvirt.open(uri), Loop(), [], []

    def callback(dom, event):
        again.append(libvirt.virDomain(conn, _obj=dom._o))
        released.append([dom.__del__(), dom._o is None])
        try:
            dom.info()
        except libvirt.libvirtError as e:
            released[-1].append(e.get_error_code())
        released[-1].append(dom.__del__())

    define_and_undefine(conn, loop, "lent-again", callback)
    result = [released, [answers(d) for d in again]]
    conn.close()
    return result


def case_released_by_the_flat_function(uri):
    """libvirtmod.virDomainFree(dom) in the callback (this binding's flat
    functions take the object itself)."""
    import libvirtmod
    conn, loop, released = libvirt.open(uri), Loop(), []

    def callback(dom, event):
        released.append([libvirtmod.virDomainFree(dom), dom._o is None,
                         libvirtmod.virDomainFree(dom)])

    define_and_undefine(conn, loop, "lent-flat", callback)
    conn.close()
    return released


def case_legacy_kept_and_dropped(uri):
    """domainEventRegister: two callbacks per event, each its own object;
    one keeps it."""
    conn, loop, kept, names = libvirt.open(uri), Loop(), [], []

    def keeper(c, dom, event, detail, opaque):
        kept.append(dom)

    def dropper(c, dom, event, detail, opaque):
        names.append(dom.name())

    conn.domainEventRegister(keeper, None)
    conn.domainEventRegister(dropper, None)
    try:
        dom = conn.defineXML(domain_xml("lent-legacy"))
        dom.undefine()
        del dom
        loop.until(lambda: len(kept) == 2 and len(names) == 2)
    finally:
        conn.domainEventDeregister(keeper)
        conn.domainEventDeregister(dropper)
    result = [names, [answers(d) for d in kept]]
    conn.close()
    return result


def case_other_families_kept(uri):
    """A network, storage pool and node device kept from their events,
    used once their objects are gone."""
    conn, dconn, loop = libvirt.open(uri), libvirt.open("test:///default"), Loop()
    kept = []
    deregister = [
        (conn.networkEventDeregisterAny, conn.networkEventRegisterAny(
            None, libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE,
            lambda c, net, event, detail, opaque: kept.append(("net", net)), None)),
        (conn.storagePoolEventDeregisterAny, conn.storagePoolEventRegisterAny(
            None, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
            lambda c, pool, event, detail, opaque: kept.append(("pool", pool)), None)),
        (dconn.nodeDeviceEventDeregisterAny, dconn.nodeDeviceEventRegisterAny(
            None, libvirt.VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE,
            lambda c, dev, event, detail, opaque: kept.append(("dev", dev)), None))]
    try:
        net = conn.networkDefineXML(NETWORK_XML % ("lent-net", 97, 97))
        net.undefine()
        pool = conn.storagePoolDefineXML(POOL_XML % ("lent-pool", "lent-pool"))
        pool.undefine()
        dev = dconn.nodeDeviceCreateXML(VHBA_XML, 0)
        dev.destroy()
        del net, pool, dev
        loop.until(lambda: len(kept) == 6)
        loop.settle()
    finally:
        for dereg, cid in deregister:
            dereg(cid)
    gc.collect()
    result = sorted([kind, obj.name()] for kind, obj in kept)
    del kept[:]
    gc.collect()
    conn.close()
    dconn.close()
    return result


def case_stats_kept(uri):
    """getAllDomainStats' and domainListGetStats' domains, used after the
    list of records is gone."""
    conn = libvirt.open(uri)
    doms = sorted((dom for dom, stats in conn.getAllDomainStats(libvirt.VIR_DOMAIN_STATS_STATE)),
                  key=lambda d: d.name())
    listed = sorted((dom for dom, stats in conn.domainListGetStats(doms[:2])),
                    key=lambda d: d.name())
    gc.collect()
    result = [[d.name() for d in doms], [d.name() for d in listed],
              [d.UUIDString() == conn.lookupByName(d.name()).UUIDString() for d in doms]]
    conn.close()
    return result


def case_released_during_calls(uri, trials):
    """The callback starts a thread looping on dom.XMLDesc() and releases dom
    (dom.__del__()) while the thread's call may be in flight, then
    returns: the calls must end with libvirtError, and nothing crash.  The
    timing is not forced: on the test driver a call in flight is over long
    before libvirt drops its reference after the callback, so this does
    not catch a release that forgets the in-flight call (checked by hand:
    it passes without the reference lv_object_release takes for it).
    Returns [events, loops ended with libvirtError, their error codes]."""
    libvirt.registerErrorHandler(lambda ctx, err: None, None)   # the expected errors
    conn, loop = libvirt.open(uri), Loop()
    alpha = conn.lookupByName("alpha")
    trials = int(trials)
    threads, raised, got = [], [], [0]

    def cb(c, dom, event, detail, opaque):
        started = threading.Event()

        def calls():
            started.set()
            try:
                while True:
                    dom.XMLDesc()
            except libvirt.libvirtError as e:
                raised.append(e.get_error_code())

        t = threading.Thread(target=calls)
        t.start()
        started.wait()
        time.sleep(0.0002 * (got[0] % 7))
        dom.__del__()
        threads.append(t)
        got[0] += 1

    cid = conn.domainEventRegisterAny(None, LIFECYCLE, cb, None)
    try:
        for _ in range(trials // 2):
            expected = got[0] + 2
            alpha.suspend()
            alpha.resume()
            loop.until(lambda: got[0] == expected)
            for t in threads:
                t.join(30)
                assert not t.is_alive(), "the call loop did not end after the release"
            del threads[:]
    finally:
        conn.domainEventDeregisterAny(cid)
    conn.close()
    return [got[0], len(raised), sorted(set(raised), key=str)]


# ---- counting libvirt's calls ----------------------------------------------------

class Log:
    """libvirt's debug log (the file the environment named), read step by
    step: how many calls of each public Ref/Free function a step made."""

    FUNCTIONS = ("virDomainRef", "virDomainFree", "virNetworkRef", "virNetworkFree",
                 "virStoragePoolRef", "virStoragePoolFree", "virNodeDeviceRef",
                 "virNodeDeviceFree")

    def __init__(self, path):
        self.file = open(path, encoding="utf-8", errors="replace")
        self.file.read()

    def step(self):
        text = self.file.read()
        counts = {}
        for f in self.FUNCTIONS:
            n = text.count(" : %s:" % f)
            if n:
                counts[f] = n
        return counts


def case_ref_free_counts(uri, log_path):
    conn, loop = libvirt.open(uri), Loop()
    log = Log(log_path)
    steps = {}
    alpha = conn.lookupByName("alpha")
    log.step()

    def events(callback, count=2):
        got = []
        cid = conn.domainEventRegisterAny(None, LIFECYCLE,
                                          lambda c, d, e, det, o: (got.append(e), callback(d)),
                                          None)
        log.step()
        alpha.suspend()
        alpha.resume()
        loop.until(lambda: len(got) == count)
        loop.settle()
        counts = log.step()
        conn.domainEventDeregisterAny(cid)
        log.step()
        return counts

    steps["dropped"] = events(lambda dom: dom.name())
    kept = []
    steps["kept"] = events(kept.append)
    del kept[:]
    gc.collect()
    steps["kept, then dropped"] = log.step()

    stats = conn.getAllDomainStats(libvirt.VIR_DOMAIN_STATS_STATE)
    steps["getAllDomainStats"] = log.step()
    steps["getAllDomainStats domains"] = len(stats)
    del stats
    gc.collect()
    steps["getAllDomainStats dropped"] = log.step()
    stats = conn.domainListGetStats([alpha])
    steps["domainListGetStats"] = log.step()
    del stats
    gc.collect()
    steps["domainListGetStats dropped"] = log.step()

    got = []
    net = conn.networkDefineXML(NETWORK_XML % ("lent-count", 96, 96))
    cid = conn.networkEventRegisterAny(None, libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                       lambda c, n, e, d, o: got.append(n.name()), None)
    log.step()
    net.create()
    net.destroy()
    loop.until(lambda: len(got) == 2)
    loop.settle()
    steps["network dropped"] = log.step()
    conn.networkEventDeregisterAny(cid)
    net.undefine()
    del net
    conn.close()
    return steps


# ---- many events ------------------------------------------------------------------

def live_domains():
    return sum(1 for o in gc.get_objects() if isinstance(o, libvirt.virDomain))


def case_many_events(uri, warmup, total):
    """suspend/resume events of 'alpha', the callback dropping one object
    out of two, keeping the other (a list emptied every 100): RSS and the
    number of live virDomain objects after the warm-up and after the
    whole run."""
    conn, loop = libvirt.open(uri), Loop()
    alpha = conn.lookupByName("alpha")
    kept, got = [], [0]

    def cb(c, dom, event, detail, opaque):
        got[0] += 1
        if got[0] % 2:
            kept.append(dom)
            if len(kept) == 50:
                names = {d.name() for d in kept}
                assert names == {"alpha"}, names
                del kept[:]

    cid = conn.domainEventRegisterAny(None, LIFECYCLE, cb, None)
    phases = {}
    for phase, events in (("warmup", int(warmup)), ("run", int(total))):
        for _ in range(events // 2):
            expected = got[0] + 2
            alpha.suspend()
            alpha.resume()
            loop.until(lambda: got[0] == expected)
        del kept[:]
        gc.collect()
        phases[phase] = {"rss_kib": rss_kib(), "domains": live_domains(), "events": got[0]}
    conn.domainEventDeregisterAny(cid)
    conn.close()
    return phases


if __name__ == "__main__":
    child.main(globals())
