"""The emitter's C, checked by what it does: the generator's output for the
small fixture api/mini-api.xml (every shape, a pair argument, and one
function of each hand-written kind of libvirt-override-api.xml: an impl,
convert='yes', a filled array, callback=, a converted deregistration,
prepare='yes') is compiled with the hand-written sources into a libvirtmod
of its own, and tests/children/emitted_c_cases.py calls it against
test:///default, checking its answers against libvirt's (tests/cdirect.py)
and what registrations hold against sys.getrefcount and weakrefs."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig

import pytest

from support import child

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

import generator  # noqa: E402
from codegen import classify  # noqa: E402
from codegen.modules import C_INCLUDE_DIRS, MODULES, SHARED_C_SOURCES  # noqa: E402

sys.path.remove(ROOT)

INCLUDES = [f"-I{os.path.join(ROOT, d)}" for d in C_INCLUDE_DIRS]


def gcc(*args, generated, link=False):
    """Run gcc -std=gnu11 -Werror on `args` with the include paths of the
    binding (its hand-written headers, the `generated` ones), Python and
    libvirt, and libvirt's libraries if `link`; messages in English."""
    flags = subprocess.run(["pkg-config", "--cflags", *(["--libs"] if link else []),
                            MODULES["libvirt"].pkg_config],
                           capture_output=True, text=True, check=True).stdout.split()
    return subprocess.run(
        ["gcc", "-std=gnu11", "-Werror", *args, f"-I{generated}", *INCLUDES,
         f"-I{sysconfig.get_paths()['include']}", *flags],
        capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))


@pytest.fixture(scope="module")
def mini_extension(tmp_path_factory):
    work = tmp_path_factory.mktemp("mini")
    overrides = work / "overrides"
    overrides.mkdir()
    core = MODULES["libvirt"]
    shutil.copy(os.path.join(ROOT, "api", "mini-override-api.xml"), overrides / core.api_overrides)
    generated = work / "generated"
    generator.generate({"libvirt": os.path.join(ROOT, "api", "mini-api.xml")}, str(overrides),
                       str(generated), quiet=True)
    sources = [str(generated / f"{core.extension}-generated.c"),
               *(os.path.join(ROOT, s) for s in (*core.c_sources, *SHARED_C_SOURCES))]
    target = work / f"{core.extension}{sysconfig.get_config_var('EXT_SUFFIX')}"
    build = gcc("-shared", "-fPIC", "-Wall", "-Wextra", "-Wno-unused-parameter",
                "-o", str(target), *sources, generated=generated, link=True)
    assert build.returncode == 0, build.stderr
    _, _, bindings = generator.load({"libvirt": os.path.join(ROOT, "api", "mini-api.xml")},
                                    str(overrides))
    bound = [[b.pyclass, b.pyname] for b in bindings["libvirt"]
             if b.state != classify.SKIPPED]
    return target, bound


def test_the_emitted_c_of_the_mini_api_compiles_without_warnings_and_behaves(mini_extension):
    target, bound = mini_extension
    assert len(bound) >= 12
    child.run("emitted_c_cases", "mini_calls", target, json.dumps(bound), timeout=120)


@pytest.mark.parametrize("case", ["converted_calls", "registrations_refused", "registrations"])
def test_the_bodies_calling_hand_written_c_behave(mini_extension, case):
    target, _ = mini_extension
    child.run("emitted_c_cases", case, target, timeout=120)


def _syntax_check(overrides_dir, generated):
    """Compile libvirtmod's hand-written C against the impl header generated
    from the override description in `overrides_dir` (syntax only)."""
    core = MODULES["libvirt"]
    generator.generate({"libvirt": generator.pkg_config_api("libvirt")}, str(overrides_dir),
                       str(generated), quiet=True)
    return gcc("-fsyntax-only", *(os.path.join(ROOT, s) for s in core.c_sources),
               generated=generated)


def test_an_override_whose_c_and_declaration_disagree_does_not_compile(tmp_path):
    core = MODULES["libvirt"]
    with open(os.path.join(ROOT, core.api_overrides)) as f:
        declared = f.read()
    agreeing = tmp_path / "agreeing"
    agreeing.mkdir()
    (agreeing / core.api_overrides).write_text(declared)
    assert _syntax_check(agreeing, tmp_path / "gen-agreeing").returncode == 0
    # getCPUStats(total, flags): declared int instead of the unsigned int its impl takes
    state = declared.index("<function name='virDomainGetCPUStats'")
    flags = declared.index("<param name='flags' type='unsigned int'", state)
    wrong = declared[:flags] + declared[flags:].replace("type='unsigned int'", "type='int'", 1)
    disagreeing = tmp_path / "disagreeing"
    disagreeing.mkdir()
    (disagreeing / core.api_overrides).write_text(wrong)
    run = _syntax_check(disagreeing, tmp_path / "gen-disagreeing")
    assert run.returncode != 0
    assert "conflicting types for 'lv_impl_virDomainGetCPUStats'" in run.stderr


def test_a_converter_whose_outputs_and_libvirt_s_signature_disagree_does_not_compile(tmp_path):
    """A converter's parameters come from libvirt's C signature (api/mini-api.xml
    here): the mini build compiles src/domain.c's lv_convert_virDomainGetState
    against them, and a signature it does not take fails."""
    core = MODULES["libvirt"]
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    shutil.copy(os.path.join(ROOT, "api", "mini-override-api.xml"), overrides / core.api_overrides)
    with open(os.path.join(ROOT, "api", "mini-api.xml")) as f:
        api = f.read()
    state = api.index("<function name='virDomainGetState'")
    reason = api.index("<arg name='reason' type='int *'", state)
    wrong = api[:reason] + api[reason:].replace("type='int *'", "type='unsigned int *'", 1)
    runs = []
    for name, text in (("agreeing", api), ("disagreeing", wrong)):
        (tmp_path / f"{name}.xml").write_text(text)
        generated = tmp_path / f"gen-{name}"
        generator.generate({"libvirt": str(tmp_path / f"{name}.xml")}, str(overrides),
                           str(generated), quiet=True)
        runs.append(gcc("-fsyntax-only", os.path.join(ROOT, "src", "domain.c"),
                        generated=generated))
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[1].returncode != 0
    assert "conflicting types for 'lv_convert_virDomainGetState'" in runs[1].stderr
