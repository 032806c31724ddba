"""Cases of tests/test_errors.py that need a process of their own.

    python tests/children/errors_cases.py c_only_lookup URI NAME
"""

import os
import sys

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from support import child  # noqa: E402


def case_c_only_lookup(uri, name):
    """The failing lookup of domain NAME on URI, through cdirect only:
    what libvirt's own default error printing writes to stderr, without
    the binding loaded."""
    import cdirect
    assert "libvirt" not in sys.modules
    cdirect.Connection(uri).domain_lookup_error(name)


if __name__ == "__main__":
    child.main(globals())
