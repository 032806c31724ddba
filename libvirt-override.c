/* libvirt-override.c: libvirtmod's module: definition, exec, traverse/clear, _register. */

#include "typewrappers.h"

PyDoc_STRVAR(lv_register_doc,
"_register($module, error_class, /, *classes)\n--\n\n"
"Make results of libvirtmod instances of libvirt.py's classes: the\n"
"exception class for libvirt errors, then one subclass of each C type\n"
"in the order of libvirtmod's types.");

/* Gives `cls` descriptors of its C base's methods, bound to `cls` itself:
 * CPython's specialized calls of method descriptors (3.11 on) require
 * self's type to be exactly the descriptor's, and every result is an
 * instance of `cls`.  A method `cls` defines in Python is left alone. */
static int
lv_bind_method(PyObject *cls, PyObject *own, PyMethodDef *def)
{
    PyObject *name = PyUnicode_InternFromString(def->ml_name);
    int rc;

    if (name == NULL)
        return -1;
    rc = PySequence_Contains(own, name);   /* 1: defined in Python */
    if (rc == 0) {
        PyObject *descr = PyDescr_NewMethod((PyTypeObject *)cls, def);
        rc = descr != NULL ? PyObject_SetAttr(cls, name, descr) : -1;
        Py_XDECREF(descr);
    }
    Py_DECREF(name);
    return rc < 0 ? -1 : 0;
}

static int
lv_bind_methods(PyObject *cls, PyMethodDef *methods)
{
    PyObject *own = PyObject_GetAttrString(cls, "__dict__");
    int rc = own != NULL ? 0 : -1;

    for (PyMethodDef *def = methods; rc == 0 && def->ml_name != NULL; def++)
        rc = lv_bind_method(cls, own, def);
    Py_XDECREF(own);
    return rc;
}

static PyObject *
lv_register(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    lv_state *st = lv_state_from_module(module);

    if (nargs != 1 + LV_NKINDS) {
        PyErr_Format(PyExc_TypeError, "_register() takes %d arguments", 1 + LV_NKINDS);
        return NULL;
    }
    if (!PyType_Check(args[0])
        || !PyType_IsSubtype((PyTypeObject *)args[0], (PyTypeObject *)PyExc_Exception)) {
        PyErr_SetString(PyExc_TypeError, "_register(): the error class must be an Exception");
        return NULL;
    }
    for (int kind = 0; kind < LV_NKINDS; kind++) {
        PyObject *cls = args[1 + kind];
        if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, st->base_types[kind])) {
            PyErr_Format(PyExc_TypeError, "_register(): argument %d must subclass %s",
                         2 + kind, lv_kinds[kind].name);
            return NULL;
        }
    }
    for (int kind = 0; kind < LV_NKINDS; kind++) {
        if ((PyTypeObject *)args[1 + kind] != st->base_types[kind]
            && lv_bind_methods(args[1 + kind], lv_class_methods[kind]) < 0)
            return NULL;
    }
    lv_setref(&st->error_class, Py_NewRef(args[0]));
    for (int kind = 0; kind < LV_NKINDS; kind++)
        lv_setref((PyObject **)&st->classes[kind], Py_NewRef(args[1 + kind]));
    Py_RETURN_NONE;
}

static PyMethodDef lv_runtime_functions[] = {
    {"_register", (PyCFunction)(void (*)(void))lv_register, METH_FASTCALL, lv_register_doc},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef lv_module_def;

static int
lv_exec(PyObject *module)
{
    lv_state *st = lv_state_from_module(module);

    lv_set_core_def(&lv_module_def);
    if (lv_watch_exit() < 0)
        return -1;
    if (virInitialize() < 0) {
        PyErr_SetString(PyExc_ImportError, "libvirt could not be initialized (virInitialize)");
        return -1;
    }
    if (lv_add_types(module, st, lv_class_methods, lv_class_docs) < 0)
        return -1;
    if ((st->err_name = PyUnicode_InternFromString("err")) == NULL)
        return -1;
    if (lv_memory_stat_keys_init(st) < 0)
        return -1;
    st->error_class = PyErr_NewExceptionWithDoc(
        "libvirtmod.libvirtError",
        "Raised for libvirt errors until libvirt.py registers its libvirtError.",
        NULL, NULL);
    if (st->error_class == NULL)
        return -1;
    if (PyModule_AddObjectRef(module, "libvirtError", st->error_class) < 0)
        return -1;
    if (PyModule_AddFunctions(module, lv_runtime_functions) < 0)
        return -1;
    return lv_add_flat_functions(module, module, lv_flat_functions);
}

static int
lv_module_traverse(PyObject *module, visitproc visit, void *arg)
{
    return lv_traverse_state(lv_state_from_module(module), visit, arg);
}

static int
lv_module_clear(PyObject *module)
{
    lv_state *st = lv_state_from_module(module);
    if (st->error_handler != NULL)
        virSetErrorFunc(NULL, NULL);   /* libvirt must not call into a dead state */
    lv_clear_state(st);
    return 0;
}

static void
lv_module_free(void *module)
{
    lv_module_clear(module);
}

static PyModuleDef_Slot lv_module_slots[] = {
    {Py_mod_exec, lv_exec},
    {0, NULL}
};

static struct PyModuleDef lv_module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "libvirtmod",
    .m_doc = "C part of the libvirt Python binding: the libvirt handle types and their methods.",
    .m_size = sizeof(lv_state),
    .m_methods = lv_module_functions,
    .m_slots = lv_module_slots,
    .m_traverse = lv_module_traverse,
    .m_clear = lv_module_clear,
    .m_free = lv_module_free,
};

PyMODINIT_FUNC
PyInit_libvirtmod(void)
{
    return PyModuleDef_Init(&lv_module_def);
}
