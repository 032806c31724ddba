# Module-level Python of libvirt_qemu.py (merged by generator.py after the
# imports of libvirtmod_qemu).

import libvirt


def _dispatchQemuMonitorEventCallback(conn: "libvirt.virConnect", dom: "Any", event: str,
                                      seconds: int, micros: int, details: "str | None",
                                      cbData: "dict[str, Any]") -> int:
    """Call cbData["cb"] for a QEMU monitor event:
    cb(conn, dom, event, seconds, micros, details, opaque), with dom a new
    wrapper of the domain handle given (libvirt.virDomain(conn, _obj=dom)).
    Returns 0.

    The reference binding's C code dispatches qemuMonitorEventRegister()
    events through this function; this binding's calls the callback
    directly, so it is only here for programs that call it by hand."""
    cb = cbData["cb"]
    opaque = cbData["opaque"]
    cb(conn, libvirt.virDomain(conn, _obj=dom), event, seconds, micros, details, opaque)
    return 0
