"""virStream.sendAll/sparseSendAll/sparseRecvAll, the Python loops over the
stream's C methods: driven here with the C methods replaced on the instance,
since the test driver has no stream to upload to."""

import pytest

import libvirt


@pytest.fixture
def stream(conn):
    st = conn.newStream(0)
    yield st


def test_send_all_sends_every_chunk_and_retries_partial_sends(stream):
    sent = []
    stream.send = lambda data: sent.append(data) or min(len(data), 3)
    chunks = [b"abcdefg", b"hi", b""]
    stream.sendAll(lambda st, nbytes, opaque: chunks.pop(0), None)
    # every byte went out once, in order, 3 bytes at most per send
    assert [len(d) for d in sent] == [7, 4, 1, 2]
    assert sent[0] == b"abcdefg" and sent[1] == b"defg" and sent[2] == b"g" and sent[3] == b"hi"


def test_send_all_handler_failure_aborts_and_propagates(stream):
    aborted = []
    stream.abort = lambda: aborted.append(True)

    def handler(st, nbytes, opaque):
        raise ValueError("source broke")

    with pytest.raises(ValueError, match="source broke"):
        stream.sendAll(handler, None)
    assert aborted == [True]


def test_sparse_recv_all_reports_data_and_holes(stream):
    script = [b"data1", -3, b"data2", b""]
    stream.recvFlags = lambda nbytes, flags: script.pop(0)
    stream.recvHole = lambda flags=0: 4096
    seen = []
    stream.sparseRecvAll(lambda st, data, op: seen.append(("data", data, op)),
                         lambda st, length, op: seen.append(("hole", length, op)), "OP")
    assert seen == [("data", b"data1", "OP"), ("hole", 4096, "OP"), ("data", b"data2", "OP")]


def test_sparse_send_all_sends_holes_and_data(stream):
    layout = [(True, 5), (False, 100), (True, 3), (True, 0)]
    data = [b"12345", b"abc", b""]
    out = []
    stream.send = lambda d: out.append(("data", d)) or len(d)
    stream.sendHole = lambda length, flags=0: out.append(("hole", length)) or 0
    skipped = []
    stream.sparseSendAll(lambda st, nbytes, op: data.pop(0),
                         lambda st, op: layout.pop(0),
                         lambda st, length, op: skipped.append(length), None)
    assert out == [("data", b"12345"), ("hole", 100), ("data", b"abc")]
    assert skipped == [100]
