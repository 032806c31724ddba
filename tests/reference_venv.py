"""The reference binding (libvirt-python from PyPI) in its own venv.

ensure_reference_python() returns the path of an interpreter that imports
the reference ``libvirt``: bench/.venv-reference/bin/python, created with
``pip install libvirt-python==12.8.0`` when it is missing or cannot import
libvirt (the same venv and package bench/bench.py uses).  It builds from
source against the system's libvirt-dev, which takes a few minutes.

When the venv cannot be created, tests skip (reference_python_or_skip());
under CI (environment variable CI set) they fail instead: CI must compare.
"""

import os
import subprocess
import sys
from pathlib import Path

from support import child

REPO = Path(__file__).resolve().parent.parent
# LIBVIRT_REFERENCE_VENV: another place for it (the sdist check runs the
# suite from an unpacked sdist and shares the checkout's venv).
REFERENCE_VENV = Path(os.environ.get("LIBVIRT_REFERENCE_VENV") or REPO / "bench" / ".venv-reference")
REFERENCE_PYTHON = REFERENCE_VENV / "bin" / "python"
REFERENCE_PACKAGE = "libvirt-python==12.8.0"


def clean_env():
    """Environment for the reference interpreter: a PYTHONPATH meant for our
    build must not slip our module into it."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def can_import_libvirt(python):
    try:
        return child.run("imports_cases", "binding_modules", python=str(python),
                         env=clean_env(), timeout=120, expect=None).returncode == 0
    except OSError:
        return False


def _base_python():
    """An interpreter without our binding to create the venv from: the one
    our .venv was made from, else this one."""
    base = getattr(sys, "_base_executable", None) or sys.executable
    return base


def ensure_reference_python():
    """Path (str) of the reference interpreter, creating the venv if needed.
    Raises RuntimeError when it cannot be created."""
    if REFERENCE_PYTHON.exists() and can_import_libvirt(REFERENCE_PYTHON):
        return str(REFERENCE_PYTHON)
    print("Creating %s with %s (builds from source, takes a few minutes)..."
          % (REFERENCE_VENV, REFERENCE_PACKAGE), file=sys.stderr)
    try:
        subprocess.run([_base_python(), "-m", "venv", "--clear", str(REFERENCE_VENV)],
                       check=True, env=clean_env())
        subprocess.run([str(REFERENCE_VENV / "bin" / "pip"), "install", "--quiet",
                        REFERENCE_PACKAGE], check=True, env=clean_env())
    except (OSError, subprocess.CalledProcessError) as e:
        raise RuntimeError("could not create %s: %s" % (REFERENCE_VENV, e))
    if not can_import_libvirt(REFERENCE_PYTHON):
        raise RuntimeError("%s was created but cannot import libvirt" % REFERENCE_PYTHON)
    return str(REFERENCE_PYTHON)


def reference_python_or_skip():
    """For pytest: the reference interpreter, or skip (fail under CI)."""
    import pytest
    try:
        return ensure_reference_python()
    except RuntimeError as e:
        if os.environ.get("CI"):
            pytest.fail("reference binding unavailable under CI: %s" % e)
        pytest.skip("reference binding unavailable: %s" % e)


if __name__ == "__main__":
    print(ensure_reference_python())
