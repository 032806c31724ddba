"""The report of what changed between two API descriptions
(codegen/api_diff.py, `generator.py --diff`)."""

import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
API = os.path.join(ROOT, "api")
sys.path.insert(0, ROOT)

from codegen import api_diff, classify, model  # noqa: E402

sys.path.remove(ROOT)


def side(name):
    api = model.parse(os.path.join(API, name))
    overrides = classify.parse_overrides(os.path.join(API, "mini-override-api.xml"))
    return api, classify.classify(api, overrides)


@pytest.fixture(scope="module")
def report():
    return api_diff.diff(*side("mini-api.xml"), *side("mini-api-next.xml"))


def section(report, title):
    start = next(i for i, line in enumerate(report) if line.startswith(title + " ("))
    entries = []
    for line in report[start + 1:]:
        if not line.startswith("  "):
            break
        entries.append(line.strip())
    return entries


def test_an_added_function_says_how_it_is_bound(report):
    assert section(report, "functions added") == [
        "virDomainGetHostname: generated virDomain.hostname(flags=0) [plain]"]


def test_a_removed_function_names_the_python_method_that_goes(report):
    assert section(report, "functions removed") == [
        "virDomainRef: was skipped: " + dict(
            (b.function.name, b.reason) for b in side("mini-api.xml")[1])["virDomainRef"]]


def test_a_renamed_argument_shows_in_c_and_in_python(report):
    entries = section(report, "functions changed")
    assert entries == [
        "virDomainGetXMLDesc: C char * virDomainGetXMLDesc(virDomainPtr domain, unsigned int flags)"
        " -> char * virDomainGetXMLDesc(virDomainPtr domain, unsigned int xmlFlags)",
        # The default 0 goes with the name: only `flags` gets it (classify.py).
        "virDomainGetXMLDesc: generated virDomain.XMLDesc(flags=0) [plain]"
        " -> generated virDomain.XMLDesc(xmlFlags) [plain]"]


def test_constants_added_removed_and_renumbered_but_not_sentinels(report):
    assert section(report, "constants added") == ["VIR_MINI_STATE_PAUSED = 2"]
    # VIR_MINI_BUFLEN is no string macro: never a constant, so not reported.
    assert section(report, "constants removed") == ["VIR_MINI_PARAM_WEIGHT (was 'weight')"]
    assert section(report, "constants changed") == ["VIR_MINI_COMMAND_ADD_FIRST: 2 -> 4"]
    assert not any("VIR_MINI_STATE_LAST" in line for line in report)
    assert report[-1] == "7 changes"


def test_the_same_api_has_no_changes():
    assert api_diff.diff(*side("mini-api.xml"), *side("mini-api.xml")) == ["no changes"]


def _installed_api_text():
    path = subprocess.run(["pkg-config", "--variable=libvirt_api", "libvirt"],
                          capture_output=True, text=True, check=True).stdout.strip()
    with open(path) as f:
        return f.read()


def _without(text, function):
    return re.sub(rf"<function name='{function}'.*?</function>\n", "", text, flags=re.S)


def test_generator_diff_reports_functions_added_removed_changed_and_unbindable(tmp_path):
    """Fixture pairs made from the installed API XML: the newer one gains
    virDomainGetHostname and a function no shape fits, loses
    virDomainGetOSType, and virDomainSetMemory takes a renamed argument."""
    text = _installed_api_text()
    old = tmp_path / "old-api.xml"
    old.write_text(_without(text, "virDomainGetHostname"))
    unbindable = ("<function name='virDomainGetFrobs' file='libvirt-domain' module='libvirt-domain'>\n"
                  "  <info>A function from the future.</info>\n"
                  "  <return type='int' info='-1 on error'/>\n"
                  "  <arg name='domain' type='virDomainPtr' info='a domain'/>\n"
                  "  <arg name='frobs' type='int **' info='where to put them'/>\n"
                  "</function>\n")
    newer = _without(text, "virDomainGetOSType")
    newer = newer.replace("<function name='virDomainGetHostname'", unbindable
                          + "<function name='virDomainGetHostname'", 1)
    changed = re.search(r"<function name='virDomainSetMemory'.*?</function>", newer, re.S).group(0)
    newer = newer.replace(changed, changed.replace("name='memory'", "name='kibibytes'"))
    new = tmp_path / "new-api.xml"
    new.write_text(newer)
    run = subprocess.run([sys.executable, os.path.join(ROOT, "generator.py"),
                          "--diff", str(old), str(new)],
                         capture_output=True, text=True, check=True)
    assert run.stdout.splitlines() == [
        "functions added (2):",
        "  virDomainGetFrobs: needs a hand-written override (no shape fits its signature: "
        "declare it in libvirt-override-api.xml, write lv_impl_virDomainGetFrobs, "
        "or give a skip reason in codegen/rules.py)",
        "  virDomainGetHostname: generated virDomain.hostname(flags=0) [plain]",
        "functions removed (1):",
        "  virDomainGetOSType: was generated virDomain.OSType() [plain]",
        "functions changed (2):",
        "  virDomainSetMemory: C int virDomainSetMemory(virDomainPtr domain, unsigned long memory)"
        " -> int virDomainSetMemory(virDomainPtr domain, unsigned long kibibytes)",
        "  virDomainSetMemory: generated virDomain.setMemory(memory) [plain]"
        " -> generated virDomain.setMemory(kibibytes) [plain]",
        "5 changes"]


def test_generator_diff_refuses_files_of_two_modules(tmp_path):
    qemu = subprocess.run(["pkg-config", "--variable=libvirt_qemu_api", "libvirt-qemu"],
                          capture_output=True, text=True, check=True).stdout.strip()
    old = tmp_path / "old-api.xml"
    old.write_text(_installed_api_text())
    run = subprocess.run([sys.executable, os.path.join(ROOT, "generator.py"),
                          "--diff", str(old), qemu], capture_output=True, text=True)
    assert run.returncode != 0 and "same module" in run.stderr
