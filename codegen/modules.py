"""The binding's modules, one row each: the one table that says, for each
of libvirt's API modules, where its API description comes from and what the
binding builds of it.  generator.py, the emitters, setup.py and the tests
read it; nothing else names these files."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Module:
    api: str                   # libvirt's name of the API module
    pkg_config: str            # pkg-config package: cflags, libs, the API XML
    api_variable: str          # its variable naming the API XML
    extension: str             # the C extension module
    python: str                # the Python module, named as the reference names it
    api_overrides: str         # description of the hand-written functions
    python_overrides: str      # hand-written Python merged into the module
    c_sources: tuple[str, ...]  # hand-written C compiled into the extension
    c_header: str              # libvirt's header of the module's functions
    doc: str                   # the Python module's docstring


MODULES = {m.api: m for m in (
    Module("libvirt", "libvirt", "libvirt_api", "libvirtmod", "libvirt",
           "libvirt-override-api.xml", "libvirt-override.py",
           ("libvirt-override.c", "libvirt-override-event.c", "libvirt-callbacks.c"),
           "libvirt/libvirt.h",
           "The libvirt Python binding: manage virtual machines through libvirt."),
    Module("libvirt-qemu", "libvirt-qemu", "libvirt_qemu_api", "libvirtmod_qemu", "libvirt_qemu",
           "libvirt-qemu-override-api.xml", "libvirt-qemu-override.py",
           ("libvirt-qemu-override.c", "libvirt-callbacks.c"), "libvirt/libvirt-qemu.h",
           "QEMU-specific extensions of the libvirt Python binding."),
    Module("libvirt-lxc", "libvirt-lxc", "libvirt_lxc_api", "libvirtmod_lxc", "libvirt_lxc",
           "libvirt-lxc-override-api.xml", "libvirt-lxc-override.py",
           ("libvirt-lxc-override.c",), "libvirt/libvirt-lxc.h",
           "LXC-specific extensions of the libvirt Python binding."),
)}

BY_EXTENSION = {m.extension: m for m in MODULES.values()}
