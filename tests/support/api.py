"""What the installed libvirt declares, for tests whose expectations
would otherwise be numbers of one libvirt release: its API XML (read with
the generator's own parser, codegen/model.py) and its version."""

import functools
import subprocess
import sys

from support.paths import ROOT


def _pkg_config(*args):
    return subprocess.run(["pkg-config", *args], check=True, capture_output=True,
                          text=True).stdout.strip()


@functools.lru_cache(maxsize=None)
def installed_api():
    """The installed API XML of every module of codegen/modules.py, merged
    (a codegen.model.Api)."""
    sys.path.insert(0, ROOT)
    try:
        from codegen import model
        from codegen.modules import MODULES
    finally:
        sys.path.remove(ROOT)
    api = model.Api()
    for m in MODULES.values():
        api.merge(model.parse(_pkg_config(f"--variable={m.api_variable}", m.pkg_config)))
    return api


def enum_values(enum_type):
    """{name: value} of the values of C enum `enum_type` (virDomainEventID,
    ...), without its _LAST sentinel."""
    api = installed_api()
    return {e.name: api.enum_value(e.name) for e in api.enums.values()
            if e.type == enum_type and not api.is_sentinel(e.name)}


def installed_version():
    """The installed libvirt's version as virGetVersion() gives it:
    major * 1,000,000 + minor * 1,000 + micro."""
    major, minor, micro = (int(x) for x in _pkg_config("--modversion", "libvirt").split(".")[:3])
    return major * 1000000 + minor * 1000 + micro
