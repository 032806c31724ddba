/* src/streams.c: virStream's hand-written methods and its event callback. */

#include "typewrappers.h"
#include "libvirtmod-impl.h"
#include "callbacks.h"

/* ---- virStream ------------------------------------------------------------- */

PyObject *
lv_impl_virStreamSend(PyObject *self, lv_state *st, virStreamPtr stream, PyObject *data_arg)
{
    PyObject *data;
    char *buf;
    Py_ssize_t len;
    int rc;

    /* bytes as they are; any other bytes-like object copied, which also
     * keeps what libvirt reads unchanged while the GIL is released (the
     * buffer protocol is in the stable ABI only from 3.11). */
    if (PyBytes_Check(data_arg)) {
        data = Py_NewRef(data_arg);
    } else {
        PyObject *view = PyMemoryView_FromObject(data_arg);
        if (view == NULL)
            return NULL;
        data = PyBytes_FromObject(view);
        Py_DECREF(view);
        if (data == NULL)
            return NULL;
    }
    if (PyBytes_AsStringAndSize(data, &buf, &len) < 0) {
        Py_DECREF(data);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    rc = virStreamSend(stream, buf, len);
    Py_END_ALLOW_THREADS
    Py_DECREF(data);
    if (rc == -1)
        return lv_raise(st, "virStreamSend");
    return PyLong_FromLong(rc);   /* bytes sent, or -2: it would block */
}

/* recv() and recvFlags(): bytes (empty at the end of the stream), or
 * libvirt's negative answer other than an error (-2: it would block, -3: a
 * hole is next).
 *
 * The data is received into the module's stream buffer and copied into a
 * bytes of exactly its size.  Allocating a result of the asked size per
 * call (recv(262144) is the usual) and copying a short read into a second
 * one made glibc shrink and regrow the heap on every chunk: three brk
 * calls and about 96 page faults per 256 KiB chunk.  The buffer is taken and
 * given back with the GIL held; a call made while another has it (another
 * thread's, on any stream) or asking for more uses a buffer of its own. */
#define LV_STREAM_BUF_SIZE (256 * 1024)

/* virStreamRecvFlags, or virStreamRecv in its signature. */
typedef int (*lv_recv_func)(virStreamPtr stream, char *data, size_t nbytes, unsigned int flags);

static int
lv_recv_without_flags(virStreamPtr stream, char *data, size_t nbytes, unsigned int flags)
{
    return virStreamRecv(stream, data, nbytes);
}

static PyObject *
lv_stream_recv(lv_state *st, virStreamPtr stream, size_t nbytes, lv_recv_func receive,
               const char *name, unsigned int flags)
{
    char *buf;
    int shared, rc;
    PyObject *result = NULL;

    /* recv() may return less than asked for: a huge request reads at most
     * 16 MiB, rather than allocating it all before libvirt has any data. */
    if (nbytes > 16 * 1024 * 1024)
        nbytes = 16 * 1024 * 1024;
    shared = nbytes <= LV_STREAM_BUF_SIZE && !st->stream_buf_busy;
    if (shared) {
        if (st->stream_buf == NULL &&
            (st->stream_buf = PyMem_Malloc(LV_STREAM_BUF_SIZE)) == NULL)
            return PyErr_NoMemory();
        buf = st->stream_buf;
        st->stream_buf_busy = 1;
    } else if ((buf = PyMem_Malloc(nbytes)) == NULL) {
        return PyErr_NoMemory();
    }
    Py_BEGIN_ALLOW_THREADS
    rc = receive(stream, buf, nbytes, flags);
    Py_END_ALLOW_THREADS
    if (rc >= 0)
        result = PyBytes_FromStringAndSize(buf, rc);
    if (shared)
        st->stream_buf_busy = 0;
    else
        PyMem_Free(buf);
    if (rc == -1)
        return lv_raise(st, name);
    if (rc < 0)
        return PyLong_FromLong(rc);
    return result;
}

PyObject *
lv_impl_virStreamRecv(PyObject *self, lv_state *st, virStreamPtr stream, size_t nbytes)
{
    return lv_stream_recv(st, stream, nbytes, lv_recv_without_flags, "virStreamRecv", 0);
}

PyObject *
lv_impl_virStreamRecvFlags(PyObject *self, lv_state *st, virStreamPtr stream, size_t nbytes,
                           unsigned int flags)
{
    return lv_stream_recv(st, stream, nbytes, virStreamRecvFlags, "virStreamRecvFlags", flags);
}

PyObject *
lv_convert_virStreamRecvHole(PyObject *self, lv_state *st, int ret, long long length)
{
    return PyLong_FromLongLong(length);
}

/* ---- virStream.eventAddCallback ---------------------------------------------- */

/* cb(stream, events, opaque), with the stream object the callback was
 * added on (the generated eventAddCallback() registers it);
 * eventRemoveCallback() (generated) makes libvirt free it. */
void
lv_stream_cb(virStreamPtr stream, int events, void *opaque)
{
    lv_notify(opaque, "i", events);
}
