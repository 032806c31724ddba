#!/usr/bin/env bash
# System setup for the tests that drive a real libvirtd + QEMU
# (tests/test_qemu_events.py, fixtures in tests/qemu_daemon.py).
#
# Idempotent.  Installs the Debian packages and creates the users/groups
# the QEMU driver insists on.  It does NOT configure or start any daemon:
# the test fixtures start their own virtlogd/libvirtd in a private mount
# namespace with their own configuration, so the machine's libvirt setup
# (if any) is never touched.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

bash "$(dirname "$0")/apt-install-missing.sh" libvirt-daemon libvirt-daemon-driver-qemu \
    libvirt-clients qemu-system-x86 openssl sasl2-bin libsasl2-modules util-linux

# The QEMU driver looks these up at start-up even when qemu.conf says
# user = "root" / group = "root".  (Normally created by libvirt-daemon-system,
# which we do not install.)
getent group kvm >/dev/null || $SUDO groupadd -r kvm
getent group libvirt-qemu >/dev/null || $SUDO groupadd -r libvirt-qemu
getent passwd libvirt-qemu >/dev/null || \
    $SUDO useradd -r -g kvm -G libvirt-qemu -d /var/lib/libvirt -M -s /usr/sbin/nologin libvirt-qemu
