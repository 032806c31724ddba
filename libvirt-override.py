# Module-level Python of libvirt.py (merged by generator.py after the imports).

# Not a libvirt function: what a Python event loop (virEventRegisterImpl)
# calls once libvirt's data for a removed handle or timeout may go.
from libvirtmod import virEventInvokeFreeCallback  # noqa: F401 (re-exported)


def _point_libxml2_at_bundled_data() -> None:
    """The binary wheel carries libvirt's schemas and CPU map beside this
    module, with an XML catalog that redirects libvirt's compiled-in
    /usr/share/libvirt paths to them when those files are missing.  libxml2
    reads XML_CATALOG_FILES when it first resolves through a catalog, so
    setting it now, before any libvirt call, is in time.  Nothing happens for
    a build against the system's libvirt (no such directory)."""
    import os
    catalog = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "libvirt_python.share", "catalog.xml")
    if not os.path.isfile(catalog):
        return
    # A file URI by hand: urllib.parse would import re and more.
    safe = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-._~"
    uri = "file://" + "".join(chr(byte) if byte in safe else f"%{byte:02X}"
                              for byte in os.fsencode(catalog))
    # Keep the user's catalogs (or libxml2's default) ahead of ours.
    files = os.environ.get("XML_CATALOG_FILES", "file:///etc/xml/catalog").split()
    if uri not in files:
        os.environ["XML_CATALOG_FILES"] = " ".join(files + [uri])


_point_libxml2_at_bundled_data()
del _point_libxml2_at_bundled_data


def _typing_aliases() -> "dict[str, Any]":
    """The reference's private aliases for annotations (libvirt._T,
    libvirt._EventCB[...], ...), made on first use: importing typing would
    cost more than the rest of `import libvirt`."""
    from typing import Any, Callable, Optional, TypeVar

    T = TypeVar("_T")
    event_cb = Callable[[int, int, int, T], None]
    timer_cb = Callable[[int, T], None]
    parameters = dict[str, Any]
    return {
        "_T": T,
        "_EventCB": event_cb,
        "_TimerCB": timer_cb,
        "_EventAddHandleFunc": Callable[[int, int, event_cb, T], int],
        "_EventUpdateHandleFunc": Callable[[int, int], None],
        "_EventRemoveHandleFunc": Callable[[int], int],
        "_EventAddTimeoutFunc": Callable[[int, timer_cb, T], int],
        "_EventUpdateTimeoutFunc": Callable[[int, int], None],
        "_EventRemoveTimeoutFunc": Callable[[int], int],
        "_DomainCB": Callable[["virConnect", "virDomain", int, int, T], Optional[int]],
        "_BlkioParameter": parameters,
        "_MemoryParameter": parameters,
        "_SchedParameter": parameters,
        "_TypedParameter": parameters,
        # (code, domain, message, level, str1, str2, str3, int1, int2)
        "_RawError": tuple[int, int, str, int, str, Optional[str], Optional[str], int, int],
    }


_TYPING_ALIAS_NAMES = ("_T", "_EventCB", "_TimerCB", "_EventAddHandleFunc",
                       "_EventUpdateHandleFunc", "_EventRemoveHandleFunc",
                       "_EventAddTimeoutFunc", "_EventUpdateTimeoutFunc",
                       "_EventRemoveTimeoutFunc", "_DomainCB", "_BlkioParameter",
                       "_MemoryParameter", "_SchedParameter", "_TypedParameter", "_RawError")


def __getattr__(name: str) -> "Any":
    if name in _TYPING_ALIAS_NAMES:
        globals().update(_typing_aliases())
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> "list[str]":
    return sorted(set(globals()) | set(_TYPING_ALIAS_NAMES))


# ---- libvirtmod's functions replaced by a program (unittest.mock.patch)
#
# The reference's methods call libvirtmod.<C name>(self._o, ...), so tests
# patch those names.  Ours are C methods called directly; when a flat
# function of libvirtmod (or libvirtmod_qemu/_lxc) is replaced, the method
# or function bound to it is replaced by one that calls the replacement and
# treats its result as the reference's Python layer does; putting the
# original back restores the C method.  Nothing of this runs unless a
# module attribute is assigned.

# lv_flat_failure (typewrappers.h): what a flat function returns on failure.
_FLAT_NONE, _FLAT_MINUS_ONE, _FLAT_ZERO = 1, 2, 3
_FLAT_FAILURE_VALUES = {_FLAT_MINUS_ONE: -1, _FLAT_ZERO: 0}


def _flat_target(value: object) -> "tuple[Any, type | None, int] | None":
    """(bound C callable, base class or None, failure) of an original flat
    function of ours, or None for anything else."""
    fields = getattr(value, "__self__", None)
    if type(fields) is tuple and len(fields) == 5:
        target, _core, base, _kind, failure = fields
        return target, base, failure
    return None


def _is_failure(result: object, failure: int) -> bool:
    if failure == _FLAT_NONE:
        return result is None
    return type(result) is int and result == _FLAT_FAILURE_VALUES.get(failure)


def _handle_arg(value: object) -> object:
    return value._o if isinstance(value, _HANDLE_BASES) else value


def _fresh_wrapper(result: object) -> object:
    """A new wrapper of a handle a replacement returned, owning its own
    reference, as the reference wraps the pointer its libvirtmod returns."""
    if not isinstance(result, _HANDLE_BASES):
        return result
    cls = type(result)
    return cls(_obj=result) if isinstance(result, libvirtmod.virConnect) else cls(None, _obj=result)


def _routed(module: "ModuleType", flat_name: str, target: "Any",
            failure: int) -> "Callable[..., Any]":
    import inspect

    signature = inspect.signature(target)

    def call_replacement(*args: "Any", **kwargs: "Any") -> "Any":
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        result = getattr(module, flat_name)(*map(_handle_arg, bound.arguments.values()))
        if _is_failure(result, failure):
            raise libvirtError(f"{flat_name}() failed")
        if isinstance(result, list):
            return [_fresh_wrapper(item) for item in result]
        return _fresh_wrapper(result)

    call_replacement.__name__ = call_replacement.__qualname__ = target.__name__
    call_replacement.__doc__ = target.__doc__
    return call_replacement


class _PatchableModule(type(libvirtmod)):
    """The class of libvirtmod, libvirtmod_qemu and libvirtmod_lxc once the
    Python modules are imported (see above)."""

    def __setattr__(self, name: str, value: object) -> None:
        state = _PATCH_STATE[self.__name__]
        current = self.__dict__.get(name)
        if name not in state["originals"] and _flat_target(current) is not None:
            state["originals"][name] = current
        original = state["originals"].get(name)
        super().__setattr__(name, value)
        if original is not None:
            _reroute(self, state, name, original, value is original)

    def __delattr__(self, name: str) -> None:
        super().__delattr__(name)
        original = _PATCH_STATE[self.__name__]["originals"].get(name)
        if original is not None:   # deleted outright: back to the C method
            _reroute(self, _PATCH_STATE[self.__name__], name, original, True)


def _reroute(module: "ModuleType", state: "dict[str, Any]", name: str, original: "Any",
             restore: bool) -> None:
    target, base, failure = _flat_target(original)
    # A method of one of our classes, or a function of the Python module.
    owner = globals()[base.__name__] if base is not None else state["python_module"]
    attribute = target.__name__
    saved = state["saved"]
    key = (owner, attribute)
    if restore:
        if key in saved:
            previous = saved.pop(key)
            if previous is _ABSENT:
                delattr(owner, attribute)
            else:
                setattr(owner, attribute, previous)
        return
    if key not in saved:
        saved[key] = owner.__dict__.get(attribute, _ABSENT) if base is not None \
            else getattr(owner, attribute, _ABSENT)
    setattr(owner, attribute, _routed(module, name, target, failure))


_ABSENT = object()
_PATCH_STATE = {}


def _make_patchable(extension: "ModuleType", python_module: "ModuleType") -> None:
    """Route replaced flat functions of `extension` to `python_module`'s
    methods and functions (called by libvirt.py, libvirt_qemu.py, libvirt_lxc.py)."""
    _PATCH_STATE[extension.__name__] = {"python_module": python_module, "originals": {},
                                        "saved": {}}
    extension.__class__ = _PatchableModule


class libvirtError(Exception):
    """An error reported by libvirt.

    `err` is libvirt's error as the 9-tuple libvirt.virGetLastError() gives
    (code, domain, message, level, str1, str2, str3, int1, int2), or None;
    str(error) is libvirt's message.  The binding raises it with `err`
    already filled in; made by hand, it reads the thread's last error."""

    def __init__(self, defmsg: str, conn: "object" = None, dom: "object" = None,
                 net: "object" = None, pool: "object" = None, vol: "object" = None) -> None:
        # conn, dom, net, pool and vol are accepted for old callers and unused:
        # libvirt reports errors per thread, not per object.
        err = libvirtmod.virGetLastError()
        msg = defmsg if err is None or err[2] is None else err[2]
        Exception.__init__(self, msg)
        self.err: ("tuple[int, int, str | None, int, str | None, str | None, str | None, int, int]"
                   " | None") = err

    def _field(self, index: int) -> "int | str | None":
        return None if self.err is None else self.err[index]

    def get_error_code(self) -> "int | None":
        return self._field(0)

    def get_error_domain(self) -> "int | None":
        return self._field(1)

    def get_error_message(self) -> "str | None":
        return self._field(2)

    def get_error_level(self) -> "int | None":
        return self._field(3)

    def get_str1(self) -> "str | None":
        return self._field(4)

    def get_str2(self) -> "str | None":
        return self._field(5)

    def get_str3(self) -> "str | None":
        return self._field(6)

    def get_int1(self) -> "int | None":
        return self._field(7)

    def get_int2(self) -> "int | None":
        return self._field(8)


# ---- the reference's event-loop dispatch helpers
#
# The reference binding's C code calls these: _dispatchEventHandleCallback
# and _dispatchEventTimeoutCallback dispatch what virEventAddHandle() and
# virEventAddTimeout() registered, and _eventInvoke*Callback is the `cb` its
# virEventRegisterImpl() hands to a Python event loop.  This binding's C
# code needs none of them (its loop gets libvirtmod.virEventInvokeHandleCallback
# and virEventInvokeTimeoutCallback as `cb`); they are here, with the
# reference's parameters and results, for programs that call them by hand.

def _loop_opaque(opaque: "Any", opaquecompat: "Any") -> "Any":
    """The opaque object libvirt gave the loop, from the arguments of the
    _eventInvoke*Callback forms."""
    if opaquecompat:
        # The C callback travels in the opaque object: `cb` has nothing to add.
        return opaquecompat
    if isinstance(opaque, tuple):
        return opaque[1]
    return opaque


def _eventInvokeHandleCallback(watch: int, fd: int, event: int, opaque: "Any",
                               opaquecompat: "Any" = None) -> None:
    """Dispatch an event of a handle libvirt registered with a Python event
    loop (virEventRegisterImpl): `opaque` is the value the loop's
    addHandle(fd, events, cb, opaque) received, or, in the form of
    libvirt 0.9.2 and earlier, `opaque` is that `cb` and `opaquecompat`
    that opaque value.  A tuple whose second item is that value (the
    reference's own shape) is taken too.  Returns None."""
    libvirtmod.virEventInvokeHandleCallback(watch, fd, event, _loop_opaque(opaque, opaquecompat))


def _eventInvokeTimeoutCallback(timer: int, opaque: "Any", opaquecompat: "Any" = None) -> None:
    """Fire a timeout libvirt registered with a Python event loop
    (virEventRegisterImpl): `opaque` is the value the loop's
    addTimeout(timeout, cb, opaque) received, or, in the form of
    libvirt 0.9.2 and earlier, `opaque` is that `cb` and `opaquecompat`
    that opaque value.  A tuple whose second item is that value (the
    reference's own shape) is taken too.  Returns None."""
    libvirtmod.virEventInvokeTimeoutCallback(timer, _loop_opaque(opaque, opaquecompat))


def _dispatchEventHandleCallback(watch: int, fd: int, events: int,
                                 cbData: "dict[str, Any]") -> int:
    """Call cbData["cb"] for a handle event: cb(watch, fd, events, opaque).
    Returns 0."""
    cb = cbData["cb"]
    opaque = cbData["opaque"]
    cb(watch, fd, events, opaque)
    return 0


def _dispatchEventTimeoutCallback(timer: int, cbData: "dict[str, Any]") -> int:
    """Call cbData["cb"] for a timeout: cb(timer, opaque).  Returns 0."""
    cb = cbData["cb"]
    opaque = cbData["opaque"]
    cb(timer, opaque)
    return 0
