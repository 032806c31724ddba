"""Normalised, JSON-serialisable form of call results and exceptions.

Used by the child (runner.py) under either binding, so it imports nothing
from the binding at module level and looks at classes by name only.

Forms (all JSON lists, first item a tag, so that the container type survives
the trip through JSON):

  None                        None
  ["bool", b]                 bool (kept apart from int)
  ["int", n]                  int
  ["float", repr]             float
  ["str", s]                  str
  ["bytes", hex]              bytes / bytearray
  ["list", [...]]             list          ["tuple", [...]]  tuple
  ["dict", [[k, v], ...]]     dict, items sorted by normalised key
  ["obj", module.Class, ident]  a libvirt handle (its exact type) and what
                              identifies it: name(), UUIDString(), key()...
  ["exc", Class, code, dom]   a libvirtError (code/domain of the error)
  ["exc", Class]              any other exception
  ["other", TypeName]         anything else
  ["type", ...]               the same, values replaced by their type only
                              (results that legitimately vary between runs)
"""

import json
import re

# Parts of connection URIs that name a per-run private directory
_PRIVATE_URI_PARTS = re.compile(r"\b(root|socket)=[^&]*")

# How a handle is identified: first method of the list that works.
IDENT_METHODS = {
    "virConnect": ("getURI",),
    "virDomain": ("name",),
    "virNetwork": ("name",),
    "virNetworkPort": ("UUIDString",),
    "virInterface": ("name",),
    "virStoragePool": ("name",),
    "virStorageVol": ("key",),
    "virNodeDevice": ("name",),
    "virSecret": ("UUIDString",),
    "virNWFilter": ("name",),
    "virNWFilterBinding": ("portDev",),
    "virDomainSnapshot": ("getName",),
    "virDomainCheckpoint": ("getName",),
    "virStream": (),
}


def _libvirt_class(value):
    """Name of the libvirt handle class value is an instance of, or None."""
    for klass in type(value).__mro__:
        if klass.__name__ in IDENT_METHODS and klass.__module__ in ("libvirt", "libvirtmod"):
            return klass.__name__
    return None


def handle_ident(value, cls):
    for meth in IDENT_METHODS[cls]:
        try:
            ident = getattr(value, meth)()
            if cls == "virConnect" and isinstance(ident, str):
                ident = _PRIVATE_URI_PARTS.sub(r"\1=<private>", ident)
            return ident
        except Exception as e:  # a handle whose connection was closed, ...
            return "<%s raised %s>" % (meth, type(e).__name__)
    return None


def normalise(value, depth=0):
    if depth > 50:
        return ["other", "too-deep"]
    if value is None:
        return None
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, int):
        return ["int", int(value)]
    if isinstance(value, float):
        return ["float", repr(value)]
    if isinstance(value, str):
        return ["str", value]
    if isinstance(value, (bytes, bytearray)):
        return ["bytes", bytes(value).hex()]
    if isinstance(value, list):
        return ["list", [normalise(v, depth + 1) for v in value]]
    if isinstance(value, tuple):
        return ["tuple", [normalise(v, depth + 1) for v in value]]
    if isinstance(value, dict):
        items = [[normalise(k, depth + 1), normalise(v, depth + 1)] for k, v in value.items()]
        items.sort(key=lambda kv: json.dumps(kv[0], sort_keys=True))
        return ["dict", items]
    if isinstance(value, BaseException):
        return normalise_exception(value)
    cls = _libvirt_class(value)
    if cls is not None:
        # the exact type, not only the libvirt class it derives from
        exact = "%s.%s" % (type(value).__module__, type(value).__qualname__)
        return ["obj", exact, handle_ident(value, cls)]
    return ["other", type(value).__name__]


def normalise_exception(exc):
    name = type(exc).__name__
    if name == "libvirtError" and hasattr(exc, "get_error_code"):
        try:
            code, domain = exc.get_error_code(), exc.get_error_domain()
        except Exception as e:
            code, domain = "<%s>" % type(e).__name__, None
        return ["exc", name, code, domain]
    return ["exc", name]


_TIMESTAMPS = re.compile(r"<creationTime>\d+</creationTime>")


def strip_times(value):
    """XML with its creation timestamps blanked (checkpoints made at run
    time)."""
    if isinstance(value, str):
        return _TIMESTAMPS.sub("<creationTime>T</creationTime>", value)
    return value


def type_only(norm):
    """Keep the shape of a normalised value, drop the values themselves."""
    if norm is None:
        return None
    tag = norm[0]
    if tag in ("list", "tuple"):
        return ["type", tag, [type_only(v) for v in norm[1]]]
    if tag == "dict":
        # keys are part of the shape
        return ["type", "dict", [[k, type_only(v)] for k, v in norm[1]]]
    if tag in ("exc", "obj"):
        return norm
    return ["type", tag]


def sort_list(norm):
    """For results whose order libvirt does not define (hash tables)."""
    if norm and norm[0] in ("list", "tuple"):
        return [norm[0], sorted(norm[1], key=lambda v: json.dumps(v, sort_keys=True))]
    return norm


def show(norm, limit=300):
    """Readable, shortened rendering of a normalised value for reports."""
    def r(n):
        if n is None:
            return "None"
        tag = n[0]
        if tag in ("int", "bool"):
            return repr(n[1])
        if tag == "float":
            return n[1]
        if tag == "str":
            s = n[1]
            return repr(s if len(s) <= 60 else s[:57] + "...")
        if tag == "bytes":
            h = n[1]
            return "b'%s%s'" % (h[:40], "..." if len(h) > 40 else "")
        if tag == "list":
            return "[" + ", ".join(r(v) for v in n[1]) + "]"
        if tag == "tuple":
            return "(" + ", ".join(r(v) for v in n[1]) + ("," if len(n[1]) == 1 else "") + ")"
        if tag == "dict":
            return "{" + ", ".join("%s: %s" % (r(k), r(v)) for k, v in n[1]) + "}"
        if tag == "obj":
            return "<%s %s>" % (n[1], n[2])
        if tag == "exc":
            if len(n) > 2:
                return "%s(code=%s, domain=%s)" % (n[1], n[2], n[3])
            return n[1]
        if tag == "type":
            if n[1] in ("list", "tuple", "dict"):
                inner = n[2]
                if n[1] == "dict":
                    return "type:{" + ", ".join("%s: %s" % (r(k), r(v)) for k, v in inner) + "}"
                return "type:%s[%s]" % (n[1], ", ".join(r(v) for v in inner))
            return "type:" + n[1]
        if tag == "crash":
            return "CRASH(%s)" % n[1]
        return repr(n)
    s = r(norm)
    return s if len(s) <= limit else s[:limit - 3] + "..."
