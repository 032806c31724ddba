"""Stage 2 of the generator: decide, for every C function, how it is bound.

Each function ends up in exactly one state:
- generated: its C signature matches one of the shapes below, so the
  emitters write its glue;
- handwritten: an override description names it (its argument parsing
  is generated, its body is a hand-written lv_impl_<name> in src/);
- skipped: a rule in rules.py says why it is not bound.
A function in none of these states is an error that names it.
"""

from __future__ import annotations

import dataclasses
import re
import inspect

from lxml import etree

from . import naming, rules
from .model import Api, Arg, Function, Struct

GENERATED, HANDWRITTEN, SKIPPED = "generated", "handwritten", "skipped"
# Only when asked not to be strict (a regeneration report): no rule binds it.
UNBOUND = "unbound"

# Shapes of C signatures the generator binds (Binding.shape).
PLAIN = "plain"                # inputs only; the return value is the result
OUT_SCALAR = "out_scalar"      # a getter: int status, one scalar output
UUID_OUT = "uuid_out"          # fills a VIR_UUID_BUFLEN byte buffer
UUIDSTR_OUT = "uuidstr_out"    # fills a VIR_UUID_STRING_BUFLEN char buffer
LIST_ALL = "list_all"          # allocates an array of handles
NAME_LIST = "name_list"        # fills a caller array sized by a count function
STR_LIST = "str_list"          # allocates a char ** array of strings, returns its count
STRUCT_OUT = "struct_out"      # fills one fixed struct: a list or tuple of its fields
STR_OUT = "str_out"            # int status, one string output (char **) that is the result
RECORD_LIST = "record_list"    # allocates an array of records, each converted by hand-written C
TYPED_GET = "typed_get"        # typed parameters into a caller array: ask the count, then fetch
TYPED_GET_ALLOC = "typed_get_alloc"  # typed parameters in an array libvirt allocates
TYPED_SET = "typed_set"        # typed parameters from a dict, typed like the getter's values

_OUT_SCALARS = {"int *", "unsigned int *", "unsigned long *", "unsigned long long *",
                "long long *"}
_PLAIN_RETURNS = {"int", "unsigned int", "unsigned long", "unsigned long long",
                  "char *", "const char *", "void"}


class ClassifyError(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class Param:
    """One Python-level parameter of a binding."""
    name: str
    ctype: str
    kind: str                  # 'handle', 'str', 'int', 'uuid', 'double', 'params',
                               # or a two-argument kind: 'cpumap', 'str_array', 'fd_array'
    default: str | None = None
    nullable: bool = False
    handle_class: str | None = None
    parts: tuple[str, ...] = ()   # two-argument kinds: the C argument names, in C order
    check: str = ""            # hand-written: 'int' (an int, not an int-like), 'callable'
    pytype: str = ""           # hand-written PyObject * parameters: the Python type

    @property
    def converter(self) -> str:
        if self.kind == "int":
            return rules.INTEGER_TYPES[self.ctype]
        return self.kind


@dataclasses.dataclass
class Binding:
    function: Function
    state: str
    reason: str = ""
    pyclass: str | None = None     # None: module-level function
    pyname: str = ""
    shape: str = ""
    params: tuple[Param, ...] = ()
    blocking: bool = True
    count_function: Function | None = None   # NAME_LIST: the count; TYPED_SET: the getter;
                                             # RECORD_LIST: the function freeing a record
    struct: Struct | None = None             # STRUCT_OUT: the struct libvirt fills
    param_types: tuple[tuple[str, str], ...] = ()   # TYPED_SET without a getter
    returns: str = ""                        # handwritten: documented result
    result: str = ""                         # handwritten: the result's Python type
    libvirt_function: bool = True            # False: libvirtmod's own function, not libvirt's
    releases: bool = False                   # handwritten: releases self's handle
    converts: bool = False                   # handwritten: the entry point calls libvirt,
                                             # lv_convert_<name> converts what it gave
    callback: str = ""                       # handwritten: the C callback the entry point
                                             # registers (libvirt-override-api.xml)
    prepares: bool = False                   # handwritten: lv_prepare_<name>, then the call

    @property
    def self_class(self) -> str | None:
        return self.pyclass

    @property
    def reexported(self) -> bool:
        """Whether libvirt.py (or libvirt_qemu.py, libvirt_lxc.py) imports it
        from its extension: the module-level functions binding libvirt's.
        libvirtmod's own stay there (the override imports what it uses)."""
        return self.pyclass is None and self.libvirt_function


@dataclasses.dataclass(frozen=True)
class Override:
    """A hand-written function, as its override XML file declares it: the
    Python parameters with their conversions, and the result's type."""
    name: str
    module: str
    params: tuple[Param, ...]
    pyname: str | None
    pyclass: str | None
    returns: str               # the result, in words (the docstring's)
    result: str                # the result, as a Python type expression
    blocking: bool
    libvirt_function: bool = True   # False: libvirtmod's own function, not libvirt's
    info: str = ""
    releases: bool = False     # releases self's handle (close())
    converts: bool = False     # convert='yes': the entry point makes the one libvirt call
    callback: str = ""         # callback=: the entry point registers this C callback
    prepares: bool = False     # prepare='yes': lv_prepare_<name> runs before the call


# Declared C types of hand-written parameters that are not converted like
# a generated function's (_input_param): the impl gets...
_DECLARED_KINDS = {
    "PyObject *": "object",         # the object itself (borrowed), Py_None when omitted
    "bool": "bool",                 # int: the object's truth (PyObject_IsTrue)
    "unsigned int *": "uint_array",  # unsigned int *, unsigned int: a list of ints
    "int *": "fd_array",            # int *, unsigned int: a list of file descriptors
}
_CHECKS = {"", "int", "callable"}


def _declared_param(el, function: str, module: str) -> Param:
    name, ctype, default = el.get("name"), el.get("type"), el.get("default")
    none = el.get("none") == "yes" or default == "None"
    check = el.get("check") or ""
    where = f"{function}, parameter {name}"
    if ctype is None or el.get("result") is not None:
        raise ClassifyError(f"{where}: the override declares no type")
    if check not in _CHECKS:
        raise ClassifyError(f"{where}: unknown check {check!r}")
    if ctype in _DECLARED_KINDS:
        kind = _DECLARED_KINDS[ctype]
        if kind == "object" and el.get("py") is None:
            raise ClassifyError(f"{where}: a PyObject * parameter needs py='<Python type>'")
        param = Param(name, ctype, kind, default, nullable=none)
    else:
        param = _input_param(Function(function, module, "int", "", ()),
                             Arg(name, ctype), False, declared=(default, none))
        if param is None:
            raise ClassifyError(f"{where}: no conversion for the C type {ctype!r}")
    return dataclasses.replace(param, check=check, pytype=el.get("py") or "")


def parse_overrides(source) -> dict[str, Override]:
    root = etree.parse(source).getroot()
    module = root.get("module")
    result = {}
    for el in root.iter("function"):
        name = el.get("name")
        if el.get("result") is None:
            raise ClassifyError(f"{name}: the override declares no result type (result=)")
        info = el.find("info")
        result[name] = Override(
            name=name,
            module=module,
            params=tuple(_declared_param(p, name, module) for p in el.findall("param")),
            pyname=el.get("pyname"),
            pyclass=el.get("class"),
            returns=el.get("returns") or "",
            result=el.get("result"),
            blocking=el.get("blocking", "yes") == "yes",
            libvirt_function=el.get("libvirt", "yes") == "yes",
            releases=el.get("releases") == "yes",
            converts=el.get("convert") == "yes",
            callback=el.get("callback") or "",
            prepares=el.get("prepare") == "yes",
            info=inspect.cleandoc(info.text or "") if info is not None else "",
        )
    return result


# The two C arguments of a list parameter, adjacent in libvirt's signature.
_PAIR_CTYPES = {"fd_array": ("unsigned int", "int *"), "uint_array": ("unsigned int *", "unsigned int")}


def _with_parts(func: Function, params: tuple[Param, ...]) -> tuple[Param, ...]:
    """A converted call's parameters (convert='yes'), each list parameter
    with the two C arguments it stands for."""
    result = []
    for p in params:
        if p.kind in _PAIR_CTYPES:
            at = next(i for i, (a, b) in enumerate(zip(func.args, func.args[1:]))
                      if (a.ctype, b.ctype) == _PAIR_CTYPES[p.kind])
            p = dataclasses.replace(p, parts=(func.args[at].name, func.args[at + 1].name))
        elif p.name not in {rules.PARAM_NAMES.get((func.name, a.name), a.name) for a in func.args}:
            raise ClassifyError(f"{func.name}: convert='yes', yet libvirt's signature has no "
                                f"argument {p.name} (rules.PARAM_NAMES)")
        result.append(p)
    return tuple(result)


def _default_for(func: Function, arg_name: str, ctype: str) -> str | None:
    if arg_name in rules.OPTIONAL_PARAMS.get(func.name, ()):
        return "0" if ctype in rules.INTEGER_TYPES else "None"
    if arg_name == rules.FLAGS_ARG and func.module == "libvirt":
        return rules.FLAGS_DEFAULT
    return None


def _input_param(func: Function, arg, is_last: bool,
                 declared: tuple[str | None, bool] | None = None) -> Param | None:
    """The Python parameter for a C input argument, or None if the argument
    is not a plain input.  `declared`: (default, None allowed) as a
    hand-written function's declaration gives them, instead of the rules."""
    if declared is None:
        name = rules.PARAM_NAMES.get((func.name, arg.name), arg.name)
        default = _default_for(func, name, arg.ctype)
        handle_none = rules.is_nullable(func.name, arg.name, func.module)
        str_none = default == "None" or rules.is_nullable(func.name, arg.name)
    else:
        name = arg.name
        default, handle_none = declared
        str_none = handle_none
    ctype = arg.ctype
    if ctype in rules.HANDLE_TYPES:
        return Param(name, ctype, "handle", default, nullable=handle_none,
                     handle_class=rules.HANDLE_TYPES[ctype])
    if ctype == "const char *":
        return Param(name, ctype, "str", default, nullable=str_none)
    if ctype in rules.INTEGER_TYPES:
        return Param(name, ctype, "int", default)
    if ctype == "double":
        return Param(name, ctype, "double", default)
    if ctype == "const unsigned char *" and arg.name == rules.UUID_ARG:
        return Param(name, ctype, "uuid", default)
    return None


def _pair_param(func: Function, first, second) -> Param | None:
    """The Python parameter for two C arguments that together pass one
    Python value: a CPU map and its length, an array of strings and its
    length, a count and an array of file descriptors."""
    types = (first.ctype, second.ctype)
    if types == ("unsigned char *", "int") and first.name == rules.CPUMAP_ARG:
        kind, named = "cpumap", first
    elif types == ("const char **", "unsigned int"):
        kind, named = "str_array", first
    elif types == ("unsigned int", "int *") and second.name in rules.FD_ARRAY_ARGS:
        kind, named = "fd_array", second
    else:
        return None
    name = rules.PARAM_NAMES.get((func.name, named.name), named.name)
    default = _default_for(func, name, named.ctype)
    # None for a list of strings passes no strings (NULL and 0), which
    # libvirt can always check; the reference takes it everywhere.
    return Param(name, named.ctype, kind, default,
                 nullable=default == "None" or kind == "str_array",
                 parts=(first.name, second.name))


def _inputs(func: Function, args) -> tuple[Param, ...] | None:
    params = []
    i = 0
    while i < len(args):
        pair = _pair_param(func, args[i], args[i + 1]) if i + 1 < len(args) else None
        if pair is not None:
            params.append(pair)
            i += 2
            continue
        param = _input_param(func, args[i], i == len(args) - 1)
        if param is None:
            return None
        params.append(param)
        i += 1
    return tuple(params)


def _shape(func: Function, api: Api, owner: str | None):
    """(shape, python params, count function) or None if no shape fits."""
    args = list(func.args)
    if owner is not None and func.name not in rules.SELF_NOT_PASSED:
        if not args or rules.HANDLE_TYPES.get(args[0].ctype) != owner:
            return None
        args = args[1:]
    ret = func.return_type
    types = [a.ctype for a in args]

    if func.name in rules.NAME_LISTS:
        count = api.functions.get(rules.NAME_LISTS[func.name])
        array = next((i for i, t in enumerate(types)
                      if t in ("char ** const", "char **", "int *")), None)
        if count is None or array is None or types[array + 1:array + 2] != ["int"]:
            return None
        inputs = _inputs(func, args[:array] + args[array + 2:])
        if inputs is None or ret != "int":
            return None
        return NAME_LIST, inputs, count

    if func.name in rules.STRUCT_RESULTS:
        return _struct_shape(func, args, api)
    if func.name in rules.RECORD_LISTS:
        records = [i for i, t in enumerate(types) if t.endswith("Ptr **")]
        free = api.functions.get(types[records[0]][:-len("Ptr **")] + "Free") if records else None
        inputs = _inputs(func, args[:records[0]] + args[records[0] + 1:]) if records else None
        if ret != "int" or len(records) != 1 or free is None or inputs is None:
            return None
        return RECORD_LIST, inputs, free

    if ret in _PLAIN_RETURNS or ret in rules.HANDLE_TYPES:
        inputs = _inputs(func, args)
        if inputs is not None:
            return PLAIN, inputs, None
    typed = _typed_params_shape(func, args, types, api)
    if typed is not None:
        return typed
    if ret != "int" or not args:
        return None
    lists = [i for i, t in enumerate(types) if t == "char ***"]
    if len(lists) == 1:
        inputs = _inputs(func, args[:lists[0]] + args[lists[0] + 1:])
        if inputs is not None:
            return STR_LIST, inputs, None
    last = args[-1]
    if last.ctype == "unsigned char *" and last.name == rules.UUID_ARG and len(args) == 1:
        return UUID_OUT, (), None
    if last.ctype == "char *" and last.name == rules.UUID_STRING_ARG and len(args) == 1:
        return UUIDSTR_OUT, (), None
    strs = [i for i, a in enumerate(args) if a.ctype == "char **"]
    if len(strs) == 1:
        inputs = _inputs(func, args[:strs[0]] + args[strs[0] + 1:])
        if inputs is not None:
            return STR_OUT, inputs, None
    outs = [i for i, a in enumerate(args) if a.ctype in _OUT_SCALARS]
    if len(outs) == 1 and rules.GETTER_WORD in func.name:
        inputs = _inputs(func, args[:outs[0]] + args[outs[0] + 1:])
        if inputs is not None:
            return OUT_SCALAR, inputs, None
    if (len(args) == 2 and args[0].ctype.endswith("Ptr **")
            and args[0].ctype[:-3] in rules.HANDLE_TYPES and args[1].ctype == "unsigned int"):
        return LIST_ALL, _inputs(func, args[1:]), None
    return None


def _struct_shape(func: Function, args, api: Api):
    """A function filling the struct its one struct pointer argument points
    to (rules.STRUCT_RESULTS), with plain inputs around it."""
    at = next((i for i, a in enumerate(args) if a.ctype.endswith("Ptr")
               and a.ctype not in rules.HANDLE_TYPES), None)
    if at is None or func.return_type != "int":
        return None
    name = args[at].ctype[:-len("Ptr")]
    struct = api.structs.get(name) or api.structs.get(name + "Struct")
    if struct is None:
        raise ClassifyError(f"{func.name}: no struct in the API for {args[at].ctype}")
    rest = args[:at] + args[at + 1:]
    if rest[at:at + 1] and rest[at].ctype == "size_t" and rest[at].name == rules.STRUCT_SIZE_ARG:
        rest = rest[:at] + rest[at + 1:]
    inputs = _inputs(func, rest)
    return None if inputs is None else (STRUCT_OUT, inputs, struct)


_BUILD_FORMATS = {"int": "i", "unsigned int": "I", "long": "l", "unsigned long": "k",
                  "long long": "L", "unsigned long long": "K"}


def struct_fields(struct: Struct) -> list[tuple[str, str, str]]:
    """(Py_BuildValue format, C expression with {s} for the struct, Python
    type) of each field of a STRUCT_OUT result, in the struct's order."""
    result = []
    for field in struct.fields:
        special = rules.STRUCT_FIELDS.get((struct.name, field.name))
        if special is not None:
            result.append(special[:3])
        elif re.fullmatch(rf"char {re.escape(field.name)}\[\w+\]", field.ctype):
            result.append(("N", f"lv_str_n({{s}}.{field.name}, sizeof({{s}}.{field.name}))", "str"))
        elif field.ctype in _BUILD_FORMATS:
            result.append((_BUILD_FORMATS[field.ctype], f"{{s}}.{field.name}", "int"))
        else:
            raise ClassifyError(f"{struct.name}.{field.name}: no conversion for the C type "
                                f"{field.ctype!r}; add it to STRUCT_FIELDS in codegen/rules.py")
    return result


def _find_pair(types: list[str], first: set[str], second: set[str]) -> int | None:
    for i in range(len(types) - 1):
        if types[i] in first and types[i + 1] in second:
            return i
    return None


def _typed_params_shape(func: Function, args, types, api: Api):
    """A typed-parameter getter or setter with plain inputs around the
    (params, nparams) pair."""
    shapes = [
        (TYPED_GET, {"virTypedParameterPtr"}, {"int *"}),
        (TYPED_GET_ALLOC, {"virTypedParameterPtr *"}, {"int *", "unsigned int *"}),
        (TYPED_SET, {"virTypedParameterPtr"}, {"int", "unsigned int"}),
    ]
    for shape, first, second in shapes:
        at = _find_pair(types, first, second)
        if at is None:
            continue
        # Setters may make an object (virDomainMigrate3); the rest return status.
        if func.return_type != "int" and not (shape == TYPED_SET
                                              and func.return_type in rules.HANDLE_TYPES):
            return None
        if shape == TYPED_SET and func.name not in rules.TYPED_SETTERS \
                and func.name not in rules.STATIC_TYPED_SETTERS:
            return None
        inputs = _inputs(func, args[:at] + args[at + 2:])
        if inputs is None:
            return None
        getter = None
        if shape == TYPED_SET:
            default = _default_for(func, args[at].name, args[at].ctype)
            dict_param = Param(args[at].name, args[at].ctype, "params", default,
                               nullable=default == "None")
            inputs = inputs[:at] + (dict_param,) + inputs[at:]
            if func.name in rules.TYPED_SETTERS:
                getter = api.functions[rules.TYPED_SETTERS[func.name]]
        return shape, inputs, getter
    return None


_PARAM_TYPE_WORDS = [
    (re.compile(r"VIR_TYPED_PARAMS?_(INT|UINT|LLONG|ULLONG|DOUBLE|BOOLEAN|STRING)\b"), None),
    (re.compile(r"\bas an? (unsigned long long|ullong)\b", re.I), "ULLONG"),
    (re.compile(r"\bas an? (long long|llong)\b", re.I), "LLONG"),
    (re.compile(r"\bas an? (unsigned int|uint)\b", re.I), "UINT"),
    (re.compile(r"\bas an? (int)\b", re.I), "INT"),
    (re.compile(r"\bas an? (string)\b", re.I), "STRING"),
    (re.compile(r"\bas an? (boolean)\b", re.I), "BOOLEAN"),
]


def param_types(api: Api, prefix: str) -> tuple[tuple[str, str], ...]:
    """(parameter name, VIR_TYPED_PARAM_ type suffix) of the typed
    parameters named by the string macros starting with `prefix`."""
    result = []
    for macro in sorted(api.macros.values(), key=lambda m: m.name):
        if not macro.name.startswith(prefix) or macro.string is None:
            continue
        found = rules.PARAM_TYPES.get(macro.name)
        for pattern, fixed in _PARAM_TYPE_WORDS:
            if found:
                break
            match = pattern.search(macro.info)
            if match:
                found = fixed or match.group(1)
        if found is None:
            raise ClassifyError(f"{macro.name}: its documentation does not say the parameter's "
                                f"type; add it to PARAM_TYPES in codegen/rules.py")
        result.append((macro.string, found.upper()))
    return tuple(result)


def classify(api: Api, overrides: dict[str, Override], strict: bool = True) -> list[Binding]:
    """One Binding per function of `api`, in name order.  A function no rule
    binds or skips is an error, or with strict=False an UNBOUND binding."""
    bindings = []
    functions = dict(api.functions)
    for override in overrides.values():
        if not override.libvirt_function:
            if override.name in functions:
                raise ClassifyError(f"{override.name}: declared libvirt='no', yet it is libvirt's")
            functions[override.name] = Function(override.name, override.module,
                                                "PyObject *", "", (), info=override.info)
    for func in sorted(functions.values(), key=lambda f: f.name):
        pyclass, pyname = naming.python_name(func.name, func.arg_types, func.module)
        override = overrides.get(func.name)
        reason = rules.skip_reason(func.name)
        if override is not None and reason is not None:
            raise ClassifyError(f"{func.name}: hand-written, yet rules.py skips it ({reason})")
        if override is not None:
            if not override.libvirt_function:
                pyclass, pyname = None, func.name
            bindings.append(Binding(
                func, HANDWRITTEN,
                "hand-written override" if override.libvirt_function else "libvirtmod's own function",
                pyclass=override.pyclass if override.pyclass is not None else pyclass,
                pyname=override.pyname or pyname,
                params=(_with_parts(func, override.params)
                        if override.converts or override.prepares else override.params),
                blocking=override.blocking, returns=override.returns,
                result=override.result, libvirt_function=override.libvirt_function,
                releases=override.releases, converts=override.converts,
                callback=override.callback, prepares=override.prepares))
            continue
        if reason is not None:
            bindings.append(Binding(func, SKIPPED, reason, pyclass, pyname))
            continue
        shape = _shape(func, api, pyclass)
        if shape is None and not strict:
            bindings.append(Binding(func, UNBOUND, "no shape fits its signature",
                                    pyclass, pyname))
            continue
        if shape is None:
            raise ClassifyError(
                f"{func.name}: no rule binds or skips it (signature "
                f"{func.return_type} ({', '.join(func.arg_types)})); add a skip "
                f"reason in codegen/rules.py or a hand-written override")
        kind, params, count = shape
        struct = None
        if isinstance(count, Struct):
            struct, count = count, None
        types = ()
        if func.name in rules.STATIC_TYPED_SETTERS:
            types = param_types(api, rules.STATIC_TYPED_SETTERS[func.name])
        bindings.append(Binding(
            func, GENERATED, kind, pyclass, pyname, kind, params,
            blocking=func.name not in rules.NON_BLOCKING, count_function=count,
            struct=struct, param_types=types))
    unknown = set(overrides) - set(functions)
    if unknown:
        raise ClassifyError(f"override for unknown function(s): {', '.join(sorted(unknown))}")
    return bindings
