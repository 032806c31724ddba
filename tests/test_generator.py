"""The generator's stages on the small API descriptions in api/, and the
generator as a command on the installed libvirt."""

import ast
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
API = os.path.join(ROOT, "api")
sys.path.insert(0, ROOT)

import generator  # noqa: E402
from codegen import classify, emit_c_parts, emit_module, emit_py, model, pytypes, rules  # noqa: E402
from codegen.modules import MODULES  # noqa: E402

sys.path.remove(ROOT)


@pytest.fixture(scope="module")
def mini():
    return model.parse(os.path.join(API, "mini-api.xml"))


@pytest.fixture(scope="module")
def bindings(mini):
    overrides = classify.parse_overrides(os.path.join(API, "mini-override-api.xml"))
    return {b.function.name: b for b in classify.classify(mini, overrides)}


# ---- model ---------------------------------------------------------------

def test_model_reads_functions_with_typed_arguments(mini):
    func = mini.functions["virDomainGetXMLDesc"]
    assert func.return_type == "char *"
    assert [(a.name, a.ctype) for a in func.args] == [("domain", "virDomainPtr"),
                                                      ("flags", "unsigned int")]
    assert func.info == "The domain's XML."


def test_model_resolves_enum_aliases(mini):
    assert mini.enum_value("VIR_MINI_STATE_ALIAS") == 1


def test_model_tells_sentinels_from_values_named_last(mini):
    assert mini.is_sentinel("VIR_MINI_STATE_LAST")
    # ..._ADD_LAST is a real command, not the counter of its enum.
    assert not mini.is_sentinel("VIR_MINI_COMMAND_ADD_LAST")


def test_model_refuses_a_symbol_defined_twice(mini):
    with pytest.raises(ValueError, match="virDomainGetName"):
        model.Api(functions=dict(mini.functions)).merge(mini)


# ---- classify --------------------------------------------------------------

@pytest.mark.parametrize("func, pyclass, pyname, shape", [
    ("virConnectOpen", None, "open", classify.PLAIN),
    ("virConnectGetVersion", "virConnect", "getVersion", classify.OUT_SCALAR),
    ("virDomainLookupByName", "virConnect", "lookupByName", classify.PLAIN),
    ("virDomainGetName", "virDomain", "name", classify.PLAIN),
    ("virDomainGetXMLDesc", "virDomain", "XMLDesc", classify.PLAIN),
    ("virDomainGetUUID", "virDomain", "UUID", classify.UUID_OUT),
    ("virDomainGetUUIDString", "virDomain", "UUIDString", classify.UUIDSTR_OUT),
    ("virConnectListAllDomains", "virConnect", "listAllDomains", classify.LIST_ALL),
    ("virConnectListDefinedDomains", "virConnect", "listDefinedDomains", classify.NAME_LIST),
    ("virDomainGetMessages", "virDomain", "messages", classify.STR_LIST),
    ("virDomainRevertToSnapshot", "virDomain", "revertToSnapshot", classify.PLAIN),
])
def test_classify_binds_each_shape(bindings, func, pyclass, pyname, shape):
    b = bindings[func]
    assert (b.state, b.pyclass, b.pyname, b.shape) == (classify.GENERATED, pyclass, pyname, shape)


def test_classify_joins_argument_pairs_into_one_parameter(bindings):
    pin = bindings["virDomainPinVcpu"]
    assert [(p.name, p.kind, p.parts) for p in pin.params] == [
        ("vcpu", "int", ()), ("cpumap", "cpumap", ("cpumap", "maplen"))]
    freeze = bindings["virDomainFSFreeze"]
    assert [(p.name, p.kind, p.default) for p in freeze.params] == [
        ("mountpoints", "str_array", "None"), ("flags", "int", "0")]


def test_a_method_whose_c_function_does_not_take_self_passes_every_argument(bindings):
    b = bindings["virDomainRevertToSnapshot"]
    assert [(p.name, p.kind, p.handle_class) for p in b.params] == [
        ("snap", "handle", "virDomainSnapshot"), ("flags", "int", None)]


# What these shapes' emitted C does is checked by calling it
# (tests/test_emitted_c.py, tests/children/emitted_c_cases.py).

def test_a_string_list_libvirt_allocates_is_its_own_shape(bindings):
    b = bindings["virDomainGetMessages"]
    assert (b.shape, pytypes.result_type(b)) == (classify.STR_LIST, "list[str]")


def test_a_filled_struct_is_returned_as_its_fields(bindings):
    b = bindings["virStoragePoolGetInfo"]
    assert (b.shape, b.struct.name) == (classify.STRUCT_OUT, "virStoragePoolInfo")
    assert pytypes.result_type(b) == "list[int]"


def test_each_record_libvirt_allocates_is_converted_by_its_declared_converter(bindings):
    b = bindings["virDomainGetFSInfo"]
    assert (b.shape, b.count_function.name) == (classify.RECORD_LIST, "virDomainFSInfoFree")
    header = emit_module.impl_header("libvirtmod", list(bindings.values()))
    assert "PyObject *lv_fs_info(Py_ssize_t i, void *records);" in header


def test_struct_fields_convert_char_arrays_to_str_and_follow_the_rules():
    struct = model.Struct("virNodeInfo", (model.Arg("model", "char model[32]"),
                                          model.Arg("memory", "unsigned long"),
                                          model.Arg("cpus", "unsigned int")))
    assert classify.struct_fields(struct) == [
        ("N", "lv_str_n({s}.model, sizeof({s}.model))", "str"),
        ("k", "{s}.memory >> 10", "int"),     # rules.STRUCT_FIELDS: MiB
        ("I", "{s}.cpus", "int")]
    with pytest.raises(classify.ClassifyError, match="virNodeInfo.cpus"):
        classify.struct_fields(model.Struct("virNodeInfo", (model.Arg("cpus", "double"),)))


def test_classify_gives_flags_a_default_and_keeps_required_parameters(bindings):
    assert [(p.name, p.default) for p in bindings["virDomainGetXMLDesc"].params] == [("flags", "0")]
    assert [(p.name, p.default) for p in bindings["virDomainLookupByName"].params] == [("name", None)]


def test_classify_takes_none_for_strings_as_the_reference_passes_null(bindings):
    (name,) = bindings["virConnectOpen"].params
    assert name.nullable and name.default == "None"
    (lookup,) = bindings["virDomainLookupByName"].params
    assert lookup.nullable and lookup.default is None


def test_none_is_refused_only_where_libvirt_crashes_on_null():
    assert not rules.is_nullable("virDomainGetInterfaceParameters", "device")
    assert rules.is_nullable("virDomainLookupByName", "name")


def test_classify_keeps_the_gil_only_for_handle_reads(bindings):
    assert not bindings["virDomainGetName"].blocking
    assert bindings["virDomainGetXMLDesc"].blocking


def test_classify_skips_with_the_rule_reason(bindings):
    b = bindings["virDomainRef"]
    assert b.state == classify.SKIPPED
    assert "reference" in b.reason


def test_classify_takes_overrides(bindings):
    b = bindings["virDomainGetInfo"]
    assert (b.state, b.pyclass, b.pyname) == (classify.HANDWRITTEN, "virDomain", "info")


def test_classify_refuses_an_unaccounted_function_by_name():
    api = model.parse(os.path.join(API, "unaccounted-api.xml"))
    with pytest.raises(classify.ClassifyError, match="virDomainFrobnicate"):
        classify.classify(api, {})


def test_classify_refuses_overrides_of_unknown_functions(mini):
    overrides = classify.parse_overrides(os.path.join(API, "mini-override-api.xml"))
    overrides["virNoSuchThing"] = classify.Override("virNoSuchThing", "libvirt", (), None, None, "", "int", True)
    with pytest.raises(classify.ClassifyError, match="virNoSuchThing"):
        classify.classify(mini, overrides)


def test_every_rule_table_entry_names_a_real_function():
    """Stale entries hide mistakes: every function the tables name exists."""
    paths = [subprocess.run(["pkg-config", f"--variable={var}", pkg], check=True,
                            capture_output=True, text=True).stdout.strip()
             for pkg, var in [("libvirt", "libvirt_api"), ("libvirt-qemu", "libvirt_qemu_api"),
                              ("libvirt-lxc", "libvirt_lxc_api")]]
    api = model.Api()
    for path in paths:
        api.merge(model.parse(path))
    named = (set(rules.SKIPPED) | set(rules.NON_BLOCKING) | set(rules.PENDING_REASONS)
             | set(rules.NAME_LISTS) | set(rules.NAME_LISTS.values()) | set(rules.NULL_IS_VALUE)
             | set(rules.ZERO_IS_FAILURE) | set(rules.OPTIONAL_PARAMS)
             | {f for f, _ in rules.PARAM_NAMES} | {f for f, _ in rules.NULL_CRASHES}
             | set(rules.NULL_HANDLE_CRASHES) | set(rules.FLAT_ALIASES.values())
             | set(rules.FAILURE_IS_VALUE) | set(rules.SELF_NOT_PASSED) | set(rules.STRUCT_RESULTS)
             | set(rules.RECORD_LISTS)
             | {f for f, _ in rules.NULL_REFUSED})
    assert sorted(named - set(api.functions)) == []
    fields = {(s.name, f.name) for s in api.structs.values() for f in s.fields}
    assert sorted(set(rules.STRUCT_FIELDS) - fields) == []


# ---- emit ------------------------------------------------------------------

def test_emit_c_text_signatures_carry_the_python_parameters(bindings):
    assert emit_c_parts.text_signature(bindings["virDomainGetXMLDesc"]) == "XMLDesc($self, flags=0)\n--\n\n"
    assert emit_c_parts.text_signature(bindings["virConnectOpen"]) == "open($module, name=None)\n--\n\n"


def test_emit_py_writes_classes_functions_and_constants(mini, bindings):
    source = emit_py.module_source("libvirt", mini, mini, list(bindings.values()), ROOT)
    tree = ast.parse(source)
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    assert set(rules.CLASSES) <= classes
    assert "libvirtError" in classes
    constants = {n.targets[0].id: ast.literal_eval(n.value) for n in tree.body
                 if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
                 and n.targets[0].id.startswith("VIR_")}
    # enums with aliases resolved, string macros; no sentinel, no numeric macro
    assert constants == {"VIR_MINI_STATE_OFF": 0, "VIR_MINI_STATE_ON": 1,
                         "VIR_MINI_STATE_ALIAS": 1, "VIR_MINI_COMMAND_ADD_FIRST": 2,
                         "VIR_MINI_COMMAND_ADD_LAST": 1,   # a value, though named _LAST
                         "VIR_MINI_PARAM_WEIGHT": "weight"}
    # the generated re-export comes first; libvirt-override.py has its own
    generated = next(n for n in tree.body if isinstance(n, ast.ImportFrom)
                     and n.module == "libvirtmod")
    imported = {alias.name for alias in generated.names}
    assert imported == {b.pyname for b in bindings.values()
                        if b.state != classify.SKIPPED and not b.pyclass}


def installed_function_count():
    """Functions in the installed libvirt's three API descriptions."""
    return sum(len(model.parse(generator.pkg_config_api(m)).functions) for m in MODULES)


def test_generator_command_is_deterministic_and_accounts_for_everything(tmp_path):
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        result = subprocess.run([sys.executable, os.path.join(ROOT, "generator.py"), "-o", str(out)],
                                check=True, capture_output=True, text=True)
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1]
    assert set(outputs[0]) == {"lv-kinds.h", "libvirtmod-generated.c", "libvirtmod_qemu-generated.c",
                               "libvirtmod_lxc-generated.c", "libvirtmod-impl.h",
                               "libvirtmod_qemu-impl.h", "libvirtmod_lxc-impl.h", "libvirt.py", "libvirt_qemu.py",
                               "libvirt_lxc.py"}
    assert f"all {installed_function_count()} functions accounted for" in result.stdout


def test_generator_command_lists_every_function(tmp_path):
    result = subprocess.run([sys.executable, os.path.join(ROOT, "generator.py"), "--list",
                             "-o", str(tmp_path)], check=True, capture_output=True, text=True)
    assert "virDomainGetName" in result.stdout and "virDomainRef" in result.stdout
    # One line per function, besides the summaries.
    assert result.stdout.count("\n") > installed_function_count()


def test_generator_command_names_an_unaccounted_function(tmp_path):
    result = subprocess.run([sys.executable, os.path.join(ROOT, "generator.py"), "--api",
                             "libvirt=" + os.path.join(API, "unaccounted-api.xml"),
                             "-o", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode != 0
    assert "virDomainFrobnicate" in result.stderr
