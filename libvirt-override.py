# Module-level Python of libvirt.py (merged by generator.py after the imports).

from typing import Any, Callable

# Not a libvirt function: what a Python event loop (virEventRegisterImpl)
# calls once libvirt's data for a removed handle or timeout may go.
from libvirtmod import virEventInvokeFreeCallback  # noqa: F401 (re-exported)

# The callables of the event loop protocol (virEventRegisterImpl), for
# annotations in event loop implementations.
_EventCB = Callable[[int, int, int, Any], None]
_TimerCB = Callable[[int, Any], None]
_EventAddHandleFunc = Callable[[int, int, _EventCB, Any], int]
_EventUpdateHandleFunc = Callable[[int, int], None]
_EventRemoveHandleFunc = Callable[[int], int]
_EventAddTimeoutFunc = Callable[[int, _TimerCB, Any], int]
_EventUpdateTimeoutFunc = Callable[[int, int], None]
_EventRemoveTimeoutFunc = Callable[[int], int]


class libvirtError(Exception):
    """An error reported by libvirt.

    `err` is libvirt's error as the 9-tuple libvirt.virGetLastError() gives
    (code, domain, message, level, str1, str2, str3, int1, int2), or None;
    str(error) is libvirt's message.  The binding raises it with `err`
    already filled in; made by hand, it reads the thread's last error."""

    def __init__(self, defmsg, conn=None, dom=None, net=None, pool=None, vol=None):
        # conn, dom, net, pool and vol are accepted for old callers and unused:
        # libvirt reports errors per thread, not per object.
        err = libvirtmod.virGetLastError()
        msg = defmsg if err is None or err[2] is None else err[2]
        Exception.__init__(self, msg)
        self.err = err

    def _field(self, index):
        return None if self.err is None else self.err[index]

    def get_error_code(self):
        return self._field(0)

    def get_error_domain(self):
        return self._field(1)

    def get_error_message(self):
        return self._field(2)

    def get_error_level(self):
        return self._field(3)

    def get_str1(self):
        return self._field(4)

    def get_str2(self):
        return self._field(5)

    def get_str3(self):
        return self._field(6)

    def get_int1(self):
        return self._field(7)

    def get_int2(self):
        return self._field(8)
