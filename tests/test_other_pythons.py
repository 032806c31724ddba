"""The binding builds and works on every CPython from 3.10 on that this
machine has (the suite itself runs on one of them)."""

import glob
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VERSIONS = ["3.10", "3.12", "3.13"]

SMOKE = """
import inspect, libvirt, libvirt_qemu, libvirt_lxc, libvirtaio
libvirt.registerErrorHandler(lambda ctx, err: None, None)
conn = libvirt.open("test:///default")
dom = conn.lookupByName("test")
assert dom.name() == "test" and len(dom.info()) == 5 and dom.connect() is conn
assert str(inspect.signature(dom.XMLDesc)) == "(flags=0)"
try:
    conn.lookupByName("nope")
except libvirt.libvirtError as e:
    assert e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN
else:
    raise AssertionError("no error")
try:
    dom.setMemory("x")
except TypeError:
    pass
print("ok")
"""


def _find_python(version):
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python3")))
    candidates += [f"/usr/bin/python{version}"]
    for path in candidates:
        if path and os.path.exists(path):
            probe = subprocess.run([path, "-c", "import sys, venv; print(sys.version_info[:2])"],
                                   capture_output=True, text=True)
            if probe.returncode == 0 and probe.stdout.strip() == str(tuple(map(int, version.split(".")))):
                return path
    return None


@pytest.mark.parametrize("version", VERSIONS)
def test_builds_and_works_on(version, tmp_path):
    if sys.version.startswith(version + "."):
        pytest.skip("the suite itself runs on this version")
    python = _find_python(version)
    if python is None:
        pytest.skip(f"no CPython {version} on this machine")
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    # Build from a copy of the tree so this build's outputs stay apart.
    tree = tmp_path / "tree"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(
        "build", ".venv", "bench", ".git", "*.egg-info", "__pycache__"))
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(tree)],
                         capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr[-3000:]
    run = subprocess.run([str(venv / "bin" / "python"), "-c", SMOKE], capture_output=True,
                         text=True, cwd=tmp_path)
    assert run.stdout.strip() == "ok", run.stderr[-3000:]
