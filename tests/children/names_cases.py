"""Cases of tests/test_names.py that need a fresh interpreter.

    python tests/children/names_cases.py CASE
"""

import os
import sys

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from support import child  # noqa: E402


def case_typing_aliases_made_on_first_use():
    import libvirt
    assert "typing" not in sys.modules, "typing imported"
    assert "_T" in dir(libvirt)
    import typing
    assert isinstance(libvirt._T, typing.TypeVar)
    assert libvirt._EventCB[int] is not None and libvirt._DomainCB is not None


if __name__ == "__main__":
    child.main(globals())
