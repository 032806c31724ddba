"""The calls of the differential test, in groups.

Each group runs in one child process (runner.py) under each binding.  A call
is made either on the group's shared context (read-only calls) or, when it
is marked ``fresh``, on a context of its own: a new connection to the driver
URI, which for ``test:///<file>`` is a fresh private state.  So what a
mutating call does never reaches another call, and both runs see the same
state whatever the other calls did.

A method call is written

    M(Class, method, target, arg, arg, ..., tag=..., fresh=..., ...)

where ``target`` names the object (see Context.ref) and each ``arg`` is a
plain value or one of the argument kinds below.  M() adds the base call and
one call per *variant* of each argument (the same call with that one
argument replaced): None for strings and objects, str/bytes/wrong length for
UUIDs, bool/__index__/out-of-C-range for integers, ...  Call ids:

    Class.method[#tag]                 the base call
    Class.method[#tag][param=variant]  a variant (param named as in the
                                       reference's signature)
    Class.method[#tag][*=keywords]     the base call, every argument given
                                       by keyword

The calls of each object family are in groups/ (one module a family, each
defining its groups in the order they run); calls.py is how a call is
written, context.py what it runs on, specs.py the XML the calls use.  This
module gathers them: GROUPS, and what the runner and the tests use.

Nothing here imports the binding at module level: the child passes in the
module (ctx.lv), and the test imports this file only to list the calls.
"""

from differential.calls import GROUPS, RICH_URI, SURFACE, Call, Group
from differential.context import Context
# each module adds its groups to GROUPS when imported: this is their order
from differential.groups import (  # noqa: F401
    module, connect, domain, network, storage, nodedev, snapshot, stream, events, qemu_lxc,
    daemon)

__all__ = ["GROUPS", "RICH_URI", "SURFACE", "Call", "Group", "Context"]
