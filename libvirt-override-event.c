/* Placeholder while the event functions are written (not for commit). */
#include "typewrappers.h"
#define LV_TODO(name) PyObject *lv_override_##name(PyObject *m, PyObject *const *a, Py_ssize_t n, PyObject *k) \
    { PyErr_SetString(PyExc_NotImplementedError, #name); return NULL; }
LV_TODO(virEventAddHandle)
LV_TODO(virEventAddTimeout)
LV_TODO(virEventRegisterImpl)
PyMethodDef lv_event_functions[] = {{NULL, NULL, 0, NULL}};
