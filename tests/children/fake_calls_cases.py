"""Cases of tests/test_overrides_fake.py, run with tests/data/fake_calls.c
compiled and loaded with LD_PRELOAD (the fakes answer for the libvirt
functions these methods call).

    LD_PRELOAD=fake_calls.so python tests/children/fake_calls_cases.py CASE
"""

import os
import sys

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import libvirt  # noqa: E402
import libvirt_lxc  # noqa: E402
import libvirt_qemu  # noqa: E402

from support import child  # noqa: E402

libvirt.registerErrorHandler(lambda ctx, err: None, None)
conn = libvirt.open("test:///default")
dom = conn.lookupByName("test")
NCPUS = conn.getCPUMap()[0]


def raises(exc, call):
    try:
        call()
    except exc as e:
        return e
    raise AssertionError("%r did not raise %s" % (call, exc.__name__))



def case_block_job_info():
    info = dom.blockJobInfo("vda")
    assert info == {"type": libvirt.VIR_DOMAIN_BLOCK_JOB_TYPE_COPY, "bandwidth": 3,
                    "cur": 1 << 40, "end": (1 << 41) + 1}, info
    assert list(info) == ["type", "bandwidth", "cur", "end"]
    assert all(type(v) is int for v in info.values())
    assert dom.blockJobInfo("vda", 2)["bandwidth"] == 5
    assert dom.blockJobInfo(path="idle", flags=0) == {}
    e = raises(libvirt.libvirtError, lambda: dom.blockJobInfo("fail"))
    assert "virDomainGetBlockJobInfo" in str(e)


def case_job_info():
    info = dom.jobInfo()
    assert info == [libvirt.VIR_DOMAIN_JOB_UNBOUNDED] + list(range(100, 110)) + [1 << 63]
    assert type(info) is list and all(type(x) is int for x in info)


def case_job_stats():
    stats = dom.jobStats()
    assert stats == {"time_elapsed": 42, "fake_string": "text", "fake_bool": True,
                     "type": libvirt.VIR_DOMAIN_JOB_COMPLETED}, stats
    assert type(stats["fake_bool"]) is bool
    assert list(stats)[-1] == "type"
    assert dom.jobStats(flags=1)["time_elapsed"] == 43


def case_domain_cpu_stats_with_offline_cpu():
    assert dom.getCPUStats(True) == [{"cpu_time": 1000}]
    per_cpu = dom.getCPUStats(False, 0)
    assert per_cpu == [
        {"cpu_time": 1000, "vcpu_time": 2000},
        {"cpu_time": 1001, "vcpu_time": 2001},
        {},
        {"cpu_time": 1003, "vcpu_time": 2003},
        {"cpu_time": 1004},
        {"cpu_time": 1005, "vcpu_time": 2005},
    ], per_cpu


def case_security_label_list():
    labels = dom.securityLabelList()
    assert labels == [["system_u:system_r:svirt_t:s0:c1,c2", True], ["+107:+107", False]]
    assert all(type(l) is list and type(l[1]) is bool for l in labels)


def case_node_memory_stats():
    stats = conn.getMemoryStats(libvirt.VIR_NODE_MEMORY_STATS_ALL_CELLS)
    assert stats == {"total": 1 << 34, "free": 1000, "cached": 7}, stats
    assert conn.getMemoryStats(3, 0)["free"] == 1003
    assert conn.getMemoryStats(cellNum=1)["free"] == 1001


def case_authorized_ssh_keys_round_trip():
    assert dom.authorizedSSHKeysGet("root") == []
    keys = ["ssh-ed25519 AAAA a@b", "ssh-rsa BBBB c@d"]
    assert dom.authorizedSSHKeysSet("root", keys, 0) == 0
    assert dom.authorizedSSHKeysGet("root") == keys
    assert dom.authorizedSSHKeysSet("root", keys[:1]) == 0
    assert dom.authorizedSSHKeysGet("root", 0) == keys[:1]
    assert dom.authorizedSSHKeysSet("root") == 0
    assert dom.authorizedSSHKeysGet("root") == []
    assert dom.authorizedSSHKeysSet(user="root", keys=["k\u00e9"], flags=0) == 0
    assert dom.authorizedSSHKeysGet(user="root") == ["k\u00e9"]
    raises(libvirt.libvirtError, lambda: dom.authorizedSSHKeysSet("nobody", []))
    raises(TypeError, lambda: dom.authorizedSSHKeysSet("root", "ssh-rsa AAA"))
    raises(TypeError, lambda: dom.authorizedSSHKeysSet("root", [None]))
    raises(ValueError, lambda: dom.authorizedSSHKeysSet("root", ["a\0b"]))


def case_iothread_info():
    info = dom.ioThreadInfo()
    assert type(info) is list and len(info) == 2
    bits0 = [i in (0, 2) for i in range(NCPUS)]
    bits1 = [i in (1, 7) for i in range(NCPUS)]
    assert info == [(10, bits0), (11, bits1)], info
    assert all(type(t) is tuple and type(t[1]) is list for t in info)
    assert all(type(b) is bool for t in info for b in t[1])


def case_messages():
    assert dom.messages() == ["tainted: custom-argv", "deprecated: machine type"]
    assert dom.messages(0) == dom.messages()


def case_dhcp_leases():
    net = conn.networkLookupByName("default")
    leases = net.DHCPLeases()
    assert leases == [{"iface": "virbr0", "expirytime": 1700000000,
                       "type": libvirt.VIR_IP_ADDR_TYPE_IPV4,
                       "mac": "52:54:00:00:00:01", "ipaddr": "192.168.122.5",
                       "prefix": 24, "hostname": "guest", "clientid": None,
                       "iaid": None}], leases
    assert list(leases[0]) == ["iface", "expirytime", "type", "mac", "ipaddr", "prefix",
                               "hostname", "clientid", "iaid"]
    assert net.DHCPLeases("52:54:00:aa:bb:cc", 0)[0]["mac"] == "52:54:00:aa:bb:cc"
    assert net.DHCPLeases(mac=None, flags=0) == leases


def case_free_pages():
    pages = conn.getFreePages([4, 2048], 1, 2)
    assert pages == {1: {4: 100, 2048: 101}, 2: {4: 102, 2048: 103}}, pages
    assert list(pages) == [1, 2] and list(pages[1]) == [4, 2048]
    assert conn.getFreePages([1048576], 0, 3, 0) == {0: {1048576: 100}, 1: {1048576: 101},
                                                      2: {1048576: 102}}


def case_alloc_pages():
    assert conn.allocPages({4: 10}, 2, 1) == 1000000 + 400 + 3
    assert conn.allocPages({4: 10, 2048: 1}, 0, 1, 0) == 2000000 + (40 + 2048) * 10 + 1

    class Index:
        def __init__(self, value):
            self.value = value
        def __index__(self):
            pages.clear()   # changing the dict meanwhile is harmless
            return self.value

    pages = {4: Index(10), 2048: 1}
    assert conn.allocPages(pages, 0, 1) == 2000000 + (40 + 2048) * 10 + 1


def case_baseline_hypervisor_cpu():
    cpu = "<cpu><model>qemu64</model></cpu>"
    assert conn.baselineHypervisorCPU(None, None, None, None, [cpu]) == \
        "NULL|NULL|NULL|NULL|1|%s|0" % cpu
    assert conn.baselineHypervisorCPU("/usr/bin/qemu", "x86_64", "pc", "kvm",
                                      ["a", "b"], 3) == "/usr/bin/qemu|x86_64|pc|kvm|2|b|3"
    # anything but a list passes no CPUs, as the reference does
    assert conn.baselineHypervisorCPU(None, None, None, None, ("a",), 3) == \
        "NULL|NULL|NULL|NULL|0||3"
    assert conn.baselineHypervisorCPU(None, None, None, None, None) == \
        "NULL|NULL|NULL|NULL|0||0"


def case_secret_value():
    secret = conn.secretLookupByUUIDString("00000000-0000-0000-0000-000000000001")
    assert secret.setValue(b"abc\x00def") == 0
    value = secret.value()
    assert type(value) is bytes and value == b"abc\x00def"
    assert secret.setValue("p\u00e4ss", 0) == 0   # str: its UTF-8 bytes
    assert secret.value(0) == "p\u00e4ss".encode()
    assert secret.setValue(b"\xff\x01", flags=0) == 0
    assert secret.value(flags=0) == b"\xff\x01"
    # bytes or str only, as the reference's z# format takes them
    raises(TypeError, lambda: secret.setValue(bytearray(b"x")))
    raises(TypeError, lambda: secret.setValue(memoryview(b"x")))
    assert secret.setValue(b"") == 0
    assert secret.value() == b""
    raises(TypeError, lambda: secret.setValue(5))
    raises(TypeError, lambda: secret.setValue(b"x", "0"))
    raises(libvirt.libvirtError, lambda: secret.setValue(b"x" * 1000))
    del secret


def case_stream_recv_send():
    st = conn.newStream(0)
    assert st.recv(3) == -2
    assert st.recv(2) == b"he"
    assert st.recvFlags(100) == b"llo "
    assert st.recvFlags(100, libvirt.VIR_STREAM_RECV_STOP_AT_HOLE) == -3
    assert st.recvHole() == 1 << 33
    assert st.recvHole(1) == (1 << 33) + 1
    assert st.recv(1 << 20) == b"worl"
    assert st.recv(nbytes=1) == b"d"
    assert st.recv(10) == b""
    assert st.send(b"abcd") == 4
    assert st.send(bytearray(b"abc")) == -2
    assert st.send(memoryview(b"abcdef")[1:]) == 5


def stream_recv_in_two_threads(first, second):
    # first.recv(5) waits in libvirt, holding the module's receive buffer,
    # until second.recv(6) has received: that one needs a buffer of its own.
    import threading
    got = {}
    waiter = threading.Thread(target=lambda: got.update(first=first.recv(5)))
    waiter.start()
    got["second"] = second.recv(6)
    waiter.join()
    assert got == {"first": b"AAAAA", "second": b"BBBBBB"}, got


def case_stream_recv_two_streams_two_threads():
    stream_recv_in_two_threads(conn.newStream(0), conn.newStream(0))


def case_stream_recv_one_stream_two_threads():
    st = conn.newStream(0)
    stream_recv_in_two_threads(st, st)
    assert st.recv(2) == b"he"


def case_stream_recv_all():
    st = conn.newStream(0)
    chunks = []
    assert st.recvAll(lambda s, data, opaque: chunks.append((s is st, data, opaque)),
                      "op") is None
    assert chunks == [(True, b"hell", "op"), (True, b"o wo", "op"), (True, b"rld", "op")]


def case_stream_recv_all_nonblocking_refused():
    st = conn.newStream(libvirt.VIR_STREAM_NONBLOCK)
    e = raises(libvirt.libvirtError, lambda: st.recvAll(lambda *a: 0, None))
    assert "blocking" in str(e)


def case_qemu_monitor_command():
    out = libvirt_qemu.qemuMonitorCommand(dom, "query-status", 1)
    assert out == '{"return": "query-status", "flags": 1}'
    assert type(out) is str


def case_qemu_monitor_command_with_files():
    r, w = os.pipe()
    result = libvirt_qemu.qemuMonitorCommandWithFiles(dom, "getfd", [r, w], 2)
    assert type(result) is tuple and len(result) == 2
    text, files = result
    assert text == "getfd n=2 first=%d flags=2" % r
    assert type(files) is list and len(files) == 2
    for f in files:
        assert f.mode == "rb" and f.read() == b""
        f.close()
    text, files = libvirt_qemu.qemuMonitorCommandWithFiles(dom, "x")
    assert text == "x n=0 first=-1 flags=0"
    for f in files:
        f.close()
    with open(os.devnull) as f:
        text, files = libvirt_qemu.qemuMonitorCommandWithFiles(dom, "y", [f], flags=0)
        assert text == "y n=1 first=%d flags=0" % f.fileno()
    os.close(r)
    os.close(w)
    raises(TypeError, lambda: libvirt_qemu.qemuMonitorCommandWithFiles(dom, "x", ["a"]))


def case_lxc_open_namespace():
    fds = libvirt_lxc.lxcOpenNamespace(dom, 0)
    assert type(fds) is list and len(fds) == 3
    assert all(type(fd) is int for fd in fds)
    for fd in fds:
        assert os.read(fd, 1) == b""
        os.close(fd)


def case_fd_associate():
    with open(os.devnull) as f:
        assert dom.FDAssociate("disk", [0, f]) == 2000 + f.fileno()
        assert dom.FDAssociate("disk", [], 0) == 0
    raises(libvirt.libvirtError, lambda: dom.FDAssociate("fail", [0]))


def case_failure_during_a_deferred_release():
    # The release of a domain whose call is in flight waits for the call to
    # leave; the call's own failure keeps its error code all the same.
    import threading
    doomed, raised = conn.lookupByName("test"), []

    def suspend():
        raised.append(raises(libvirt.libvirtError, doomed.suspend))

    caller = threading.Thread(target=suspend)
    caller.start()
    assert conn.getVersion() == 1         # suspend() is in libvirt now
    assert doomed.__del__() is None       # the release waits for it
    assert conn.getLibVersion() == 2      # suspend() goes on, and fails
    caller.join()
    assert raised[0].get_error_code() == libvirt.VIR_ERR_INVALID_ARG, raised[0].err
    assert doomed._o is None


if __name__ == "__main__":
    child.main(globals())
