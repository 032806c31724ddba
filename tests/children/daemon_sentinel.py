"""The sentinel of tests/differential/runner.py's private libvirtd: waits
until its standard input closes (the runner ended, however), then stops
the daemon rooted in ROOT and removes ROOT.

    python tests/children/daemon_sentinel.py stop_on_eof ROOT
"""

import os
import shutil
import sys

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from support import child  # noqa: E402


def case_stop_on_eof(root):
    from qemu_daemon import QemuDaemon
    sys.stdin.read()
    daemon = QemuDaemon(root=root)
    daemon.started = True
    daemon.stop()
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    child.main(globals())
