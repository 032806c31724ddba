"""The bodies of generated functions, one per shape of C signature
(classify.py's shapes): the libvirt call and the conversion of its result."""

from __future__ import annotations

from . import classify as C
from . import rules
from .emit_c_parts import (_blocking, c_decl, _call_args, CFunction, _convert, _fail, _INT_TO_PY,
                           kind_enum, _local, _null_handle_check, _owner, _pair_cleanup, _raise,
                           _without_gil, _wrap)


def _plain_body(fn: CFunction) -> str:
    binding = fn.binding
    func = binding.function
    ret = func.return_type
    call = f"{func.name}({_call_args(binding, [])})"
    cleanup = _pair_cleanup(binding)
    if ret == "void":
        return _blocking(fn, f"{call};") + cleanup + "    Py_RETURN_NONE;\n"
    fn.declare(c_decl(ret, "c_result"))
    failure = None
    if ret in rules.HANDLE_TYPES:
        failure, success = "c_result == NULL", _wrap(fn, ret, "c_result")
    elif ret in ("char *", "const char *"):
        convert = "lv_str_free" if ret == "char *" else "lv_str"
        if func.name not in rules.NULL_IS_VALUE:
            failure = "c_result == NULL"
        success = f"    return {convert}(c_result);\n"
    elif ret == "int":
        failure, success = "c_result == -1", "    return PyLong_FromLong(c_result);\n"
    elif func.name in rules.UNSIGNED_MINUS_ONE:
        success = "    return PyLong_FromLong((int)c_result);\n"
    else:
        if func.name in rules.ZERO_IS_FAILURE:
            failure = "c_result == 0"
        success = f"    return {_INT_TO_PY[ret]}(c_result);\n"
    failures = [(failure, _pair_cleanup(binding, "        "), _raise(fn))] if failure else []
    return _blocking(fn, f"c_result = {call};", *failures) + cleanup + success


_OUT_TO_PY = {**_INT_TO_PY, "char *": "lv_str_free"}


def _out_scalar_body(fn: CFunction) -> str:
    """OUT_SCALAR and STR_OUT: the one output is the result."""
    binding = fn.binding
    out_type = next(a.ctype for a in binding.function.args
                    if a.ctype in C._OUT_SCALARS or a.ctype == "char **")[:-1].rstrip()
    fn.declare(c_decl(out_type, "value") + (" = NULL" if out_type == "char *" else " = 0"),
               "int c_result")
    body = _blocking(fn, f"c_result = {binding.function.name}({_call_args(binding, ['&value'])});",
                     ("c_result == -1", "", _raise(fn)))
    return body + f"    return {_OUT_TO_PY[out_type]}(value);\n"


def _uuid_body(fn: CFunction, string: bool) -> str:
    binding = fn.binding
    if string:
        fn.declare("char buf[VIR_UUID_STRING_BUFLEN]", "int c_result")
        result, extra = "PyUnicode_FromString(buf)", "buf"
    else:
        fn.declare("unsigned char uuid[VIR_UUID_BUFLEN]", "int c_result")
        result, extra = "PyBytes_FromStringAndSize((const char *)uuid, VIR_UUID_BUFLEN)", "uuid"
    body = _blocking(fn, f"c_result = {binding.function.name}({_call_args(binding, [extra])});",
                     ("c_result < 0", "", _raise(fn)))
    return body + f"    return {result};\n"


def _list_all_body(fn: CFunction) -> str:
    binding = fn.binding
    func = binding.function
    item_type = func.args[1].ctype[:-3]
    kind = kind_enum(rules.HANDLE_TYPES[item_type])
    fn.declare(f"{item_type} *items = NULL", "int c_result")
    body = _blocking(fn, f"c_result = {func.name}({_call_args(binding, ['&items'])});",
                     ("c_result < 0", "", _raise(fn)))
    return body + (
        f"    return lv_wrap_list({fn.state()}, {kind}, (void **)items, c_result, "
        f"{_owner(binding, kind)});\n")


def _str_list_body(fn: CFunction) -> str:
    binding = fn.binding
    fn.declare("char **items = NULL", "int c_result")
    body = _blocking(fn, f"c_result = {binding.function.name}({_call_args(binding, ['&items'])});",
                     ("c_result < 0", "", _raise(fn)))
    return (body + "    return lv_str_list_free(items, c_result);\n")


def _struct_body(fn: CFunction) -> str:
    binding = fn.binding
    struct = binding.struct
    fields = C.struct_fields(struct)
    fn.declare(f"{struct.name} s", "int c_result")
    size = ["sizeof(s)"] if any(a.name == rules.STRUCT_SIZE_ARG for a in binding.function.args) else []
    # A string libvirt leaves unset reads as '' rather than as stack garbage.
    body = "    memset(&s, 0, sizeof(s));\n" if any(t == "str" for _, _, t in fields) else ""
    body += _blocking(fn, f"c_result = {binding.function.name}({_call_args(binding, ['&s'] + size)});",
                      ("c_result < 0", "", _raise(fn)))
    open_, close = ("(", ")") if rules.STRUCT_RESULTS[binding.function.name] == "tuple" else ("[", "]")
    values = "".join(f", {expr.format(s='s')}" for _, expr, _ in fields)
    return (body + f"    return Py_BuildValue(\"{open_}{''.join(f[0] for f in fields)}{close}\"{values});\n")


def _record_list_body(fn: CFunction) -> str:
    binding = fn.binding
    func = binding.function
    record_type = next(a.ctype for a in func.args if a.ctype.endswith("Ptr **"))[:-1]
    fn.declare(f"{record_type}items = NULL", "int c_result", "PyObject *list")
    body = _blocking(fn, f"c_result = {func.name}({_call_args(binding, ['&items'])});",
                     ("c_result < 0", "", _raise(fn)))
    return (body + f"    list = lv_list_of(c_result, {rules.RECORD_LISTS[func.name][0]}, items);\n"
            "    for (int i = 0; i < c_result; i++)\n"
            f"        {binding.count_function.name}(items[i]);\n"
            "    free(items);\n    return list;\n")


def _name_list_body(fn: CFunction) -> str:
    binding = fn.binding
    func, count = binding.function, binding.count_function
    array_arg = next(a for a in func.args if a.ctype in ("char ** const", "char **", "int *"))
    numeric = array_arg.ctype == "int *"
    fn.declare(f"{'int ' if numeric else 'char *'}*items", "int count", "int c_result = -1")
    # Counting and fetching in one release of the GIL.
    body = (_without_gil(fn,
                         f"    count = {count.name}({_call_args(binding, [], function=count)});\n"
                         "    items = count > 0 ? calloc(count, sizeof(*items)) : NULL;\n"
                         "    if (count == 0)\n        c_result = 0;\n"
                         "    else if (items != NULL)\n"
                         f"        c_result = {func.name}({_call_args(binding, ['items', 'count'])});\n",
                         ("count > 0 && items == NULL", "", "PyErr_NoMemory()"),
                         ("count < 0 || c_result < 0", "        free(items);\n", _raise(fn))))
    if numeric:
        fn.declare("PyObject *list")
        return body + ("    list = PyList_New(c_result);\n"
                       "    for (int i = 0; list != NULL && i < c_result; i++) {\n"
                       "        PyObject *item = PyLong_FromLong(items[i]);\n"
                       "        if (item == NULL)\n            Py_CLEAR(list);\n"
                       "        else\n            PyList_SetItem(list, i, item);\n    }\n"
                       "    free(items);\n    return list;\n")
    return body + "    return lv_str_list_free(items, c_result);\n"


def _typed_get_body(fn: CFunction) -> str:
    fn.declare("virTypedParameterPtr params = NULL", "int nparams = 0", "int c_result",
               "PyObject *dict")
    return (_fetch_typed_params(fn, fn.binding.function, "params", "nparams")
            + f"    dict = lv_typed_params_to_dict({fn.state()}, params, nparams);\n"
            "    virTypedParamsClear(params, nparams);\n"
            "    free(params);\n    return dict;\n")


def _fetch_typed_params(fn: CFunction, getter, array: str, count: str, flags: str = "") -> str:
    """C statements filling `array`/`count` (a malloc'ed array, freed with
    free(): allocated without the GIL) through the two-call `getter`: first
    the count, then the values, both in one release of the GIL."""
    binding = fn.binding

    def call(params_arg):
        args = _call_args(binding, [params_arg, f"&{count}"], flags or None, getter)
        return f"{getter.name}({args})"
    assert binding.blocking
    return (_without_gil(fn,
                         f"    c_result = {call('NULL')};\n"
                         f"    if (c_result >= 0 && {count} > 0) {{\n"
                         f"        {array} = calloc({count}, sizeof(*{array}));\n"
                         f"        c_result = {array} != NULL ? {call(array)} : -2;\n"
                         "    }\n",
                         ("c_result < 0", f"        free({array});\n",
                          f"c_result == -2 ? PyErr_NoMemory() : {_raise(fn, getter)}")))


def _typed_get_alloc_body(fn: CFunction) -> str:
    binding = fn.binding
    func = binding.function
    count_type = next(a.ctype for a in func.args if a.ctype in ("int *", "unsigned int *"))[:-2]
    fn.declare("virTypedParameterPtr params = NULL", f"{count_type} nparams = 0", "int c_result",
               "PyObject *dict")
    body = _blocking(fn, f"c_result = {func.name}({_call_args(binding, ['&params', '&nparams'])});",
                     ("c_result < 0", "", _raise(fn)))
    return body + (
        f"    dict = lv_typed_params_to_dict({fn.state()}, params, (int)nparams);\n"
        "    virTypedParamsFree(params, (int)nparams);\n    return dict;\n")


def _known_params_from_getter(fn: CFunction, has_flags: bool) -> tuple[str, str]:
    """(C statements filling known/nknown through the setter's getter, the
    statements releasing them)."""
    binding = fn.binding
    getter = binding.count_function
    # The current values are read with the same live/config choice.
    getter_flags = f"(a_flags & ({rules.GETTER_FLAGS_MASK}))" if has_flags else ""
    fn.declare("int c_result")
    if any(a.ctype == "virTypedParameterPtr *" for a in getter.args):
        call = _call_args(binding, ["&known", "&nknown"], getter_flags or None, getter)
        fill = _blocking(fn, f"c_result = {getter.name}({call});",
                         ("c_result < 0", "", _raise(fn, getter)))
        return fill, "    virTypedParamsFree(known, nknown);\n"
    fill = _fetch_typed_params(fn, getter, "known", "nknown", getter_flags)
    return fill, "    virTypedParamsClear(known, nknown);\n    free(known);\n"


def _typed_set_body(fn: CFunction) -> str:
    binding = fn.binding
    func = binding.function
    dict_param = next(p for p in binding.params if p.kind == "params")
    has_flags = any(p.name == rules.FLAGS_ARG for p in binding.params)
    local = _local(dict_param)
    only_a_dict = f"    if ({local} != Py_None)\n    " if dict_param.nullable else ""
    if binding.count_function is not None:
        fn.declare("virTypedParameterPtr known = NULL", "int nknown = 0")
        fill, release = _known_params_from_getter(fn, has_flags)
        # The dict is checked before the getter runs, as the reference does.
        body = only_a_dict + _fail(f"lv_arg_params_dict({local}, 0) < 0", "") + fill
        convert = f"lv_dict_to_typed_params({local}, known, nknown, 0, &params, &nparams)"
    else:
        # The types come from the API's documentation (rules.STATIC_TYPED_SETTERS).
        entries = "".join(f"        {{.field = \"{name}\", .type = VIR_TYPED_PARAM_{ctype}}},\n"
                          for name, ctype in binding.param_types)
        fn.declare(f"static virTypedParameter known[] = {{\n{entries}    }}")
        body, release = "", ""
        convert = (f"lv_dict_to_typed_params({local}, known, Py_ARRAY_LENGTH(known), 1, "
                   f"&params, &nparams)")
    ret = func.return_type
    fn.declare("virTypedParameterPtr params = NULL", "int nparams = 0", "int converted = 0",
               c_decl(ret, "result"))
    body += only_a_dict + f"    converted = {convert};\n" + release
    body += _fail("converted < 0", "")
    # The dict's values may run Python code (__index__, __bool__) that
    # closes an object: its handles are read only now.
    free_params = "        lv_typed_params_free(params, nparams);\n"
    for i, p in enumerate(binding.params):
        if p.kind == "handle":
            body += _convert(fn, p, i, free_params)
    body += _null_handle_check(binding, free_params)
    handle = ret in rules.HANDLE_TYPES
    body += _blocking(fn, f"result = {func.name}({_call_args(binding, ['params', 'nparams'])});",
                      ("result == NULL" if handle else "result < 0", free_params, _raise(fn)))
    body += "    lv_typed_params_free(params, nparams);\n"
    if handle:
        return body + _wrap(fn, ret, "result")
    return body + "    return PyLong_FromLong(result);\n"


_SHAPE_BODIES = {
    C.PLAIN: _plain_body,
    C.OUT_SCALAR: _out_scalar_body,
    C.STR_OUT: _out_scalar_body,
    C.UUID_OUT: lambda fn: _uuid_body(fn, string=False),
    C.UUIDSTR_OUT: lambda fn: _uuid_body(fn, string=True),
    C.LIST_ALL: _list_all_body,
    C.NAME_LIST: _name_list_body,
    C.STR_LIST: _str_list_body,
    C.STRUCT_OUT: _struct_body,
    C.RECORD_LIST: _record_list_body,
    C.TYPED_GET: _typed_get_body,
    C.TYPED_GET_ALLOC: _typed_get_alloc_body,
    C.TYPED_SET: _typed_set_body,
}
