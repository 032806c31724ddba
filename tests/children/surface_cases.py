"""Cases of tests/test_surface.py that need a fresh interpreter.

    python tests/children/surface_cases.py CASE
"""

import os
import sys

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from support import child  # noqa: E402


def case_bound_method_signatures():
    """inspect.signature() of a bound C method of a domain and of a
    connection, as str."""
    import inspect
    import libvirt
    c = libvirt.open("test:///default")
    d = c.lookupByName("test")
    return [str(inspect.signature(d.XMLDesc)), str(inspect.signature(c.lookupByName))]


if __name__ == "__main__":
    child.main(globals())
