/* src/state.c: the module state of libvirtmod, and that of libvirtmod_qemu and _lxc. */

#include "typewrappers.h"

/* ---- module state ------------------------------------------------------ */

static struct PyModuleDef *lv_core_def;   /* set by libvirtmod's exec */

void lv_set_core_def(struct PyModuleDef *def) { lv_core_def = def; }

lv_state *
lv_state_from_type(PyTypeObject *type)
{
    /* The base chain reaches the libvirtmod type whose layout the class
     * extends.  A class statement's type has no module, which
     * PyType_GetModule reports as TypeError (PyType_GetModuleByDef, which
     * would not, is not in the stable ABI before 3.13). */
    for (PyTypeObject *t = type; t != NULL; t = PyType_GetSlot(t, Py_tp_base)) {
        PyObject *module;
        if (!(PyType_GetFlags(t) & Py_TPFLAGS_HEAPTYPE))
            continue;
        module = PyType_GetModule(t);
        if (module != NULL && PyModule_GetDef(module) == lv_core_def)
            return (lv_state *)PyModule_GetState(module);
        PyErr_Clear();
    }
    PyObject *name = lv_type_name((PyObject *)type);
    PyErr_Format(PyExc_TypeError, "%S is not a libvirtmod type", name);
    Py_DECREF(name);
    return NULL;
}

lv_state *
lv_state_from_module(PyObject *module)
{
    return (lv_state *)PyModule_GetState(module);
}

/* The state of libvirtmod for libvirtmod_qemu/_lxc: import libvirtmod and
 * return its state, storing a strong reference to the module in
 * *module_ref. */
static lv_state *
lv_state_import(PyObject **module_ref)
{
    PyObject *core = PyImport_ImportModule("libvirtmod");
    if (core == NULL)
        return NULL;
    *module_ref = core;
    lv_set_core_def(PyModule_GetDef(core));
    return (lv_state *)PyModule_GetState(core);
}

/* Every strong reference the state holds, each given to `ref` (Py_VISIT
 * to traverse, Py_CLEAR to clear): one list, so that the two agree. */
#define LV_STATE_REFERENCES(st, ref)                                       \
    do {                                                                   \
        for (int i_ = 0; i_ < LV_NKINDS; i_++) {                           \
            ref((st)->base_types[i_]);                                     \
            ref((st)->classes[i_]);                                        \
        }                                                                  \
        ref((st)->error_class);                                            \
        ref((st)->error_handler);                                          \
        ref((st)->error_context);                                          \
        ref((st)->handed_error.tuple);                                     \
        ref((st)->err_name);                                               \
        for (size_t i_ = 0; i_ < Py_ARRAY_LENGTH((st)->key_cache); i_++)   \
            ref((st)->key_cache[i_]);                                      \
        for (int i_ = 0; i_ < VIR_DOMAIN_MEMORY_STAT_NR; i_++)             \
            ref((st)->memory_stat_keys[i_]);                               \
        ref((st)->event_opaque_type);                                      \
    } while (0)

int
lv_traverse_state(lv_state *st, visitproc visit, void *arg)
{
    LV_STATE_REFERENCES(st, Py_VISIT);
    return 0;
}

void
lv_clear_state(lv_state *st)
{
    LV_STATE_REFERENCES(st, Py_CLEAR);
    /* legacy_regs, close_regs, close_inflight: see lv_state. */
    /* A recv() still running without the GIL (a daemon thread at exit)
     * writes into the stream buffer: it is then left to the process. */
    if (!st->stream_buf_busy) {
        PyMem_Free(st->stream_buf);
        st->stream_buf = NULL;
    }
}

/* ---- libvirtmod_qemu / libvirtmod_lxc module support ---------------- */

static int
lv_ext_exec(PyObject *module)
{
    lv_ext_state *st = PyModule_GetState(module);
    if (lv_watch_exit() < 0 || lv_state_import(&st->core) == NULL)
        return -1;
    return lv_add_flat_functions(module, st->core, lv_flat_functions);
}

static PyModuleDef_Slot lv_ext_slots[] = {
    {Py_mod_exec, lv_ext_exec},
    {0, NULL}
};

static int
lv_ext_traverse(PyObject *module, visitproc visit, void *arg)
{
    Py_VISIT(((lv_ext_state *)PyModule_GetState(module))->core);
    return 0;
}

static int
lv_ext_clear(PyObject *module)
{
    Py_CLEAR(((lv_ext_state *)PyModule_GetState(module))->core);
    return 0;
}

static void
lv_ext_free(void *module)
{
    lv_ext_clear(module);
}

PyObject *
lv_ext_init(struct PyModuleDef *def)
{
    def->m_size = sizeof(lv_ext_state);
    def->m_methods = lv_module_functions;
    def->m_slots = lv_ext_slots;
    def->m_traverse = lv_ext_traverse;
    def->m_clear = lv_ext_clear;
    def->m_free = lv_ext_free;
    return PyModuleDef_Init(def);
}
