"""The bodies of entry points that call hand-written C: the impl with the
converted arguments, or the libvirt call followed by a hand-written
conversion (convert='yes'), preparation (prepare='yes') or registration
(callback=) as libvirt-override-api.xml declares."""

from __future__ import annotations

from . import rules
from .classify import Binding
from .emit_c_parts import (_arguments, _blocking, c_decl, _call_args, CFunction, converter_name,
                           _count_in_flight, _fail, impl_name, _local, _pair_cleanup, PAIRED_KINDS,
                           _passes_self, prepare_name, _raise, _self_handle, _without_gil)


def impl_takes_handle(binding: Binding) -> bool:
    """Whether a hand-written impl gets self's handle, typed as its class's
    C handle (rules.CLASSES): the methods whose self libvirt takes as its
    first argument, but not the one releasing self (it has no handle to
    use)."""
    return (_passes_self(binding) and not binding.releases
            and binding.function.args[0].ctype == rules.CLASSES[binding.pyclass][0])


def impl_handle_name(binding: Binding) -> str:
    """The impl's parameter for self's handle: libvirt's name of it."""
    name = binding.function.args[0].name
    assert name not in {p.name for p in binding.params}, binding.function.name
    return name


def _impl_call(fn: CFunction) -> str:
    """Calling the hand-written impl with the converted arguments."""
    binding = fn.binding
    args = ["self" if binding.pyclass else "module", fn.state()]
    takes_handle = impl_takes_handle(binding)
    if takes_handle:
        args.append("c_self")
    shared = rules.SHARED_IMPLS.get(binding.function.name)
    if shared:
        args.append(shared[1])
    for p in binding.params:
        args += [_local(p), _local(p) + "_len"] if p.kind in PAIRED_KINDS else [_local(p)]
    call = f"{impl_name(binding)}({', '.join(args)})"
    cleanup = _pair_cleanup(binding)
    # The impl may release the GIL around libvirt calls: its objects count
    # as in flight throughout, and self's handle is read once counted.
    enter = _count_in_flight(binding, "lv_call_enter")
    if takes_handle:
        enter += _self_handle(fn)
    if not cleanup and not enter:
        return f"    return {call};\n"
    fn.declare("PyObject *result")
    return (f"{enter}    result = {call};\n{_count_in_flight(binding, 'lv_call_leave')}"
            f"{cleanup}    return result;\n")


def converter_outputs(binding: Binding) -> list[tuple[str, str, str]]:
    """(name, C type the converter gets, kind) of each output of a
    converted call: the C arguments no Python parameter gives, in
    libvirt's order.  Kinds: 'value', a `T *` output, a T the call fills;
    'struct', a struct pointer type (virDomainInfoPtr), a struct the call
    fills, passed by pointer; 'array', an array of rules.FILLED_ARRAYS,
    passed as it is, which the converter frees (free())."""
    array, size = rules.FILLED_ARRAYS.get(binding.function.name, (None, None))
    result = []
    for arg, expr in _arguments(binding, fixed=_callback_arguments(binding)):
        if expr is None and arg.name != size:
            kind = ("array" if arg.name == array else "value" if arg.ctype.endswith("*")
                    else "struct")
            result.append((arg.name, arg.ctype[:-1].rstrip() if kind == "value" else arg.ctype,
                           kind))
    return result


def _filled_array_call(fn: CFunction, array: str, size: str) -> tuple[str, str]:
    """(the call, the statements after its failure check) of a converted
    call filling the array `array` of rules.FILLED_ARRAYS, whose size is
    the Python parameter `size`, or else libvirt's count, asked first
    with NULL and 0 in the same release of the GIL."""
    binding = fn.binding
    func, local = binding.function, "o_" + array
    params = {p.name: p for p in binding.params}
    if size in params:
        count = _local(params[size])
        # libvirt itself rejects a size below 1
        call = (f"    {local} = calloc({count} > 0 ? {count} : 1, sizeof(*{local}));\n"
                + _fail(f"{local} == NULL", "", "PyErr_NoMemory()")
                + _blocking(fn, f"c_result = {func.name}"
                                f"({_call_args(binding, [], fixed={array: local})});",
                            ("c_result < 0", f"        free({local});\n", _raise(fn))))
        return call, f"    if (c_result > {count})\n        c_result = {count};\n"
    ctype = next(a.ctype for a in func.args if a.name == size)
    fn.declare(f"{ctype} o_max = 0")
    first = _call_args(binding, [], fixed={array: "NULL", size: "0"})
    second = _call_args(binding, [], fixed={array: local, size: "o_max"})
    call = (_without_gil(fn, f"    c_result = {func.name}({first});\n"
                             "    if (c_result > 0) {\n"
                             "        o_max = c_result;\n"
                             f"        {local} = calloc(o_max, sizeof(*{local}));\n"
                             f"        c_result = {local} != NULL ? {func.name}({second}) : -2;\n"
                             "    }\n",
                             ("c_result < 0", f"        free({local});\n",
                              f"c_result == -2 ? PyErr_NoMemory() : {_raise(fn)}")))
    return call, "    if (c_result > (int)o_max)\n        c_result = (int)o_max;\n"


def _converted_body(fn: CFunction) -> str:
    """A converted call (convert='yes'): libvirt called as a generated
    function is, and its result and outputs handed to the converter."""
    binding = fn.binding
    ret = binding.function.return_type
    extra, passed = [], []
    for name, ctype, kind in converter_outputs(binding):
        local = "o_" + name
        if kind == "struct":
            fn.declare(f"{ctype[:-len('Ptr')]} {local}")
        else:
            pointer = kind == "array" or ctype.endswith("*")
            fn.declare(c_decl(ctype, local) + (" = NULL" if pointer else " = 0"))
        extra.append(local if kind == "array" else "&" + local)
        passed.append("&" + local if kind == "struct" else local)
    fn.declare(c_decl(ret, "c_result"))
    array = rules.FILLED_ARRAYS.get(binding.function.name)
    if array:
        assert len(extra) == 1, binding.function.name   # the array alone
        body, after = _filled_array_call(fn, *array)
    else:
        failed = "c_result == NULL" if ret.endswith("*") else "c_result < 0"
        call = _call_args(binding, extra, fixed=_callback_arguments(binding))
        body = (_blocking(fn, f"c_result = {binding.function.name}({call});",
                          (failed, _pair_cleanup(binding, "        "), _raise(fn)))
                + _pair_cleanup(binding))
        after = ""
    args = ", ".join(["self" if binding.pyclass else "module", fn.state(), "c_result", *passed])
    return body + after + f"    return {converter_name(binding)}({args});\n"


def _callback_arguments(binding: Binding) -> dict[str, str]:
    """The C arguments callback= gives (C argument -> expression): for a
    registration, libvirt's callback, opaque (the lv_reg r) and free
    function; else (a deregistration) its argument cb."""
    if not binding.callback:
        return {}
    args = binding.function.args
    at = next((i for i, a in enumerate(args) if a.ctype == "void *"), None)   # libvirt's opaque
    if at is None:
        return {"cb": binding.callback}
    assert args[at + 1].ctype == "virFreeCallback", binding.function.name
    return {args[at - 1].name: binding.callback, args[at].name: "r",
            args[at + 1].name: "lv_reg_free"}


def _registration_body(fn: CFunction) -> str:
    """A callback registration (callback=): the Python cb and opaque held
    by an lv_reg on self (or the module), registered with the declared C
    callback and lv_reg_free; released again if libvirt refuses it."""
    binding = fn.binding
    fixed = _callback_arguments(binding)
    params = {p.name: _local(p) for p in binding.params}
    owner = "self" if binding.pyclass else "module"
    fn.declare("lv_reg *r", c_decl(binding.function.return_type, "c_result"))
    body = (_fail(f"(r = lv_reg_new({fn.state()}, {owner}, {params['cb']}, "
                  f"{params['opaque']})) == NULL", "")
            # libvirt did not take it: its free function will not run
            + _blocking(fn, f"c_result = {binding.function.name}"
                            f"({_call_args(binding, [], fixed=fixed)});",
                        ("c_result < 0", "        lv_reg_release(r);\n", _raise(fn))))
    return body + _int_or_none(binding)


def _int_or_none(binding: Binding) -> str:
    """Returning the int c_result, or None where the declared result is."""
    if binding.result == "None":
        return "    Py_RETURN_NONE;\n"
    return "    return PyLong_FromLong(c_result);\n"


def _prepared_body(fn: CFunction) -> str:
    """prepare='yes': the hand-written lv_prepare_<name> with the converted
    arguments first (1: make the call; 0: None, without it; -1: an
    exception), then libvirt called as a generated function is."""
    binding = fn.binding
    args = ["self" if binding.pyclass else "module", fn.state()]
    args += [_local(p) for p in binding.params]
    fn.declare(c_decl(binding.function.return_type, "c_result"))
    call = _call_args(binding, [], fixed=_callback_arguments(binding))
    return (f"    switch ({prepare_name(binding)}({', '.join(args)})) {{\n"
            "    case -1:\n        return NULL;\n    case 0:\n        Py_RETURN_NONE;\n    }\n"
            + _blocking(fn, f"c_result = {binding.function.name}({call});",
                        ("c_result < 0", "", _raise(fn)))
            + _int_or_none(binding))
