/* src/auth.c: openAuth and its credential callback. */

#include "typewrappers.h"
#include "libvirtmod-impl.h"

#include <string.h>

/* openAuth's credential callback: the Python callable, its data, and the
 * exception it raised (re-raised by openAuth once libvirt returns). */
typedef struct {
    PyObject *callback;
    PyObject *cbdata;
    PyObject *exc_type, *exc_value, *exc_tb;
} lv_auth_context;

static int
lv_fill_credentials(virConnectCredentialPtr cred, unsigned int ncred, PyObject *creds)
{
    /* The callback may have changed the lists we gave it: check them all. */
    if (PyList_Size(creds) != (Py_ssize_t)ncred) {
        PyErr_SetString(PyExc_ValueError, "the auth callback changed the number of credentials");
        return -1;
    }
    for (unsigned int i = 0; i < ncred; i++) {
        PyObject *item = PyList_GetItem(creds, i), *result;
        const char *text;
        if (!PyList_Check(item) || PyList_Size(item) != 5) {
            PyErr_SetString(PyExc_TypeError, "each credential must stay a list of 5 items");
            return -1;
        }
        result = PyList_GetItem(item, 4);
        if (result == Py_None)
            continue;
        if (lv_arg_str(result, "credential result", 0, &text) < 0)
            return -1;
        /* libvirt frees the results with free(). */
        if ((cred[i].result = strdup(text)) == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        cred[i].resultlen = strlen(text);
    }
    return 0;
}

static int
lv_auth_callback(virConnectCredentialPtr cred, unsigned int ncred, void *opaque)
{
    lv_auth_context *ctx = opaque;
    PyGILState_STATE gil = PyGILState_Ensure();
    PyObject *creds = NULL, *result = NULL;
    int rc = -1;

    if (ctx->exc_type != NULL)
        goto done;   /* an earlier call raised: fail the rest */
    if ((creds = PyList_New(ncred)) == NULL)
        goto done;
    for (unsigned int i = 0; i < ncred; i++) {
        PyObject *item = Py_BuildValue("[iNNNO]", cred[i].type, lv_str(cred[i].prompt),
                                       lv_str(cred[i].challenge), lv_str(cred[i].defresult),
                                       Py_None);
        if (item == NULL)
            goto done;
        PyList_SetItem(creds, i, item);
    }
    result = PyObject_CallFunctionObjArgs(ctx->callback, creds, ctx->cbdata, NULL);
    if (result == NULL)
        goto done;
    if (!PyLong_Check(result) || lv_arg_int(result, "auth callback result", &rc) < 0) {
        rc = -1;
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "the auth callback must return an int");
        goto done;
    }
    if (rc >= 0 && lv_fill_credentials(cred, ncred, creds) < 0)
        rc = -1;
done:
    if (PyErr_Occurred())
        PyErr_Fetch(&ctx->exc_type, &ctx->exc_value, &ctx->exc_tb);
    Py_XDECREF(result);
    Py_XDECREF(creds);
    PyGILState_Release(gil);
    return rc;
}

PyObject *
lv_impl_virConnectOpenAuth(PyObject *module, lv_state *st, const char *uri, PyObject *auth_arg,
                           unsigned int flags)
{
    PyObject *auth_seq = NULL, *types_seq = NULL;
    virConnectAuth auth = {0};
    lv_auth_context ctx = {0};
    virConnectPtr conn;

    if (auth_arg != Py_None) {
        if (!(PyList_Check(auth_arg) || PyTuple_Check(auth_arg))
            || PySequence_Size(auth_arg) != 3) {
            PyErr_SetString(PyExc_TypeError,
                            "argument 'auth' must be [credential types, callback, cbdata] or None");
            return NULL;
        }
        /* Tuples (copies of lists): the callback and the types stay alive
         * and in place whatever other code does to the caller's lists. */
        auth_seq = PySequence_Tuple(auth_arg);
        if (auth_seq == NULL)
            return NULL;
        ctx.callback = PyTuple_GetItem(auth_seq, 1);
        ctx.cbdata = PyTuple_GetItem(auth_seq, 2);
        if (ctx.callback != Py_None && !PyCallable_Check(ctx.callback)) {
            PyErr_SetString(PyExc_TypeError, "the auth callback must be callable or None");
            goto error;
        }
        types_seq = PySequence_Fast(PyTuple_GetItem(auth_seq, 0),
                                    "the auth credential types must be a list of int");
        if (types_seq != NULL && PyList_Check(types_seq))
            lv_setref(&types_seq, PyList_AsTuple(types_seq));
        if (types_seq == NULL)
            goto error;
        auth.ncredtype = (unsigned int)PyTuple_Size(types_seq);
        auth.credtype = PyMem_Calloc(auth.ncredtype ? auth.ncredtype : 1, sizeof(int));
        if (auth.credtype == NULL) {
            PyErr_NoMemory();
            goto error;
        }
        for (unsigned int i = 0; i < auth.ncredtype; i++) {
            if (lv_arg_int(PyTuple_GetItem(types_seq, i), "credential type",
                           &auth.credtype[i]) < 0)
                goto error;
        }
        if (ctx.callback != Py_None) {
            auth.cb = lv_auth_callback;
            auth.cbdata = &ctx;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    conn = virConnectOpenAuth(uri, auth_seq ? &auth : NULL, flags);
    Py_END_ALLOW_THREADS
    PyMem_Free(auth.credtype);
    Py_XDECREF(types_seq);
    Py_XDECREF(auth_seq);
    if (ctx.exc_type != NULL) {
        /* The callback's own exception says more than libvirt's failure. */
        if (conn != NULL)
            virConnectClose(conn);
        PyErr_Restore(ctx.exc_type, ctx.exc_value, ctx.exc_tb);
        return NULL;
    }
    if (conn == NULL)
        return lv_raise(st, "virConnectOpenAuth");
    return lv_wrap(st, LV_CONNECT, conn, NULL);
error:
    PyMem_Free(auth.credtype);
    Py_XDECREF(types_seq);
    Py_XDECREF(auth_seq);
    return NULL;
}
