"""Objects libvirt hands the binding: an event callback's domain (network,
storage pool, node device), getAllDomainStats' and domainListGetStats'
domains.

The binding takes no libvirt reference of its own for these where it can
do without: a stats record's domain reference is taken over by the
virDomain made of it, and an event's object is lent to the callback,
taking a reference only when something still holds the object once the
callback returned (src/objects.c, lv_object_settle).  Pinned here:

- what a callback's object answers once the event is over, with the
  libvirt object gone meanwhile (undefined): kept in a list, in a
  closure, in an exception's traceback, in a reference cycle, by another
  thread still using it, wrapped again (virDomain(conn, _obj=dom._o)) or
  released in the callback (dom.__del__()), through the
  legacy domainEventRegister, for networks, pools and node devices, and
  getAllDomainStats' domains: the same as the reference binding's
  answers, under PYTHONMALLOC=debug with freed C memory overwritten
  (MALLOC_PERTURB_), where a handle used after libvirt freed it would
  show;
- that an object nothing keeps is gone when the callback returns (its
  weak references dead, their callbacks run);
- how many of libvirt's Ref and Free functions each step calls (counted
  in libvirt's debug log): none for an event whose object is dropped,
  one Ref per kept object (and its Free when it goes), none for
  getAllDomainStats but the Free of each domain when the result goes;
- over 50,000 events, half of the objects kept a while: RSS flat and no
  virDomain left behind.

Each scenario runs in a child (tests/children/lent_objects_cases.py).
"""

import os

import pytest

from reference_venv import clean_env, reference_python_or_skip
from support import child, sanitizer
from support.paths import DRIVER_URI

# The cases whose answers are the reference's.  Not the others: the
# reference prints a callback's exception (sys.last_value then keeps the
# traceback) where this binding calls sys.unraisablehook; its flat
# functions take `dom._o`, not the object; and the reference's objects go
# invalid ("invalid domain pointer") where ours stay usable: a domain kept
# from its legacy domainEventRegister callback once the callback returned,
# and virDomain(conn, _obj=dom._o), which shares dom's handle there, once
# dom is released.
BEHAVIOUR = [
    ("kept_in_a_list",), ("dropped",), ("in_a_closure",), ("in_a_cycle",),
    ("used_by_another_thread",), ("other_families_kept",), ("stats_kept",),
]
# What a kept domain answers once undefined: its name and UUID (kept by
# libvirt's object), its connection, and info()'s "no domain" error.
NO_DOMAIN = ["libvirtError", 42]   # VIR_ERR_NO_DOMAIN
EVENTS = 50_000
RSS_MARGIN_KIB = 1024


def perturbed_env(base=None):
    env = dict(os.environ if base is None else base)
    env.update(PYTHONMALLOC="debug", MALLOC_PERTURB_="165")
    return env


def run_case(case, python=None, env=None):
    name, *args = case
    return child.run("lent_objects_cases", name, DRIVER_URI, *args, python=python,
                     env=env, timeout=120).value


def kept(name, uuid_string):
    return [name, uuid_string, True, NO_DOMAIN]


@pytest.mark.parametrize("case", BEHAVIOUR, ids=lambda c: "-".join(c))
def test_same_answers_as_the_reference(case):
    ours = run_case(case, env=perturbed_env())
    reference = run_case(case, python=reference_python_or_skip(),
                         env=perturbed_env(clean_env()))
    assert ours == reference


def test_kept_objects_answer_after_the_domain_is_gone():
    value = run_case(("kept_in_a_list",), env=perturbed_env())
    assert len(value) == 2 and value[0] == value[1]
    assert value[0][0] == "lent-list" and value[0][2:] == [True, NO_DOMAIN]
    assert run_case(("in_a_closure",), env=perturbed_env())[0][0] == "lent-closure"
    assert [r[0] for r in run_case(("used_by_another_thread",), env=perturbed_env())] \
        == ["lent-thread"] * 2


def test_a_dropped_object_is_gone_when_the_callback_returns():
    at_return, dead, weakref_callbacks_ran = run_case(("dropped",))
    assert at_return == ["lent-dropped"] * 2
    assert dead == [True, True] and weakref_callbacks_ran


def test_traceback_keeps_the_object_while_the_exception_lives():
    messages, answers, dead = run_case(("in_a_traceback", "1"), env=perturbed_env())
    assert messages == ["lent-tb"] * 2
    assert [a[0] for a in answers] == ["lent-tb"] * 2 and answers[0][3] == NO_DOMAIN
    assert dead == [True, True]
    hooked, dead = run_case(("in_a_traceback", "0"))
    assert hooked == ["ValueError"] * 2 and dead == [True, True]


def test_a_reference_cycle_keeps_the_object_until_collected():
    alive, dead = run_case(("in_a_cycle",), env=perturbed_env())
    assert [a[0] for a in alive] == ["lent-cycle"] * 2 and dead == [True, True]


def test_released_in_the_callback_and_wrapped_again():
    released, again = run_case(("wrapped_again_and_released",), env=perturbed_env())
    # __del__(): None; then _o is None, info() raises VIR_ERR_INVALID_DOMAIN
    # (7), and releasing again does nothing.
    assert released == [[None, True, 7, None]] * 2
    assert [a[0] for a in again] == ["lent-again"] * 2
    # libvirtmod.virDomainFree: 0, twice.
    assert run_case(("released_by_the_flat_function",), env=perturbed_env()) \
        == [[0, True, 0]] * 2


def test_released_in_the_callback_while_another_thread_calls_it():
    events, raised, codes = run_case(("released_during_calls", 200), env=perturbed_env())
    # Every loop ended with libvirtError once the object read as released:
    # VIR_ERR_INVALID_DOMAIN (7).  A call in flight during the release uses
    # the handle it read under the GIL (c_self), and succeeds.
    assert events == raised == 200 and set(codes) == {7}, codes


def test_other_families_and_the_legacy_registration():
    names, answers = run_case(("legacy_kept_and_dropped",), env=perturbed_env())
    assert names == ["lent-legacy"] * 2 and [a[0] for a in answers] == ["lent-legacy"] * 2
    got = run_case(("other_families_kept",), env=perturbed_env())
    assert [kind for kind, name in got] == ["dev", "dev", "net", "net", "pool", "pool"]
    assert {name for kind, name in got if kind != "dev"} == {"lent-net", "lent-pool"}


def test_stats_domains_outlive_their_records():
    names, listed, same_uuid = run_case(("stats_kept",), env=perturbed_env())
    assert names == ["alpha", "beta", "delta", "epsilon", "gamma"]
    assert len(listed) == 2 and all(same_uuid)


def test_libvirt_ref_and_free_calls(tmp_path):
    log = tmp_path / "libvirt.log"
    env = dict(os.environ, LIBVIRT_LOG_OUTPUTS="1:file:%s" % log, LIBVIRT_LOG_FILTERS="1:libvirt")
    steps = run_case(("ref_free_counts", str(log)), env=env)
    n = steps.pop("getAllDomainStats domains")
    assert n == 5
    assert steps == {
        "dropped": {},
        "kept": {"virDomainRef": 2},
        "kept, then dropped": {"virDomainFree": 2},
        "getAllDomainStats": {},
        "getAllDomainStats dropped": {"virDomainFree": n},
        "domainListGetStats": {},
        "domainListGetStats dropped": {"virDomainFree": 1},
        "network dropped": {},
    }


def test_many_events_leave_nothing_behind():
    phases = run_case(("many_events", 5000, EVENTS))
    assert phases["run"]["events"] == 5000 + EVENTS
    assert phases["warmup"]["domains"] == phases["run"]["domains"] == 1   # 'alpha' itself
    if sanitizer.ASAN_PRELOADED:
        return   # sanitizer.RSS_UNMEASURABLE
    growth = phases["run"]["rss_kib"] - phases["warmup"]["rss_kib"]
    assert growth <= RSS_MARGIN_KIB, "RSS grew by %d KiB over %d events" % (growth, EVENTS)
