"""virStream: new streams and the stream of a screenshot."""

from differential.calls import A, B, C, F, I, K, M, X, group
from differential.context import cb_recorder, noop, pump


# ------------------------------------------------------------- virStream

group("stream", doc="virStream: new streams and the stream of a screenshot")


def _shot(ctx):
    """A stream that has data: the test driver's screenshot (a PNG file)."""
    st = ctx.conn.newStream(0)
    ctx.conn.lookupByName("alpha").screenshot(st, 0)
    return st


SHOT = A(_shot)


def _on_shot(fn):
    return lambda ctx: fn(ctx, _shot(ctx))


def _collect():
    chunks = []

    def handler(stream, data, opaque):
        chunks.append((type(stream).__name__, len(data), opaque))
        return len(data)
    return chunks, handler


def _recv_all(ctx):
    chunks, handler = _collect()
    st = _shot(ctx)
    r = st.recvAll(handler, "opaque")
    return r, len(chunks), sum(c[1] for c in chunks), chunks[0], st.finish()


def _sparse_recv_all(ctx):
    chunks, handler = _collect()
    holes = []
    st = _shot(ctx)
    r = st.sparseRecvAll(handler, lambda s, length, opaque: holes.append(length) or 0, "opaque")
    return r, len(chunks), sum(c[1] for c in chunks), holes


def _send_all(ctx):
    calls = []

    def handler(stream, nbytes, opaque):
        calls.append((type(stream).__name__, nbytes, opaque))
        return b"data" if len(calls) == 1 else b""
    st = ctx.conn.newStream(0)
    try:
        return st.sendAll(handler, "opaque"), calls
    except Exception as e:
        return e, calls


def _sparse_send_all(ctx):
    calls = []

    def handler(stream, nbytes, opaque):
        calls.append(("data", nbytes, opaque))
        return b"data" if len(calls) == 1 else b""

    def hole(stream, opaque):
        calls.append(("hole", opaque))
        return (False, 0)

    def skip(stream, length, opaque):
        calls.append(("skip", length, opaque))
        return 0
    st = ctx.conn.newStream(0)
    try:
        return st.sparseSendAll(handler, hole, skip, "opaque"), calls
    except Exception as e:
        return e, calls


for _tag, _t in (("new", "stream"), ("shot", SHOT)):
    v = _tag == "shot"
    tgt = (lambda ctx: ctx.conn.newStream(0)) if _tag == "new" else _shot
    M("virStream", "abort", tgt, tag=_tag, fresh=True)
    M("virStream", "finish", tgt, tag=_tag, fresh=True)
    M("virStream", "connect", tgt, tag=_tag, fresh=True)
    M("virStream", "recv", tgt, I(16), tag=_tag, variants=v, fresh=True)
    M("virStream", "recvFlags", tgt, I(16), F(), tag=_tag, variants=v, fresh=True)
    M("virStream", "recvHole", tgt, F(), tag=_tag, variants=v, fresh=True)
    M("virStream", "send", tgt, B(b"abc"), tag=_tag, variants=not v, fresh=True)
    M("virStream", "sendHole", tgt, I(4096), F(), tag=_tag, variants=not v, fresh=True)
    M("virStream", "eventAddCallback", tgt, I(K("VIR_STREAM_EVENT_READABLE")), X(noop), X(None),
      tag=_tag, variants=v, fresh=True)
    M("virStream", "eventUpdateCallback", tgt, I(K("VIR_STREAM_EVENT_READABLE")), tag=_tag,
      variants=v, fresh=True)
    M("virStream", "eventRemoveCallback", tgt, tag=_tag, fresh=True)
M("virStream", "c_pointer", "stream", varies=True)
M("virStream", "recv", _shot, I(0), tag="zero", variants=False, fresh=True)
M("virStream", "recv", _shot, I(-1), tag="negative", variants=False, fresh=True)
M("virStream", "recvFlags", _shot, I(16), F(K("VIR_STREAM_RECV_STOP_AT_HOLE")), tag="stop-at-hole",
  variants=False, fresh=True)
C("virStream.recv#all", _on_shot(lambda ctx, st: [len(st.recv(65536)) for _ in range(3)]),
  fresh=True, covers=["virStream.recv"])
C("virStream.recv#after-finish", _on_shot(lambda ctx, st: (st.recv(1 << 20), st.finish(),
                                                            st.recv(16))),
  fresh=True, covers=["virStream.recv"])
C("virStream.recv#after-abort", _on_shot(lambda ctx, st: (st.abort(), st.recv(16))),
  fresh=True, covers=["virStream.recv"])
C("virStream.recvAll", _recv_all, fresh=True, covers=["virStream.recvAll"])
C("virStream.recvAll#new", lambda ctx: ctx.conn.newStream(0).recvAll(noop, None), fresh=True,
  covers=["virStream.recvAll"])
C("virStream.sparseRecvAll", _sparse_recv_all, fresh=True, covers=["virStream.sparseRecvAll"])
C("virStream.sendAll", _send_all, fresh=True, covers=["virStream.sendAll"])
C("virStream.sparseSendAll", _sparse_send_all, fresh=True, covers=["virStream.sparseSendAll"])
C("virStream.eventAddCallback#fires", lambda ctx: (lambda st: (
    st.eventAddCallback(K("VIR_STREAM_EVENT_READABLE"), cb_recorder(ctx, "stream"), "op"),
    [(tag, (type(a[0]).__name__,) + tuple(a[1:])) for tag, a in pump(ctx, 2)][:1],
    st.eventRemoveCallback(), st.abort()))(_shot(ctx)),
  fresh=True, covers=["virStream.eventAddCallback", "virStream.eventRemoveCallback"])
C("virStream.eventAddCallback#twice", lambda ctx: (lambda st: (
    st.eventAddCallback(K("VIR_STREAM_EVENT_READABLE"), noop, None),
    st.eventAddCallback(K("VIR_STREAM_EVENT_READABLE"), noop, None)))(_shot(ctx)),
  fresh=True, covers=["virStream.eventAddCallback"])
C("virStream.eventAddCallback#not-callable", lambda ctx: _shot(ctx).eventAddCallback(
    K("VIR_STREAM_EVENT_READABLE"), 42, None), fresh=True, covers=["virStream.eventAddCallback"])
