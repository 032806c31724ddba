/* src/pycompat.c: the stable-ABI spellings declared in pycompat.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "pycompat.h"

PyObject *
lv_type_name(PyObject *o)
{
    /* Spelled as tp_name would be: "module.name" for a C type outside
     * builtins, the bare name for builtins and Python classes. */
    PyObject *type = (PyObject *)Py_TYPE(o);
    PyObject *name = PyObject_GetAttrString(type, "__name__"), *module, *full;

    if (name == NULL || !PyUnicode_Check(name))
        goto fallback;
    if (PyType_GetFlags(Py_TYPE(o)) & Py_TPFLAGS_HEAPTYPE)
        return name;
    module = PyObject_GetAttrString(type, "__module__");
    if (module == NULL || !PyUnicode_Check(module)
        || PyUnicode_CompareWithASCIIString(module, "builtins") == 0) {
        Py_XDECREF(module);
        PyErr_Clear();
        return name;
    }
    full = PyUnicode_FromFormat("%U.%U", module, name);
    Py_DECREF(module);
    if (full == NULL)
        goto fallback;
    Py_DECREF(name);
    return full;

fallback:
    /* Only a message is at stake: it then names no type. */
    Py_XDECREF(name);
    PyErr_Clear();
    return Py_NewRef(Py_None);
}

PyObject *
lv_vectorcall(PyObject *callable, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
#ifndef Py_LIMITED_API
    return PyObject_Vectorcall(callable, args, nargs, kwnames);
#else
    Py_ssize_t nkw = kwnames != NULL ? PyTuple_Size(kwnames) : 0;
    PyObject *tuple = PyTuple_New(nargs), *kwargs = NULL, *result = NULL;

    if (tuple == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < nargs; i++)
        PyTuple_SetItem(tuple, i, Py_NewRef(args[i]));
    if (nkw > 0) {
        if ((kwargs = PyDict_New()) == NULL)
            goto done;
        for (Py_ssize_t i = 0; i < nkw; i++)
            if (PyDict_SetItem(kwargs, PyTuple_GetItem(kwnames, i), args[nargs + i]) < 0)
                goto done;
    }
    result = PyObject_Call(callable, tuple, kwargs);
done:
    Py_DECREF(tuple);
    Py_XDECREF(kwargs);
    return result;
#endif
}

/* ---- interpreter exit ---------------------------------------------------- */

/* Process-wide, as the interpreter's exit is: set once by the atexit
 * callback, read by libvirt's threads without the GIL. */
static int lv_exit_started;
static unsigned long lv_exit_thread;

int
lv_may_enter_python(void)
{
    if (!Py_IsInitialized())
        return 0;
    if (!__atomic_load_n(&lv_exit_started, __ATOMIC_ACQUIRE))
        return 1;
    return PyThread_get_thread_ident() == __atomic_load_n(&lv_exit_thread, __ATOMIC_RELAXED);
}

static PyObject *
lv_on_exit(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(unused))
{
    __atomic_store_n(&lv_exit_thread, PyThread_get_thread_ident(), __ATOMIC_RELAXED);
    __atomic_store_n(&lv_exit_started, 1, __ATOMIC_RELEASE);
    Py_RETURN_NONE;
}

static PyMethodDef lv_on_exit_def = {
    "_libvirt_exit_started", lv_on_exit, METH_NOARGS,
    "Tells libvirt's threads that the interpreter is exiting.",
};

int
lv_watch_exit(void)
{
    PyObject *atexit, *hook, *result = NULL;

    if ((atexit = PyImport_ImportModule("atexit")) == NULL)
        return -1;
    if ((hook = PyCFunction_New(&lv_on_exit_def, NULL)) != NULL) {
        result = PyObject_CallMethod(atexit, "register", "O", hook);
        Py_DECREF(hook);
    }
    Py_DECREF(atexit);
    Py_XDECREF(result);
    return result != NULL ? 0 : -1;
}
