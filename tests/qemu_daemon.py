"""A private libvirtd + QEMU for tests and benchmarks.

Nothing here imports the binding: the caller passes in (or opens its own
connections with) whatever ``libvirt`` module is under test.

QemuDaemon
    Makes a short private root directory under /tmp (``/tmp/lvq-XXXXXXXX``;
    a UNIX socket path must stay under 108 bytes) with the subdirectories
    ``etc``, ``run``, ``lib``, ``cache`` and ``log``, writes
    ``libvirtd.conf``, ``virtlogd.conf`` and ``qemu.conf`` into ``etc``,
    then starts virtlogd and libvirtd inside a private mount namespace
    (``unshare -m --propagation private``) in which those directories are
    bind-mounted over /etc/libvirt, /run/libvirt, /var/lib/libvirt,
    /var/cache/libvirt and /var/log/libvirt.  The machine's own libvirt
    configuration and any libvirtd already running are left alone; the
    daemon is reached through ``QemuDaemon.uri``
    (``qemu+unix:///system?socket=<root>/run/libvirt-sock``).  ``stop()``
    kills the guests' QEMU processes and both daemons through their pid
    files (the namespace goes away with its last process) and removes the
    root directory; it is also registered with atexit.

        import libvirt
        from qemu_daemon import QemuDaemon, EventLoopThread, start_vnc_guest
        loop = EventLoopThread(libvirt).start()     # before any open()
        with QemuDaemon(qemu_conf={"vnc_tls": 1, ...},
                        cache_dir=shared_cache_dir()) as d:
            conn = libvirt.open(d.uri)
            dom, port = start_vnc_guest(conn)       # 64 MiB, VNC on 127.0.0.1
            ...
            conn.close()
        loop.stop()

start_vnc_guest(conn, name) / guest_xml(name)
    A diskless 64 MiB type='qemu' guest that sits in its BIOS, with a VNC
    server on 127.0.0.1 (autoport; each daemon has its own random port
    window, see display_port_window()).

embedded_root(...)
    Prepares DIR for ``qemu:///embed?root=DIR`` (the QEMU driver inside the
    calling process, no daemon).  libvirt allows ONE embedded root per
    process, for the life of the process.

make_x509_pki(dir) / make_sasl_db(dir, user, password)
    The TLS certificates (CA, server for IP 127.0.0.1, client) and the SASL
    configuration + password database for authenticated VNC
    (qemu.conf: vnc_tls, vnc_tls_x509_cert_dir, vnc_tls_x509_verify,
    vnc_sasl, vnc_sasl_dir).

EventLoopThread(libvirt) / EventRecorder()
    libvirt's default event loop in a stoppable thread; a thread-safe
    recorder of callback invocations with wait_for(predicate).

missing_requirements()
    A reason string when this machine cannot run any of it (not root,
    packages or the libvirt-qemu user missing), or None.  The system
    set-up is ``scripts/setup-qemu.sh``.

Timings on a slow 2-core machine: daemon start to socket ~0.15 s;
libvirtd's first QEMU capability probe ~4.5 s, skipped by later daemons
(and embedded roots) sharing the cache (``shared_cache_dir()``); a guest
starts in 0.5-1 s; stop() ~1.5 s; dom.destroy() 1.2-2 s (stop() kills by
pid instead).
"""

import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

from support import sanitizer

__all__ = [
    "QemuDaemon", "start_vnc_guest", "guest_xml", "vnc_port",
    "embedded_root", "make_x509_pki", "make_sasl_db", "missing_requirements",
    "shared_cache_dir", "qemu_binary", "kill_embedded_guests",
    "display_port_window",
    "EventLoopThread", "EventRecorder", "CLIENT_DN_FIELDS", "SERVER_DN_FIELDS",
    "client_dn",
]

LIBVIRTD = "/usr/sbin/libvirtd"
VIRTLOGD = "/usr/sbin/virtlogd"
QEMU_CANDIDATES = ("/usr/bin/qemu-system-x86_64", "/usr/libexec/qemu-kvm")
QEMU_DRIVER_GLOB = "/usr/lib*/*/libvirt/connection-driver/libvirt_driver_qemu.so"

# Subject fields of the client certificate made by make_x509_pki(), in
# certificate order.
CLIENT_DN_FIELDS = (("C", "GB"), ("L", "London"), ("O", "Example"), ("CN", "client"))
SERVER_DN_FIELDS = (("C", "GB"), ("L", "London"), ("O", "Example"), ("CN", "127.0.0.1"))
CA_DN_FIELDS = (("C", "GB"), ("O", "Example"), ("CN", "Example Test CA"))


def qemu_binary():
    for path in QEMU_CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("qemu-system-x86_64")


def missing_requirements(need_sasl=False, need_x509=False):
    """Why this machine cannot run a private libvirtd + QEMU, or None."""
    if sanitizer.REMOTE_CLIENT_BROKEN:
        return sanitizer.REMOTE_CLIENT_BROKEN
    if os.geteuid() != 0:
        return "needs root (libvirtd/QEMU in a private mount namespace)"
    for tool, name in ((LIBVIRTD, "libvirtd"), (VIRTLOGD, "virtlogd"),
                       (shutil.which("unshare"), "unshare"),
                       (qemu_binary(), "qemu-system-x86_64")):
        if not tool or not os.access(tool, os.X_OK):
            return "%s not installed (run scripts/setup-qemu.sh)" % name
    import glob
    if not glob.glob(QEMU_DRIVER_GLOB) and not glob.glob(
            "/usr/lib*/libvirt/connection-driver/libvirt_driver_qemu.so"):
        return "libvirt-daemon-driver-qemu not installed (run scripts/setup-qemu.sh)"
    if need_x509 and not shutil.which("openssl"):
        return "openssl not installed (run scripts/setup-qemu.sh)"
    if need_sasl and not shutil.which("saslpasswd2"):
        return "saslpasswd2 (sasl2-bin) not installed (run scripts/setup-qemu.sh)"
    import grp
    import pwd
    try:
        pwd.getpwnam("libvirt-qemu")
        grp.getgrnam("kvm")
    except KeyError:
        return "user libvirt-qemu / group kvm missing (run scripts/setup-qemu.sh)"
    return None


def _conf_value(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[ " + ", ".join(_conf_value(v) for v in value) + " ]"
    return '"%s"' % str(value).replace("\\", "\\\\").replace('"', '\\"')


def _write_conf(path, settings):
    with open(path, "w") as f:
        for key, value in settings.items():
            if value is None:
                continue
            f.write("%s = %s\n" % (key, _conf_value(value)))


# qemu.conf settings every private daemon (and the embedded driver) uses:
# run QEMU as root, no security driver, no cgroups (nothing is written into
# the machine's cgroup tree), no per-guest /dev namespace.
BASE_QEMU_CONF = {
    "user": "root",
    "group": "root",
    "dynamic_ownership": 0,
    "remember_owner": 0,
    "security_driver": "none",
    "cgroup_controllers": [],
    "namespaces": [],
    "vnc_listen": "127.0.0.1",
}

# VNC ports: each daemon/embedded root gets its own random window for
# autoport (remote_display_port_min/max), below the ephemeral port range,
# so that concurrent test runs (and a libvirtd already on 5900+) do not
# race for the same port.
DISPLAY_PORT_LOW, DISPLAY_PORT_HIGH, DISPLAY_PORT_WINDOW = 12000, 30000, 50


def display_port_window():
    """qemu.conf settings giving a random window of VNC ports."""
    import random
    base = random.randrange(DISPLAY_PORT_LOW, DISPLAY_PORT_HIGH, DISPLAY_PORT_WINDOW)
    return {"remote_display_port_min": base,
            "remote_display_port_max": base + DISPLAY_PORT_WINDOW - 1}


_shared_cache = None


def shared_cache_dir():
    """One capability cache directory per process (removed at exit).

    Daemons started with ``cache_dir=shared_cache_dir()`` reuse the QEMU
    capabilities probed by the first one instead of probing again (~4 s
    each).  They must not start at the same moment.
    """
    global _shared_cache
    if _shared_cache is None:
        _shared_cache = tempfile.mkdtemp(prefix="lvq-cache-", dir="/tmp")
        atexit.register(shutil.rmtree, _shared_cache, True)
    return _shared_cache


def _read_pid(path, expect=None):
    """The pid in a pid file, if that process is alive, is not this process
    and (when expect is given) its program name starts with `expect`."""
    try:
        with open(path) as f:
            pid = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            cmdline = f.read()
    except OSError:
        return None
    if pid == os.getpid():
        return None     # the embedded driver's driver.pid names this process
    argv0 = os.path.basename(cmdline.split(b"\0", 1)[0]).decode(errors="replace")
    if expect is not None and not argv0.startswith(expect):
        return None
    return pid


def _pids_from_files(files):
    pids = []
    for path, expect in files:
        pid = _read_pid(path, expect)
        if pid is not None:
            pids.append(pid)
    return pids


def _pids_from_dir(directory, expect):
    """Live pids named by the *.pid files anywhere under directory."""
    files = []
    for dirpath, _dirs, names in os.walk(directory):
        files += [(os.path.join(dirpath, n), expect) for n in names if n.endswith(".pid")]
    return _pids_from_files(files)


def _kill_pids(pids, sig=signal.SIGTERM, wait=10.0):
    """Signal all pids at once, wait for them to go, SIGKILL stragglers."""
    pids = list(pids)
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + wait
    while pids and time.monotonic() < deadline:
        pids = [p for p in pids if _pid_alive(p)]
        if pids:
            time.sleep(0.02)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 5
    while pids and time.monotonic() < deadline:
        pids = [p for p in pids if _pid_alive(p)]
        if pids:
            time.sleep(0.02)


def _pid_alive(pid):
    # A zombie child of ours counts as gone (reap it if it is ours).
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def daemon_env():
    """The environment the daemons start with: the tests' own, less what
    configures libvirt for the client side, and less the sanitizer runtimes
    scripts/sanitize.sh preloads into the tests (the daemons are not under
    test)."""
    env = {k: v for k, v in sanitizer.without_runtime(os.environ).items()
           if not k.startswith(("LIBVIRT_", "VIR_"))}
    env.setdefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
    return env


class QemuDaemon:
    """virtlogd + libvirtd in a private mount namespace, rooted in a
    temporary directory.

    qemu_conf: extra qemu.conf settings (dict; values str/int/list) added to
        BASE_QEMU_CONF, e.g. {"vnc_tls": 1, "vnc_tls_x509_cert_dir": d}.
    cache_dir: directory bind-mounted over /var/cache/libvirt (to share the
        QEMU capability cache between daemons); default: <root>/cache.
    pin_cpu: run libvirtd with ``taskset -c 0`` (avoids an occasional
        capability re-probe); None = pin when taskset exists.
    keep: do not remove the root directory in stop() (debugging).

    Attributes: root, socket, uri, etc_dir, run_dir, lib_dir, log_dir,
    cache_dir, libvirtd_log (path of libvirtd's own log).
    """

    START_TIMEOUT = 90.0

    def __init__(self, qemu_conf=None, cache_dir=None, pin_cpu=None,
                 keep=False, log_level=3, root=None):
        self.qemu_conf = dict(BASE_QEMU_CONF)
        self.qemu_conf.update(display_port_window())
        self.qemu_conf.update(qemu_conf or {})
        self.root = root or tempfile.mkdtemp(prefix="lvq-", dir="/tmp")
        self._own_root = root is None
        self.etc_dir = os.path.join(self.root, "etc")
        self.run_dir = os.path.join(self.root, "run")
        self.lib_dir = os.path.join(self.root, "lib")
        self.log_dir = os.path.join(self.root, "log")
        self.cache_dir = cache_dir or os.path.join(self.root, "cache")
        self.socket = os.path.join(self.run_dir, "libvirt-sock")
        if len(self.socket.encode()) >= 108:
            raise ValueError("socket path too long: %r" % self.socket)
        self.uri = "qemu+unix:///system?socket=" + self.socket
        self.libvirtd_log = os.path.join(self.log_dir, "libvirtd.log")
        self.libvirtd_pidfile = os.path.join(self.run_dir, "libvirtd.pid")
        self.virtlogd_pidfile = os.path.join(self.run_dir, "virtlogd.pid")
        self.pin_cpu = shutil.which("taskset") is not None if pin_cpu is None else pin_cpu
        self.keep = keep
        self.log_level = log_level
        self.started = False

    # -- configuration -------------------------------------------------

    def write_configs(self):
        for d in (self.etc_dir, self.run_dir, self.lib_dir, self.log_dir,
                  self.cache_dir, os.path.join(self.log_dir, "qemu")):
            os.makedirs(d, exist_ok=True)
        # Inside the namespace these paths are /var/log/libvirt/... .
        _write_conf(os.path.join(self.etc_dir, "libvirtd.conf"), {
            "unix_sock_group": "root",
            "unix_sock_rw_perms": "0770",
            "auth_unix_ro": "none",
            "auth_unix_rw": "none",
            "log_outputs": "%d:file:/var/log/libvirt/libvirtd.log" % self.log_level,
        })
        _write_conf(os.path.join(self.etc_dir, "virtlogd.conf"), {
            "log_outputs": "%d:file:/var/log/libvirt/virtlogd.log" % self.log_level,
        })
        _write_conf(os.path.join(self.etc_dir, "qemu.conf"), self.qemu_conf)

    # -- life cycle ----------------------------------------------------

    def _namespace_script(self, virtlogd=True):
        """The shell script that, in a new mount namespace, bind-mounts the
        root's directories and starts the daemons (libvirtd only, to
        restart it, without `virtlogd`)."""
        mounts = [
            (self.etc_dir, "/etc/libvirt"),
            (self.run_dir, "/run/libvirt"),
            (self.lib_dir, "/var/lib/libvirt"),
            (self.cache_dir, "/var/cache/libvirt"),
            (self.log_dir, "/var/log/libvirt"),
        ]
        lines = ["set -e"]
        for src, dst in mounts:
            lines.append("mkdir -p %s" % dst)
            lines.append("mount --bind %s %s" % (src, dst))
        if virtlogd:
            lines.append("%s --daemon --pid-file /run/libvirt/virtlogd.pid" % VIRTLOGD)
        pin = "taskset -c 0 " if self.pin_cpu else ""
        lines.append("%s%s --daemon --pid-file /run/libvirt/libvirtd.pid" % (pin, LIBVIRTD))
        return "\n".join(lines) + "\n"

    def start(self, timeout=None):
        """Write the configuration, start the daemons, wait for the socket."""
        if self.started:
            return self
        self.write_configs()
        env = daemon_env()
        proc = subprocess.run(
            ["unshare", "-m", "--propagation", "private",
             "sh", "-c", self._namespace_script()],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=60)
        self.started = True
        atexit.register(self.stop)
        if proc.returncode != 0:
            out = proc.stdout.decode(errors="replace")
            self.stop()
            raise RuntimeError("starting libvirtd failed (%d): %s"
                               % (proc.returncode, out))
        self.wait_ready(timeout or self.START_TIMEOUT)
        return self

    def wait_ready(self, timeout):
        """Wait until libvirtd accepts connections on its socket."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(self.socket):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(self.socket)
                    return
                except OSError:
                    pass
                finally:
                    s.close()
            if os.path.exists(self.libvirtd_pidfile) and not self._daemon_alive():
                break
            time.sleep(0.05)
        log = self.read_log()
        raise RuntimeError("libvirtd did not come up on %s; log:\n%s"
                           % (self.socket, log[-4000:]))

    def _daemon_alive(self):
        try:
            with open(self.libvirtd_pidfile) as f:
                return _pid_alive(int(f.read().split()[0]))
        except (OSError, ValueError, IndexError):
            return False

    def read_log(self):
        try:
            with open(self.libvirtd_log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def qemu_log(self, domain_name):
        """The QEMU log of a guest (command line, QEMU's stderr)."""
        try:
            with open(os.path.join(self.log_dir, "qemu", domain_name + ".log"),
                      errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def guest_pids(self):
        """Pids of the QEMU processes this daemon started (from pid files)."""
        return _pids_from_dir(os.path.join(self.run_dir, "qemu"), "qemu-")

    def stop(self):
        """Kill guests and daemons; remove the root directory.  Idempotent.

        Close connections to the daemon first (and destroy guests through
        the API if their lifecycle events matter): this kills whatever
        is left."""
        if self.started:
            self.started = False
            # Guests first: libvirtd leaves them running when it exits.
            _kill_pids(self.guest_pids(), wait=5)
            _kill_pids(_pids_from_files(
                [(self.libvirtd_pidfile, "libvirtd"),
                 (self.virtlogd_pidfile, "virtlogd")]), wait=10)
        if self._own_root and not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# -- guests -------------------------------------------------------------

def guest_xml(name, graphics=True, memory_mib=64, emulator=None, uuid=None):
    """A diskless type='qemu' guest (it sits in its BIOS), with a VNC
    server on 127.0.0.1 (autoport) when graphics is true."""
    emulator = emulator or qemu_binary()
    parts = [
        "<domain type='qemu'>",
        "  <name>%s</name>" % name,
    ]
    if uuid:
        parts.append("  <uuid>%s</uuid>" % uuid)
    parts += [
        "  <memory unit='MiB'>%d</memory>" % memory_mib,
        "  <vcpu>1</vcpu>",
        "  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>",
        "  <on_poweroff>destroy</on_poweroff>",
        "  <on_reboot>restart</on_reboot>",
        "  <on_crash>destroy</on_crash>",
        "  <devices>",
        "    <emulator>%s</emulator>" % emulator,
    ]
    if graphics:
        parts.append("    <graphics type='vnc' listen='127.0.0.1' autoport='yes'/>")
        parts.append("    <video><model type='vga'/></video>")
    parts += [
        "    <memballoon model='none'/>",
        "  </devices>",
        "</domain>",
    ]
    return "\n".join(parts) + "\n"


def vnc_port(dom):
    """The VNC port of a running guest, from its live XML."""
    root = ET.fromstring(dom.XMLDesc(0))
    g = root.find("./devices/graphics[@type='vnc']")
    if g is None or int(g.get("port", "-1")) <= 0:
        raise RuntimeError("guest has no live VNC port")
    return int(g.get("port"))


def start_vnc_guest(conn, name="vncguest", persistent=False, graphics=True,
                    memory_mib=64):
    """Define (or create, when not persistent) and start the 64 MiB VNC
    guest.  Returns (dom, vnc_port or None)."""
    xml = guest_xml(name, graphics=graphics, memory_mib=memory_mib)
    dom = conn.defineXML(xml) if persistent else None
    for attempt in range(4):
        try:
            if persistent:
                dom.create()
            else:
                dom = conn.createXML(xml, 0)
            break
        except Exception as e:
            # libvirt picks a free port, QEMU binds it a little later:
            # someone else may have taken it in between.  Try again.
            if attempt == 3 or "available port" not in str(e) and \
                    "Address already in use" not in str(e):
                raise
    return dom, (vnc_port(dom) if graphics else None)


# -- embedded driver ----------------------------------------------------

def embedded_root(root=None, qemu_conf=None, cache_from=None):
    """Prepare DIR for ``qemu:///embed?root=DIR``: DIR/etc/qemu.conf with
    BASE_QEMU_CONF (+ qemu_conf), QEMU's stdio going to plain files (no
    virtlogd).  cache_from: a daemon's cache directory (e.g.
    shared_cache_dir()) whose QEMU capabilities are copied in, so that
    the embedded driver need not probe QEMU again (libvirt re-probes if
    the copy does not fit).  Returns DIR (a new /tmp/lvq-emb-XXXXXX when
    root is None).  The embedded driver runs in the calling process: it
    needs an event loop registered before the connection is opened, and
    its guests must be destroyed before the connection is closed (or
    killed with kill_embedded_guests(DIR)).
    """
    root = root or tempfile.mkdtemp(prefix="lvq-emb-", dir="/tmp")
    os.makedirs(os.path.join(root, "etc"), exist_ok=True)
    conf = dict(BASE_QEMU_CONF)
    conf.update(display_port_window())
    conf["stdio_handler"] = "file"
    conf.update(qemu_conf or {})
    _write_conf(os.path.join(root, "etc", "qemu.conf"), conf)
    caps = os.path.join(cache_from or "", "qemu", "capabilities")
    if cache_from and os.path.isdir(caps):
        shutil.copytree(caps, os.path.join(root, "cache", "qemu", "capabilities"),
                        dirs_exist_ok=True)
    return root


def kill_embedded_guests(root):
    """Kill the QEMU processes an embedded driver rooted in DIR left behind."""
    _kill_pids(_pids_from_dir(os.path.join(root, "run"), "qemu-"), wait=5)


# -- TLS and SASL -------------------------------------------------------

def client_dn(fields=CLIENT_DN_FIELDS):
    """The distinguished name as QEMU reports it (x509dname identity):
    the fields in certificate order, comma separated."""
    return ",".join("%s=%s" % kv for kv in fields)


def _subj(fields):
    return "/" + "/".join("%s=%s" % kv for kv in fields)


def _openssl(*args, cwd):
    subprocess.run(("openssl",) + args, cwd=cwd, check=True,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def make_x509_pki(directory, client_fields=CLIENT_DN_FIELDS):
    """Make a CA, a server certificate for IP 127.0.0.1 and a client
    certificate in DIRECTORY, with the file names QEMU expects:
    ca-cert.pem, server-cert.pem, server-key.pem (and client-cert.pem,
    client-key.pem for the test client).  Returns DIRECTORY."""
    os.makedirs(directory, exist_ok=True)
    d = directory
    with open(os.path.join(d, "server.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n"
                "subjectAltName=IP:127.0.0.1\n")
    with open(os.path.join(d, "client.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=clientAuth\n")
    with open(os.path.join(d, "ca.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:TRUE\n"
                "keyUsage=critical,keyCertSign,cRLSign\n")
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", "ca-key.pem", "-out", "ca-cert.pem", "-days", "30",
             "-subj", _subj(CA_DN_FIELDS), "-addext",
             "basicConstraints=critical,CA:TRUE", "-addext",
             "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    for who, fields in (("server", SERVER_DN_FIELDS), ("client", client_fields)):
        _openssl("req", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:prime256v1", "-nodes",
                 "-keyout", who + "-key.pem", "-out", who + ".csr",
                 "-subj", _subj(fields), cwd=d)
        _openssl("x509", "-req", "-in", who + ".csr", "-CA", "ca-cert.pem",
                 "-CAkey", "ca-key.pem", "-CAcreateserial",
                 "-out", who + "-cert.pem", "-days", "30",
                 "-extfile", who + ".ext", cwd=d)
    for name in os.listdir(d):
        if name.endswith("-key.pem"):
            os.chmod(os.path.join(d, name), 0o600)
    return d


def make_sasl_db(directory, user, password, mechs=("scram-sha-256", "plain")):
    """Write DIRECTORY/qemu.conf (the SASL application config QEMU reads,
    named after its SASL app name) and DIRECTORY/passwd.db with one user.
    Returns DIRECTORY (give it to qemu.conf as vnc_sasl_dir)."""
    os.makedirs(directory, exist_ok=True)
    db = os.path.join(directory, "passwd.db")
    with open(os.path.join(directory, "qemu.conf"), "w") as f:
        f.write("mech_list: %s\n" % " ".join(mechs))
        f.write("sasldb_path: %s\n" % db)
    subprocess.run(["saslpasswd2", "-p", "-c", "-f", db, "-a", "qemu", user],
                   input=password.encode(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return directory


# -- event loop and event recording ----------------------------------------

class EventLoopThread:
    """Run libvirt's default event loop in a daemon thread.

    ``libvirt`` is the binding module under test.  start() registers the
    default implementation (must happen before connections are opened) and
    a periodic timer, so that each virEventRunDefaultImpl() returns within
    ``tick_ms`` and stop() can end the thread; stop() joins the thread and
    removes the timer.
    """

    def __init__(self, libvirt, tick_ms=50):
        self.libvirt = libvirt
        self.tick_ms = tick_ms
        self._stop = threading.Event()
        self._thread = None
        self._timer = None
        self.errors = []

    def start(self):
        if self.libvirt.virEventRegisterDefaultImpl() != 0:
            raise RuntimeError("virEventRegisterDefaultImpl failed")
        self._timer = self.libvirt.virEventAddTimeout(
            self.tick_ms, lambda timer, opaque: None, None)
        self._thread = threading.Thread(target=self._run, name="libvirt-event-loop",
                                        daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            try:
                if self.libvirt.virEventRunDefaultImpl() < 0:
                    self.errors.append("virEventRunDefaultImpl() < 0")
                    time.sleep(0.05)
            except Exception as e:              # keep the loop alive
                self.errors.append(repr(e))
                time.sleep(0.05)

    def stop(self):
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(10)
        if self._timer is not None and not self._thread.is_alive():
            self.libvirt.virEventRemoveTimeout(self._timer)
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class EventRecorder:
    """Thread-safe list of callback invocations.

    ``callback(tag)`` returns a function usable as any libvirt event
    callback: each call appends (tag, args) where args is the tuple of
    positional arguments as received.  ``wait_for(predicate)`` waits until
    predicate(records) is true.
    """

    def __init__(self):
        self._cond = threading.Condition()
        self.records = []

    def callback(self, tag):
        def cb(*args):
            with self._cond:
                self.records.append((tag, args))
                self._cond.notify_all()
        return cb

    def snapshot(self, tag=None):
        with self._cond:
            return [args for t, args in self.records if tag is None or t == tag]

    def clear(self):
        with self._cond:
            del self.records[:]

    def wait_for(self, predicate, timeout=15.0):
        """Wait until predicate(records) is true; return it (falsy on timeout)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate(self.records)
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return result
                self._cond.wait(min(remaining, 0.5))
