"""Building without libvirt's development files says what to install."""

import os
import sys

from support import child
from support.paths import ROOT


def _build(env_changes):
    env = dict(os.environ, **env_changes)
    return child.run(os.path.join(ROOT, "setup.py"), "-q", "generate", cwd=ROOT, env=env,
                     expect=None)


def test_missing_pkg_config_is_one_clear_sentence(tmp_path):
    # A PATH with python but no pkg-config.
    (tmp_path / "python3").symlink_to(sys.executable)
    result = _build({"PATH": str(tmp_path)})
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "pkg-config" in last and "libvirt-dev" in last
    assert "Traceback" not in result.stderr


def test_missing_libvirt_dev_is_one_clear_sentence(tmp_path):
    result = _build({"PKG_CONFIG_LIBDIR": str(tmp_path), "PKG_CONFIG_PATH": ""})
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "libvirt-dev" in last
    assert "Traceback" not in result.stderr
