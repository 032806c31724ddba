"""What the generated entry point of a hand-written function hands its impl
(libvirt-override-api.xml's header comment), checked on the declarations:
the impl header generated from the installed libvirt's API and the tree's
override descriptions gives self's handle, typed as libvirt's, to every
impl of a method whose self libvirt takes, and to no other.

What the entry points do with those declarations is checked by calling
them, elsewhere:
- convert='yes' (virDomainGetState, outputs from libvirt's signature),
  rules.FILLED_ARRAYS (virNodeGetCellsFreeMemory sized by its parameter,
  virDomainGetDiskErrors by libvirt's count), callback= (virEventAddTimeout;
  a converted deregistration, virConnectUnregisterCloseCallback) and
  prepare='yes' (virConnectDomainEventDeregister): the mini fixture of
  tests/test_emitted_c.py, whose -Werror build also fails when a generated
  prototype and the hand-written C disagree;
- the handle read once self is counted in flight (a race):
  tests/test_release_races.py and tests/test_lent_objects.py;
- qemuMonitorCommandWithFiles (a list and object argument, counted and
  freed) and qemuMonitorCommand (str_out): the fake libvirt of
  tests/test_overrides_fake.py (tests/children/fake_calls_cases.py);
- stream eventAddCallback (an lv_reg released if libvirt refuses):
  tests/test_events_close_and_stream.py;
- memoryStats()'s keys from libvirt's enum names: tests/test_overrides.py."""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

import generator  # noqa: E402
from codegen import classify, emit_c_handwritten, emit_c_parts, emit_module, rules  # noqa: E402
from codegen.modules import MODULES  # noqa: E402

sys.path.remove(ROOT)


@pytest.fixture(scope="module")
def loaded():
    apis = {m: generator.pkg_config_api(m) for m in MODULES}
    _, _, bindings = generator.load(apis, ROOT)
    return bindings


def test_every_impl_of_a_method_libvirt_takes_self_of_gets_the_typed_handle(loaded):
    checked = {}
    for module, bindings in loaded.items():
        header = emit_module.impl_header(MODULES[module].extension, bindings)
        for b in bindings:
            if (b.state != classify.HANDWRITTEN or b.function.name in rules.SHARED_IMPLS
                    or b.converts or b.callback):
                continue
            start = f"PyObject *{emit_c_parts.impl_name(b)}({'PyObject *self' if b.pyclass else 'PyObject *module'}, lv_state *st"
            takes = (b.pyclass is not None and not b.releases
                     and b.function.args[0].ctype == rules.CLASSES[b.pyclass][0])
            handle = f", {b.function.args[0].ctype} {b.function.args[0].name}" if takes else ""
            assert start + handle in header, b.function.name
            assert emit_c_handwritten.impl_takes_handle(b) == takes, b.function.name
            checked[b.function.name] = takes
    # close() releases self; listGetStats() hands libvirt the domains only
    assert checked["virConnectClose"] is False and checked["virDomainListGetStats"] is False
    assert checked["virDomainGetCPUStats"] is True and len(checked) >= 30
