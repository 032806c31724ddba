"""Conversions of hand-written methods the test driver cannot exercise.

tests/data/fake_calls.c replaces those libvirt functions (job and block
job information, security labels, node memory statistics, SSH keys, I/O
threads, messages, DHCP leases, free pages, secrets, stream reads, the
QEMU/LXC calls, ...) with stand-ins returning known data; it is compiled
here and loaded with LD_PRELOAD into a child Python that runs each check
(a case of tests/children/fake_calls_cases.py).
The expected shapes are the reference binding's (list vs tuple, key names
and order, int vs bool).  Skipped where no C compiler or pkg-config is
available.
"""

import os
import shutil
import subprocess

import pytest

from support import child, sanitizer

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE_SOURCE = os.path.join(HERE, "data", "fake_calls.c")

@pytest.fixture(scope="session")
def fake_lib(tmp_path_factory):
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None or shutil.which("pkg-config") is None:
        pytest.skip("needs a C compiler and pkg-config")
    # Headers only: fake_calls.c says why libvirt is not linked in.
    flags = subprocess.run(["pkg-config", "--cflags", "libvirt", "libvirt-qemu", "libvirt-lxc"],
                           capture_output=True, text=True)
    if flags.returncode != 0:
        pytest.skip("pkg-config does not know libvirt")
    out = str(tmp_path_factory.mktemp("fake") / "fake_calls.so")
    subprocess.run([cc, "-shared", "-fPIC", "-o", out, FAKE_SOURCE, *flags.stdout.split(),
                    "-ldl"], check=True)
    return out


def run_fake(fake_lib, case, **env):
    """Run a case of tests/children/fake_calls_cases.py in a child Python
    with the fakes preloaded."""
    child.run("fake_calls_cases", case,
              env=dict(os.environ, LD_PRELOAD=sanitizer.preload(fake_lib), **env))


def test_block_job_info(fake_lib):
    run_fake(fake_lib, "block_job_info")


def test_job_info(fake_lib):
    run_fake(fake_lib, "job_info")


def test_job_stats(fake_lib):
    run_fake(fake_lib, "job_stats")


def test_domain_cpu_stats_with_offline_cpu(fake_lib):
    run_fake(fake_lib, "domain_cpu_stats_with_offline_cpu")


def test_security_label_list(fake_lib):
    run_fake(fake_lib, "security_label_list")


def test_node_memory_stats(fake_lib):
    run_fake(fake_lib, "node_memory_stats")


def test_authorized_ssh_keys_round_trip(fake_lib):
    run_fake(fake_lib, "authorized_ssh_keys_round_trip")


def test_iothread_info(fake_lib):
    run_fake(fake_lib, "iothread_info")


def test_messages(fake_lib):
    run_fake(fake_lib, "messages")


def test_dhcp_leases(fake_lib):
    run_fake(fake_lib, "dhcp_leases")


def test_free_pages(fake_lib):
    run_fake(fake_lib, "free_pages")


def test_alloc_pages(fake_lib):
    run_fake(fake_lib, "alloc_pages")


def test_baseline_hypervisor_cpu(fake_lib):
    run_fake(fake_lib, "baseline_hypervisor_cpu")


def test_secret_value(fake_lib):
    run_fake(fake_lib, "secret_value")


def test_stream_recv_send(fake_lib):
    run_fake(fake_lib, "stream_recv_send")


def test_stream_recv_from_two_threads(fake_lib):
    run_fake(fake_lib, "stream_recv_two_streams_two_threads")
    run_fake(fake_lib, "stream_recv_one_stream_two_threads")


def test_stream_recv_all(fake_lib):
    run_fake(fake_lib, "stream_recv_all")
    run_fake(fake_lib, "stream_recv_all_nonblocking_refused", FAKE_STREAM_BLOCK='1')


def test_qemu_monitor_command(fake_lib):
    run_fake(fake_lib, "qemu_monitor_command")


def test_qemu_monitor_command_with_files(fake_lib):
    run_fake(fake_lib, "qemu_monitor_command_with_files")


def test_lxc_open_namespace(fake_lib):
    run_fake(fake_lib, "lxc_open_namespace")


def test_fd_associate(fake_lib):
    run_fake(fake_lib, "fd_associate")


def test_failure_during_a_deferred_release(fake_lib):
    run_fake(fake_lib, "failure_during_a_deferred_release")
