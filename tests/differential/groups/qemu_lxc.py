"""libvirt_qemu and libvirt_lxc on the test driver (unsupported there)."""

from differential.calls import C, CONST, F, FN, I, K, L, O, R, S, X, group
from differential.context import DEVNULL_FDS, noop


# ------------------------------------------------ libvirt_qemu, libvirt_lxc

group("qemu_lxc", doc="libvirt_qemu and libvirt_lxc on the test driver (unsupported there)")
FN("libvirt_qemu", "qemuAgentCommand", O(R("dom:alpha")), S('{"execute":"guest-ping"}'), I(5), F())
FN("libvirt_qemu", "qemuAttach", O(R("conn")), I(1), F())
FN("libvirt_qemu", "qemuMonitorCommand", O(R("dom:alpha")), S('{"execute":"query-status"}'), F())
FN("libvirt_qemu", "qemuMonitorCommand", O(R("dom:alpha")), S("info status"),
   F(K("VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP") if "VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP" in CONST
     else 1), tag="hmp", variants=False)
FN("libvirt_qemu", "qemuMonitorCommandWithFiles", O(R("dom:alpha")),
   S('{"execute":"query-status"}'), L(DEVNULL_FDS), F())
FN("libvirt_qemu", "qemuMonitorCommandWithFiles", O(R("dom:alpha")),
   S('{"execute":"query-status"}'), tag="default")
FN("libvirt_qemu", "qemuMonitorEventRegister", O(R("conn")), O(R("dom:alpha")), S("STOP"),
   X(noop), X(None), F(), fresh=True)
FN("libvirt_qemu", "qemuMonitorEventRegister", O(R("conn")), X(None), S(None), X(noop), X(None),
   tag="any", variants=False, fresh=True)
FN("libvirt_qemu", "qemuMonitorEventDeregister", O(R("conn")), I(0), fresh=True)
FN("libvirt_lxc", "lxcEnterCGroup", O(R("dom:alpha")), F())
FN("libvirt_lxc", "lxcOpenNamespace", O(R("dom:alpha")), F())
C("libvirt_qemu.qemuAgentCommand#not-a-domain", lambda ctx: __import__(
    "libvirt_qemu").qemuAgentCommand(ctx.conn, "{}", 5, 0),
  covers=["libvirt_qemu.qemuAgentCommand"])
C("libvirt_lxc.lxcOpenNamespace#not-a-domain", lambda ctx: __import__(
    "libvirt_lxc").lxcOpenNamespace(ctx.conn, 0), covers=["libvirt_lxc.lxcOpenNamespace"])
C("libvirt_qemu.qemuMonitorCommand#not-a-domain", lambda ctx: __import__(
    "libvirt_qemu").qemuMonitorCommand("alpha", "{}", 0),
  covers=["libvirt_qemu.qemuMonitorCommand"])
