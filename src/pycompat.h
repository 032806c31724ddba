/* src/pycompat.h: what the binding needs that the limited API of 3.10 lacks. */
/*
 * The limited API of 3.10 is the stable ABI the abi3 wheel is built for.
 * Each helper is built on the stable ABI alone; where a faster or newer
 * spelling exists in the full API, a version-specific build uses it.
 * Included by typewrappers.h, after Python.h.
 */
#ifndef LIBVIRT_PYTHON_PYCOMPAT_H
#define LIBVIRT_PYTHON_PYCOMPAT_H

/* Py_SETREF: replace the reference in *slot with `value` (a new
 * reference, or NULL), then drop the old one. */
static inline void
lv_setref(PyObject **slot, PyObject *value)
{
    PyObject *old = *slot;
    *slot = value;
    Py_XDECREF(old);
}

/* An exception kept aside while Python code runs on behalf of libvirt
 * (a callback may come while its thread has an exception pending). */
#if !defined(Py_LIMITED_API) && PY_VERSION_HEX >= 0x030C0000
typedef struct { PyObject *exc; } lv_saved_exc;
static inline void lv_exc_save(lv_saved_exc *s) { s->exc = PyErr_GetRaisedException(); }
static inline void lv_exc_restore(lv_saved_exc *s) { PyErr_SetRaisedException(s->exc); }
#else
/* PyErr_Fetch is deprecated from 3.12 on, but stays in the stable ABI. */
typedef struct { PyObject *type, *value, *tb; } lv_saved_exc;
static inline void lv_exc_save(lv_saved_exc *s) { PyErr_Fetch(&s->type, &s->value, &s->tb); }
static inline void lv_exc_restore(lv_saved_exc *s) { PyErr_Restore(s->type, s->value, s->tb); }
#endif

/* The name of an object's type, for messages: a new reference to a str
 * (never NULL: "?" when even that fails).  The limited API has no
 * tp_name; __name__ is what it shows for builtins and Python classes. */
PyObject *lv_type_name(PyObject *o);

/* PyObject_Vectorcall, which the stable ABI has only from 3.12: with a
 * tuple and a dict there. */
PyObject *lv_vectorcall(PyObject *callable, PyObject *const *args, Py_ssize_t nargs,
                        PyObject *kwnames);

/* Whether this thread may take the GIL: Python is initialized and, once
 * its exit has begun, only the exiting thread may (any other would block
 * forever or be ended).  Py_IsFinalizing is not in the stable ABI before
 * 3.13, so the exit is seen through an atexit callback, registered by
 * lv_watch_exit() from each module's exec: atexit runs after the non-daemon
 * threads were joined and before finalization starts. */
int lv_may_enter_python(void);
int lv_watch_exit(void);

#endif
