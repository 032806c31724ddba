"""What changed between two API descriptions, as the binding sees it.

For whoever regenerates the binding when libvirt's API grows: which
functions arrived (and how the generator binds each: generated, hand-written
or skipped, with the reason), which went, whose C signature or Python
binding changed, and which constants were added, removed or renumbered.
Input: the model and the bindings of each side (generator.load).
"""

from __future__ import annotations

from . import classify, model
from .modules import MODULES


def _signature(func: model.Function) -> str:
    args = ", ".join(f"{a.ctype} {a.name}" for a in func.args)
    return f"{func.return_type} {func.name}({args})"


def _binding(b: classify.Binding) -> str:
    """How a function is bound: its state, its Python name and parameters,
    and the shape (generated) or the reason (otherwise)."""
    if b.state == classify.SKIPPED:
        return f"skipped: {b.reason}"
    if b.state == classify.UNBOUND:
        return (f"needs a hand-written override ({b.reason}: declare it in "
                f"{MODULES[b.function.module].api_overrides}, write lv_impl_{b.function.name}, "
                f"or give a skip reason in codegen/rules.py)")
    where = f"{b.pyclass}.{b.pyname}" if b.pyclass else b.pyname
    params = ", ".join(p.name if p.default is None else f"{p.name}={p.default}"
                       for p in b.params)
    detail = b.shape if b.state == classify.GENERATED else b.reason
    return f"{b.state} {where}({params}) [{detail}]"


def _constants(api: model.Api) -> dict[str, str]:
    """Every constant the binding exports (enums, string macros), with its
    value; the _LAST sentinels are left out (their value moves whenever an
    enum grows)."""
    values = {name: str(api.enum_value(name)) for name in api.enums
              if not api.is_sentinel(name)}
    values.update({name: repr(m.string) for name, m in api.macros.items()
                   if m.string is not None})
    return values


def diff(old_api: model.Api, old_bindings: list[classify.Binding],
         new_api: model.Api, new_bindings: list[classify.Binding]) -> list[str]:
    """The report, as lines; a last line counts the changes."""
    old_b = {b.function.name: b for b in old_bindings}
    new_b = {b.function.name: b for b in new_bindings}
    lines: list[str] = []

    def section(title: str, entries: list[str]) -> None:
        if entries:
            lines.append(f"{title} ({len(entries)}):")
            lines.extend(f"  {entry}" for entry in entries)

    added = sorted(new_b.keys() - old_b.keys())
    removed = sorted(old_b.keys() - new_b.keys())
    section("functions added", [f"{name}: {_binding(new_b[name])}" for name in added])
    section("functions removed", [f"{name}: was {_binding(old_b[name])}" for name in removed])
    changed = []
    for name in sorted(old_b.keys() & new_b.keys()):
        before, after = old_b[name], new_b[name]
        if _signature(before.function) != _signature(after.function):
            changed.append(f"{name}: C {_signature(before.function)}"
                           f" -> {_signature(after.function)}")
        if _binding(before) != _binding(after):
            changed.append(f"{name}: {_binding(before)} -> {_binding(after)}")
    section("functions changed", changed)

    old_c, new_c = _constants(old_api), _constants(new_api)
    section("constants added", [f"{n} = {new_c[n]}" for n in sorted(new_c.keys() - old_c.keys())])
    section("constants removed", [f"{n} (was {old_c[n]})"
                                  for n in sorted(old_c.keys() - new_c.keys())])
    old_m = {n for n, m in old_api.macros.items() if m.string is None}
    new_m = {n for n, m in new_api.macros.items() if m.string is None}
    # Numeric macros are no constants of the binding: listed for the reader.
    section("macros added (not bound)", sorted(new_m - old_m))
    section("macros removed (not bound)", sorted(old_m - new_m))
    section("constants changed", [f"{n}: {old_c[n]} -> {new_c[n]}"
                                  for n in sorted(old_c.keys() & new_c.keys())
                                  if old_c[n] != new_c[n]])
    count = sum(1 for line in lines if line.startswith("  "))
    lines.append(f"{count} changes" if count else "no changes")
    return lines
