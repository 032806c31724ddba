"""One event scenario, run identically under each of the three event loops
libvirt can use from Python:

  default   libvirt's own loop: virEventRegisterDefaultImpl(), iterated by
            a thread calling virEventRunDefaultImpl();
  python    a Python loop given to virEventRegisterImpl(): the loop
            double of support/eventloop.py, run by a thread of its own;
  asyncio   libvirtaio.virEventRegisterAsyncIOImpl() on the running loop
            of asyncio.run() (the scenario runs in the loop's thread).

libvirt takes one event implementation per process, so each loop runs the
scenario in a fresh interpreter of its own (tests/children/
event_loops_scenario.py), with the same Python as the tests, which returns
a JSON report.  The three children run at once.

The scenario (its scenario(), a generator: it yields what it waits
for, and each loop's driver does the waiting its own way) opens
test:///default after the implementation was registered, registers
callbacks for domain lifecycle (all domains), domain metadata change,
network lifecycle, storage pool lifecycle and refresh, node device
lifecycle, plus a raising lifecycle callback on domain "test" only, then:

  suspend + resume "test"; createXML + destroy of a transient domain;
  define + undefine; two setMetadata; network "default" destroy + create;
  pool "default-pool" destroy + create + refresh; vHBA create + destroy
  (the test driver raises node device events for it, see test_events_objects.py);
  a stream callback on the stream of "test"'s screenshot, read to EOF;

waiting after each step for its events.  Everything is then deregistered,
and the same kinds of events raised again while a second connection's
registrations show they were delivered: the first connection's callbacks
get none.  The test checks, for each loop, that the (callback kind, object
name, event, detail) sequence is exactly EXPECTED (written from libvirt's
documented constants), that the three loops give the same sequence, that
the raising callback's exceptions are reported (see REPORTING_HOOK) while
later events still arrive, that the connection (stream) and opaque given to
callbacks are the very objects registered, and that callbacks run in the
loop's thread.

Running on the reference binding: run pytest with its interpreter, with a
directory holding only a copy of this repository's libvirtaio.py first on
PYTHONPATH (the children inherit both; the asyncio child checks it got
this repository's libvirtaio.py, like test_libvirtaio.py does):

    d=$(mktemp -d) && cp libvirtaio.py $d/ && \\
    PYTHONPATH=$d bench/.venv-reference/bin/python -m pytest tests/test_event_loops.py
"""

import json
import os
import sys
import types

import pytest

from reference_venv import REFERENCE_VENV
from support import child
from support.event_tests import DOMAIN_XML, VHBA_XML

SCENARIO = "event_loops_scenario"
LOOPS = ["default", "python", "asyncio"]

# Where an exception raised by an event callback is reported: our binding
# hands it to sys.unraisablehook (README); the reference binding calls
# PyErr_Print(), which hands it to sys.excepthook.
ON_REFERENCE = os.path.realpath(sys.prefix) == os.path.realpath(REFERENCE_VENV)
REPORTING_HOOK = "excepthook" if ON_REFERENCE else "unraisablehook"

# libvirt's documented values (libvirt-domain.h, libvirt-network.h,
# libvirt-storage.h, libvirt-nodedev.h, libvirt-stream.h).
DOCUMENTED = {
    "VIR_DOMAIN_EVENT_ID_LIFECYCLE": 0,
    "VIR_DOMAIN_EVENT_ID_METADATA_CHANGE": 23,
    "VIR_NETWORK_EVENT_ID_LIFECYCLE": 0,
    "VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE": 0,
    "VIR_STORAGE_POOL_EVENT_ID_REFRESH": 1,
    "VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE": 0,
    "VIR_DOMAIN_EVENT_DEFINED": 0,
    "VIR_DOMAIN_EVENT_DEFINED_ADDED": 0,
    "VIR_DOMAIN_EVENT_UNDEFINED": 1,
    "VIR_DOMAIN_EVENT_UNDEFINED_REMOVED": 0,
    "VIR_DOMAIN_EVENT_STARTED": 2,
    "VIR_DOMAIN_EVENT_STARTED_BOOTED": 0,
    "VIR_DOMAIN_EVENT_SUSPENDED": 3,
    "VIR_DOMAIN_EVENT_SUSPENDED_PAUSED": 0,
    "VIR_DOMAIN_EVENT_RESUMED": 4,
    "VIR_DOMAIN_EVENT_RESUMED_UNPAUSED": 0,
    "VIR_DOMAIN_EVENT_STOPPED": 5,
    "VIR_DOMAIN_EVENT_STOPPED_DESTROYED": 1,
    "VIR_DOMAIN_METADATA_DESCRIPTION": 0,
    "VIR_DOMAIN_METADATA_ELEMENT": 2,
    "VIR_NETWORK_EVENT_STARTED": 2,
    "VIR_NETWORK_EVENT_STOPPED": 3,
    "VIR_STORAGE_POOL_EVENT_STARTED": 2,
    "VIR_STORAGE_POOL_EVENT_STOPPED": 3,
    "VIR_NODE_DEVICE_EVENT_CREATED": 0,
    "VIR_NODE_DEVICE_EVENT_DELETED": 1,
    "VIR_STREAM_EVENT_READABLE": 1,
    "VIR_STREAM_NONBLOCK": 1,
}
C = types.SimpleNamespace(**DOCUMENTED)

METADATA_URI = "http://example.org/event-loops/"


def expected_records(vhba_name):
    """What the scenario's callbacks get, in order (vhba_name: the name
    libvirt gave the vHBA, as nodeDeviceCreateXML's result reported it)."""
    return [
        ("domain", "test", C.VIR_DOMAIN_EVENT_SUSPENDED, C.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED),
        ("domain", "test", C.VIR_DOMAIN_EVENT_RESUMED, C.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED),
        ("domain", "loops-transient", C.VIR_DOMAIN_EVENT_STARTED,
         C.VIR_DOMAIN_EVENT_STARTED_BOOTED),
        ("domain", "loops-transient", C.VIR_DOMAIN_EVENT_STOPPED,
         C.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
        ("domain", "loops-defined", C.VIR_DOMAIN_EVENT_DEFINED, C.VIR_DOMAIN_EVENT_DEFINED_ADDED),
        ("domain", "loops-defined", C.VIR_DOMAIN_EVENT_UNDEFINED,
         C.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED),
        ("metadata", "test", C.VIR_DOMAIN_METADATA_DESCRIPTION, None),
        ("metadata", "test", C.VIR_DOMAIN_METADATA_ELEMENT, METADATA_URI),
        ("network", "default", C.VIR_NETWORK_EVENT_STOPPED, 0),
        ("network", "default", C.VIR_NETWORK_EVENT_STARTED, 0),
        ("pool", "default-pool", C.VIR_STORAGE_POOL_EVENT_STOPPED, 0),
        ("pool", "default-pool", C.VIR_STORAGE_POOL_EVENT_STARTED, 0),
        ("pool-refresh", "default-pool", None, None),
        ("nodedev", vhba_name, C.VIR_NODE_DEVICE_EVENT_CREATED, 0),
        ("nodedev", vhba_name, C.VIR_NODE_DEVICE_EVENT_DELETED, 0),
        ("stream", "test", C.VIR_STREAM_EVENT_READABLE, "image/png"),
    ]


# What the raising callback (lifecycle, domain "test" only) was called with.
EXPECTED_RAISED = [
    [C.VIR_DOMAIN_EVENT_SUSPENDED, C.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED],
    [C.VIR_DOMAIN_EVENT_RESUMED, C.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED],
]


def _start(kind, cwd):
    config = {"domain_xml": DOMAIN_XML, "vhba_xml": VHBA_XML, "metadata_uri": METADATA_URI}
    # cwd: a directory of its own, as a place where the child finds no
    # libvirt*.py (the repository's root has libvirtaio.py).
    return child.start(SCENARIO, kind, json.dumps(config), cwd=cwd)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The report of each loop's child, by loop (the three run at once)."""
    procs = {kind: _start(kind, tmp_path_factory.mktemp(kind)) for kind in LOOPS}
    return {kind: child.finish(proc, timeout=60) for kind, proc in procs.items()}


def _report(reports, kind):
    return reports[kind].value


@pytest.fixture(scope="module")
def libvirt_module():
    import libvirt
    return libvirt


def test_documented_constants(libvirt_module):
    for name, value in DOCUMENTED.items():
        assert getattr(libvirt_module, name) == value, name


@pytest.mark.parametrize("kind", LOOPS)
def test_loop_delivers_the_expected_events(reports, kind):
    r = _report(reports, kind)
    assert all(ok for _, ok in r["waits"]), (r["waits"], r["records"])
    assert [tuple(rec) for rec in r["records"]] == expected_records(r["vhba_name"])
    assert r["stream_mime"] == "image/png" and r["stream_bytes"] > 0


@pytest.mark.parametrize("kind", LOOPS)
def test_raising_callback_is_reported_and_events_go_on(reports, kind):
    """Each call of the raising callback is reported once, through
    REPORTING_HOOK, and the events after it still arrive (to it, and to
    everything else: test_loop_delivers_the_expected_events)."""
    r = _report(reports, kind)
    assert r["raised"] == EXPECTED_RAISED
    messages = ["raiser %d/%d" % tuple(args) for args in EXPECTED_RAISED]
    if REPORTING_HOOK == "unraisablehook":
        # the object reported is the callback itself
        assert r["hooks"] == [["unraisablehook", "ValueError", m, True] for m in messages]
    else:
        assert r["hooks"] == [["excepthook", "ValueError", m, None] for m in messages]


@pytest.mark.parametrize("kind", LOOPS)
def test_deregistration_stops_delivery(reports, kind):
    r = _report(reports, kind)
    # the second connection saw the events raised after deregistering ...
    assert r["sentinel"] == [["test", C.VIR_DOMAIN_EVENT_SUSPENDED,
                              C.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED],
                             ["test", C.VIR_DOMAIN_EVENT_RESUMED,
                              C.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED],
                             ["default-pool"]]
    # ... the deregistered callbacks none of them
    assert r["after_deregistration"] == []


@pytest.mark.parametrize("kind", LOOPS)
def test_callbacks_get_the_registered_objects_in_the_loop_thread(reports, kind):
    """The connection (stream) given to every callback is the one it was
    registered on, the opaque the one registered; callbacks run in the
    loop's thread; the loop ends with nothing left registered."""
    r = _report(reports, kind)
    assert r["bad_args"] == []
    assert r["wrong_thread"] == []
    assert r["loop_finished"] is True


def test_all_loops_deliver_the_same_sequence(reports):
    sequences = {kind: _report(reports, kind)["records"] for kind in LOOPS}
    assert sequences["python"] == sequences["default"]
    assert sequences["asyncio"] == sequences["default"]
    raised = {kind: _report(reports, kind)["raised"] for kind in LOOPS}
    assert raised["python"] == raised["default"] == raised["asyncio"]
