"""What the test modules on a real libvirtd + QEMU share (test_qemu_events,
test_daemon_faults, test_load).

requirements(**need) -> (reason, mark)
    reason: why this machine cannot run them (qemu_daemon.missing_requirements),
    or None; mark skips a test then, except under CI (CI set in the
    environment), where fail_in_ci(reason), called by the module's tests,
    fails it instead.

The domain lifecycle event constants, spelled out so that the expectations
do not depend on the binding under test; LIFECYCLE maps libvirt's names to
them, for each module's test_constants_match_the_binding.
"""

import os

import pytest

import qemu_daemon as qd

IN_CI = bool(os.environ.get("CI"))


def requirements(**need):
    reason = qd.missing_requirements(**need)
    return reason, pytest.mark.skipif(bool(reason) and not IN_CI,
                                      reason="real libvirtd/QEMU: %s" % reason)


def fail_in_ci(reason):
    if reason:
        pytest.fail("CI must run the real-QEMU tests, but: %s "
                    "(run scripts/setup-qemu.sh)" % reason, pytrace=False)


DEFINED, UNDEFINED, STARTED, SUSPENDED, RESUMED, STOPPED, SHUTDOWN = range(7)
DEFINED_ADDED = UNDEFINED_REMOVED = STARTED_BOOTED = 0
SUSPENDED_PAUSED = RESUMED_UNPAUSED = STOPPED_SHUTDOWN = 0
STOPPED_DESTROYED = 1
SHUTDOWN_HOST = 2
EVENT_ID_LIFECYCLE = 0

LIFECYCLE = {
    "VIR_DOMAIN_EVENT_DEFINED": DEFINED,
    "VIR_DOMAIN_EVENT_UNDEFINED": UNDEFINED,
    "VIR_DOMAIN_EVENT_STARTED": STARTED,
    "VIR_DOMAIN_EVENT_SUSPENDED": SUSPENDED,
    "VIR_DOMAIN_EVENT_RESUMED": RESUMED,
    "VIR_DOMAIN_EVENT_STOPPED": STOPPED,
    "VIR_DOMAIN_EVENT_SHUTDOWN": SHUTDOWN,
    "VIR_DOMAIN_EVENT_DEFINED_ADDED": DEFINED_ADDED,
    "VIR_DOMAIN_EVENT_UNDEFINED_REMOVED": UNDEFINED_REMOVED,
    "VIR_DOMAIN_EVENT_STARTED_BOOTED": STARTED_BOOTED,
    "VIR_DOMAIN_EVENT_SUSPENDED_PAUSED": SUSPENDED_PAUSED,
    "VIR_DOMAIN_EVENT_RESUMED_UNPAUSED": RESUMED_UNPAUSED,
    "VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN": STOPPED_SHUTDOWN,
    "VIR_DOMAIN_EVENT_STOPPED_DESTROYED": STOPPED_DESTROYED,
    "VIR_DOMAIN_EVENT_SHUTDOWN_HOST": SHUTDOWN_HOST,
    "VIR_DOMAIN_EVENT_ID_LIFECYCLE": EVENT_ID_LIFECYCLE,
}
