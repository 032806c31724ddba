"""Stage 3 of the generator: the C entry point of each bound function.

For each bound function it writes a C entry point that parses its Python
arguments with the typewrappers.c converters, calls libvirt (releasing the
GIL unless the call only reads the handle) by the body of its shape, and
converts the result; a hand-written function's entry point calls its
lv_impl_<name> with the converted arguments.  The tables and the module
definition around them are emit_module.py's.
"""

from __future__ import annotations

from . import classify as C
from .classify import Binding
from .emit_c_handwritten import _converted_body, _impl_call, _prepared_body, _registration_body
from .emit_c_parts import (CFunction, _convert, _declarations, _fail, _null_handle_check,
                           _pair_cleanup, PAIRED_KINDS, _release)
from .emit_c_shapes import _SHAPE_BODIES


def entry_point(binding: Binding) -> str:
    """The C function of a bound function: parse and convert its Python
    arguments, then call libvirt (generated) or its impl (hand-written)."""
    fn = CFunction(binding)
    params = binding.params
    cleanup = ""
    if params:
        names = ", ".join(f'"{p.name}"' for p in params)
        required = next((i for i, p in enumerate(params) if p.default is not None), len(params))
        assert all(p.default is not None for p in params[required:]), binding.function.name
        fn.declare(f"static const char *const kwlist[] = {{{names}, NULL}}",
                   f"PyObject *argv[{len(params)}]")
        for p in params:
            fn.declare(*_declarations(p))
        fn.add(_fail(f"lv_unpack_fast(args, nargs, kwnames, \"{binding.pyname}\", kwlist, "
                     f"{required}, {len(params)}, argv) < 0", ""))
        # Objects last: converting an int or a sequence may run Python code
        # (__index__, __iter__, __bool__) that closes a connection, so its
        # handle is read only afterwards.  Allocating conversions come just
        # before the objects, and a later failure releases what they made.
        rank = {"handle": 2, **{kind: 1 for kind in PAIRED_KINDS}}
        order = sorted(range(len(params)), key=lambda i: rank.get(params[i].kind, 0))
        if binding.shape == C.TYPED_SET:   # after the dict's values (_typed_set_body)
            order = [i for i in order if params[i].kind != "handle"]
        for i in order:
            fn.add(_convert(fn, params[i], i, cleanup))
            if params[i].kind in PAIRED_KINDS:
                cleanup += _release(params[i], "        ")
    if binding.state == C.HANDWRITTEN:
        fn.add(_converted_body(fn) if binding.converts else _prepared_body(fn) if binding.prepares
               else _registration_body(fn) if binding.callback else _impl_call(fn))
    else:
        assert binding.shape == C.PLAIN or not _pair_cleanup(binding), binding.function.name
        if binding.shape != C.TYPED_SET:
            fn.add(_null_handle_check(binding, cleanup))
        fn.add(_SHAPE_BODIES[binding.shape](fn))
    return fn.render()
