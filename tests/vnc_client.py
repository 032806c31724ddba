"""A minimal RFB (VNC) client, enough to make QEMU emit graphics events.

It speaks RFB 3.8 over a plain TCP socket up to ServerInit and then closes
the connection; QEMU reports that as the CONNECT, INITIALIZE and DISCONNECT
graphics phases.  Supported security types:

  1  None
  19 VeNCrypt 0.2 with subtype 260 (X509None) or 263 (X509SASL): the socket
     is wrapped in TLS (client certificate optional); SASL uses PLAIN or
     SCRAM-SHA-256 with QEMU's framing (u32 length + data, where the length
     counts a trailing NUL).

    info = vnc_handshake(port)                 # security type None
    info = vnc_handshake(port, tls=TlsOptions(cert_dir),
                         sasl=SaslOptions("alice", "secret"))

It returns a VncResult (local and remote address of the client socket as
seen by the client, the security type/subtype used, the desktop name) or
raises VncError when the server refuses the client; the socket is closed in
every case.
"""

import base64
import hashlib
import hmac
import os
import socket
import ssl
import struct

__all__ = ["VncError", "VncResult", "TlsOptions", "SaslOptions",
           "vnc_handshake", "SEC_NONE", "SEC_VENCRYPT",
           "VENCRYPT_X509NONE", "VENCRYPT_X509SASL"]

SEC_NONE = 1
SEC_VNC = 2
SEC_VENCRYPT = 19
VENCRYPT_X509NONE = 260
VENCRYPT_X509VNC = 261
VENCRYPT_X509PLAIN = 262
VENCRYPT_X509SASL = 263


class VncError(Exception):
    """The server refused the client or broke the protocol.  Raised by
    vnc_handshake() with .result, the VncResult as far as it got (its
    client_addr tells which connection the server refused)."""

    result = None


class VncResult:
    def __init__(self):
        self.client_addr = None     # (host, port) of our socket
        self.server_addr = None     # (host, port) we connected to
        self.security_type = None
        self.vencrypt_subtype = None
        self.sasl_mech = None
        self.width = self.height = None
        self.name = None

    def __repr__(self):
        return "VncResult(%r)" % self.__dict__


class TlsOptions:
    """cert_dir holds ca-cert.pem and (unless client_cert is False)
    client-cert.pem + client-key.pem."""

    def __init__(self, cert_dir, client_cert=True, server_hostname="127.0.0.1"):
        self.cert_dir = cert_dir
        self.client_cert = client_cert
        self.server_hostname = server_hostname

    def context(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(os.path.join(self.cert_dir, "ca-cert.pem"))
        ctx.check_hostname = True
        if self.client_cert:
            ctx.load_cert_chain(os.path.join(self.cert_dir, "client-cert.pem"),
                                os.path.join(self.cert_dir, "client-key.pem"))
        return ctx


class SaslOptions:
    def __init__(self, username, password, mech=None):
        self.username = username
        self.password = password
        self.mech = mech            # None: SCRAM-SHA-256 if offered, else PLAIN


class _Conn:
    """Exact reads/writes on a socket or TLS socket."""

    def __init__(self, sock):
        self.sock = sock

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            try:
                chunk = self.sock.recv(n - len(buf))
            except (ConnectionError, ssl.SSLError) as e:
                raise VncError("connection lost: %s" % e) from e
            if not chunk:
                raise VncError("server closed the connection after %d of %d bytes"
                               % (len(buf), n))
            buf += chunk
        return buf

    def u8(self):
        return self.recv_exact(1)[0]

    def u32(self):
        return struct.unpack(">I", self.recv_exact(4))[0]

    def send(self, data):
        try:
            self.sock.sendall(data)
        except (ConnectionError, ssl.SSLError) as e:
            raise VncError("connection lost: %s" % e) from e


def _security_result(c):
    status = c.u32()
    if status != 0:
        try:
            reason = c.recv_exact(c.u32()).rstrip(b"\0").decode(errors="replace")
        except VncError:
            reason = ""
        raise VncError("security handshake failed: %s" % (reason or status))


# -- SASL ---------------------------------------------------------------

def _sasl_send(c, data):
    """QEMU framing: u32 length counting a trailing NUL, data, NUL."""
    if data is None:
        c.send(struct.pack(">I", 0))
    else:
        c.send(struct.pack(">I", len(data) + 1) + data + b"\0")


def _sasl_recv(c):
    """Server data (NUL stripped) and the 'complete' flag."""
    n = c.u32()
    data = c.recv_exact(n) if n else b""
    if data.endswith(b"\0"):
        data = data[:-1]
    complete = c.u8()
    return data, complete


def _scram_sha256(c, user, password):
    nonce = base64.b64encode(os.urandom(18)).decode()
    bare = "n=%s,r=%s" % (user.replace("=", "=3D").replace(",", "=2C"), nonce)
    _sasl_send(c, ("n,," + bare).encode())
    server_first, complete = _sasl_recv(c)
    if complete or not server_first:
        raise VncError("SCRAM: unexpected server-first message")
    attrs = dict(kv.split("=", 1) for kv in server_first.decode().split(","))
    if not attrs["r"].startswith(nonce):
        raise VncError("SCRAM: bad server nonce")
    salt = base64.b64decode(attrs["s"])
    iterations = int(attrs["i"])
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    without_proof = "c=biws,r=%s" % attrs["r"]
    auth_message = ",".join((bare, server_first.decode(), without_proof)).encode()
    signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
    proof = bytes(a ^ b for a, b in zip(client_key, signature))
    _sasl_send(c, (without_proof + ",p=" + base64.b64encode(proof).decode()).encode())
    server_final, complete = _sasl_recv(c)
    if not complete:
        # Some servers want one more (empty) step after server-final.
        _sasl_send(c, b"")
        _extra, complete = _sasl_recv(c)
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    expected = base64.b64encode(
        hmac.new(server_key, auth_message, hashlib.sha256).digest()).decode()
    if server_final and server_final.decode() != "v=" + expected:
        raise VncError("SCRAM: bad server signature")


def _sasl_auth(c, opts, result):
    mechlist = c.recv_exact(c.u32()).rstrip(b"\0").decode().upper().split(",")
    mech = opts.mech
    if mech is None:
        mech = "SCRAM-SHA-256" if "SCRAM-SHA-256" in mechlist else "PLAIN"
    mech = mech.upper()
    if mech not in mechlist:
        raise VncError("SASL mechanism %s not offered (%s)" % (mech, mechlist))
    result.sasl_mech = mech
    c.send(struct.pack(">I", len(mech)) + mech.encode())
    if mech == "PLAIN":
        _sasl_send(c, b"\0" + opts.username.encode() + b"\0" + opts.password.encode())
        _data, complete = _sasl_recv(c)
        if not complete:
            raise VncError("PLAIN: server wants more steps")
    elif mech == "SCRAM-SHA-256":
        _scram_sha256(c, opts.username, opts.password)
    else:
        raise VncError("unsupported SASL mechanism %s" % mech)


# -- handshake ----------------------------------------------------------

def vnc_handshake(port, host="127.0.0.1", tls=None, sasl=None, timeout=10.0,
                  shared=True):
    """Connect, authenticate, exchange ClientInit/ServerInit, close.

    tls: TlsOptions to use VeNCrypt (security type 19); None: type None (1).
    sasl: SaslOptions for VeNCrypt X509SASL (263); None: X509None (260).
    """
    result = VncResult()
    sock = socket.create_connection((host, port), timeout=timeout)
    result.client_addr = sock.getsockname()[:2]
    result.server_addr = sock.getpeername()[:2]
    c = _Conn(sock)
    try:
        _handshake(c, sock, result, tls, sasl, shared)
        return result
    except VncError as e:
        e.result = result           # the refused client's addresses
        raise
    finally:
        try:
            c.sock.close()
        finally:
            sock.close()


def _handshake(c, sock, result, tls, sasl, shared):
    """Everything after the TCP connect (see vnc_handshake)."""
    banner = c.recv_exact(12)
    if not banner.startswith(b"RFB 003."):
        raise VncError("not an RFB server: %r" % banner)
    c.send(b"RFB 003.008\n")
    ntypes = c.u8()
    if ntypes == 0:
        reason = c.recv_exact(c.u32()).decode(errors="replace")
        raise VncError("server refused connection: %s" % reason)
    types = list(c.recv_exact(ntypes))
    wanted = SEC_VENCRYPT if tls is not None else SEC_NONE
    if wanted not in types:
        raise VncError("security type %d not offered (%s)" % (wanted, types))
    c.send(bytes([wanted]))
    result.security_type = wanted
    if wanted == SEC_NONE:
        _security_result(c)
    else:
        major, minor = c.u8(), c.u8()
        if (major, minor) < (0, 2):
            raise VncError("VeNCrypt %d.%d unsupported" % (major, minor))
        c.send(b"\x00\x02")
        if c.u8() != 0:
            raise VncError("server rejected VeNCrypt 0.2")
        subtypes = [c.u32() for _ in range(c.u8())]
        sub = VENCRYPT_X509SASL if sasl is not None else VENCRYPT_X509NONE
        if sub not in subtypes:
            raise VncError("VeNCrypt subtype %d not offered (%s)" % (sub, subtypes))
        c.send(struct.pack(">I", sub))
        if c.u8() != 1:
            raise VncError("server rejected VeNCrypt subtype %d" % sub)
        result.vencrypt_subtype = sub
        try:
            c.sock = tls.context().wrap_socket(
                sock, server_hostname=tls.server_hostname)
        except (ssl.SSLError, ConnectionError, OSError) as e:
            raise VncError("TLS handshake failed: %s" % e) from e
        if sasl is not None:
            _sasl_auth(c, sasl, result)
        _security_result(c)
    c.send(bytes([1 if shared else 0]))          # ClientInit
    header = c.recv_exact(24)                    # ServerInit
    result.width, result.height = struct.unpack(">HH", header[:4])
    name_len = struct.unpack(">I", header[20:24])[0]
    result.name = c.recv_exact(name_len).decode(errors="replace")
