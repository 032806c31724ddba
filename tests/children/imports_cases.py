"""Whether an interpreter imports a libvirt binding (ours or the
reference's, whichever it has).

    python tests/children/imports_cases.py binding_modules
"""

import os
import sys

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from support import child  # noqa: E402


def case_binding_modules():
    """The files of the three modules of the binding."""
    import libvirt
    import libvirt_lxc
    import libvirt_qemu
    return [m.__file__ for m in (libvirt, libvirt_qemu, libvirt_lxc)]


if __name__ == "__main__":
    child.main(globals())
