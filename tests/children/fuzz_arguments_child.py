"""The child of tests/test_fuzz_arguments.py: the cases of one group, and their outcomes.

Each case is printed before it is made.

    python tests/children/fuzz_arguments_child.py GROUP [START]

Output lines (tab-separated): TOTAL n; CASE idx description before each
case; R idx outcome after it; BAD idx what (an unacceptable outcome);
NOTE text; DONE at the end.
"""

import gc
import inspect
import os
import sys
import tempfile
import time

sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from support.eventloop import PythonEventLoop  # noqa: E402
from support.fuzz_entries import (  # noqa: E402
    AUTH_CALLBACK_GROUP, ESX_URI, Entry, NO_OBJECT_REASON, SELF_KEYS, STATE_ERRORS, URI,
    is_method)
from support.fuzz_values import (  # noqa: E402
    BINDING_XML, CKPT_XML, NWFILTER_XML, PORT_XML, SECRET_XML, SNAP_XML, VOL_XML, bad_values,
    extra_bad_values, noop, valid_table)


class Env:
    """The libvirt objects of one case, made on first use."""

    def __init__(self, libvirt, readonly, pipe_fd):
        import libvirtmod
        self.libvirt = libvirt
        self.libvirtmod = libvirtmod
        self.readonly = readonly
        self.pipe_fd = pipe_fd
        self.objs = {}

    def get(self, key):
        if key not in self.objs:
            self.objs[key] = getattr(self, "_make_" + key)()
        return self.objs[key]

    def _open(self):
        lv = self.libvirt
        return lv.openReadOnly(URI) if self.readonly else lv.open(URI)

    def _make_conn(self):
        return self._open()

    def _make_conn2(self):
        return self._open()

    def _make_closed(self):
        c = self._open()
        c.close()
        return c

    def _make_dom(self):
        return self.get("conn").lookupByName("test")

    def _make_dom2(self):
        return self.get("conn2").lookupByName("test")

    def _make_net(self):
        return self.get("conn").networkLookupByName("default")

    def _make_iface(self):
        return self.get("conn").interfaceLookupByName("eth1")

    def _make_pool(self):
        return self.get("conn").storagePoolLookupByName("default-pool")

    def _make_vol(self):
        return self.get("pool").createXML(VOL_XML.format("fuzzvol"), 0)

    def _make_dev(self):
        return self.get("conn").nodeDeviceLookupByName("scsi_host1")

    def _make_stream(self):
        return self.get("conn").newStream(0)

    def _make_snap(self):
        return self.get("dom").snapshotCreateXML(SNAP_XML, 0)

    def _make_ckpt(self):
        return self.get("dom").checkpointCreateXML(CKPT_XML, 0)

    def _make_secret(self):
        return self.get("conn").secretDefineXML(SECRET_XML, 0)

    def _make_nwfilter(self):
        return self.get("conn").nwfilterDefineXML(NWFILTER_XML)

    def _make_binding(self):
        return self.get("conn").nwfilterBindingCreateXML(BINDING_XML, 0)

    def _make_port(self):
        return self.get("net").portCreateXML(PORT_XML, 0)

    def _make_watch(self):
        return self.libvirtmod.virEventAddHandle(self.pipe_fd, 0, noop, None)

    def _make_timer(self):
        return self.libvirtmod.virEventAddTimeout(-1, noop, None)

    def _make_handle_opaque(self):
        self.libvirtmod.virEventAddHandle(self.pipe_fd, 0, noop, None)
        return _LOOP.last_opaque

    def _make_timeout_opaque(self):
        self.libvirtmod.virEventAddTimeout(-1, noop, None)
        return _LOOP.last_opaque

    def freed_opaque(self, key):
        o = self.get(key)
        self.libvirtmod.virEventInvokeFreeCallback(o)
        return o

    def orphan(self, key):
        """An object of `key` whose connection object was closed."""
        other = Env(self.libvirt, self.readonly, self.pipe_fd)
        obj = other.get(key)
        other.get("conn").close()
        return obj

    def drop(self):
        # children before their owners, so the last reference of each
        # connection goes last
        for key in reversed(list(self.objs)):
            del self.objs[key]


_LOOP = None       # the loop double of a "python-loop" child (support/eventloop.py)


def _entries(group):
    import libvirtmod
    if group.startswith("_selftest"):
        return _selftest_entries()
    group = group.split("@")[0]
    if "." in group:
        modname, name = group.split(".")
        mod = __import__(modname)
        return [Entry(group, getattr(mod, name))]
    cls = getattr(libvirtmod, group)
    return [Entry(group + "." + name, v, SELF_KEYS[group], cls)
            for name, v in sorted(cls.__dict__.items())
            if not name.startswith("__") and is_method(v)]


class Case:
    def __init__(self, entry, kind, desc, build, dirty_after=False):
        self.entry = entry
        self.kind = kind
        self.desc = desc
        self.build = build        # env -> (callable, args, kwargs)
        self.dirty_after = dirty_after


class CallbackError(Exception):
    """Raised by a test callback: the binding passes it on."""


def _auth_callback_cases(e):
    """openAuth with a credential callback that returns or mutates badly."""
    def set_result(value):
        def cb(creds, data):
            for c in creds:
                c[4] = value
            return 0
        return cb

    def mutate(fn, ret=0):
        def cb(creds, data):
            fn(creds)
            return ret
        return cb

    def returns(value):
        return lambda creds, data: (set_result("root")(creds, data), value)[1]

    def raises(creds, data):
        raise CallbackError("from the credential callback")

    def reenters(creds, data):
        try:
            __import__("libvirtmod").openAuth(ESX_URI, [[2], set_result("x"), None], 0)
        except Exception:
            pass
        return set_result("root")(creds, data)

    callbacks = [
        ("answers", set_result("root")),
        ("leaves-results-None", lambda creds, data: 0),
        ("empties-the-list", mutate(lambda creds: creds.clear())),
        ("pops-an-item", mutate(lambda creds: creds.pop())),
        ("appends-an-item", mutate(lambda creds: creds.append([2, "", "", "", "x"]))),
        ("replaces-an-item-by-a-str", mutate(lambda creds: creds.__setitem__(0, "x"))),
        ("replaces-an-item-by-a-short-list", mutate(lambda creds: creds.__setitem__(0, [2]))),
        ("replaces-an-item-by-a-tuple",
         mutate(lambda creds: creds.__setitem__(0, tuple(creds[0][:4]) + ("root",)))),
        ("empties-an-item", mutate(lambda creds: creds[0].clear())),
        ("result-int", set_result(5)),
        ("result-bytes", set_result(b"root")),
        ("result-with-NUL", set_result("ro\0ot")),
        ("result-surrogate", set_result("x\ud800")),
        ("result-100k", set_result("A" * 100000)),
        ("returns-None", returns(None)),
        ("returns-str", returns("0")),
        ("returns-float", returns(0.0)),
        ("returns-negative", returns(-1)),
        ("returns-2**32", returns(2 ** 32)),
        ("returns-2**70", returns(2 ** 70)),
        ("raises", raises),
        ("calls-openAuth-again", reenters),
    ]
    out = []
    for label, cb in callbacks:
        out.append(Case(e, "callback", "%s(callback %s)" % (e.qualname, label),
                        lambda env, cb=cb: (e.func, [ESX_URI, [[2, 5], cb, None], 0], {})))
    return out


def _cases(group, entries, valid, bad_values, extra_bad):
    """Every case of the group, in a stable order."""
    if group == AUTH_CALLBACK_GROUP:
        return _auth_callback_cases(entries[0])
    cases = []
    for e in entries:
        if e.params is None:
            cases.append(Case(e, "nosig", "%s has no usable signature (%s)"
                              % (e.qualname, e.sig_error), None))
            continue
        cases.extend(_entry_cases(e, valid, bad_values, extra_bad))
    return cases


def _value_for(valid, e, p):
    for key in ("%s.%s.%s" % (e.owner, e.method, p.name), "%s.%s" % (e.method, p.name), p.name):
        if key in valid:
            return valid[key]
    if p.default is not p.empty:
        return lambda env: p.default
    return lambda env: 0


def _entry_cases(e, valid, bad_values, extra_bad):
    params = [p for p in e.params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD,
                                                p.KEYWORD_ONLY)]
    varargs = any(p.kind == p.VAR_POSITIONAL for p in e.params)
    required = [p for p in params if p.default is p.empty]
    vals = [_value_for(valid, e, p) for p in params]
    q = e.qualname

    def call(env, self_obj, pos, kw):
        f = e.func
        if e.self_key is not None:
            return f, [self_obj] + pos, kw
        return f, pos, kw

    def self_of(env):
        return env.get(e.self_key) if e.self_key else None

    def split(env, upto, override=None):
        """Arguments for the first `upto` parameters (positional where the
        parameter allows it), parameter i replaced by override[i]."""
        pos, kw = [], {}
        for i, p in enumerate(params[:upto]):
            v = override[1](env) if override and override[0] == i else vals[i](env)
            if p.kind == p.KEYWORD_ONLY:
                kw[p.name] = v
            else:
                pos.append(v)
        return pos, kw

    nreq = max((params.index(p) + 1 for p in required), default=0)
    out = []
    if q == "libvirtmod._register":
        # only argument checks: never the valid call
        for label, bad in [("no-args", lambda env: ()),
                           ("None", lambda env: (None,)),
                           ("not-an-exception", lambda env: (int,) + (object,) * 14),
                           ("classes-wrong", lambda env: (Exception,) + (int,) * 14),
                           ("too-few", lambda env: (Exception, object)),
                           ("too-many", lambda env: (Exception,) + (object,) * 20)]:
            out.append(Case(e, "arg", "%s(%s)" % (q, label),
                            lambda env, bad=bad: (e.func, list(bad(env)), {})))
        return out

    out.append(Case(e, "valid", "%s(valid positional)" % q,
                    lambda env: call(env, self_of(env), *split(env, len(params))),
                    dirty_after=True))
    out.append(Case(e, "valid", "%s(valid by keyword)" % q,
                    lambda env: call(env, self_of(env), [],
                                     {p.name: vals[i](env) for i, p in enumerate(params)
                                      if p.kind != p.POSITIONAL_ONLY}),
                    dirty_after=True))
    if nreq < len(params):
        out.append(Case(e, "valid", "%s(valid, optional arguments left out)" % q,
                        lambda env: call(env, self_of(env), *split(env, nreq)),
                        dirty_after=True))
    if e.self_key is not None:
        other = "net" if e.self_key != "net" else "dom"
        for label, make in [("None", lambda env: None),
                            ("object", lambda env: object()),
                            ("str", lambda env: "test"),
                            ("other-class", lambda env, other=other: env.get(other)),
                            ("closed-virConnect", lambda env: env.get("closed"))]:
            out.append(Case(e, "self", "%s(self=%s)" % (q, label),
                            lambda env, make=make: call(env, make(env), *split(env, nreq)),
                            dirty_after=True))
        if e.self_key != "conn":
            out.append(Case(e, "self", "%s(self=object whose connection was closed)" % q,
                            lambda env: call(env, env.orphan(e.self_key), *split(env, nreq)),
                            dirty_after=True))
    for i, p in enumerate(params):
        extra = extra_bad.get("%s.%s" % (e.method, p.name), extra_bad.get(p.name, []))
        for label, bad in bad_values + extra:
            out.append(Case(e, "arg", "%s(%s=%s)" % (q, p.name, label),
                            lambda env, i=i, bad=bad: call(
                                env, self_of(env), *split(env, max(nreq, i + 1), (i, bad))),
                            dirty_after=True))
    if not varargs:
        out.append(Case(e, "extra", "%s(one positional argument too many)" % q,
                        lambda env: call(env, self_of(env),
                                         split(env, len(params))[0] + [0], {})))
    out.append(Case(e, "extra", "%s(unknown keyword argument)" % q,
                    lambda env: call(env, self_of(env), split(env, nreq)[0],
                                     dict(split(env, nreq)[1], fuzz_no_such_arg=1))))
    if nreq:
        out.append(Case(e, "extra", "%s(required argument '%s' missing)"
                        % (q, params[nreq - 1].name),
                        lambda env: call(env, self_of(env), *split(env, nreq - 1))))
    if params and params[0].kind == params[0].POSITIONAL_OR_KEYWORD:
        out.append(Case(e, "extra", "%s(%s given twice)" % (q, params[0].name),
                        lambda env: call(env, self_of(env), split(env, 1)[0],
                                         {params[0].name: vals[0](env)})))
    return out


def _selftest_entries():
    """Fake entry points with known faults, to check that the harness
    reports each kind of failure (see test_harness_reports_failures)."""
    def fine(name, flags=0):
        return None

    def raises_attribute_error(name, flags=0):
        if name == "test" and flags == 0:
            raise AttributeError("from inside the binding")

    def crashes(name, flags=0):
        if flags == -1:
            os.abort()

    def hangs(name, flags=0):
        if flags == 2 ** 31:
            time.sleep(3600)

    def renamed_parameter(name, *args, **kwargs):
        # Its signature says `flags`; what it parses calls it otherwise.
        if "flags" in kwargs:
            raise TypeError("renamed_parameter() got an unexpected keyword argument 'flags'")
    renamed_parameter.__signature__ = inspect.signature(fine)

    out = []
    for f in (fine, raises_attribute_error, crashes, hangs, renamed_parameter):
        out.append(Entry("_selftest." + f.__name__, f))
    return out


def _emit(line):
    os.write(1, (line.replace("\n", "\\n") + "\n").encode("utf-8", "backslashreplace"))


# TypeError messages (ours and CPython's) that say the call's shape did not
# fit the signature, whatever the values.
SIGNATURE_MISMATCH = ("unexpected keyword argument", "multiple values for argument",
                      "missing required argument", "required positional argument",
                      "required keyword-only argument", "positional argument but",
                      "positional arguments but", "takes at most", "takes exactly",
                      "takes no arguments")


def child_main(group, start):
    import libvirt
    accepted = (TypeError, ValueError, OverflowError, libvirt.libvirtError)
    # LookupError: for a dict argument with missing, unknown or no keys,
    # as libvirt-python raises it (drop-in compatibility); nowhere else.
    quiet = lambda ctx, err: None  # noqa: E731
    libvirt.registerErrorHandler(quiet, None)
    tmp = os.environ.get("FUZZ_TMPDIR") or tempfile.mkdtemp(prefix="fuzz-")
    os.chdir(tmp)
    rfd, wfd = os.pipe()
    readonly = group.startswith(("libvirtmod_lxc.", "libvirtmod_qemu."))
    loop = group.partition("@")[2]
    if loop == "python-loop":
        global _LOOP
        _LOOP = PythonEventLoop().register(libvirt)     # records, never runs
    elif loop == "default-loop":
        libvirt.virEventRegisterDefaultImpl()
    state_error = STATE_ERRORS.get(group)

    entries = _entries(group)
    cases = _cases(group, entries, valid_table(tmp), bad_values(), extra_bad_values())
    _emit("TOTAL\t%d" % len(cases))

    # Object types the driver cannot make: only bad-self cases.
    no_object = set()
    if entries and entries[0].self_key:
        probe = Env(libvirt, readonly, rfd)
        try:
            probe.get(entries[0].self_key)
        except libvirt.libvirtError as e:
            no_object.add(entries[0].self_key)
            _emit("NOTE\t" + NO_OBJECT_REASON.format(group) + " (%s)" % e)
        probe.drop()
        del probe

    env = Env(libvirt, readonly, rfd)
    for idx, case in enumerate(cases):
        if idx < start:
            continue
        if case.kind == "nosig":
            _emit("BAD\t%d\t%s" % (idx, case.desc))
            continue
        if case.entry.self_key in no_object and (case.kind != "self" or "closed)" in case.desc):
            continue
        _emit("CASE\t%d\t%s" % (idx, case.desc))
        if case.kind == "self" and env.objs:
            env.drop()
            env = Env(libvirt, readonly, rfd)
        try:
            func, args, kwargs = case.build(env)
        except libvirt.libvirtError as e:
            # the objects of the case could not be made: a driver limit
            _emit("NOTE\t%s: setup failed: %s" % (case.desc, e))
            env.drop()
            env = Env(libvirt, readonly, rfd)
            continue
        except Exception as e:
            _emit("BAD\t%d\t%s: making its arguments raised %s: %s"
                  % (idx, case.desc, type(e).__name__, e))
            env.drop()
            env = Env(libvirt, readonly, rfd)
            continue
        outcome = None
        try:
            result = func(*args, **kwargs)
            repr(result)
            if isinstance(result, (list, tuple)):
                for item in result:
                    repr(item)
            outcome = "returned"
            del result
        except accepted as e:
            outcome = type(e).__name__
            str(e)
            if case.kind == "valid" and isinstance(e, TypeError) and any(
                    m in str(e) for m in SIGNATURE_MISMATCH):
                # Valid values under the surface's own parameter names: a
                # renamed or dropped parameter, not a judged value.
                outcome = "BAD"
                _emit("BAD\t%d\t%s raised %s: %s" % (idx, case.desc, type(e).__name__, e))
        except LookupError as e:
            if any(isinstance(a, dict) for a in list(args) + list(kwargs.values())):
                outcome = type(e).__name__
            else:
                outcome = "BAD"
                _emit("BAD\t%d\t%s raised %s: %s" % (idx, case.desc, type(e).__name__, e))
        except AttributeError as e:
            # libvirt_qemu's and libvirt_lxc's functions read domain._o (or
            # conn._o) as the reference's do: None is an AttributeError there.
            if readonly and str(e).startswith("'NoneType' object has no attribute") and any(
                    a is None for a in list(args) + list(kwargs.values())):
                outcome = type(e).__name__
            else:
                outcome = "BAD"
                _emit("BAD\t%d\t%s raised %s: %s" % (idx, case.desc, type(e).__name__, e))
        except CallbackError as e:
            outcome = "CallbackError"   # the test callback's own, passed on
        except BaseException as e:  # noqa: B902 (everything else is a failure)
            if state_error and type(e).__name__ == state_error[0] and state_error[1] in str(e):
                outcome = type(e).__name__
                _emit("R\t%d\t%s" % (idx, outcome))
                continue
            outcome = "BAD"
            _emit("BAD\t%d\t%s raised %s: %s" % (idx, case.desc, type(e).__name__, e))
        del func, args, kwargs
        if group == "libvirtmod.registerErrorHandler":
            libvirt.registerErrorHandler(quiet, None)
        if case.kind == "self" or (case.dirty_after
                                   and outcome not in ("TypeError", "ValueError", "OverflowError")):
            # the call may have reached libvirt (or made objects of another
            # connection): the next case gets a fresh driver state
            env.drop()
            env = Env(libvirt, readonly, rfd)
        _emit("R\t%d\t%s" % (idx, outcome))
    env.drop()
    gc.collect()
    _emit("DONE")


if __name__ == "__main__":
    child_main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    sys.exit(0)
