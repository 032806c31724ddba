"""What the generated entry point of a hand-written function hands its impl:
self's handle, typed as libvirt's and read once self is counted in flight,
for the methods whose self libvirt takes; and for a converted call
(convert='yes'), the libvirt call made by the entry point and its result
and outputs handed to the converter (libvirt-override-api.xml's header
comment).  On the installed libvirt's API and the override descriptions of
the tree."""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

import generator  # noqa: E402
from codegen import classify, emit_c, emit_c_handwritten, emit_c_parts, emit_module, rules  # noqa: E402
from codegen.modules import MODULES  # noqa: E402

sys.path.remove(ROOT)


def assert_in_order(text, *pieces):
    """Each piece is in the emitted `text`, after the one before it."""
    at = [text.index(piece) for piece in pieces]
    assert at == sorted(at), pieces


@pytest.fixture(scope="module")
def loaded():
    apis = {m: generator.pkg_config_api(m) for m in MODULES}
    _, _, bindings = generator.load(apis, ROOT)
    return bindings


@pytest.fixture(scope="module")
def core(loaded):
    return {b.function.name: b for b in loaded["libvirt"]}


def test_every_impl_of_a_method_libvirt_takes_self_of_gets_the_typed_handle(loaded):
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


def test_the_handle_is_read_after_self_is_counted_in_flight(core):
    text = emit_c.entry_point(core["virDomainGetCPUStats"])
    assert_in_order(
        text, "lv_call_enter(self);", "c_self = (virDomainPtr)LV_HANDLE(self);",
        "lv_impl_virDomainGetCPUStats(self, st, c_self, a_total, a_flags)",
        "lv_call_leave(self);")


def test_shared_impls_get_the_handle_before_their_leading_argument(core):
    text = emit_c.entry_point(core["virConnectNetworkEventDeregisterAny"])
    assert "lv_event_deregister_any(self, st, c_self, &lv_network_family, a_callbackID)" in text


def test_the_releasing_method_and_functions_whose_self_libvirt_does_not_take_get_none(core):
    # close() releases self; listGetStats() hands libvirt the domains only.
    for name in ("virConnectClose", "virDomainListGetStats"):
        assert not emit_c_handwritten.impl_takes_handle(core[name])
        assert "c_self" not in emit_c.entry_point(core[name])


def test_a_converted_call_gets_its_outputs_from_libvirt_s_signature(loaded, core):
    header = emit_module.impl_header("libvirtmod", loaded["libvirt"])
    assert ("PyObject *lv_convert_virDomainGetState(PyObject *self, lv_state *st, int ret, "
            "int state, int reason);") in header
    # a struct pointer type: a struct the entry point fills, passed by pointer
    assert ("PyObject *lv_convert_virDomainGetInfo(PyObject *self, lv_state *st, int ret, "
            "virDomainInfoPtr info);") in header
    assert "lv_impl_virDomainGetState" not in header
    text = emit_c.entry_point(core["virDomainGetState"])
    assert_in_order(
        text, "lv_call_enter(self);", "c_self = (virDomainPtr)LV_HANDLE(self);",
        "c_result = virDomainGetState(c_self, &o_state, &o_reason, a_flags);",
        # a failure is raised before leaving (a deferred release resets the error)
        "if (c_result < 0)", "lv_raise(st, \"virDomainGetState\")", "lv_call_leave(self);",
        "return lv_convert_virDomainGetState(self, st, c_result, o_state, o_reason);")


def test_a_converted_call_with_a_list_and_an_object_argument_counts_and_frees_them(loaded):
    qemu = {b.function.name: b for b in loaded["libvirt-qemu"]}
    text = emit_c.entry_point(qemu["virDomainQemuMonitorCommandWithFiles"])
    assert ("virDomainQemuMonitorCommandWithFiles((virDomainPtr)a_domain, a_cmd, a_files_len, "
            "a_files, &o_noutfiles, &o_outfiles, &o_result, a_flags)") in text
    assert_in_order(
        text, "lv_call_enter(argv[0]);", "Py_BEGIN_ALLOW_THREADS",
        "if (c_result < 0) {\n        PyMem_Free(a_files);", "lv_call_leave(argv[0]);",
        "lv_call_leave(argv[0]);\n    PyMem_Free(a_files);",
        "return lv_convert_virDomainQemuMonitorCommandWithFiles(module, st, c_result, "
        "o_noutfiles, o_outfiles, o_result);")


def test_a_single_string_output_is_generated_as_the_result(loaded):
    qemu = {b.function.name: b for b in loaded["libvirt-qemu"]}
    b = qemu["virDomainQemuMonitorCommand"]
    assert (b.state, b.shape) == (classify.GENERATED, classify.STR_OUT)
    assert "return lv_str_free(value);" in emit_c.entry_point(b)


def test_a_registration_holds_cb_and_opaque_in_an_lv_reg_released_if_libvirt_refuses(core):
    text = emit_c.entry_point(core["virStreamEventAddCallback"])
    assert_in_order(
        text, "(r = lv_reg_new(st, self, a_cb, a_opaque)) == NULL", "lv_call_enter(self);",
        "c_result = virStreamEventAddCallback(c_self, a_events, lv_stream_cb, r, lv_reg_free);",
        "lv_reg_release(r);", "lv_call_leave(self);", "Py_RETURN_NONE;")
    text = emit_c.entry_point(core["virEventAddTimeout"])
    assert "virEventAddTimeout(a_timeout, lv_ev_timeout_cb, r, lv_reg_free)" in text
    assert "return PyLong_FromLong(c_result);" in text


def test_a_filled_array_is_sized_by_its_parameter_or_by_libvirt_s_count(core):
    text = emit_c.entry_point(core["virNodeGetCellsFreeMemory"])
    assert_in_order(
        text, "o_freeMems = calloc(a_maxCells > 0 ? a_maxCells : 1, sizeof(*o_freeMems));",
        "return PyErr_NoMemory();", "lv_call_enter(self);",
        "virNodeGetCellsFreeMemory(c_self, o_freeMems, a_startCell, a_maxCells)",
        "free(o_freeMems);", "c_result = a_maxCells;",
        "return lv_convert_virNodeGetCellsFreeMemory(self, st, c_result, o_freeMems);")
    text = emit_c.entry_point(core["virDomainGetDiskErrors"])
    # counted and fetched in one release of the GIL
    between = text[text.index("Py_BEGIN_ALLOW_THREADS"):text.index("Py_END_ALLOW_THREADS")]
    assert "virDomainGetDiskErrors(c_self, NULL, 0, a_flags)" in between
    assert "virDomainGetDiskErrors(c_self, o_errors, o_max, a_flags)" in between
    assert "return lv_convert_virDomainGetDiskErrors(self, st, c_result, o_errors);" in text


def test_a_converted_deregistration_names_its_c_callback(core):
    text = emit_c.entry_point(core["virConnectUnregisterCloseCallback"])
    assert "c_result = virConnectUnregisterCloseCallback(c_self, lv_close_cb);" in text
    assert ("return lv_convert_virConnectUnregisterCloseCallback(self, LV_STATE(self), c_result);"
            in text)


def test_the_memory_stat_keys_are_libvirt_s_enum_names_but_the_balloon_s():
    apis, _, _ = generator.load({"libvirt": generator.pkg_config_api("libvirt")}, ROOT)
    table = emit_module.enum_name_tables("libvirt", apis["libvirt"], declare=False)
    assert table.startswith("const char *const lv_memory_stat_names[VIR_DOMAIN_MEMORY_STAT_NR] = {")
    assert '    [VIR_DOMAIN_MEMORY_STAT_SWAP_IN] = "swap_in",\n' in table
    assert '    [VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON] = "actual",\n' in table
    assert "_STAT_NR]" not in table.split("{", 1)[1] and "_STAT_LAST]" not in table


def test_a_prepared_call_runs_the_preparation_before_counting_and_calling(core):
    b = core["virConnectDomainEventDeregister"]
    header = emit_module.impl_header("libvirtmod", [b])
    assert ("int lv_prepare_virConnectDomainEventDeregister(PyObject *self, lv_state *st, "
            "PyObject *cb);") in header
    text = emit_c.entry_point(b)
    assert_in_order(
        text, "switch (lv_prepare_virConnectDomainEventDeregister(self, st, a_cb))",
        "case 0:\n        Py_RETURN_NONE;", "lv_call_enter(self);",
        "virConnectDomainEventDeregister(c_self, lv_legacy_cb)",
        "lv_raise(st, \"virConnectDomainEventDeregister\");", "lv_call_leave(self);",
        "Py_RETURN_NONE;\n}")
