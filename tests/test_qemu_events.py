"""Graphics, lifecycle and QEMU monitor events from a real libvirtd + QEMU.

The fixtures (see qemu_daemon.py) start private libvirtd/virtlogd instances
in a private mount namespace, one per VNC configuration, each with a 64 MiB
diskless type='qemu' guest sitting in its BIOS with a VNC server on
127.0.0.1; a plain-socket VNC client (vnc_client.py) connects to it, which
makes QEMU emit the CONNECT, INITIALIZE and DISCONNECT graphics phases.

Configurations (module-scoped, started when first needed):
  plain   security type None                      -> authScheme 'none'
  x509    VeNCrypt X509None, client certificate   -> 'vencrypt+x509+none'
  sasl    VeNCrypt X509SASL (+ client certificate)-> 'vencrypt+x509+sasl'
  embed   qemu:///embed (QEMU driver inside this process), X509SASL

Requirements: root, and the packages/users of scripts/setup-qemu.sh.  The
module skips when they are missing, except under CI (CI set in the
environment), where it fails instead.

The callback argument checks are exact (`is`, `==`, `type(...) is`) on
purpose: a replacement binding must hand callbacks the same things as the
reference binding.
"""

import atexit
import json
import os
import shutil
import tempfile
import time

import pytest

import qemu_daemon as qd
from support import realdaemon
from support.objects import Opaque
from support.realdaemon import (DEFINED, DEFINED_ADDED, EVENT_ID_LIFECYCLE, RESUMED,
                                RESUMED_UNPAUSED, SHUTDOWN, SHUTDOWN_HOST, STARTED,
                                STARTED_BOOTED, STOPPED, STOPPED_DESTROYED, SUSPENDED,
                                SUSPENDED_PAUSED, UNDEFINED, UNDEFINED_REMOVED)
from vnc_client import SaslOptions, TlsOptions, VncError, vnc_handshake

REASON, pytestmark = realdaemon.requirements(need_sasl=True, need_x509=True)

SASL_USER = "alice"
SASL_PASSWORD = "s3cret-pw"
DN = qd.client_dn()             # 'C=GB,L=London,O=Example,CN=client'
# The subjects of a client let in by VeNCrypt X509SASL.
SASL_SUBJECTS = [("x509dname", DN), ("saslUsername", SASL_USER)]

# libvirt constants, spelled out so the expectations do not depend on the
# binding under test.
IPV4 = 0                        # VIR_DOMAIN_EVENT_GRAPHICS_ADDRESS_IPV4
CONNECT, INITIALIZE, DISCONNECT = 0, 1, 2
# (The lifecycle ones: support/realdaemon.py.)
EVENT_ID_GRAPHICS = 5
MONITOR_REGEX = 1               # VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_REGEX
MONITOR_NOCASE = 2              # ..._NOCASE

WAIT = 20.0                     # seconds; events normally arrive within ms


# ---- fixtures ---------------------------------------------------------------

@pytest.fixture(scope="module", autouse=True)
def _requirements():
    realdaemon.fail_in_ci(REASON)


@pytest.fixture(scope="module")
def libvirt():
    import libvirt
    return libvirt


@pytest.fixture(scope="module")
def libvirt_qemu():
    import libvirt_qemu
    return libvirt_qemu


@pytest.fixture(scope="module")
def event_loop(libvirt):
    """libvirt's default event loop, run by a thread (registered before any
    connection of this module is opened)."""
    loop = qd.EventLoopThread(libvirt).start()
    yield loop
    loop.stop()
    assert loop.errors == []


@pytest.fixture(scope="module")
def pki():
    """Certificates (CA, server for 127.0.0.1, client) and the SASL config
    + password database, in one temporary directory."""
    base = tempfile.mkdtemp(prefix="lvq-pki-", dir="/tmp")
    certs = qd.make_x509_pki(os.path.join(base, "pki"))
    sasl = qd.make_sasl_db(os.path.join(base, "sasl"), SASL_USER, SASL_PASSWORD)
    yield {"certs": certs, "sasl": sasl}
    shutil.rmtree(base, ignore_errors=True)


def tls_conf(pki, sasl=False):
    conf = {
        "vnc_tls": 1,
        "vnc_tls_x509_cert_dir": pki["certs"],
        "vnc_tls_x509_verify": 1,
    }
    if sasl:
        conf.update(vnc_sasl=1, vnc_sasl_dir=pki["sasl"])
    return conf


class Env:
    """One running configuration: connection, guest, VNC port."""

    def __init__(self, kind, uri, conn, dom, port, daemon=None, root=None):
        self.kind = kind
        self.uri = uri
        self.conn = conn
        self.dom = dom
        self.port = port
        self.name = dom.name()
        self.uuid = dom.UUIDString()
        self.daemon = daemon
        self.root = root
        self.other = None       # a second guest, where a test needs one

    def diagnostics(self):
        if self.daemon is None:
            return ""
        return ("\n--- libvirtd log ---\n" + self.daemon.read_log()[-3000:]
                + "\n--- qemu log ---\n" + self.daemon.qemu_log(self.name)[-2000:])


def _destroy_quietly(libvirt, dom):
    try:
        if dom.isActive():
            dom.destroy()
    except libvirt.libvirtError:
        pass


def _close_quietly(libvirt, conn):
    if conn is not None:
        try:
            conn.close()
        except libvirt.libvirtError:
            pass


def _daemon_env(libvirt, kind, qemu_conf, guest_name, other_guest=False):
    daemon = qd.QemuDaemon(qemu_conf=qemu_conf, cache_dir=qd.shared_cache_dir())
    conn = None
    env = None
    try:
        daemon.start()
        conn = libvirt.open(daemon.uri)
        try:
            dom, port = qd.start_vnc_guest(conn, name=guest_name)
        except libvirt.libvirtError as e:
            raise RuntimeError("guest did not start: %s\n%s\n%s"
                               % (e, daemon.read_log()[-3000:],
                                  daemon.qemu_log(guest_name)[-2000:]))
        env = Env(kind, daemon.uri, conn, dom, port, daemon=daemon)
        if other_guest:
            env.other, _ = qd.start_vnc_guest(conn, name=guest_name + "-other",
                                              graphics=False)
        yield env
    finally:
        # No dom.destroy() (over a second per guest): daemon.stop() kills
        # the QEMU processes once the connection is closed.
        _close_quietly(libvirt, conn)
        daemon.stop()


@pytest.fixture(scope="module")
def plain(libvirt, event_loop):
    """Daemon + guest with an unauthenticated VNC server (and a second,
    VNC-less guest for the domain filter tests)."""
    yield from _daemon_env(libvirt, "plain", {}, "evplain", other_guest=True)


@pytest.fixture(scope="module")
def x509(libvirt, event_loop, pki):
    yield from _daemon_env(libvirt, "x509", tls_conf(pki), "evx509")


@pytest.fixture(scope="module")
def sasl(libvirt, event_loop, pki):
    yield from _daemon_env(libvirt, "sasl", tls_conf(pki, sasl=True), "evsasl")


@pytest.fixture(scope="module")
def embed(libvirt, event_loop, pki):
    """qemu:///embed?root=DIR: the QEMU driver in this process, no daemon.

    libvirt allows one embedded root per process, for the life of the
    process: no other test in the same pytest process can open
    qemu:///embed with another root after this."""
    root = qd.embedded_root(qemu_conf=tls_conf(pki, sasl=True),
                            cache_from=qd.shared_cache_dir())
    uri = "qemu:///embed?root=" + root
    conn = None
    try:
        conn = libvirt.open(uri)
        dom, port = qd.start_vnc_guest(conn, name="evembed")
        yield Env("embed", uri, conn, dom, port, root=root)
    finally:
        # The embedded driver leaves its guests running when the connection
        # closes; they are killed by pid (faster than dom.destroy()).
        _close_quietly(libvirt, conn)
        qd.kill_embedded_guests(root)
        shutil.rmtree(root, ignore_errors=True)
        # the driver (alive until the process exits) may recreate run/qemu
        atexit.register(shutil.rmtree, root, True)


# ---- helpers -----------------------------------------------------------------

def client_port(result_or_error):
    result = getattr(result_or_error, "result", result_or_error)
    return result.client_addr[1]


def graphics_session(libvirt, env, dom=None, **vnc):
    """Register a graphics callback, run one VNC client, wait for its
    DISCONNECT, deregister.  Returns (records for this client's port,
    VncResult or VncError, opaque)."""
    rec = qd.EventRecorder()
    opaque = Opaque("graphics")
    cb_id = env.conn.domainEventRegisterAny(dom, EVENT_ID_GRAPHICS,
                                            rec.callback("g"), opaque)
    assert type(cb_id) is int and cb_id >= 0
    try:
        try:
            outcome = vnc_handshake(env.port, **vnc)
        except VncError as e:
            outcome = e
        port = str(client_port(outcome))

        def mine(args_list):
            return [a for a in args_list if a[4].get("service") == port]

        got = rec.wait_for(
            lambda r: any(a[2] == DISCONNECT for a in mine(a for _t, a in r)), WAIT)
        assert got, ("no DISCONNECT graphics event for client port %s; got %r%s"
                     % (port, rec.snapshot(), env.diagnostics()))
        return mine(rec.snapshot()), outcome, opaque
    finally:
        assert env.conn.domainEventDeregisterAny(cb_id) is None


def check_graphics_args(libvirt, env, args, opaque):
    """Exact types and identities of one graphics callback invocation."""
    assert len(args) == 8
    conn, dom, phase, local, remote, scheme, subject, op = args
    assert conn is env.conn
    assert type(dom) is libvirt.virDomain
    assert dom.connect() is conn
    assert dom.UUIDString() == env.uuid
    assert dom.name() == env.name
    assert type(phase) is int
    for addr in (local, remote):
        assert type(addr) is dict
        assert sorted(addr) == ["family", "node", "service"]
        assert type(addr["family"]) is int
        assert type(addr["node"]) is str
        assert type(addr["service"]) is str
    assert type(scheme) is str
    assert type(subject) is list
    for ident in subject:
        assert type(ident) is tuple
        assert len(ident) == 2
        assert type(ident[0]) is str and type(ident[1]) is str
    assert op is opaque


def expected_graphics(env, cport, scheme, phases_subjects):
    local = {"family": IPV4, "node": "127.0.0.1", "service": str(env.port)}
    remote = {"family": IPV4, "node": "127.0.0.1", "service": str(cport)}
    return [(phase, local, remote, scheme, subject)
            for phase, subject in phases_subjects]


def summary(records):
    return [tuple(a[2:7]) for a in records]


def check_graphics(libvirt, env, records, opaque, cport, scheme, phases_subjects):
    assert summary(records) == expected_graphics(env, cport, scheme, phases_subjects)
    for args in records:
        check_graphics_args(libvirt, env, args, opaque)


def graphics_accepted(libvirt, env, scheme, subjects, **vnc):
    """One VNC client (graphics_session(**vnc)) that the server lets in:
    CONNECT, then INITIALIZE and DISCONNECT with `subjects`.  Returns the
    VncResult."""
    records, outcome, opaque = graphics_session(libvirt, env, **vnc)
    assert not isinstance(outcome, VncError), outcome
    check_graphics(libvirt, env, records, opaque, client_port(outcome), scheme,
                   [(CONNECT, []), (INITIALIZE, subjects), (DISCONNECT, subjects)])
    return outcome


def graphics_refused(libvirt, env, scheme, **vnc):
    """One VNC client that the server turns away: CONNECT, DISCONNECT and
    no INITIALIZE."""
    records, outcome, opaque = graphics_session(libvirt, env, **vnc)
    assert isinstance(outcome, VncError)
    check_graphics(libvirt, env, records, opaque, client_port(outcome), scheme,
                   [(CONNECT, []), (DISCONNECT, [])])


def suspend_resume(rec_sentinel, env, dom=None):
    """Suspend and resume a guest; wait until the catch-all sentinel
    recorder saw its RESUME monitor event."""
    dom = dom or env.dom
    uuid = dom.UUIDString()
    start = len(rec_sentinel.snapshot())
    dom.suspend()
    dom.resume()

    def done(records):
        return any(a[2] == "RESUME" and a[1].UUIDString() == uuid
                   for _t, a in records[start:])
    assert rec_sentinel.wait_for(done, WAIT), "no RESUME monitor event"


class Monitor:
    """Registrations of QEMU monitor event callbacks on one connection,
    deregistered at the end; plus a catch-all sentinel on the guest."""

    def __init__(self, libvirt_qemu, env, conn=None):
        self.lq = libvirt_qemu
        self.env = env
        self.conn = conn or env.conn
        self.ids = []
        self.rec = qd.EventRecorder()
        self.sentinel = qd.EventRecorder()
        self.sentinel_opaque = Opaque("sentinel")
        self.register(None, None, opaque=self.sentinel_opaque,
                      recorder=self.sentinel, tag="sentinel")

    def register(self, dom, event, flags=None, opaque=None, recorder=None, tag=None):
        recorder = recorder or self.rec
        cb = recorder.callback(tag if tag is not None else event)
        if flags is None:
            cb_id = self.lq.qemuMonitorEventRegister(self.conn, dom, event, cb, opaque)
        else:
            cb_id = self.lq.qemuMonitorEventRegister(self.conn, dom, event, cb,
                                                     opaque, flags)
        assert type(cb_id) is int and cb_id >= 0
        self.ids.append(cb_id)
        return cb_id

    def deregister(self, cb_id):
        self.ids.remove(cb_id)
        assert self.lq.qemuMonitorEventDeregister(self.conn, cb_id) is None

    def events(self, tag, uuid=None):
        uuid = uuid or self.env.uuid
        return [a[2] for a in self.rec.snapshot(tag) if a[1].UUIDString() == uuid]

    def close(self):
        for cb_id in list(self.ids):
            self.deregister(cb_id)


@pytest.fixture
def monitor(libvirt_qemu, plain):
    m = Monitor(libvirt_qemu, plain)
    yield m
    m.close()


def check_monitor_args(libvirt, conn, args, name, event, opaque, details_none):
    assert len(args) == 7
    c, dom, ev, seconds, micros, details, op = args
    assert c is conn
    assert type(dom) is libvirt.virDomain
    assert dom.connect() is conn
    assert dom.name() == name
    assert type(ev) is str and ev == event
    assert type(seconds) is int and type(micros) is int
    assert abs(seconds - time.time()) < 600
    assert 0 <= micros < 1000000
    if details_none:
        assert details is None
    else:
        assert type(details) is str
        json.loads(details)
    assert op is opaque


def test_constants_match_the_binding(libvirt, libvirt_qemu):
    expected = dict(realdaemon.LIFECYCLE, **{
        "VIR_DOMAIN_EVENT_GRAPHICS_ADDRESS_IPV4": IPV4,
        "VIR_DOMAIN_EVENT_GRAPHICS_CONNECT": CONNECT,
        "VIR_DOMAIN_EVENT_GRAPHICS_INITIALIZE": INITIALIZE,
        "VIR_DOMAIN_EVENT_GRAPHICS_DISCONNECT": DISCONNECT,
        "VIR_DOMAIN_EVENT_ID_GRAPHICS": EVENT_ID_GRAPHICS,
    })
    assert {k: getattr(libvirt, k) for k in expected} == expected
    assert (libvirt_qemu.VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_REGEX,
            libvirt_qemu.VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_NOCASE) \
        == (MONITOR_REGEX, MONITOR_NOCASE)


# ---- graphics events -----------------------------------------------------------

def test_graphics_none_all_phases(libvirt, plain):
    outcome = graphics_accepted(libvirt, plain, "none", [])
    assert outcome.name == "QEMU (%s)" % plain.name


def test_graphics_registered_for_one_domain(libvirt, plain):
    """A callback registered for the guest gets its events (and the domain
    argument is that guest); one registered for another guest gets none."""
    rec_other = qd.EventRecorder()
    other_id = plain.conn.domainEventRegisterAny(plain.other, EVENT_ID_GRAPHICS,
                                                 rec_other.callback("o"), None)
    try:
        records, outcome, opaque = graphics_session(libvirt, plain, dom=plain.dom)
    finally:
        plain.conn.domainEventDeregisterAny(other_id)
    check_graphics(libvirt, plain, records, opaque, client_port(outcome), "none",
                   [(CONNECT, []), (INITIALIZE, []), (DISCONNECT, [])])
    assert rec_other.snapshot() == []


def test_graphics_deregistered_callback_gets_nothing(libvirt, plain):
    dead = qd.EventRecorder()
    dead_id = plain.conn.domainEventRegisterAny(None, EVENT_ID_GRAPHICS,
                                                dead.callback("d"), None)
    assert plain.conn.domainEventDeregisterAny(dead_id) is None
    records, outcome, _opaque = graphics_session(libvirt, plain)
    assert [a[2] for a in records] == [CONNECT, INITIALIZE, DISCONNECT]
    assert dead.snapshot() == []
    with pytest.raises(libvirt.libvirtError):
        plain.conn.domainEventDeregisterAny(dead_id)


def test_graphics_two_connections_each_get_their_own_conn(libvirt, plain):
    conn2 = libvirt.open(plain.uri)
    try:
        rec2 = qd.EventRecorder()
        opaque2 = Opaque("conn2")
        id2 = conn2.domainEventRegisterAny(None, EVENT_ID_GRAPHICS,
                                           rec2.callback("c2"), opaque2)
        try:
            records, outcome, opaque = graphics_session(libvirt, plain)
            port = str(client_port(outcome))
            assert rec2.wait_for(
                lambda r: [a[2] for _t, a in r if a[4]["service"] == port]
                == [CONNECT, INITIALIZE, DISCONNECT], WAIT)
        finally:
            conn2.domainEventDeregisterAny(id2)
        assert all(a[0] is plain.conn and a[7] is opaque for a in records)
        other = [a for a in rec2.snapshot() if a[4]["service"] == port]
        assert all(a[0] is conn2 and a[0] is not plain.conn for a in other)
        assert all(a[7] is opaque2 for a in other)
        assert summary(other) == summary(records)
    finally:
        conn2.close()


def test_graphics_x509(libvirt, x509, pki):
    outcome = graphics_accepted(libvirt, x509, "vencrypt+x509+none", [("x509dname", DN)],
                                tls=TlsOptions(pki["certs"]))
    assert outcome.vencrypt_subtype == 260


def test_graphics_x509_refused_without_client_certificate(libvirt, x509, pki):
    graphics_refused(libvirt, x509, "vencrypt+x509+none",
                     tls=TlsOptions(pki["certs"], client_cert=False))


def test_graphics_x509_refused_security_type_none(libvirt, x509):
    """A client that only speaks security type None gives up at once."""
    graphics_refused(libvirt, x509, "vencrypt+x509+none")


@pytest.mark.parametrize("mech", ["SCRAM-SHA-256", "PLAIN"])
def test_graphics_x509_sasl(libvirt, sasl, pki, mech):
    outcome = graphics_accepted(libvirt, sasl, "vencrypt+x509+sasl", SASL_SUBJECTS,
                                tls=TlsOptions(pki["certs"]),
                                sasl=SaslOptions(SASL_USER, SASL_PASSWORD, mech=mech))
    assert (outcome.vencrypt_subtype, outcome.sasl_mech) == (263, mech)


def test_graphics_sasl_wrong_password(libvirt, sasl, pki):
    graphics_refused(libvirt, sasl, "vencrypt+x509+sasl", tls=TlsOptions(pki["certs"]),
                     sasl=SaslOptions(SASL_USER, "not-the-password", mech="PLAIN"))


# ---- QEMU monitor events ---------------------------------------------------------

def test_monitor_exact_names(libvirt, plain, monitor):
    stop_opaque, resume_opaque = Opaque("stop"), Opaque("resume")
    monitor.register(plain.dom, "STOP", 0, stop_opaque)
    monitor.register(None, "RESUME", opaque=resume_opaque)        # flags omitted
    monitor.register(None, "stop", 0)                             # case matters
    monitor.register(None, "STO", 0)                              # whole name only
    suspend_resume(monitor.sentinel, plain)
    assert monitor.events("STOP") == ["STOP"]
    assert monitor.events("RESUME") == ["RESUME"]
    assert monitor.events("stop") == []
    assert monitor.events("STO") == []
    (stop_args,) = monitor.rec.snapshot("STOP")
    check_monitor_args(libvirt, plain.conn, stop_args, plain.name, "STOP",
                       stop_opaque, details_none=True)
    (resume_args,) = monitor.rec.snapshot("RESUME")
    check_monitor_args(libvirt, plain.conn, resume_args, plain.name, "RESUME",
                       resume_opaque, details_none=True)
    # STOP happened before RESUME
    assert (stop_args[3], stop_args[4]) <= (resume_args[3], resume_args[4])


def test_monitor_nocase_and_regex_flags(libvirt, libvirt_qemu, plain, monitor):
    monitor.register(plain.dom, "stop", MONITOR_NOCASE)
    monitor.register(plain.dom, "^(STOP|RESUME)$", MONITOR_REGEX)
    monitor.register(plain.dom, "^res", MONITOR_REGEX | MONITOR_NOCASE)
    monitor.register(plain.dom, "^res", MONITOR_REGEX)
    monitor.register(plain.dom, "ST.P", 0)                  # not a regex
    monitor.register(plain.dom, "ST.P", MONITOR_REGEX)
    suspend_resume(monitor.sentinel, plain)
    assert monitor.events("stop") == ["STOP"]
    assert monitor.events("^(STOP|RESUME)$") == ["STOP", "RESUME"]
    assert monitor.events("ST.P") == ["STOP"]
    # two registrations share the "^res" tag: only the NOCASE one matches
    assert monitor.events("^res") == ["RESUME"]


def test_monitor_catch_all_sees_vnc_events_with_json_details(libvirt, plain, monitor):
    """event=None, dom=None (the Monitor's sentinel registration) gets every
    event: the VNC_* ones with JSON details, STOP/RESUME with None."""
    start = len(monitor.sentinel.snapshot())
    result = vnc_handshake(plain.port)
    cport = str(result.client_addr[1])

    def vnc_done(records):
        return any(a[2] == "VNC_DISCONNECTED"
                   and json.loads(a[5])["client"]["service"] == cport
                   for _t, a in records)
    assert monitor.sentinel.wait_for(vnc_done, WAIT)
    suspend_resume(monitor.sentinel, plain)
    records = [a for a in monitor.sentinel.snapshot()[start:]
               if a[2] in ("STOP", "RESUME")
               or (a[5] is not None and json.loads(a[5]).get("client", {})
                   .get("service") == cport)]
    assert [a[2] for a in records] == ["VNC_CONNECTED", "VNC_INITIALIZED",
                                       "VNC_DISCONNECTED", "STOP", "RESUME"]
    for args in records:
        vnc = args[2].startswith("VNC_")
        check_monitor_args(libvirt, plain.conn, args, plain.name, args[2],
                           monitor.sentinel_opaque, details_none=not vnc)
        if vnc:
            details = json.loads(args[5])
            assert details["server"]["auth"] == "none"
            assert details["server"]["host"] == "127.0.0.1"
            assert details["server"]["service"] == str(plain.port)
            assert details["server"]["family"] == "ipv4"
            assert details["client"]["host"] == "127.0.0.1"
            assert details["client"]["service"] == cport


def test_monitor_duplicate_registration_is_refused(libvirt, plain, monitor):
    """A second dom=None, event=None registration on the same connection
    (the sentinel is the first) is refused by libvirt: the binding must
    raise libvirtError and keep working."""
    with pytest.raises(libvirt.libvirtError):
        monitor.register(None, None, 0, tag="dup")
    suspend_resume(monitor.sentinel, plain)
    assert monitor.rec.snapshot("dup") == []


def test_monitor_registered_for_one_domain(libvirt, plain, monitor):
    # (libvirt 9.0's remote driver mishandles several event=None
    # registrations with different domains on one connection, so the
    # domain filters are combined with event names here.)
    mine, other = Opaque("mine"), Opaque("other")
    monitor.register(plain.dom, "STOP", 0, mine, tag="mine")
    monitor.register(plain.other, "STOP", 0, other, tag="other")
    monitor.register(plain.other, "^RES", MONITOR_REGEX, other, tag="other")
    suspend_resume(monitor.sentinel, plain, dom=plain.other)
    assert monitor.rec.snapshot("mine") == []
    got = monitor.rec.snapshot("other")
    assert [a[2] for a in got] == ["STOP", "RESUME"]
    for args in got:
        check_monitor_args(libvirt, plain.conn, args, plain.other.name(), args[2],
                           other, details_none=True)
    suspend_resume(monitor.sentinel, plain)
    assert [a[2] for a in monitor.rec.snapshot("mine")] == ["STOP"]
    assert len(monitor.rec.snapshot("other")) == 2


def test_monitor_deregister_stops_delivery(libvirt, libvirt_qemu, plain, monitor):
    gone = monitor.register(None, "STOP", 0, tag="gone")
    kept = monitor.register(plain.dom, "STOP", 0, tag="kept")
    assert gone != kept
    suspend_resume(monitor.sentinel, plain)
    assert monitor.events("gone") == ["STOP"]
    monitor.deregister(gone)
    suspend_resume(monitor.sentinel, plain)
    assert monitor.events("gone") == ["STOP"]
    assert monitor.events("kept") == ["STOP", "STOP"]
    with pytest.raises(libvirt.libvirtError):
        libvirt_qemu.qemuMonitorEventDeregister(plain.conn, gone)


def test_monitor_two_connections(libvirt, libvirt_qemu, plain, monitor):
    conn2 = libvirt.open(plain.uri)
    try:
        m2 = Monitor(libvirt_qemu, plain, conn=conn2)
        try:
            op2 = Opaque("conn2")
            # a domain must come from the connection it is registered on
            dom2 = conn2.lookupByUUIDString(plain.uuid)
            with pytest.raises(libvirt.libvirtError):
                m2.register(plain.dom, "STOP", 0, op2)
            m2.register(dom2, "STOP", 0, op2)
            op1 = Opaque("conn1")
            monitor.register(plain.dom, "STOP", 0, op1)
            suspend_resume(monitor.sentinel, plain)
            assert m2.sentinel.wait_for(
                lambda r: [a[2] for _t, a in r
                           if a[1].UUIDString() == plain.uuid][-1:] == ["RESUME"], WAIT)
            (a1,) = monitor.rec.snapshot("STOP")
            (a2,) = m2.rec.snapshot("STOP")
            check_monitor_args(libvirt, plain.conn, a1, plain.name, "STOP", op1, True)
            check_monitor_args(libvirt, conn2, a2, plain.name, "STOP", op2, True)
            assert a2[0] is not plain.conn
        finally:
            m2.close()
    finally:
        conn2.close()


# ---- lifecycle events --------------------------------------------------------------

def test_lifecycle_events(libvirt, plain):
    conn = plain.conn
    rec = qd.EventRecorder()
    opaque = Opaque("lifecycle")
    cb_id = conn.domainEventRegisterAny(None, EVENT_ID_LIFECYCLE,
                                        rec.callback("l"), opaque)
    name = "evlifecycle"
    dom = None

    def mine():
        return [a for a in rec.snapshot() if a[1].name() == name]

    def step(action, *variants):
        """Run action; the events for the guest that follow must be one
        of the variants (lists of (event, detail)), waiting for the last
        event of one of them."""
        start = len(mine())
        action()
        finals = {v[-1] for v in variants}

        def arrived(records):
            evs = [(a[2], a[3]) for _t, a in records if a[1].name() == name]
            return any(e in finals for e in evs[start:])
        assert rec.wait_for(arrived, WAIT), \
            "no %r after %s; got %r" % (finals, action, summary_lc(mine()))
        got = summary_lc(mine()[start:])
        assert got in [list(v) for v in variants]

    def summary_lc(records):
        return [(a[2], a[3]) for a in records]

    try:
        holder = {}
        step(lambda: holder.setdefault(
            "dom", conn.defineXML(qd.guest_xml(name, graphics=False))),
            [(DEFINED, DEFINED_ADDED)])
        dom = holder["dom"]
        uuid = dom.UUIDString()
        # libvirt 9.0 + QEMU 7.2: QEMU's RESUME at start-up comes out as
        # RESUMED before STARTED, and QEMU reports the SIGTERM of destroy
        # as a host-initiated shutdown before libvirt's STOPPED.
        step(dom.create,
             [(STARTED, STARTED_BOOTED)],
             [(RESUMED, RESUMED_UNPAUSED), (STARTED, STARTED_BOOTED)])
        step(dom.suspend, [(SUSPENDED, SUSPENDED_PAUSED)])
        step(dom.resume, [(RESUMED, RESUMED_UNPAUSED)])
        step(dom.destroy,
             [(STOPPED, STOPPED_DESTROYED)],
             [(SHUTDOWN, SHUTDOWN_HOST), (STOPPED, STOPPED_DESTROYED)])
        step(dom.undefine, [(UNDEFINED, UNDEFINED_REMOVED)])
        dom = None
        for args in mine():
            assert len(args) == 5
            c, d, event, detail, op = args
            assert c is conn
            assert type(d) is libvirt.virDomain
            assert d.connect() is conn
            assert d.UUIDString() == uuid
            assert type(event) is int and type(detail) is int
            assert op is opaque
    finally:
        assert conn.domainEventDeregisterAny(cb_id) is None
        if dom is not None:
            _destroy_quietly(libvirt, dom)
            try:
                dom.undefine()
            except libvirt.libvirtError:
                pass


# ---- the embedded driver (qemu:///embed, no daemon) -------------------------------

def test_embed_graphics_x509_sasl(libvirt, embed, pki):
    graphics_accepted(libvirt, embed, "vencrypt+x509+sasl", SASL_SUBJECTS,
                      tls=TlsOptions(pki["certs"]), sasl=SaslOptions(SASL_USER, SASL_PASSWORD))


def test_embed_graphics_refused(libvirt, embed, pki):
    graphics_refused(libvirt, embed, "vencrypt+x509+sasl",
                     tls=TlsOptions(pki["certs"], client_cert=False))


def test_embed_monitor_and_lifecycle(libvirt, libvirt_qemu, embed):
    m = Monitor(libvirt_qemu, embed)
    lc = qd.EventRecorder()
    lc_opaque = Opaque("lc")
    lc_id = embed.conn.domainEventRegisterAny(embed.dom, EVENT_ID_LIFECYCLE,
                                              lc.callback("l"), lc_opaque)
    try:
        op = Opaque("embed-stop")
        m.register(embed.dom, "stop", MONITOR_NOCASE, op, tag="stop")
        suspend_resume(m.sentinel, embed)
        (args,) = m.rec.snapshot("stop")
        check_monitor_args(libvirt, embed.conn, args, embed.name, "STOP", op, True)
        assert lc.wait_for(lambda r: len(r) >= 2, WAIT)
        got = lc.snapshot()
        assert [(a[2], a[3]) for a in got] == [(SUSPENDED, SUSPENDED_PAUSED),
                                               (RESUMED, RESUMED_UNPAUSED)]
        assert all(a[0] is embed.conn and a[4] is lc_opaque for a in got)
    finally:
        embed.conn.domainEventDeregisterAny(lc_id)
        m.close()
