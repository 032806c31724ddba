"""virStream's buffers: recv() receives into a buffer of the module and
copies what came into a new bytes; sendAll() hands the handler's chunk to
send() without copying it.  (Two threads receiving at once:
tests/test_overrides_fake.py.)"""

import tracemalloc

import pytest

import libvirt

# recv()'s shared buffer holds this much; a larger request has its own.
SHARED_BUFFER = 256 * 1024


def screenshot_stream(conn):
    st = conn.newStream(0)
    conn.lookupByName("test").screenshot(st, 0)
    return st


def read_all(st, nbytes):
    chunks = []
    while True:
        chunk = st.recv(nbytes)
        assert type(chunk) is bytes
        if not chunk:
            break
        assert len(chunk) <= nbytes
        chunks.append(chunk)
    assert st.finish() == 0
    return chunks


@pytest.mark.parametrize("nbytes", [1, 7, 4096, 262120, SHARED_BUFFER, SHARED_BUFFER + 1,
                                    1 << 20])
def test_recv_chunks_of_any_size_are_the_data(conn, nbytes):
    whole = b"".join(read_all(screenshot_stream(conn), 1 << 24))
    assert whole.startswith(b"\x89PNG")
    chunks = read_all(screenshot_stream(conn), nbytes)
    # Every chunk kept is still what it was: none shares the buffer.
    assert b"".join(chunks) == whole
    if nbytes < len(whole):
        assert len(chunks) > 1


def test_recv_gives_the_shared_buffer_back_after_errors(conn, quiet):
    st = screenshot_stream(conn)
    st.recv(8)      # the shared buffer exists from now on
    with pytest.raises(libvirt.libvirtError):
        st.recvFlags(10, libvirt.VIR_STREAM_RECV_STOP_AT_HOLE)   # the test driver has none
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        chunk = st.recv(SHARED_BUFFER)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert 0 < len(chunk) < SHARED_BUFFER
    # The result only: a buffer of its own would add SHARED_BUFFER bytes.
    assert peak < len(chunk) + SHARED_BUFFER // 2
    st.abort()


def test_send_all_passes_the_handlers_chunk_itself(conn):
    st = conn.newStream(0)
    sent = []
    st.send = lambda data: sent.append(data) or len(data)
    chunks = [b"x" * 100, bytearray(b"yz"), memoryview(b"abc"), b""]
    handed = list(chunks)
    st.sendAll(lambda stream, nbytes, opaque: chunks.pop(0), None)
    assert len(sent) == 3
    assert all(s is h for s, h in zip(sent, handed))


def test_send_all_sends_what_a_partial_send_left_as_bytes(conn):
    st = conn.newStream(0)
    sent = []
    st.send = lambda data: sent.append(data) or min(len(data), 4)
    chunks = [bytearray(b"abcdefghij"), b""]
    st.sendAll(lambda stream, nbytes, opaque: chunks.pop(0), None)
    assert [type(s) for s in sent] == [bytearray, bytes, bytes]
    assert [bytes(s) for s in sent] == [b"abcdefghij", b"efghij", b"ij"]
