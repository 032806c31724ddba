# Python-level methods of virStream, merged by generator.py into the body of
# libvirt.py's virStream class (over the C methods send(), recv(), ...).


class virStream:
    def recvAll(self, handler: "Callable[[virStream, bytes, Any], object]",
                opaque: "Any") -> None:
        """Receive the rest of the stream: handler(stream, data, opaque) is
        called with each chunk of bytes until the stream ends.

        The stream must be blocking.  If the handler raises, or returns a
        negative number, the stream is aborted and the exception (a
        libvirtError for a negative number) propagates.  Returns None; call
        finish() afterwards as usual."""
        while True:
            data = self.recv(virStorageVol.streamBufSize)
            if isinstance(data, int):
                # -2: no data yet, which only a nonblocking stream reports
                libvirtmod.virResetLastError()
                raise libvirtError("recvAll() needs a blocking stream")
            if not data:
                return None
            try:
                result = handler(self, data, opaque)
                if isinstance(result, int) and result < 0:
                    libvirtmod.virResetLastError()
                    raise libvirtError("recvAll() handler returned %d" % result)
            except BaseException:
                try:
                    self.abort()
                except libvirtError:
                    pass   # the handler's failure is the one to report
                raise

    def _abort_and_raise(self) -> "NoReturn":
        """Abort the stream after a handler failed, then re-raise that failure."""
        try:
            self.abort()
        except libvirtError:
            pass   # the handler's failure is the one to report
        raise

    def sendAll(self, handler: "Callable[[virStream, int, Any], bytes]", opaque: "Any") -> None:
        """Send the whole stream: handler(stream, nbytes, opaque) returns the
        next chunk of at most nbytes bytes, and an empty chunk at the end.

        The stream must be blocking.  If the handler raises, the stream is
        aborted and the exception propagates.  Returns None; call finish()
        afterwards as usual."""
        while True:
            try:
                data = handler(self, virStorageVol.streamBufSize, opaque)
            except BaseException:
                self._abort_and_raise()
            if not data:
                return None
            self._send_chunk(data)

    def _send_chunk(self, data: bytes) -> None:
        # The chunk itself, as the reference sends it: copying each 256 KiB
        # chunk made glibc shrink and regrow its heap per chunk.  What a
        # partial send leaves (the reference drops it) is sent as bytes.
        sent = self.send(data)
        view = memoryview(data)
        while True:
            if sent < 0:
                # -2: the stream would block, which only a nonblocking stream reports
                libvirtmod.virResetLastError()
                raise libvirtError("sendAll() needs a blocking stream")
            view = view[sent:]
            if not view:
                return
            sent = self.send(bytes(view))

    def sparseRecvAll(self, handler: "Callable[[virStream, bytes, Any], object]",
                      holeHandler: "Callable[[virStream, int, Any], object]",
                      opaque: "Any") -> None:
        """Receive the rest of a sparse stream: handler(stream, data, opaque)
        gets each chunk of data and holeHandler(stream, length, opaque) each
        hole.  Handler failures abort the stream, as in recvAll()."""
        while True:
            data = self.recvFlags(virStorageVol.streamBufSize, VIR_STREAM_RECV_STOP_AT_HOLE)
            try:
                if data == -3:
                    # a hole where the data stopped
                    holeHandler(self, self.recvHole(), opaque)
                    continue
                if isinstance(data, int):
                    libvirtmod.virResetLastError()
                    raise libvirtError("sparseRecvAll() needs a blocking stream")
                if not data:
                    return None
                result = handler(self, data, opaque)
                if isinstance(result, int) and result < 0:
                    libvirtmod.virResetLastError()
                    raise libvirtError("sparseRecvAll() handler returned %d" % result)
            except BaseException:
                self._abort_and_raise()

    def sparseSendAll(self, handler: "Callable[[virStream, int, Any], bytes]",
                      holeHandler: "Callable[[virStream, Any], tuple[bool, int]]",
                      skipHandler: "Callable[[virStream, int, Any], object]",
                      opaque: "Any") -> None:
        """Send a sparse stream: holeHandler(stream, opaque) returns
        (in_data, section_length) for the current position; data sections
        are read with handler(stream, nbytes, opaque), holes are sent as
        such and skipped with skipHandler(stream, length, opaque).  Handler
        failures abort the stream."""
        while True:
            try:
                in_data, section = holeHandler(self, opaque)
                if not in_data and section > 0:
                    self.sendHole(section)
                    skipHandler(self, section, opaque)
                    continue
                # At most the section's length: 0 at its end, as the reference asks.
                data = handler(self, min(section, virStorageVol.streamBufSize), opaque)
            except BaseException:
                self._abort_and_raise()
            if not data:
                return None
            self._send_chunk(data)

    def _dispatchStreamEventCallback(self, events: int, cbData: "dict[str, Any]") -> int:
        """Call cbData["cb"] for a stream event: cb(stream, events, opaque).
        Returns 0.

        The reference binding's C code dispatches eventAddCallback() events
        through this method; this binding's calls the callback directly, so
        it is only here for programs that call it by hand."""
        cb = cbData["cb"]
        opaque = cbData["opaque"]
        cb(self, events, opaque)
        return 0
