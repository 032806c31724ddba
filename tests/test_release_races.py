"""Releasing an object while another thread is inside a call on it
(close(), __del__(), libvirtmod's <Class>Free): the release waits for the
calls in flight (lv_call_enter/lv_call_leave around every call without the
GIL), and the object reads as released from then on.  Each family runs in
child processes under PYTHONMALLOC=debug, where a use after free shows as
a crash: 1,000 releases in all, none may crash."""

import os

import pytest

from support import child

FAMILIES = ["plain", "list_all", "name_list", "typed_get", "out_scalar", "handwritten",
            "handwritten_noargs", "domain_del", "domain_free", "object_argument"]
PROCESSES, TRIALS = 5, 20     # per family: 10 families x 5 x 20 = 1,000 releases


@pytest.mark.parametrize("family", FAMILIES)
def test_a_release_during_calls_waits_for_them_and_nothing_crashes(family):
    env = dict(os.environ, PYTHONMALLOC="debug")
    for _ in range(PROCESSES):
        done = child.run("release_races_cases", "release_during_calls", family, TRIALS,
                         env=env, timeout=300)
        # every trial's call loop ended with libvirtError, none with a crash
        assert done.value == [TRIALS, TRIALS], done.output
