"""libvirtaio: libvirt's event loop on asyncio.

libvirt keeps the first event implementation registered in a process, so
every test runs its case of tests/children/libvirtaio_cases.py in a fresh
interpreter of its own, with the same Python as the tests.

The module under test is whatever `import libvirtaio` finds, and it must
be this repository's libvirtaio.py (the cases check): the installed
copy for our binding, or, to run these tests on the reference binding, a
directory holding only a copy of our libvirtaio.py put first with
PYTHONPATH.
"""

from support import child

CASES = "libvirtaio_cases"


def run(case):
    return child.run(CASES, case, timeout=120)


# ---- registration -----------------------------------------------------------

def test_register_in_running_loop_returns_the_current_impl():
    run("register_in_running_loop_returns_the_current_impl")


def test_register_with_a_given_loop():
    run("register_with_a_given_loop")


def test_register_outside_a_running_loop_uses_the_current_loop():
    run("register_outside_a_running_loop_uses_the_current_loop")


# ---- timeouts -----------------------------------------------------------------

def test_timer_fires_periodically_and_update_disables_and_reenables():
    run("timer_fires_periodically_and_update_disables_and_reenables")


def test_timer_update_restarts_the_countdown():
    run("timer_update_restarts_the_countdown")


def test_free_callback_runs_from_the_loop_after_removal_not_during_it():
    run("free_callback_runs_from_the_loop_after_removal_not_during_it")


def test_removed_registrations_release_their_callback_and_opaque():
    run("removed_registrations_release_their_callback_and_opaque")


def test_callback_removing_its_own_timer():
    run("callback_removing_its_own_timer")


def test_drain_waits_for_the_last_registration():
    run("drain_waits_for_the_last_registration")


def test_many_timers():
    run("many_timers")


def test_timer_added_from_another_thread_fires_in_the_loop():
    run("timer_added_from_another_thread_fires_in_the_loop")


# ---- handles --------------------------------------------------------------------

def test_handle_on_a_pipe_fires_when_readable():
    run("handle_on_a_pipe_fires_when_readable")


def test_handle_on_a_pipe_fires_when_writable():
    run("handle_on_a_pipe_fires_when_writable")


def test_handle_reports_the_peer_hanging_up():
    run("handle_reports_the_peer_hanging_up")


def test_several_watches_on_one_descriptor():
    run("several_watches_on_one_descriptor")


# ---- errors ---------------------------------------------------------------------

def test_raising_callbacks_are_reported_and_the_loop_goes_on():
    proc = run("raising_callbacks_are_reported_and_the_loop_goes_on")
    counts = proc.value
    timer_hooked, timer_calls, handle_hooked = (
        counts["timer hooked"], counts["timer calls"], counts["handle hooked"])
    # Each exception went to sys.unraisablehook or the loop's exception
    # handler, or else the binding printed its traceback.
    assert timer_hooked + proc.stderr.count("ValueError: boom from a timer") == timer_calls, proc.stderr
    assert handle_hooked + proc.stderr.count("KeyError: 'boom from a handle'") == 2, proc.stderr


# ---- libvirt's own events ---------------------------------------------------------

def test_domain_lifecycle_events_are_delivered_through_asyncio():
    run("domain_lifecycle_events_are_delivered_through_asyncio")


def test_raising_domain_event_callback_does_not_stop_the_loop():
    run("raising_domain_event_callback_does_not_stop_the_loop")


def test_closing_the_connection_cleans_up():
    run("closing_the_connection_cleans_up")
