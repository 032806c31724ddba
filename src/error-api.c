/* src/error-api.c: virGetLastError, virConnGetLastError, virSetErrorFunc, error callback. */

#include "typewrappers.h"
#include "libvirtmod-impl.h"

/* The C error callback that forwards to the registered Python handler. */
static void
lv_error_callback(void *opaque, virErrorPtr err)
{
    lv_state *st = opaque;
    PyGILState_STATE gil;
    PyObject *handler, *context, *details, *result;

    if (err == NULL || err->code == VIR_ERR_OK)
        return;
    gil = PyGILState_Ensure();
    handler = st->error_handler;
    if (handler != NULL) {
        /* Hold our own references: the handler may replace itself. */
        Py_INCREF(handler);
        context = Py_NewRef(st->error_context ? st->error_context : Py_None);
        details = lv_handed_error_tuple(st, err);
        result = details ? PyObject_CallFunctionObjArgs(handler, context, details, NULL) : NULL;
        if (result == NULL)
            PyErr_WriteUnraisable(handler);
        Py_XDECREF(result);
        Py_XDECREF(details);
        Py_DECREF(context);
        Py_DECREF(handler);
    }
    PyGILState_Release(gil);
}

PyObject *
lv_impl_virGetLastError(PyObject *module, lv_state *st)
{
    virErrorPtr err = virGetLastError();   /* NULL when no error is set */
    if (err == NULL)
        Py_RETURN_NONE;
    return lv_error_tuple(err);
}

PyObject *
lv_impl_virConnGetLastError(PyObject *self, lv_state *st)
{
    void *self_handle = LV_HANDLE(self);   /* see LV_HANDLE */
    /* A connection's error slot always exists: code 0 when empty. */
    virErrorPtr err = virConnGetLastError(self_handle);
    if (err == NULL)
        return lv_raise(st, "virConnGetLastError");
    return lv_error_tuple(err);
}

PyObject *
lv_impl_virSetErrorFunc(PyObject *module, lv_state *st, PyObject *f, PyObject *ctx)
{
    if (f != Py_None && !PyCallable_Check(f)) {
        lv_type_error("f", "callable or None", f);
        return NULL;
    }
    if (f == Py_None) {
        /* Back to libvirt's default: errors printed on stderr. */
        virSetErrorFunc(NULL, NULL);
        Py_CLEAR(st->error_handler);
        Py_CLEAR(st->error_context);
        Py_CLEAR(st->handed_error.tuple);
    } else {
        lv_setref(&st->error_handler, Py_NewRef(f));
        lv_setref(&st->error_context, Py_NewRef(ctx));
        virSetErrorFunc(st, lv_error_callback);
    }
    return PyLong_FromLong(1);
}
