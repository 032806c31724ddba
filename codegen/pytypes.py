"""The Python types of the bindings, for the type stubs (emit_pyi.py).

Each generated binding's result type follows from its shape and its C
return type, as emit_c converts the result; a hand-written binding's is
its override description's result= (Binding.result).  Parameter types
follow from the conversion of each Param (its kind), as typewrappers.c
accepts the value.

Types are Python type expressions (str), in the namespace of libvirt.pyi:
classes by their bare names.  In libvirt_qemu.pyi and libvirt_lxc.pyi the
classes are libvirt's: `qualify` gives the spelling there.
"""

from __future__ import annotations

import re
from typing import Callable

from . import classify as C
from . import rules

# What lv_typed_params_to_dict makes of each typed parameter: int (INT,
# UINT, LLONG, ULLONG), float (DOUBLE), bool (BOOLEAN), str (STRING).
TYPED_PARAMS = "dict[str, int | float | bool | str]"
# What a typed-parameter setter takes: the values are converted by the
# type libvirt has for each key (a getter's, or the API's documentation).
TYPED_PARAMS_IN = "dict[str, Any]"

_INTEGERS = {"int", "unsigned int", "long", "unsigned long", "long long",
             "unsigned long long", "size_t"}
_STRINGS = {"char *", "const char *"}


def bare(cls: str) -> str:
    """The spelling of a class in libvirt.pyi itself."""
    return cls


def in_libvirt(cls: str) -> str:
    """The spelling of a class in a module that imports libvirt."""
    return f"libvirt.{cls}"


def qualifier(module: str) -> Callable[[str], str]:
    return bare if module == "libvirt" else in_libvirt


def optional(expr: str) -> str:
    """`expr | None` (unchanged when None is already in it)."""
    if re.search(r"(^|\|)\s*None\s*($|\|)", expr):
        return expr
    return f"{expr} | None"


def requalify(expr: str, qualify: Callable[[str], str]) -> str:
    """A type expression written with libvirt's bare class names (the
    override descriptions of libvirt) spelt for another module."""
    if qualify is bare:
        return expr
    names = "|".join(sorted(rules.CLASSES, key=len, reverse=True))
    return re.sub(rf"(?<![\w.])({names})\b", lambda m: qualify(m.group(1)), expr)


def _generated_result(b: C.Binding, qualify: Callable[[str], str]) -> str:
    func = b.function
    ret = func.return_type
    if b.shape == C.PLAIN:
        if ret == "void":
            return "None"
        if ret in rules.HANDLE_TYPES:
            result = qualify(rules.HANDLE_TYPES[ret])
        elif ret in _STRINGS:
            result = "str"
        elif ret in _INTEGERS:
            result = "int"
        else:
            raise ValueError(f"{func.name}: no Python type for the C result {ret!r}")
        if func.name in rules.NULL_IS_VALUE:
            result = optional(result)
        return result
    if b.shape == C.OUT_SCALAR:
        return "int"
    if b.shape == C.UUID_OUT:
        return "bytes"
    if b.shape in (C.UUIDSTR_OUT, C.STR_OUT):
        return "str"
    if b.shape == C.LIST_ALL:
        item = func.args[1].ctype[:-3]          # virDomainPtr ** -> virDomainPtr
        return f"list[{qualify(rules.HANDLE_TYPES[item])}]"
    if b.shape == C.NAME_LIST:
        numeric = any(a.ctype == "int *" for a in func.args)
        return "list[int]" if numeric else "list[str]"
    if b.shape == C.STR_LIST:
        return "list[str]"
    if b.shape == C.RECORD_LIST:
        return requalify(rules.RECORD_LISTS[func.name][1], qualify)
    if b.shape == C.STRUCT_OUT:
        types = [t for _, _, t in C.struct_fields(b.struct)]
        if rules.STRUCT_RESULTS[func.name] == "tuple":
            return f"tuple[{', '.join(types)}]"
        return f"list[{' | '.join(dict.fromkeys(types))}]"
    if b.shape in (C.TYPED_GET, C.TYPED_GET_ALLOC):
        return TYPED_PARAMS
    if b.shape == C.TYPED_SET:
        if ret in rules.HANDLE_TYPES:
            return qualify(rules.HANDLE_TYPES[ret])
        return "int"
    raise ValueError(f"{func.name}: no Python type for the shape {b.shape!r}")


def _failure_value_type(value: str) -> str:
    return {"None": "None", "0": "int"}[value]


def result_type(b: C.Binding, qualify: Callable[[str], str] = bare) -> str:
    """The Python type of what the binding returns."""
    if b.state == C.HANDWRITTEN:
        if not b.result:
            raise ValueError(f"{b.function.name}: the override declares no result type")
        return requalify(b.result, qualify)
    if b.state != C.GENERATED:
        raise ValueError(f"{b.function.name}: not bound ({b.state})")
    result = _generated_result(b, qualify)
    failure = rules.FAILURE_IS_VALUE.get(b.function.name)
    if failure is not None:
        extra = _failure_value_type(failure)
        if extra == "None":
            result = optional(result)
        elif not re.search(rf"(^|\|)\s*{extra}\s*($|\|)", result):
            result = f"{result} | {extra}"
    return result


def param_type(p: C.Param, qualify: Callable[[str], str] = bare) -> str:
    """The Python type a parameter takes."""
    kind = p.kind
    if kind == "int":
        result = "int"
    elif kind == "str":
        result = "str"
    elif kind == "handle":
        result = qualify(p.handle_class)
    elif kind == "double":
        result = "float"
    elif kind == "bool":
        # Converted by its truth value (PyObject_IsTrue): meant as a bool.
        result = "bool"
    elif kind == "uuid":
        # 16 bytes, or a str of 16 UTF-8 bytes (lv_arg_uuid)
        result = "bytes | str"
    elif kind == "params":
        result = TYPED_PARAMS_IN
    elif kind == "cpumap":
        # a tuple only, each item's truth value a CPU (lv_arg_cpumap)
        result = "tuple[bool, ...]"
    elif kind == "str_array":
        result = "list[str]"
    elif kind == "fd_array":
        result = requalify(p.pytype, qualify) if p.pytype else "list[int]"
    elif kind == "uint_array":
        result = requalify(p.pytype, qualify) if p.pytype else "list[int]"
    elif kind == "object":
        if not p.pytype:
            raise ValueError(f"parameter {p.name}: an object parameter needs its Python type")
        return requalify(p.pytype, qualify)
    else:
        raise ValueError(f"parameter {p.name}: no Python type for the kind {kind!r}")
    if p.nullable and kind in ("str", "handle", "params", "str_array"):
        result = optional(result)
    return result
