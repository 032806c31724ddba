#!/usr/bin/env python3
"""A program using every family of the binding's API with full type
annotations: tests/test_stubs.py checks it with `mypy --strict` against the
installed stubs, and runs it against test:///default.

    python tests/typed_sample.py [URI]     (default: test:///default)
"""

from __future__ import annotations

import sys
from typing import Any

import libvirt

DOMAIN_XML = """<domain type='test'>
  <name>typed-sample</name>
  <memory>65536</memory>
  <os><type>hvm</type></os>
</domain>"""


def errors(conn: libvirt.virConnect) -> None:
    """libvirtError and the error functions."""
    seen: list[int] = []

    def handler(ctx: Any, err: tuple[int, int, str | None, int, str | None, str | None,
                                     str | None, int, int]) -> None:
        seen.append(err[0])

    libvirt.registerErrorHandler(handler, None)
    try:
        conn.lookupByName("no-such-domain")
    except libvirt.libvirtError as e:
        code: int | None = e.get_error_code()
        assert code == libvirt.VIR_ERR_NO_DOMAIN
        message: str | None = e.get_error_message()
        assert message is not None and str(e) == message
        assert e.err is not None and e.err[0] == code
    else:
        raise AssertionError("lookupByName found no-such-domain")
    assert seen == [libvirt.VIR_ERR_NO_DOMAIN]
    last = libvirt.virGetLastError()
    assert last is not None and last[0] == libvirt.VIR_ERR_NO_DOMAIN
    libvirt.virResetLastError()
    assert libvirt.virGetLastError() is None


def connections(uri: str) -> libvirt.virConnect:
    """Opening connections, and what they tell about the host."""
    version = libvirt.getVersion()
    assert isinstance(version, int) and version >= 9000000
    with libvirt.openReadOnly(uri) as ro:
        assert ro.isAlive() == 1
    auth: list[Any] = [[libvirt.VIR_CRED_AUTHNAME], lambda creds, data: 0, None]
    conn = libvirt.openAuth(uri, auth, 0)
    assert conn.getURI() == uri
    model, memory, cpus = conn.getInfo()[:3]
    print(f"host: {model} {memory} MiB {cpus} CPUs, {conn.getType()} driver "
          f"{conn.getLibVersion()}, hostname {conn.getHostname()}")
    hostname: str = conn.getHostname()
    assert hostname
    return conn


def domains(conn: libvirt.virConnect) -> libvirt.virDomain:
    """Domains: lookups, information, life cycle."""
    names = sorted(d.name() for d in conn.listAllDomains())
    ids: list[int] = conn.listDomainsID()
    print(f"domains: {names}, running IDs {ids}")
    dom = conn.lookupByName("test")
    state, reason = dom.state()
    assert state == libvirt.VIR_DOMAIN_RUNNING, (state, reason)
    _, max_mem, mem, vcpus, cpu_time = dom.info()
    print(f"test: {vcpus} vCPUs, {mem}/{max_mem} KiB, {cpu_time} ns")
    uuid: bytes = dom.UUID()
    assert conn.lookupByUUID(uuid).UUIDString() == dom.UUIDString()
    assert conn.lookupByUUIDString(dom.UUIDString()).name() == "test"
    xml: str = dom.XMLDesc(0)
    assert "<name>test</name>" in xml
    new = conn.defineXML(DOMAIN_XML)
    try:
        new.create()
        assert new.isActive() == 1
        new.suspend()
        assert new.state()[0] == libvirt.VIR_DOMAIN_PAUSED
        new.resume()
        new.destroy()
    finally:
        new.undefine()
    return dom


def stats(conn: libvirt.virConnect, dom: libvirt.virDomain) -> None:
    """Statistics: per domain, for several domains, of the host."""
    for record_dom, record in conn.getAllDomainStats(libvirt.VIR_DOMAIN_STATS_STATE):
        state = record["state.state"]
        assert isinstance(state, int)
        print(f"stats: {record_dom.name()} state {state}")
    for _, record in conn.domainListGetStats([dom], 0):
        assert record["state.state"] == libvirt.VIR_DOMAIN_RUNNING
    memory: dict[str, int] = dom.memoryStats()
    print(f"memory stats of test: {sorted(memory)}")
    cpu_map: tuple[int, list[bool], int] = conn.getCPUMap()
    assert cpu_map[0] == len(cpu_map[1])
    free: int = conn.getFreeMemory()
    cells: list[int] = conn.getCellsFreeMemory(0, 1)
    print(f"free memory: {free} bytes, per cell {cells}")


def typed_parameters(dom: libvirt.virDomain) -> None:
    """Typed parameters: dicts of str to int, float, bool or str."""
    kind, count = dom.schedulerType()
    params = dom.schedulerParameters()
    print(f"scheduler {kind} ({count} parameters): {params}")
    weight = params["weight"]
    assert isinstance(weight, int)
    assert dom.setSchedulerParameters({"weight": weight}) == 0
    memory = dom.memoryParameters(0)
    print(f"memory parameters: {memory}")
    blkio: dict[str, int | float | bool | str] = dom.blkioParameters(0)
    print(f"blkio parameters: {blkio}")


def events(conn: libvirt.virConnect, dom: libvirt.virDomain) -> None:
    """Events, on libvirt's default event loop."""
    seen: list[tuple[str, int, int]] = []

    def lifecycle(c: libvirt.virConnect, d: libvirt.virDomain, event: int, detail: int,
                  opaque: Any) -> None:
        assert c is conn and opaque == "opaque"
        seen.append((d.name(), event, detail))

    def closed(c: libvirt.virConnect, reason: int, opaque: Any) -> None:
        pass

    callback_id: int = conn.domainEventRegisterAny(
        dom, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, lifecycle, "opaque")
    conn.registerCloseCallback(closed, None)
    dom.suspend()
    dom.resume()
    timer = libvirt.virEventAddTimeout(1, lambda timer, opaque: None, None)
    for _ in range(4):
        libvirt.virEventRunDefaultImpl()
    libvirt.virEventRemoveTimeout(timer)
    conn.domainEventDeregisterAny(callback_id)
    conn.unregisterCloseCallback()
    assert ("test", libvirt.VIR_DOMAIN_EVENT_SUSPENDED,
            libvirt.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED) in seen, seen
    print(f"events: {seen}")


def streams(conn: libvirt.virConnect, dom: libvirt.virDomain) -> None:
    """Streams: the test driver's screenshot, received whole and by chunks."""
    chunks: list[bytes] = []

    def handler(stream: libvirt.virStream, data: bytes, opaque: Any) -> int:
        chunks.append(data)
        return len(data)

    stream = conn.newStream(0)
    mime: str = dom.screenshot(stream, 0)
    stream.recvAll(handler, None)
    stream.finish()
    total = sum(len(c) for c in chunks)
    assert total > 0
    stream = conn.newStream(0)
    dom.screenshot(stream, 0)
    first = stream.recv(16)
    assert isinstance(first, bytes) and len(first) == 16
    stream.abort()
    print(f"stream: a {mime} screenshot of {total} bytes")


def main(uri: str) -> int:
    libvirt.virEventRegisterDefaultImpl()
    conn = connections(uri)
    try:
        errors(conn)
        dom = domains(conn)
        stats(conn, dom)
        typed_parameters(dom)
        events(conn, dom)
        streams(conn, dom)
    finally:
        libvirt.registerErrorHandler(None, None)
        conn.close()
    print("typed sample: done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "test:///default"))
