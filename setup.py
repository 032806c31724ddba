"""Build the libvirt binding: generate the glue, then compile libvirtmod,
libvirtmod_qemu and libvirtmod_lxc against the installed libvirt."""

import os
import shutil
import subprocess
import sys

from setuptools import Command, Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)   # the generator and its table of modules
from codegen.modules import C_HEADERS, C_INCLUDE_DIRS, MODULES, SHARED_C_SOURCES  # noqa: E402

GENERATED = os.path.join("build", "generated")
# The generated modules live here; it must exist before the generator runs
# (setuptools checks package_dir when it first reads the metadata).
os.makedirs(os.path.join(HERE, GENERATED), exist_ok=True)

HANDWRITTEN_MODULES = ["libvirtaio"]

# The type stubs (generator.py writes <module>.pyi) are installed as PEP 561
# stub-only packages, <module>-stubs/__init__.pyi with a py.typed marker:
# type checkers find no stubs of a single-file module in site-packages.
STUB_PACKAGES = {f"{module}-stubs": module
                 for module in [*(row.python for row in MODULES.values()), *HANDWRITTEN_MODULES]}
for _package in STUB_PACKAGES:
    os.makedirs(os.path.join(HERE, GENERATED, _package), exist_ok=True)

PKG_CONFIG_HELP = ("building the libvirt binding needs pkg-config and libvirt's development "
                   "files: install them (Debian/Ubuntu: apt-get install pkg-config libvirt-dev)")


def pkg_config(*args):
    if shutil.which("pkg-config") is None:
        sys.exit(PKG_CONFIG_HELP)
    try:
        out = subprocess.run(["pkg-config", *args], check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError:
        sys.exit(PKG_CONFIG_HELP)
    return out.stdout.split()


class Generate(Command):
    """Run generator.py into build/generated."""

    description = "generate the binding's C glue and Python modules"
    user_options = []

    def initialize_options(self):
        pass

    def finalize_options(self):
        pass

    def run(self):
        pkg_config("--exists", *(row.pkg_config for row in MODULES.values()))
        import generator
        generator.main(["--output", os.path.join(HERE, GENERATED),
                        "--stubs", os.path.join(HERE, GENERATED)])
        # Hand-written modules installed beside the generated ones.
        for module in HANDWRITTEN_MODULES:
            shutil.copyfile(os.path.join(HERE, f"{module}.py"),
                            os.path.join(HERE, GENERATED, f"{module}.py"))
        for package, module in STUB_PACKAGES.items():
            for source, target in ((f"{module}.pyi", "__init__.pyi"), ("py.typed", "py.typed")):
                shutil.copyfile(os.path.join(HERE, GENERATED, source),
                                os.path.join(HERE, GENERATED, package, target))


class BuildPy(build_py):
    def run(self):
        self.run_command("generate")
        super().run()


class BuildExt(build_ext):
    def run(self):
        self.run_command("generate")
        super().run()


# One wheel for every CPython from 3.10 on: the extensions use only the
# stable ABI of 3.10 (src/pycompat.h fills its gaps).  LIBVIRT_PYTHON_ABI3=0
# builds for the running Python alone (the full API), which the
# benchmarks compare with.
ABI3 = os.environ.get("LIBVIRT_PYTHON_ABI3", "1") != "0"
LIMITED_API = "0x030a0000"

# Every warning on.  -Wno-unused-parameter: callbacks and method functions
# have the signatures libvirt and CPython give them, whatever they use.
# LIBVIRT_PYTHON_WERROR=1 (our scripts and CI) makes warnings errors; a
# user's build from the sdist with a newer compiler is not failed by a new
# warning.
WARNINGS = ["-Wall", "-Wextra", "-Wno-unused-parameter"]
if os.environ.get("LIBVIRT_PYTHON_WERROR") == "1":
    WARNINGS.append("-Werror")

# LIBVIRT_PYTHON_SANITIZE=address,undefined (scripts/sanitize.sh) builds
# the extensions with those sanitizers, in a build directory of their own.
SANITIZE = os.environ.get("LIBVIRT_PYTHON_SANITIZE", "")
SANITIZER_FLAGS = ([f"-fsanitize={SANITIZE}", "-fno-omit-frame-pointer",
                    "-fno-sanitize-recover=undefined", "-g"] if SANITIZE else [])
BUILD_KIND = ("sanitize" if SANITIZE else "") or ("abi3" if ABI3 else "full")


def extension(name, package, *override_sources):
    cflags = pkg_config("--cflags", package)
    libs = pkg_config("--libs", package)
    return Extension(
        name,
        sources=[os.path.join(GENERATED, f"{name}-generated.c"), *override_sources,
                 *SHARED_C_SOURCES],
        include_dirs=[GENERATED, *C_INCLUDE_DIRS],
        depends=list(C_HEADERS),
        define_macros=[("Py_LIMITED_API", LIMITED_API)] if ABI3 else [],
        py_limited_api=ABI3,
        extra_compile_args=cflags + ["-std=gnu11", *WARNINGS, *SANITIZER_FLAGS],
        extra_link_args=libs + SANITIZER_FLAGS,
    )


setup(
    cmdclass={"generate": Generate, "build_py": BuildPy, "build_ext": BuildExt},
    # The metadata at the top, not among the generated modules (which the
    # sdist must not carry).
    # Each kind of build in its own directory: a wheel must not pick up
    # the other kind's extensions.
    options={"egg_info": {"egg_base": "."},
             "build": {"build_base": os.path.join("build", BUILD_KIND)},
             **({"bdist_wheel": {"py_limited_api": "cp310"}} if ABI3 else {})},
    package_dir={"": GENERATED},
    py_modules=[*(row.python for row in MODULES.values()), *HANDWRITTEN_MODULES],
    packages=list(STUB_PACKAGES),
    package_data={package: ["__init__.pyi", "py.typed"] for package in STUB_PACKAGES},
    ext_modules=[extension(row.extension, row.pkg_config, *row.c_sources)
                 for row in MODULES.values()],
)
