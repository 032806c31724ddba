"""Where things are, for the tests and their children."""

import os

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TESTS_DIR)
CHILDREN_DIR = os.path.join(TESTS_DIR, "children")
DATA_DIR = os.path.join(TESTS_DIR, "data")
DRIVER_XML = os.path.join(DATA_DIR, "testdriver.xml")
DRIVER_URI = "test://" + DRIVER_XML
# The libvirtaio.py of this repository: the one every libvirtaio test must
# have imported (see check_libvirtaio()).
REPO_LIBVIRTAIO = os.path.join(ROOT, "libvirtaio.py")


def check_libvirtaio(module):
    """Fail unless `module` (the imported libvirtaio) is this repository's
    libvirtaio.py, byte for byte."""
    with open(module.__file__, "rb") as used, open(REPO_LIBVIRTAIO, "rb") as repo:
        assert used.read() == repo.read(), (
            f"{module.__file__} is not this repository's libvirtaio.py: reinstall "
            "(pip install .) or put a copy first on PYTHONPATH")
