"""How a call is written: the argument kinds and their variants, Call, Group, M(), FN(), C()."""

import json
import os


HERE = os.path.dirname(os.path.abspath(__file__))
TESTS_DIR = os.path.dirname(HERE)
SURFACE_PATH = os.path.join(TESTS_DIR, "data", "libvirt-python-surface.json")
RICH_XML = os.path.join(TESTS_DIR, "data", "rich-driver.xml")
RICH_URI = "test://" + RICH_XML

with open(SURFACE_PATH) as _f:
    SURFACE = json.load(_f)["modules"]

CONST = {n: v["value"] for n, v in SURFACE["libvirt"]["names"].items()
         if v["kind"].endswith("constant")}


def K(name):
    """A libvirt constant, by name (values from the reference surface)."""
    return CONST[name]


def params_of(cls, meth):
    """Parameter names (without self) of a reference method or function."""
    if cls in ("libvirt", "libvirt_qemu", "libvirt_lxc"):
        return [p["name"] for p in SURFACE[cls]["names"][meth]["params"]]
    return [p["name"] for p in SURFACE["libvirt"]["names"][cls]["methods"][meth]["params"][1:]]


# ---------------------------------------------------------------- arguments

class Index:
    """An int-like object that is not an int: only __index__."""
    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value

    def __repr__(self):
        return "Index(%d)" % self.value


BIG = 1 << 70          # out of the range of every C integer type


class Arg:
    """An argument: its value for the base call and its variants."""
    def __init__(self, value):
        self.value = value

    def resolve(self, ctx):
        return resolve(self.value, ctx)

    def variants(self):
        return []


def resolve(v, ctx):
    """A value with the Refs and Lazys in it (also inside lists and
    tuples) replaced by what they name."""
    if isinstance(v, Ref):
        return ctx.ref(v.spec)
    if isinstance(v, Lazy):
        return v.fn(ctx)
    if isinstance(v, (list, tuple)) and any(isinstance(x, (Ref, Lazy)) for x in v):
        return type(v)(resolve(x, ctx) for x in v)
    return v


class Ref:
    def __init__(self, spec):
        self.spec = spec


class Lazy:
    """A value computed in the child from the context."""
    def __init__(self, fn):
        self.fn = fn


class Nullable(Arg):
    """An argument that also takes None (the reference passes NULL then)."""
    def variants(self):
        return [("None", None)]


S = Nullable    # a string argument
O = Nullable    # an object argument (a Ref or Lazy)


class I(Arg):
    """An integer argument: also bool, an __index__ object, out of C range."""
    def variants(self):
        v = self.value
        return [("bool", bool(v)), ("index", Index(v)), ("big", BIG + v)]


def F(value=0):
    """A flags argument (unsigned int)."""
    return I(value)


class U(Arg):
    """A raw UUID argument (16 bytes), given as the canonical string."""
    def __init__(self, uuidstr):
        super().__init__(bytes.fromhex(uuidstr.replace("-", "")))
        self.uuidstr = uuidstr

    def variants(self):
        raw = self.value
        return [("str", self.uuidstr), ("str16", raw.decode("latin-1")),
                ("short", raw[:15]), ("long", raw + b"\x01"), ("None", None)]


class US(Arg):
    """A UUID string argument."""
    def variants(self):
        v = self.value
        return [("bytes", v.encode()), ("short", v[:13]), ("nodash", v.replace("-", "")),
                ("None", None)]


class L(Arg):
    """A list/tuple argument: also the other container type, empty, None."""
    def variants(self):
        v = self.value
        other = tuple(v) if isinstance(v, list) else list(v)
        return [("other", other), ("empty", type(v)()), ("None", None)]


class P(Arg):
    """A typed-parameter dict: also None, {}, and each value as bool,
    __index__, out of range, str."""
    def variants(self):
        v = self.value
        out = [("None", None), ("empty", {})]
        for k, x in v.items():
            if isinstance(x, int) and not isinstance(x, bool):
                for label, y in (("bool", bool(x)), ("index", Index(x)), ("big", BIG + x),
                                 ("str", str(x))):
                    d = dict(v)
                    d[k] = y
                    out.append(("%s:%s" % (k, label), d))
            elif isinstance(x, str):
                d = dict(v)
                d[k] = None
                out.append(("%s:None" % k, d))
        d = dict(v)
        d["no.such.parameter"] = 1
        out.append(("unknown-key", d))
        return out


class D(Arg):
    """A dict argument (not typed parameters): also None, {}."""
    def variants(self):
        return [("None", None), ("empty", {})]


class B(Arg):
    """A bytes argument: also str, None."""
    def variants(self):
        return [("str", self.value.decode("latin-1")), ("None", None)]


class X(Arg):
    """A value with no variants (callbacks, opaque values, ...)."""


def as_arg(a):
    if isinstance(a, Arg):
        return a
    if isinstance(a, (Ref, Lazy)):
        return O(a)
    return X(a)


# -------------------------------------------------------------------- calls

class Call:
    def __init__(self, cid, fn, covers, fresh=False, varies=False, unordered=False,
                 mask=None, post=None):
        self.id = cid
        self.fn = fn
        self.covers = set(covers)
        self.fresh = fresh
        self.varies = varies
        self.unordered = unordered
        self.mask = mask
        self.post = post


class Group:
    def __init__(self, name, kind="test", doc="", checkpoints=False, all_fresh=False):
        self.name = name
        self.all_fresh = all_fresh      # every call on a context of its own
        self.checkpoints = checkpoints  # contexts create checkpoints cp1, cp2 on beta
        self.kind = kind          # "test": rich driver; "secret"; "daemon"; "eventimpl"
        self.doc = doc
        self.calls = []
        self.ids = set()

    def add(self, call):
        if self.all_fresh:
            call.fresh = True
        if call.id in self.ids:
            raise ValueError("duplicate call id %s" % call.id)
        self.ids.add(call.id)
        self.calls.append(call)


GROUPS = {}
_current = [None]


def group(name, kind="test", doc="", checkpoints=False, all_fresh=False):
    g = GROUPS[name] = Group(name, kind, doc, checkpoints, all_fresh)
    _current[0] = g
    return g


def _invoke(target, cls, meth, argspecs, kwspecs, replace=None):
    def fn(ctx):
        obj = ctx.ref(target) if isinstance(target, str) else target(ctx)
        args = []
        for i, a in enumerate(argspecs):
            if replace is not None and replace[0] == i:
                args.append(resolve(replace[1], ctx))
            else:
                args.append(a.resolve(ctx))
        kwargs = {k: a.resolve(ctx) for k, a in kwspecs.items()}
        return getattr(obj, meth)(*args, **kwargs)
    return fn


def M(cls, meth, target, *args, tag=None, variants=True, kw=None, fresh=False,
      varies=False, unordered=False, mask=None, post=None, covers=()):
    """A method call (or, with cls a module name, a module function call)
    plus its argument variants."""
    names = params_of(cls, meth)
    if len(args) > len(names):
        raise ValueError("%s.%s: too many arguments" % (cls, meth))
    argspecs = [as_arg(a) for a in args]
    kwspecs = {k: as_arg(a) for k, a in (kw or {}).items()}
    base = "%s.%s" % (cls, meth) + ("#" + tag if tag else "")
    cov = {"%s.%s" % (cls, meth)} | set(covers)
    g = _current[0]
    opts = dict(fresh=fresh, varies=varies, unordered=unordered, mask=mask, post=post)
    g.add(Call(base, _invoke(target, cls, meth, argspecs, kwspecs), cov, **opts))
    if not variants:
        return
    if argspecs:
        # every argument by keyword, under the reference's parameter names
        bykw = dict(kwspecs)
        bykw.update({names[i]: a for i, a in enumerate(argspecs)})
        g.add(Call(base + "[*=keywords]", _invoke(target, cls, meth, [], bykw), cov, **opts))
    for i, a in enumerate(argspecs):
        for label, value in a.variants():
            cid = "%s[%s=%s]" % (base, names[i], label)
            g.add(Call(cid, _invoke(target, cls, meth, argspecs, kwspecs, (i, value)), cov,
                       **opts))


def FN(module, name, *args, **kw):
    """A module function call plus its argument variants."""
    M(module, name, "module:" + module, *args, **kw)


def C(cid, fn, covers=(), fresh=False, varies=False, unordered=False, mask=None, post=None):
    """A free-form call: fn(ctx) -> value."""
    _current[0].add(Call(cid, fn, covers, fresh=fresh, varies=varies, unordered=unordered,
                         mask=mask, post=post))


# the short names the group tables write
R = Ref
A = lambda f: Lazy(f)  # noqa: E731

