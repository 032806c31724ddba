"""Cases of tests/test_bundled_data_hook.py: what importing libvirt (the
one PYTHONPATH leads to) makes of the environment.

    python tests/children/bundled_data_hook_cases.py catalogs
"""

import importlib
import os
import sys

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from support import child  # noqa: E402


def case_catalogs():
    """XML_CATALOG_FILES once libvirt is imported ('<unset>' if unset)."""
    importlib.import_module("libvirt")      # what sets it
    return os.environ.get("XML_CATALOG_FILES", "<unset>")


if __name__ == "__main__":
    child.main(globals())
