#!/usr/bin/env python3
"""Print every domain of a libvirt connection with its state and info.

    python examples/list_domains.py [URI]     (default: test:///default)
"""

import sys

import libvirt

STATES = {
    libvirt.VIR_DOMAIN_NOSTATE: "no state",
    libvirt.VIR_DOMAIN_RUNNING: "running",
    libvirt.VIR_DOMAIN_BLOCKED: "blocked",
    libvirt.VIR_DOMAIN_PAUSED: "paused",
    libvirt.VIR_DOMAIN_SHUTDOWN: "shutting down",
    libvirt.VIR_DOMAIN_SHUTOFF: "shut off",
    libvirt.VIR_DOMAIN_CRASHED: "crashed",
    libvirt.VIR_DOMAIN_PMSUSPENDED: "suspended by guest power management",
}


def main(uri: str) -> int:
    try:
        conn = libvirt.openReadOnly(uri)
    except libvirt.libvirtError as e:
        print(f"cannot connect to {uri}: {e}", file=sys.stderr)
        return 1
    print(f"{conn.getURI()} ({conn.getType()} driver, libvirt {conn.getLibVersion()})")
    print(f"{'ID':>4}  {'name':20} {'state':14} {'vCPUs':>5} {'memory KiB':>12} "
          f"{'max KiB':>12} {'CPU time s':>12}")
    for dom in sorted(conn.listAllDomains(), key=lambda d: d.name()):
        state, reason = dom.state()
        _, max_mem, mem, vcpus, cpu_time = dom.info()
        dom_id = "-" if dom.ID() == -1 else dom.ID()
        print(f"{dom_id:>4}  {dom.name():20} {STATES.get(state, state):14} {vcpus:>5} "
              f"{mem:>12} {max_mem:>12} {cpu_time / 1e9:>12.2f}")
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "test:///default"))
