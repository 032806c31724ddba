/* src/qemu.c: libvirtmod_qemu: QEMU functions, monitor events. */
/*
 * Its objects are libvirtmod's: the module keeps libvirtmod imported and
 * uses its state; its definition is generated (lv_ext_init, src/state.c).
 */
#include "typewrappers.h"
#include "callbacks.h"
#include "libvirtmod_qemu-impl.h"

#include <unistd.h>

#include <libvirt/libvirt-qemu.h>

/* The file descriptors QEMU passed back, as binary file objects that own
 * them; closes those not wrapped on failure, and frees the array. */
static PyObject *
lv_out_files(int *fds, unsigned int n)
{
    PyObject *list = PyList_New(n);
    for (unsigned int i = 0; i < n; i++) {
        PyObject *file = list != NULL ? PyFile_FromFd(fds[i], NULL, "rb", 0, NULL, NULL,
                                                      NULL, 1) : NULL;
        if (file == NULL) {
            close(fds[i]);
            Py_CLEAR(list);
        } else {
            PyList_SetItem(list, i, file);
        }
    }
    free(fds);
    return list;
}

PyObject *
lv_convert_virDomainQemuMonitorCommandWithFiles(PyObject *module, lv_state *st, int ret,
                                                unsigned int noutfiles, int *outfiles,
                                                char *result)
{
    PyObject *files = lv_out_files(outfiles, noutfiles);
    if (files == NULL) {
        free(result);
        return NULL;
    }
    return Py_BuildValue("(NN)", lv_str_free(result), files);
}

/* ---- monitor events ------------------------------------------------------ */

/* cb(conn, dom, event, seconds, micros, details, opaque): conn is the
 * connection object registered on, details QEMU's JSON (str) or None. */
static void
lv_qemu_monitor_event(virConnectPtr conn, virDomainPtr dom, const char *event,
                      long long seconds, unsigned int micros, const char *details,
                      void *opaque)
{
    lv_event_dispatch(opaque, LV_DOMAIN, dom, "sLus", event, seconds, micros, details);
}

PyObject *
lv_impl_virConnectDomainQemuMonitorEventRegister(PyObject *module, lv_state *st,
                                                 PyObject *conn_arg, virDomainPtr dom,
                                                 const char *event, PyObject *cb,
                                                 PyObject *opaque, unsigned int flags)
{
    void *conn;
    lv_reg *r;
    int callback_id;

    /* conn is converted here, after the other arguments: None is the
     * reference's own error. */
    if (conn_arg == Py_None) {
        /* The reference first keeps its callback ids in conn.qemuMonitorEventCallbackID. */
        PyErr_SetString(PyExc_AttributeError,
                        "'NoneType' object has no attribute 'qemuMonitorEventCallbackID'");
        return NULL;
    }
    if (lv_arg_handle(st, conn_arg, "conn", LV_CONNECT, LV_NONE_NO_O, &conn) < 0)
        return NULL;
    if ((r = lv_reg_new(st, conn_arg, cb, opaque)) == NULL)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    callback_id = virConnectDomainQemuMonitorEventRegister(conn, dom, event, lv_qemu_monitor_event,
                                                           r, lv_reg_free, flags);
    Py_END_ALLOW_THREADS
    if (callback_id < 0) {
        lv_reg_release(r);   /* libvirt did not take it */
        return lv_raise(st, "virConnectDomainQemuMonitorEventRegister");
    }
    return PyLong_FromLong(callback_id);
}

/* libvirt frees the registration (now, or once an event being dispatched
 * to it returns).  None, like the reference binding. */
PyObject *
lv_impl_virConnectDomainQemuMonitorEventDeregister(PyObject *module, lv_state *st,
                                                   PyObject *conn_arg, PyObject *id_arg)
{
    void *conn;
    int id, rc;

    /* Both converted here: None for conn is no error, whatever callbackID is. */
    if (conn_arg == Py_None)
        Py_RETURN_NONE;   /* the reference swallows the AttributeError of None._o */
    /* The int first: its __index__ may close the connection. */
    if (lv_arg_int(id_arg, "callbackID", &id) < 0
        || lv_arg_handle(st, conn_arg, "conn", LV_CONNECT, LV_NONE_NO_O, &conn) < 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    rc = virConnectDomainQemuMonitorEventDeregister(conn, id);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virConnectDomainQemuMonitorEventDeregister");
    Py_RETURN_NONE;
}
