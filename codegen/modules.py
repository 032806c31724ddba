"""The binding's modules, one row each: the one table that says, for each
of libvirt's API modules, where its API description comes from and what the
binding builds of it, and the hand-written C every module shares.
generator.py, the emitters, setup.py and the tests read it; nothing else
names these files."""

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
           ("libvirt-override.c", "src/error-api.c", "src/domain.c", "src/domain-arrays.c",
            "src/connect.c", "src/auth.c", "src/network-storage-secret.c", "src/streams.c",
            "src/event-loop.c", "src/events-domain.c", "src/events-objects.c",
            "src/events-register.c", "src/close-callback.c", "src/callbacks.c"),
           "libvirt/libvirt.h",
           "The libvirt Python binding: manage virtual machines through libvirt."),
    Module("libvirt-qemu", "libvirt-qemu", "libvirt_qemu_api", "libvirtmod_qemu", "libvirt_qemu",
           "libvirt-qemu-override-api.xml", "libvirt-qemu-override.py",
           ("src/qemu.c", "src/callbacks.c"), "libvirt/libvirt-qemu.h",
           "QEMU-specific extensions of the libvirt Python binding."),
    Module("libvirt-lxc", "libvirt-lxc", "libvirt_lxc_api", "libvirtmod_lxc", "libvirt_lxc",
           "libvirt-lxc-override-api.xml", "libvirt-lxc-override.py",
           ("src/lxc.c",), "libvirt/libvirt-lxc.h",
           "LXC-specific extensions of the libvirt Python binding."),
)}

# The hand-written C every extension compiles besides its own c_sources
# and its generated glue: the conversions, the objects, the module state,
# errors, typed parameters, and what the limited API lacks.
SHARED_C_SOURCES = ("typewrappers.c", "src/state.c", "src/objects.c", "src/errors.c",
                    "src/typed-params.c", "src/pycompat.c")
# Where the hand-written C's headers are (besides the generated ones), and
# the headers themselves (what every extension depends on).
C_INCLUDE_DIRS = (".", "src")
C_HEADERS = ("typewrappers.h", "src/callbacks.h", "src/pycompat.h")

BY_EXTENSION = {m.extension: m for m in MODULES.values()}
