"""One binding's side of the stream benchmark, run as a subprocess by
bench_streams.py.

    streams_worker.py --uri URI --pool NAME --pool-dir DIR --work-dir DIR

It opens URI (the private daemon), looks up the dir pool NAME (whose
volumes are the files of DIR), prints one JSON line describing itself,
then answers each line of stdin, a task, with one JSON line {task: seconds}:

    download <volume> recvAll | sparseRecvAll | recv
    upload <volume> sendAll | sparseSendAll

A download streams volume <volume>.img into a new file of --work-dir
(`recv` is a plain loop of stream.recv(RECV_CHUNK)); an upload streams the
volume file <volume>.img into the volume upload.img (emptied first, not
timed). Every transfer is checked against its source (size, and blocks at
each data extent and hole) and its output removed (a download) or written
to disk (upload.img, fdatasync) afterwards, outside the timing. The clock
runs from newStream() to the end of finish() (and the close of the file a
download writes).
"""

import argparse
import errno
import os
import sys
from time import perf_counter

from worker import protocol_stream, serve

RECV_CHUNK = 256 * 1024
UPLOAD_VOLUME = "upload.img"
SAMPLE = 64 * 1024


def data_extents(fd, size):
    """[(start, end)] of the data sections of a (sparse) file."""
    extents, position = [], 0
    while position < size:
        try:
            start = os.lseek(fd, position, os.SEEK_DATA)
        except OSError as error:
            if error.errno == errno.ENXIO:
                break
            raise
        end = os.lseek(fd, start, os.SEEK_HOLE)
        extents.append((start, end))
        position = end
    return extents


def sample_offsets(source, size):
    """Where to compare: the start and end of every data extent of the source
    and the middle of every hole between them."""
    fd = os.open(source, os.O_RDONLY)
    try:
        extents = data_extents(fd, size)
    finally:
        os.close(fd)
    offsets, previous_end = {0, max(0, size - SAMPLE)}, 0
    for start, end in extents[:64]:
        offsets.update({start, max(start, end - SAMPLE)})
        if start > previous_end:
            offsets.add((previous_end + start) // 2)
        previous_end = end
    if previous_end < size:
        offsets.add((previous_end + size) // 2)
    return sorted(offsets)


def check_copy(source, copy, task):
    size = os.path.getsize(source)
    if os.path.getsize(copy) != size:
        raise SystemExit(f"{task}: {copy} has {os.path.getsize(copy)} bytes, not {size}")
    with open(source, "rb") as a, open(copy, "rb") as b:
        for offset in sample_offsets(source, size):
            a.seek(offset)
            b.seek(offset)
            if a.read(SAMPLE) != b.read(SAMPLE):
                raise SystemExit(f"{task}: {copy} differs from {source} at offset {offset}")


def flush(path):
    """Write a kept file's data to disk (not timed), so that its writeback
    does not slow down the next transfer."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fdatasync(fd)
    finally:
        os.close(fd)


# The handlers: the opaque argument is the file descriptor.

def write_chunk(stream, data, fd):
    return os.write(fd, data)


def skip_hole(stream, length, fd):
    # The reference checks that skipHandler returns a number >= 0.
    return os.lseek(fd, length, os.SEEK_CUR)


def read_chunk(stream, nbytes, fd):
    return os.read(fd, nbytes)


def where_am_i(stream, fd):
    """sparseSendAll's holeHandler: (in_data, length of the section left)."""
    position = os.lseek(fd, 0, os.SEEK_CUR)
    size = os.fstat(fd).st_size
    if position >= size:
        return (True, 0)    # the end: the data handler is asked for 0 bytes
    try:
        data = os.lseek(fd, position, os.SEEK_DATA)
    except OSError as error:
        if error.errno != errno.ENXIO:
            raise
        data = size         # only a hole (or nothing) is left
    if data > position:
        result = (False, data - position)
    else:
        result = (True, os.lseek(fd, position, os.SEEK_HOLE) - position)
    os.lseek(fd, position, os.SEEK_SET)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--uri", required=True)
    parser.add_argument("--pool", required=True)
    parser.add_argument("--pool-dir", required=True)
    parser.add_argument("--work-dir", required=True)
    args = parser.parse_args()

    protocol = protocol_stream()
    import libvirt

    conn = libvirt.open(args.uri)
    pool = conn.storagePoolLookupByName(args.pool)

    def download(volume, method, task):
        vol = pool.storageVolLookupByName(f"{volume}.img")
        flags = libvirt.VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM if method == "sparseRecvAll" else 0
        dest = os.path.join(args.work_dir, f"download-{os.getpid()}.img")
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            start = perf_counter()
            stream = conn.newStream(0)
            vol.download(stream, 0, 0, flags)
            if method == "recvAll":
                stream.recvAll(write_chunk, fd)
            elif method == "sparseRecvAll":
                stream.sparseRecvAll(write_chunk, skip_hole, fd)
                os.ftruncate(fd, os.lseek(fd, 0, os.SEEK_CUR))   # a trailing hole
            else:
                while True:
                    data = stream.recv(RECV_CHUNK)
                    if not data:
                        break
                    os.write(fd, data)
            stream.finish()
            os.close(fd)
            fd = None
            elapsed = perf_counter() - start
            check_copy(os.path.join(args.pool_dir, f"{volume}.img"), dest, task)
        finally:
            if fd is not None:
                os.close(fd)
            os.unlink(dest)
        return elapsed

    def upload(volume, method, task):
        source = os.path.join(args.pool_dir, f"{volume}.img")
        target = os.path.join(args.pool_dir, UPLOAD_VOLUME)
        size = os.path.getsize(source)
        os.truncate(target, 0)     # no data left from an earlier upload
        os.truncate(target, size)
        vol = pool.storageVolLookupByName(UPLOAD_VOLUME)
        flags = libvirt.VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM if method == "sparseSendAll" else 0
        fd = os.open(source, os.O_RDONLY)
        try:
            start = perf_counter()
            stream = conn.newStream(0)
            vol.upload(stream, 0, size, flags)
            if method == "sendAll":
                stream.sendAll(read_chunk, fd)
            else:
                stream.sparseSendAll(read_chunk, where_am_i, skip_hole, fd)
            stream.finish()
            elapsed = perf_counter() - start
        finally:
            os.close(fd)
        check_copy(source, target, task)
        flush(target)
        return elapsed

    def run_task(task):
        direction, volume, method = task.split()
        run = {"download": download, "upload": upload}[direction]
        return {task: run(volume, method, task)}

    import libvirtmod
    info = {"module": getattr(libvirt, "__file__", None),
            "extension": getattr(libvirtmod, "__file__", None),
            "libvirt_version": libvirt.getVersion(),
            "python": sys.version.split()[0]}
    serve(protocol, info, run_task)
    conn.close()


if __name__ == "__main__":
    main()
