"""libvirt's module functions and libvirtError's methods."""

from differential.calls import C, F, FN, K, L, M, RICH_URI, S, X, group
from differential.context import noop


# ----------------------------------------------------------------- module

group("module", doc="libvirt's module functions, on the rich test driver")
FN("libvirt", "getVersion")
FN("libvirt", "getVersion", S("Test"), tag="test")
FN("libvirt", "getVersion", S("NoSuchHypervisor"), tag="unknown")
FN("libvirt", "open", S(RICH_URI))
FN("libvirt", "open", S("test:///default"), tag="default")
FN("libvirt", "open", S("nosuch:///x"), tag="bad-uri", variants=False)
FN("libvirt", "openReadOnly", S(RICH_URI))
FN("libvirt", "openReadOnly", S("nosuch:///x"), tag="bad-uri", variants=False)
FN("libvirt", "openAuth", S(RICH_URI), X([[K("VIR_CRED_AUTHNAME"), K("VIR_CRED_PASSPHRASE")], noop,
                                          None]), F())
FN("libvirt", "openAuth", S(RICH_URI), L([[], noop, None]), F(), tag="auth-list")
FN("libvirt", "openAuth", S(RICH_URI), X([[K("VIR_CRED_AUTHNAME")], None, None]), F(),
   tag="auth-nocb",
  variants=False)
FN("libvirt", "openAuth", S(RICH_URI), X([]), F(), tag="auth-short", variants=False)
FN("libvirt", "openAuth", S(RICH_URI), X({}), F(), tag="auth-dict", variants=False)
FN("libvirt", "openAuth", S(RICH_URI), X(None), F(), tag="auth-None", variants=False)
FN("libvirt", "openAuth", S(RICH_URI), X([[K("VIR_CRED_AUTHNAME")], noop, None]),
  F(K("VIR_CONNECT_RO")), tag="ro", variants=False)
FN("libvirt", "registerErrorHandler", X(noop), X(None))
FN("libvirt", "registerErrorHandler", X(None), X(None), tag="None")
FN("libvirt", "registerErrorHandler", X(42), X(None), tag="not-callable")
FN("libvirt", "virInitialize")
FN("libvirt", "virResetLastError")
FN("libvirt", "virGetLastError")
FN("libvirt", "virGetLastErrorCode")
FN("libvirt", "virGetLastErrorDomain")
FN("libvirt", "virGetLastErrorMessage")


def _after_error(what):
    def run(ctx):
        lv = ctx.lv
        try:
            ctx.conn.lookupByName("no-such-domain")
        except lv.libvirtError:
            pass
        return getattr(lv, what)()
    return run


for _w in ("virGetLastError", "virGetLastErrorCode", "virGetLastErrorDomain",
           "virGetLastErrorMessage"):
    C("libvirt.%s#after-error" % _w, _after_error(_w), covers=["libvirt." + _w])
C("libvirt.virResetLastError#after-error",
  lambda ctx: (_after_error("virResetLastError")(ctx), ctx.lv.virGetLastError()),
  covers=["libvirt.virResetLastError"])

# libvirtError's methods, on an error raised by a failing lookup
for _m in ("get_error_code", "get_error_domain", "get_error_level", "get_error_message",
           "get_int1", "get_int2", "get_str1", "get_str2", "get_str3"):
    M("libvirtError", _m, "err")
C("libvirtError.attributes", lambda ctx: (str(ctx.ref("err")), ctx.ref("err").args,
                                          type(ctx.ref("err").err).__name__,
                                          ctx.ref("err").err))
C("libvirtError.construct", lambda ctx: (lambda e: (str(e), e.get_error_code(), e.err))(
    ctx.lv.libvirtError("made by hand")))
