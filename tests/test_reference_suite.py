"""The reference binding's own test suite, run against ours.

libvirt-python's sdist (the version tests/data/libvirt-python-surface.json
describes) is downloaded from the package index at test time and its
tests/ unpacked into build/reference-tests/ (never committed).  They run
twice against our installed binding, plain and with LIBVIRT_API_COVERAGE=1
(which turns on its API coverage test).  Every test must pass; a test may
skip only where it also skips under the reference binding itself.
"""

import os
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET

import pytest

from reference_venv import REFERENCE_PACKAGE, ensure_reference_python

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(ROOT, "build", "reference-tests")


def _fail_or_skip(message):
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def suite_dir():
    """build/reference-tests/tests, unpacked from the downloaded sdist."""
    tests = os.path.join(WORK, "tests")
    if os.path.isdir(tests):
        return tests
    os.makedirs(WORK, exist_ok=True)
    download = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
         "--dest", WORK, REFERENCE_PACKAGE], capture_output=True, text=True)
    sdists = [f for f in os.listdir(WORK) if f.endswith(".tar.gz")]
    if download.returncode != 0 or not sdists:
        _fail_or_skip(f"cannot download {REFERENCE_PACKAGE}: {download.stderr[-2000:]}")
    with tarfile.open(os.path.join(WORK, sdists[0])) as archive:
        members = [m for m in archive.getmembers()
                   if m.name.split("/")[1:2] == ["tests"] and (m.isfile() or m.isdir())]
        for member in members:
            member.name = "/".join(member.name.split("/")[1:])
        archive.extractall(WORK, members=members, filter="data")
    return tests


def _outcomes(python, tests, coverage):
    """{test id: 'passed' | 'failed' | 'skipped'} of one run of the suite."""
    report = os.path.join(WORK, f"report-{os.path.basename(os.path.dirname(os.path.dirname(python)))}"
                                f"-{int(coverage)}.xml")
    env = dict(os.environ)
    env.pop("LIBVIRT_API_COVERAGE", None)
    if coverage:
        env["LIBVIRT_API_COVERAGE"] = "1"
    # Run from the suite's directory with nothing of ours on the path but
    # the installed binding (the suite imports its own eventmock helper).
    result = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", "."],
        cwd=tests, env=env, capture_output=True, text=True, timeout=600)
    if not os.path.exists(report):
        pytest.fail(f"the suite did not run under {python}:\n{result.stdout[-4000:]}{result.stderr[-4000:]}")
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        name = f"{case.get('classname')}.{case.get('name')}"
        tags = {child.tag for child in case}
        outcomes[name] = ("failed" if tags & {"failure", "error"}
                          else "skipped" if "skipped" in tags else "passed")
    return outcomes, result.stdout


@pytest.mark.parametrize("coverage", [False, True], ids=["plain", "api-coverage"])
def test_reference_suite_passes_against_our_binding(suite_dir, coverage):
    ours, output = _outcomes(sys.executable, suite_dir, coverage)
    failed = sorted(name for name, outcome in ours.items() if outcome == "failed")
    assert not failed, f"failed under our binding: {failed}\n{output[-6000:]}"
    skipped = {name for name, outcome in ours.items() if outcome == "skipped"}
    if skipped:
        try:
            reference_python = ensure_reference_python()
        except RuntimeError as error:
            _fail_or_skip(f"no reference interpreter to compare the skipped tests with: {error}")
        # The reference's venv holds only the binding: the suite needs
        # pytest there, and its API coverage test lxml.
        subprocess.run([str(reference_python), "-m", "pip", "install", "--quiet", "pytest", "lxml"],
                       check=True, capture_output=True)
        theirs, their_output = _outcomes(str(reference_python), suite_dir, coverage)
        their_failures = sorted(name for name, outcome in theirs.items() if outcome == "failed")
        assert not their_failures, (f"the suite fails under the reference itself, so its skips "
                                    f"cannot be compared: {their_failures}\n{their_output[-4000:]}")
        only_ours = sorted(name for name in skipped if theirs.get(name) != "skipped")
        assert not only_ours, f"skipped under ours only: {only_ours}"
    passed = sum(outcome == "passed" for outcome in ours.values())
    print(f"reference suite ({'LIBVIRT_API_COVERAGE=1' if coverage else 'plain'}): "
          f"{passed} passed, {len(skipped)} skipped (as under the reference)")
    assert passed > 0, "the suite ran no test"
