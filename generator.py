#!/usr/bin/env python3
"""Generate the libvirt Python binding from libvirt's API descriptions.

Pipeline (one module of codegen/ per stage):
  model     parse libvirt-api.xml, libvirt-qemu-api.xml, libvirt-lxc-api.xml
  classify  decide for every function: generated, hand-written or skipped
  emit_c    the C entry point of each bound function
  emit_module  the rest of the C glue of libvirtmod, libvirtmod_qemu, libvirtmod_lxc
  emit_py   libvirt.py, libvirt_qemu.py, libvirt_lxc.py
  emit_pyi  their type stubs (.pyi), and libvirtaio.pyi

Every function must be accounted for; the summary says how.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:   # run as a script; imported, its importer put it there
    sys.path.insert(0, HERE)

from codegen import api_diff, classify, emit_module, emit_py, emit_pyi, model  # noqa: E402
from codegen.modules import MODULES  # noqa: E402


# Hand-written modules whose type stubs are made from their annotations.
STUBBED_PYTHON = ("libvirtaio",)


def pkg_config_api(module: str) -> str:
    """Path of the installed API XML of `module` (a key of MODULES)."""
    package, variable = MODULES[module].pkg_config, MODULES[module].api_variable
    try:
        out = subprocess.run(["pkg-config", f"--variable={variable}", package],
                             check=True, capture_output=True, text=True).stdout.strip()
    except FileNotFoundError:
        sys.exit("generator.py: pkg-config is not installed: install pkg-config "
                 "(Debian: apt-get install pkg-config libvirt-dev)")
    except subprocess.CalledProcessError:
        sys.exit(f"generator.py: pkg-config does not know {package}: install "
                 f"libvirt's development files (Debian: apt-get install libvirt-dev)")
    if not out:
        sys.exit(f"generator.py: {package}.pc has no {variable} variable")
    return out


def load(api_paths: dict[str, str], override_dir: str, strict: bool = True):
    """(api, bindings per module) for the given XML files (strict: see
    classify.classify)."""
    apis = {}
    combined = model.Api()
    for module, path in api_paths.items():
        api = model.parse(path, module)
        apis[module] = api
        combined.merge(api)
    bindings = {}
    for module, api in apis.items():
        overrides_path = os.path.join(override_dir, MODULES[module].api_overrides)
        overrides = (classify.parse_overrides(overrides_path)
                     if os.path.exists(overrides_path) else {})
        bindings[module] = classify.classify(api, overrides, strict)
    return apis, combined, bindings


def summary(bindings, full: bool) -> str:
    lines = []
    total = {classify.GENERATED: 0, classify.HANDWRITTEN: 0, classify.SKIPPED: 0}
    own = 0
    for module, items in bindings.items():
        own += sum(1 for b in items if not b.libvirt_function)
        items = [b for b in items if b.libvirt_function]
        counts = {state: sum(1 for b in items if b.state == state) for state in total}
        for state, n in counts.items():
            total[state] += n
        lines.append(f"{module}: {len(items)} functions: {counts[classify.GENERATED]} generated, "
                     f"{counts[classify.HANDWRITTEN]} hand-written, {counts[classify.SKIPPED]} skipped")
        if full:
            for b in items:
                where = f"{b.pyclass}.{b.pyname}" if b.pyclass else b.pyname
                detail = b.shape if b.state == classify.GENERATED else b.reason
                lines.append(f"  {b.function.name:45} {b.state:11} {where:40} {detail}")
    n = sum(total.values())
    lines.append(f"all {n} functions accounted for: {total[classify.GENERATED]} generated, "
                 f"{total[classify.HANDWRITTEN]} hand-written, {total[classify.SKIPPED]} skipped")
    if own:
        lines.append(f"and {own} hand-written functions of libvirtmod's own (libvirt='no')")
    return "\n".join(lines)


def write(path: str, text: str) -> None:
    """Write only when the content changed, so builds stay incremental."""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def generate(api_paths: dict[str, str], override_dir: str, output: str,
             full_list: bool = False, quiet: bool = False, stubs: str | None = None) -> None:
    apis, combined, bindings = load(api_paths, override_dir)
    os.makedirs(output, exist_ok=True)
    write(os.path.join(output, "lv-kinds.h"), emit_module.kinds_header())
    for module, items in bindings.items():
        extension = MODULES[module].extension
        write(os.path.join(output, f"{extension}-generated.c"),
              emit_module.module_source(extension, items, apis[module]))
        write(os.path.join(output, f"{extension}-impl.h"), emit_module.impl_header(extension, items))
        pymodule = MODULES[module].python
        write(os.path.join(output, f"{pymodule}.py"),
              emit_py.module_source(module, apis[module], combined, items, override_dir))
        if stubs is not None:
            os.makedirs(stubs, exist_ok=True)
            write(os.path.join(stubs, f"{pymodule}.pyi"),
                  emit_pyi.module_stub(module, apis[module], combined, items, override_dir))
    if stubs is not None:
        # The stubs of the hand-written modules, and PEP 561's marker.
        for name in STUBBED_PYTHON:
            if os.path.exists(os.path.join(override_dir, f"{name}.py")):
                write(os.path.join(stubs, f"{name}.pyi"),
                      emit_pyi.python_stub(os.path.join(override_dir, f"{name}.py")))
        write(os.path.join(stubs, "py.typed"), "")
    if not quiet:
        print(summary(bindings, full_list))


def diff(old_xml: str, new_xml: str, installed: dict[str, str], override_dir: str) -> str:
    """The report of codegen/api_diff.py from one module's older API XML to
    its newer one (the module is the one their <api name=...> names); the
    other modules are `installed` on both sides.  Functions no rule binds
    are reported as needing an override, not refused."""
    module = model.api_name(old_xml)
    if model.api_name(new_xml) != module or module not in MODULES:
        sys.exit(f"generator.py --diff: both files must describe the same module, one of "
                 f"{', '.join(MODULES)} (<api name=...>)")
    sides = []
    for path in (old_xml, new_xml):
        _, api, bindings = load({**installed, module: path}, override_dir, strict=False)
        sides += [api, [b for items in bindings.values() for b in items]]
    return "\n".join(api_diff.diff(*sides))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api", action="append", default=[], metavar="MODULE=PATH",
                        help="API XML of one module (libvirt, libvirt-qemu, libvirt-lxc); "
                             "default: from pkg-config")
    parser.add_argument("--overrides", default=HERE,
                        help="directory of the override files (default: beside generator.py)")
    parser.add_argument("--output", "-o", default=os.path.join(HERE, "build", "generated"),
                        help="directory for the generated files")
    parser.add_argument("--stubs", metavar="DIR",
                        help="also write the type stubs (libvirt.pyi, ..., libvirtaio.pyi) "
                             "and py.typed into DIR")
    parser.add_argument("--list", action="store_true",
                        help="list every function with how it is bound")
    parser.add_argument("--diff", nargs=2, metavar=("OLD-API.xml", "NEW-API.xml"),
                        help="instead of generating, report what changed from one API XML "
                             "to another of the same module, and how the binding would bind "
                             "each function added or changed (the other modules: as --api)")
    args = parser.parse_args(argv)

    def module_paths(items, option):
        paths = {}
        for item in items:
            module, _, path = item.partition("=")
            if module not in MODULES or not path:
                parser.error(f"{option} takes MODULE=PATH with MODULE one of "
                             f"{', '.join(MODULES)}")
            paths[module] = path
        return paths

    paths = module_paths(args.api, "--api")
    for module in MODULES:
        if module not in paths:
            paths[module] = pkg_config_api(module)
    try:
        if args.diff:
            print(diff(*args.diff, paths, args.overrides))
        else:
            generate(paths, args.overrides, args.output, full_list=args.list, stubs=args.stubs)
    except classify.ClassifyError as e:
        sys.exit(f"generator.py: {e}")


if __name__ == "__main__":
    main()
