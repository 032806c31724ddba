/* src/errors.c: raising libvirtError from libvirt's errors, and libvirt's error as a tuple. */

#include "typewrappers.h"

#include <string.h>

/* libvirt's error as the 9-tuple of virGetLastError(); `message` is
 * err->message as a str or None (a new reference, stolen; NULL: making it
 * failed). */
static PyObject *
lv_error_tuple_with(virErrorPtr err, PyObject *message)
{
    /* Built by hand: this is on the path of every failing call, and
     * Py_BuildValue would parse its format string each time.  PyTuple_Pack
     * stores all nine in one call, where the stable ABI's PyTuple_SetItem
     * would be a call and its checks per item. */
    PyObject *items[] = {
        PyLong_FromLong(err->code), PyLong_FromLong(err->domain), message,
        PyLong_FromLong(err->level), lv_str(err->str1), lv_str(err->str2), lv_str(err->str3),
        PyLong_FromLong(err->int1), PyLong_FromLong(err->int2),
    };
    PyObject *tuple = NULL;
    int made = 1;

    for (size_t i = 0; i < Py_ARRAY_LENGTH(items); i++)
        made &= items[i] != NULL;
    if (made)
        tuple = PyTuple_Pack(9, items[0], items[1], items[2], items[3], items[4],
                             items[5], items[6], items[7], items[8]);
    for (size_t i = 0; i < Py_ARRAY_LENGTH(items); i++)
        Py_XDECREF(items[i]);
    return tuple;
}

PyObject *
lv_error_tuple(virErrorPtr err)
{
    return lv_error_tuple_with(err, lv_str(err->message));
}

PyObject *
lv_handed_error_tuple(lv_state *st, virErrorPtr err)
{
    PyObject *tuple = lv_error_tuple(err);
    if (tuple != NULL) {
        lv_setref(&st->handed_error.tuple, Py_NewRef(tuple));
        st->handed_error.code = err->code;
        st->handed_error.domain = err->domain;
        st->handed_error.level = err->level;
        st->handed_error.int1 = err->int1;
        st->handed_error.int2 = err->int2;
    }
    return tuple;
}

/* Whether `item`, a string field of an error tuple, is what lv_str(s)
 * makes of s; a str that is not valid UTF-8 (surrogates) is never taken
 * as the same. */
static int
lv_same_str(PyObject *item, const char *s)
{
    if (s == NULL || item == Py_None)
        return s == NULL && item == Py_None;
    const char *utf8 = PyUnicode_AsUTF8AndSize(item, NULL);
    if (utf8 == NULL) {
        PyErr_Clear();
        return 0;
    }
    return strcmp(utf8, s) == 0;
}

/* The tuple the error callback made for the handler, if `err` still holds
 * what it was made of (a new reference), else NULL.  The failing call
 * raises right after libvirt called the handler with this same error:
 * the raise then makes no second tuple.  Compared field by field, not by
 * address: libvirt reuses its per-thread error object. */
static PyObject *
lv_take_handed_error(lv_state *st, virErrorPtr err)
{
    PyObject *tuple = st->handed_error.tuple;

    st->handed_error.tuple = NULL;
    if (tuple != NULL
        && st->handed_error.code == err->code && st->handed_error.domain == err->domain
        && st->handed_error.level == err->level && st->handed_error.int1 == err->int1
        && st->handed_error.int2 == err->int2
        && lv_same_str(PyTuple_GetItem(tuple, 2), err->message)
        && lv_same_str(PyTuple_GetItem(tuple, 4), err->str1)
        && lv_same_str(PyTuple_GetItem(tuple, 5), err->str2)
        && lv_same_str(PyTuple_GetItem(tuple, 6), err->str3))
        return tuple;
    Py_XDECREF(tuple);
    return NULL;
}

PyObject *
lv_raise(lv_state *st, const char *func)
{
    virErrorPtr err = virGetLastError();
    PyObject *message, *details, *args, *exc;
    PyObject *cls = st->error_class;

    if (err != NULL && err->code != VIR_ERR_OK
        && (details = lv_take_handed_error(st, err)) != NULL) {
        /* Its message is valid UTF-8 (lv_same_str), which "replace"
         * decodes to the same str. */
        message = err->message ? Py_NewRef(PyTuple_GetItem(details, 2))
                               : PyUnicode_FromFormat("%s() failed", func);
    } else if (err != NULL && err->code != VIR_ERR_OK && err->message != NULL) {
        /* The exception's text decodes invalid UTF-8 with "replace", the
         * tuple's with "surrogateescape" (as lv_str); for valid UTF-8, the
         * usual case, one str serves both. */
        size_t len = strlen(err->message);
        message = PyUnicode_DecodeUTF8(err->message, len, NULL);
        if (message == NULL && PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
            PyErr_Clear();
            message = PyUnicode_DecodeUTF8(err->message, len, "replace");
            details = lv_error_tuple(err);
        } else {
            details = lv_error_tuple_with(err, Py_XNewRef(message));
        }
    } else if (err != NULL && err->code != VIR_ERR_OK) {
        details = lv_error_tuple_with(err, Py_NewRef(Py_None));
        message = PyUnicode_FromFormat("%s() failed", func);
    } else {
        details = Py_NewRef(Py_None);
        message = PyUnicode_FromFormat("%s() failed", func);
    }
    if (details == NULL || message == NULL)
        goto done;
    /* Made without calling libvirtError.__init__, which would read the
     * last error again: the tuple is already at hand. */
    args = PyTuple_Pack(1, message);
    if (args == NULL)
        goto done;
    exc = ((newfunc)PyType_GetSlot((PyTypeObject *)cls, Py_tp_new))((PyTypeObject *)cls, args, NULL);
    Py_DECREF(args);
    if (exc == NULL)
        goto done;
    if (PyObject_SetAttr(exc, st->err_name, details) == 0)
        PyErr_SetObject(cls, exc);
    Py_DECREF(exc);
done:
    Py_XDECREF(details);
    Py_XDECREF(message);
    return NULL;
}

PyObject *
lv_raise_message(lv_state *st, const char *message)
{
    /* libvirtError(message), whose __init__ reads the last error as the
     * reference's Python layer does when it raises one itself. */
    PyObject *exc = PyObject_CallFunction(st->error_class, "s", message);
    if (exc != NULL) {
        PyErr_SetObject(st->error_class, exc);
        Py_DECREF(exc);
    }
    return NULL;
}

PyObject *
lv_raise_for(PyObject *self, const char *func)
{
    return lv_raise(LV_STATE(self), func);
}

PyObject *
lv_raise_released(PyObject *self)
{
    /* libvirt's release function checks its argument and reports the
     * invalid-object error of this class (code and domain as elsewhere). */
    lv_kinds[((lv_object *)self)->kind].free_handle(NULL);
    return lv_raise_for(self, lv_kinds[((lv_object *)self)->kind].name);
}
