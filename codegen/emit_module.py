"""Stage 3 of the generator, continued: what surrounds the entry points of
one extension module (emit_c.py): the constructor argument parser, each
wrapper type's method table, the kinds header, the module-level functions
named after libvirt's C functions, the module definition, and the
prototypes of the hand-written functions (<extension>-impl.h).
"""

from __future__ import annotations

import os

from . import classify as C
from . import rules
from .classify import Binding
from .emit_c import entry_point
from .emit_c_handwritten import converter_outputs, impl_handle_name, impl_takes_handle
from .emit_c_parts import (HEADER, PAIRED_KINDS, c_decl, c_string, call_flags, converter_name,
                           docstring, entry_name, impl_name, kind_enum, prepare_name)
from .modules import BY_EXTENSION, C_HEADERS


def constructor_args() -> str:
    """lv_constructor_args(): the parameters of each class's constructor
    (rules.CONSTRUCTOR_OWNER_PARAMS), for src/objects.c's lv_object_new."""
    owners = sorted({owner for _, _, owner in rules.CLASSES.values() if owner})
    out = ["/* The constructors' parameters: <class>(<owner>, _obj=None), virConnect(_obj=None). */\n"
           "int\nlv_constructor_args(lv_kind kind, PyObject *args, PyObject *kwds, "
           "PyObject **owner,\n                    PyObject **source)\n{\n"
           "    static char *without_owner[] = {\"_obj\", NULL};\n"]
    for owner in owners:
        out.append(f"    static char *{kind_enum(owner).lower()}_owner[] = "
                   f"{{\"{rules.CONSTRUCTOR_OWNER_PARAMS[owner]}\", \"_obj\", NULL}};\n")
    out.append("\n    switch (lv_kinds[kind].owner_kind) {\n")
    for owner in owners:
        out.append(f"    case {kind_enum(owner)}:\n"
                   f"        return PyArg_ParseTupleAndKeywords(args, kwds, \"O|O\", "
                   f"{kind_enum(owner).lower()}_owner, owner, source) ? 0 : -1;\n")
    out.append("    default:\n        return PyArg_ParseTupleAndKeywords(args, kwds, \"|O\", "
               "without_owner, source) ? 0 : -1;\n    }\n}\n\n")
    return "".join(out)


def method_def(binding: Binding) -> str:
    return (f"    {{\"{binding.pyname}\", (PyCFunction)(void (*)(void)){entry_name(binding)}, "
            f"{call_flags(binding)},\n     {docstring(binding)}}},\n")


def kinds_header() -> str:
    """lv-kinds.h: the handle kinds of rules.CLASSES."""
    out = [HEADER, "#ifndef LV_KINDS_H\n#define LV_KINDS_H\n\ntypedef enum {\n"]
    for cls in rules.CLASSES:
        out.append(f"    {kind_enum(cls)},\n")
    out.append("    LV_NKINDS\n} lv_kind;\n\n")
    for cls, (ctype, free, _) in rules.CLASSES.items():
        out.append(f"static inline int lv_release_{cls}(void *handle) "
                   f"{{ return {free}(({ctype})handle); }}\n")
        # Every class has its <class>Ref (virConnectRef, virDomainRef, ...).
        out.append(f"static inline int lv_ref_{cls}(void *handle) "
                   f"{{ return {cls}Ref(({ctype})handle); }}\n")
    out.append("\n#define LV_KINDS_TABLE { \\\n")
    for cls, (_, _, owner) in rules.CLASSES.items():
        owner_kind = kind_enum(owner) if owner else "-1"
        out.append(f"    {{\"{cls}\", lv_release_{cls}, lv_ref_{cls}, {owner_kind}}}, \\\n")
    out.append("}\n\n#endif\n")
    return "".join(out)


def _accessor_defs(pyclass: str) -> str:
    out = ["    {\"c_pointer\", lv_object_c_pointer, METH_NOARGS,\n"
           "     \"c_pointer($self)\\n--\\n\\nThe address of the libvirt handle, as an int.\"},\n"]
    for name, owner in rules.OWNER_ACCESSORS.get(pyclass, {}).items():
        # src/objects.c: lv_object_connect, lv_object_domain, lv_object_network
        accessor = f"lv_object_{owner[3:].lower()}"
        out.append(f"    {{\"{name}\", {accessor}, METH_NOARGS,\n"
                   f"     \"{name}($self)\\n--\\n\\nThe {owner} object this one was obtained from.\"}},\n")
    return "".join(out)


_FLAT_FAILURES = {"none": "LV_FLAT_NONE", "minus_one": "LV_FLAT_MINUS_ONE",
                  "zero": "LV_FLAT_ZERO", "raw": "LV_FLAT_RAW", "release": "LV_FLAT_RELEASE"}


_FAILURE_WORDS = {"none": "None", "minus_one": "-1", "zero": "0", "raw": "their error",
                  "release": "0"}


def _flat_def(name: str, kind: str, pyname: str, failure: str, doc: str,
              first_kind: str | None = None) -> str:
    return (f"    {{{{\"{name}\", (PyCFunction)(void (*)(void))lv_flat_call, "
            f"METH_FASTCALL | METH_KEYWORDS, {c_string(doc)}}},\n"
            f"     {kind}, {first_kind or kind}, \"{pyname}\", {_FLAT_FAILURES[failure]}}},\n")


def flat_table(bound: list[Binding], core: bool) -> str:
    """lv_flat_functions[]: libvirtmod.<C name>(obj._o, ...) for every bound
    function, as the reference's libvirtmod has them (lv_flat_call)."""
    by_name = {b.function.name: b for b in bound}
    entries = []
    for b in bound:
        if b.pyclass or b.pyname != b.function.name:   # else the function itself has the name
            entries.append((b.function.name, b))
    for alias, target in rules.FLAT_ALIASES.items():
        if target in by_name:
            entries.append((alias, by_name[target]))
    out = ["lv_flat_def lv_flat_functions[] = {\n"]
    for name, b in sorted(entries, key=lambda e: e[0]):
        # The object None stands for: self's, or a module function's first
        # argument's (libvirtmod_qemu.virDomainQemuAgentCommand(None, ...)).
        first = b.function.args[0].ctype if b.function.args else ""
        kind = kind_enum(b.pyclass) if b.pyclass else "-1"
        first_kind = (kind_enum(rules.HANDLE_TYPES[first]) if kind == "-1" and first in rules.HANDLE_TYPES
                      else kind)
        where = f"{b.pyclass}.{b.pyname}" if b.pyclass else b.pyname
        failure = rules.flat_failure(b.function.name, b.function.return_type,
                                     b.shape if b.state == C.GENERATED else "", b.returns)
        params = ["$module"] + (["obj"] if b.pyclass else [])
        params += [p.name if p.default is None else f"{p.name}={p.default}" for p in b.params]
        out.append(_flat_def(name, kind, b.pyname, failure,
                             f"{name}({', '.join(params)})\n--\n\n{where}() of the Python "
                             f"module, with obj (an object's _o) as self; libvirt's failures "
                             f"return {_FAILURE_WORDS[failure]} instead of raising.",
                             first_kind))
    if core:
        # The reference's per-class helpers: <class>_pointer (c_pointer) and
        # <class>Free (release now; a connection is released by close()).
        for cls in rules.CLASSES:
            out.append(_flat_def(f"{cls}_pointer", kind_enum(cls), "c_pointer", "raw",
                                 f"{cls}_pointer($module, obj)\n--\n\n"
                                 f"The address of obj's handle."))
            if cls != "virConnect":
                out.append(_flat_def(f"{cls}Free", kind_enum(cls), "__del__", "release",
                                     f"{cls}Free($module, obj)\n--\n\n"
                                     f"Release obj's handle now; returns 0."))
    out.append("    {.def = {NULL}}  /* sentinel */\n};\n\n")
    return "".join(out)


def enum_name_tables(module: str, api, declare: bool) -> str:
    """The tables of rules.ENUM_NAME_TABLES for `module` (defined from the
    enum values of `api`, or declared)."""
    out = []
    for table, (owner, prefix, count, exceptions, what) in rules.ENUM_NAME_TABLES.items():
        if owner != module:
            continue
        head = f"const char *const {table}[{count}]"
        if declare:
            out.append(f"/* {what}, by value (NULL where none) */\nextern {head};\n")
            continue
        entries = [(api.enum_value(name), name, exceptions.get(name[len(prefix):],
                                                              name[len(prefix):].lower()))
                   for name, enum in api.enums.items()
                   if name.startswith(prefix) and name != count and enum.value.isdigit()]
        body = "".join(f"    [{name}] = \"{key}\",\n" for _, name, key in sorted(entries))
        out.append(f"{head} = {{\n" + (body or "    NULL,\n") + "};\n\n")
    return "".join(out)


def module_source(extension: str, bindings: list[Binding], api=None) -> str:
    """The C source of one extension module (`api`: its API, for the
    tables of enum names)."""
    bound = [b for b in bindings if b.state in (C.GENERATED, C.HANDWRITTEN)]
    core = extension == "libvirtmod"
    out = [HEADER, '#include "typewrappers.h"\n']
    out.append(f"#include <{BY_EXTENSION[extension].c_header}>\n\n")
    if core:
        out.append("#define LV_MODULE_STATE(module) lv_state_from_module(module)\n\n")
    else:
        out.append("#define LV_MODULE_STATE(module) "
                   "lv_state_from_module(((lv_ext_state *)PyModule_GetState(module))->core)\n\n")
    out.append(f'#include "{extension}-impl.h"\n\n')
    # src/objects.c, linked into every extension, constructs objects.
    out.append(constructor_args())
    if api is not None:
        out.append(enum_name_tables(BY_EXTENSION[extension].api, api, declare=False))
    for b in bound:
        out.append(entry_point(b) + "\n")

    if core:
        out.append("const char *const lv_class_docs[LV_NKINDS] = {\n")
        for cls in rules.CLASSES:
            out.append(f"    \"{cls}: a libvirt {cls[3:]} handle.\",\n")
        out.append("};\n\n")
        for cls in rules.CLASSES:
            out.append(f"static PyMethodDef lv_methods_{cls}[] = {{\n")
            for b in sorted((b for b in bound if b.pyclass == cls), key=lambda b: b.pyname):
                out.append(method_def(b))
            out.append(_accessor_defs(cls))
            out.append("    {NULL, NULL, 0, NULL}\n};\n\n")
        out.append("PyMethodDef *const lv_class_methods[LV_NKINDS] = {\n")
        for cls in rules.CLASSES:
            out.append(f"    lv_methods_{cls},\n")
        out.append("};\n\n")
    else:
        stray = [b.function.name for b in bound if b.pyclass]
        assert not stray, f"methods in an add-on module: {stray}"

    out.append(flat_table(bound, core))
    # libvirtmod's module definition is hand-written (libvirt-override.c)
    # around these tables; an add-on module's is all src/state.c's lv_ext_init.
    out.append("PyMethodDef lv_module_functions[] = {\n")
    for b in sorted((b for b in bound if not b.pyclass), key=lambda b: b.pyname):
        out.append(method_def(b))
    out.append("    {NULL, NULL, 0, NULL}\n};\n")
    if not core:
        row = BY_EXTENSION[extension]
        out.append(f"\nstatic struct PyModuleDef lv_ext_def = {{\n"
                   f"    PyModuleDef_HEAD_INIT,\n"
                   f"    .m_name = \"{extension}\",\n"
                   f"    .m_doc = {c_string(f'C part of {row.python}: {row.doc}')},\n"
                   f"}};\n\n"
                   f"PyMODINIT_FUNC\nPyInit_{extension}(void)\n{{\n"
                   f"    return lv_ext_init(&lv_ext_def);\n}}\n")
    return "".join(out)


# ---- the hand-written functions' prototypes -------------------------------

_IMPL_TYPES = {"str": "const char *", "double": "double", "bool": "int",
               "object": "PyObject *", "params": "PyObject *"}


def impl_parameters(binding: Binding) -> list[str]:
    """The C parameters of a hand-written binding's impl function: the
    object or module, the module state, self's handle where the impl gets
    it (emit_c.impl_takes_handle; not a preparation, which runs before the
    call), then each Python parameter as its declaration converts it (two
    C parameters for a list: items, count)."""
    first = "PyObject *self" if binding.pyclass else "PyObject *module"
    result = [first, "lv_state *st"]
    if impl_takes_handle(binding) and not binding.prepares:
        result.append(f"{rules.CLASSES[binding.pyclass][0]} {impl_handle_name(binding)}")
    for p in binding.params:
        if p.kind in PAIRED_KINDS:
            item = {"fd_array": "int *", "uint_array": "unsigned int *"}[p.kind]
            result += [f"{item}{p.name}", f"unsigned int n_{p.name}"]
        elif p.kind in ("handle", "int"):
            result.append(f"{p.ctype} {p.name}")
        else:
            ctype = _IMPL_TYPES[p.kind]
            result.append(f"{ctype}{'' if ctype.endswith('*') else ' '}{p.name}")
    return result


def impl_prototype(binding: Binding) -> str:
    if binding.prepares:
        return f"int {prepare_name(binding)}({', '.join(impl_parameters(binding))})"
    if binding.converts:
        # the result libvirt returned, then its outputs (emit_c.converter_outputs)
        params = [impl_parameters(binding)[0], "lv_state *st",
                  c_decl(binding.function.return_type, "ret")]
        params += [c_decl(ctype, name) for name, ctype, _ in converter_outputs(binding)]
        return f"PyObject *{converter_name(binding)}({', '.join(params)})"
    return f"PyObject *{impl_name(binding)}({', '.join(impl_parameters(binding))})"


def impl_header(extension: str, bindings: list[Binding]) -> str:
    """<extension>-impl.h: the prototypes of the hand-written functions of
    one extension, as their override description declares them; the
    hand-written C includes it, so the compiler checks that the two agree."""
    guard = extension.upper() + "_IMPL_H"
    out = [HEADER, f"/* The hand-written functions of {extension}: each gets its Python arguments\n"
           f" * converted by its generated entry point ({extension}-generated.c). */\n"
           f"#ifndef {guard}\n#define {guard}\n\n",
           "/* The hand-written headers: they declare the impls shared by several\n"
           " * functions (rules.SHARED_IMPLS) and what those take. */\n"]
    out.extend(f'#include "{os.path.basename(h)}"\n' for h in C_HEADERS)
    out.append(f"#include <{BY_EXTENSION[extension].c_header}>\n\n")
    for b in bindings:
        # a registration (callback= without convert=) has nothing hand-written but the callback
        if b.state == C.HANDWRITTEN and b.function.name not in rules.SHARED_IMPLS \
                and (b.converts or b.prepares or not b.callback):
            out.append(f"{impl_prototype(b)};\n")
    tables = enum_name_tables(BY_EXTENSION[extension].api, None, declare=True)
    if tables:
        out.append(f"\n{tables}")
    converters = [rules.RECORD_LISTS[b.function.name][0] for b in bindings
                  if b.state == C.GENERATED and b.shape == C.RECORD_LIST]
    if converters:
        out.append("\n/* The hand-written conversions of one record of a generated record list\n"
                   " * (rules.RECORD_LISTS): record i of the array. */\n")
        out.extend(f"PyObject *{name}(Py_ssize_t i, void *records);\n" for name in converters)
    out.append("\n#endif\n")
    return "".join(out)
