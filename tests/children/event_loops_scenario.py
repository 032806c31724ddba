"""The scenario of tests/test_event_loops.py, under one event loop:

    python tests/children/event_loops_scenario.py KIND CONFIG

KIND: default, python (the loop double of support/eventloop.py, in a
thread of its own) or asyncio (libvirtaio); CONFIG: JSON, the scenario's
domain_xml (with %s for the name), vhba_xml and metadata_uri.  The case
returns the report test_event_loops.py checks.
"""

import asyncio
import json
import os
import sys
import threading
import time

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import libvirt  # noqa: E402

from support import child, waiting  # noqa: E402
from support.eventloop import PythonEventLoop  # noqa: E402
from support.objects import Opaque  # noqa: E402
from support.paths import check_libvirtaio  # noqa: E402

TIMEOUT = 10.0          # for each wait
SETTLE = 0.1            # for events that should not come


# ---- what the hooks receive ------------------------------------------------

hooks = []
raisers = []            # the raising callback(s), to recognise them


def unraisable(u):
    hooks.append(["unraisablehook", type(u.exc_value).__name__, str(u.exc_value),
                  any(u.object is r for r in raisers)])


def excepthook(exc_type, exc, tb):
    hooks.append(["excepthook", exc_type.__name__, str(exc), None])


# ---- the scenario (the same for every loop) ---------------------------------

def scenario(config, loop_ident):
    """Yields a predicate to wait for (the driver sends back whether it
    held in time) or a number of seconds to let the loop run; returns the
    report."""
    E = libvirt
    records, raised, bad_args, wrong_thread, waits = [], [], [], [], []
    conn = libvirt.open("test:///default")
    op = Opaque()

    def check(kind, c, opaque, registered_on):
        if c is not registered_on or opaque is not op:
            bad_args.append(kind)
        if threading.get_ident() != loop_ident:
            wrong_thread.append(kind)

    def recording(kind, nargs):
        """The callback of `kind`: (connection, object, `nargs` event
        arguments, opaque); records [kind, object name, the event's two
        arguments (None, None if it has none)]."""
        def callback(c, obj, *args):
            *event, opaque = args
            if len(event) != nargs:
                bad_args.append(kind)
            check(kind, c, opaque, conn)
            records.append([kind, obj.name()] + (event or [None, None]))
        return callback

    on_domain = recording("domain", 2)              # event, detail
    on_metadata = recording("metadata", 2)          # type, namespace URI
    on_network = recording("network", 2)
    on_pool = recording("pool", 2)
    on_refresh = recording("pool-refresh", 0)
    on_nodedev = recording("nodedev", 2)

    def raiser(c, dom, event, detail, opaque):
        check("raiser", c, opaque, conn)
        raised.append([event, detail])
        raise ValueError("raiser %d/%d" % (event, detail))
    raisers.append(raiser)

    dom = conn.lookupByName("test")
    registrations = [
        (conn.domainEventDeregisterAny,
         conn.domainEventRegisterAny(None, E.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_domain, op)),
        (conn.domainEventDeregisterAny,
         conn.domainEventRegisterAny(dom, E.VIR_DOMAIN_EVENT_ID_LIFECYCLE, raiser, op)),
        (conn.domainEventDeregisterAny,
         conn.domainEventRegisterAny(None, E.VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
                                     on_metadata, op)),
        (conn.networkEventDeregisterAny,
         conn.networkEventRegisterAny(None, E.VIR_NETWORK_EVENT_ID_LIFECYCLE, on_network, op)),
        (conn.storagePoolEventDeregisterAny,
         conn.storagePoolEventRegisterAny(None, E.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                                          on_pool, op)),
        (conn.storagePoolEventDeregisterAny,
         conn.storagePoolEventRegisterAny(None, E.VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                                          on_refresh, op)),
        (conn.nodeDeviceEventDeregisterAny,
         conn.nodeDeviceEventRegisterAny(None, E.VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE,
                                         on_nodedev, op)),
    ]
    expected = 0

    def step(label, n, extra=lambda: True):
        nonlocal expected
        expected += n
        target = expected
        return label, (lambda: len(records) >= target and extra())

    label, until = step("suspend/resume", 2, lambda: len(raised) >= 2)
    dom.suspend()
    dom.resume()
    waits.append([label, (yield until)])

    label, until = step("transient", 2)
    transient = conn.createXML(config["domain_xml"] % "loops-transient", 0)
    transient.destroy()
    waits.append([label, (yield until)])

    label, until = step("define/undefine", 2)
    defined = conn.defineXML(config["domain_xml"] % "loops-defined")
    defined.undefine()
    waits.append([label, (yield until)])

    label, until = step("metadata", 2)
    dom.setMetadata(E.VIR_DOMAIN_METADATA_DESCRIPTION, "event loops", None, None)
    dom.setMetadata(E.VIR_DOMAIN_METADATA_ELEMENT, "<loops/>", "loops", config["metadata_uri"])
    waits.append([label, (yield until)])

    label, until = step("network", 2)
    net = conn.networkLookupByName("default")
    net.destroy()
    net.create()
    waits.append([label, (yield until)])

    label, until = step("pool", 3)
    pool = conn.storagePoolLookupByName("default-pool")
    pool.destroy()
    pool.create(0)
    pool.refresh(0)
    waits.append([label, (yield until)])

    label, until = step("vhba", 2)
    vhba = conn.nodeDeviceCreateXML(config["vhba_xml"], 0)
    vhba_name = vhba.name()
    vhba.destroy()
    waits.append([label, (yield until)])

    # A stream callback: read the screenshot to its end from the loop.
    stream = conn.newStream(E.VIR_STREAM_NONBLOCK)
    mime = dom.screenshot(stream, 0, 0)
    received, stream_events = [], []

    def on_stream(st, events, opaque):
        check("stream", st, opaque, stream)
        stream_events.append(events)
        while True:
            data = st.recv(65536)
            if isinstance(data, int):       # -2: nothing for now
                return
            if not data:                    # end of the stream
                st.eventUpdateCallback(0)
                whole = b"".join(received)
                records.append(["stream", dom.name(),
                                stream_events[0] & E.VIR_STREAM_EVENT_READABLE,
                                mime if whole.startswith(b"\x89PNG\r\n\x1a\n") else repr(whole[:8])])
                return
            received.append(data)

    label, until = step("stream", 1)
    stream.eventAddCallback(E.VIR_STREAM_EVENT_READABLE, on_stream, op)
    waits.append([label, (yield until)])
    stream.eventRemoveCallback()
    stream.finish()

    yield SETTLE                            # anything more would show
    delivered = [list(r) for r in records]
    raised_before = len(raised)
    for deregister, cid in registrations:
        deregister(cid)

    # The same kinds of events again: a second connection's callbacks show
    # they were dispatched; the deregistered ones must not run.
    conn2 = libvirt.open("test:///default")
    sentinel = []
    s1 = conn2.domainEventRegisterAny(None, E.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                      lambda c, d, e, x, o: sentinel.append([d.name(), e, x]), None)
    s2 = conn2.storagePoolEventRegisterAny(None, E.VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                                           lambda c, p, o: sentinel.append([p.name()]), None)
    dom.suspend()
    dom.resume()
    dom.setMetadata(E.VIR_DOMAIN_METADATA_DESCRIPTION, "again", None, None)
    net.destroy()
    net.create()
    pool.refresh(0)                         # the last one queued
    waits.append(["sentinel", (yield lambda: len(sentinel) >= 3)])
    yield SETTLE
    conn2.domainEventDeregisterAny(s1)
    conn2.storagePoolEventDeregisterAny(s2)
    conn2.close()
    conn.close()
    return {
        "records": delivered,
        "raised": raised[:raised_before],
        "after_deregistration": records[len(delivered):] + raised[raised_before:],
        "sentinel": sentinel,
        "bad_args": bad_args,
        "wrong_thread": wrong_thread,
        "waits": waits,
        "vhba_name": vhba_name,
        "stream_mime": mime,
        "stream_bytes": sum(len(d) for d in received),
    }


# ---- drivers: run the scenario, waiting the way each loop needs -------------

def wait_in_thread(request):
    if not callable(request):
        time.sleep(request)
        return True
    return waiting.until(request, TIMEOUT, 0.002)


def drive_in_thread(gen):
    try:
        request = next(gen)
        while True:
            request = gen.send(wait_in_thread(request))
    except StopIteration as stop:
        return stop.value


async def wait_in_asyncio(request):
    if not callable(request):
        await asyncio.sleep(request)
        return True
    return await waiting.async_until(request, TIMEOUT, 0.002)


async def drive_in_asyncio(gen):
    try:
        request = next(gen)
        while True:
            request = gen.send(await wait_in_asyncio(request))
    except StopIteration as stop:
        return stop.value


def run_default(config):
    assert libvirt.virEventRegisterDefaultImpl() == 0
    state = {"stop": False}
    # wakes the loop up now and then, so that it sees "stop"
    tick = libvirt.virEventAddTimeout(50, lambda timer, opaque: None, None)

    def loop():
        while not state["stop"]:
            libvirt.virEventRunDefaultImpl()

    thread = threading.Thread(target=loop, name="default-loop", daemon=True)
    thread.start()
    report = drive_in_thread(scenario(config, thread.ident))
    state["stop"] = True
    thread.join(5)
    libvirt.virEventRemoveTimeout(tick)
    report["loop_finished"] = not thread.is_alive()
    return report


def run_python(config):
    loop = PythonEventLoop().register().start()
    report = drive_in_thread(scenario(config, loop.thread.ident))
    report["loop_finished"] = loop.close()
    return report


def run_asyncio(config):
    import libvirtaio
    check_libvirtaio(libvirtaio)

    async def main():
        impl = libvirtaio.virEventRegisterAsyncIOImpl()
        report = await drive_in_asyncio(scenario(config, threading.get_ident()))
        try:
            await asyncio.wait_for(impl.drain(), 5)
        except asyncio.TimeoutError:
            pass
        report["loop_finished"] = impl.is_idle()
        return report

    return asyncio.run(main())


def _run(runner, config):
    saved_hooks = sys.unraisablehook, sys.excepthook
    sys.unraisablehook, sys.excepthook = unraisable, excepthook
    try:
        report = runner(json.loads(config))
    finally:
        sys.unraisablehook, sys.excepthook = saved_hooks
    report["hooks"] = hooks
    return report


def case_default(config):
    return _run(run_default, config)


def case_python(config):
    return _run(run_python, config)


def case_asyncio(config):
    return _run(run_asyncio, config)


if __name__ == "__main__":
    child.main(globals())
