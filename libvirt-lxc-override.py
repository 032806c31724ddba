# Module-level Python of libvirt_lxc.py (merged by generator.py after the imports).

import libvirt  # noqa: F401 (the reference's libvirt_lxc has it as an attribute)
