/* src/lxc.c: libvirtmod_lxc: its module definition and hand-written LXC function. */
/*
 * Its objects are libvirtmod's: the module keeps libvirtmod imported and
 * uses its state (lv_ext_slots).
 */
#include "typewrappers.h"
#include "libvirtmod_lxc-impl.h"

#include <unistd.h>

#include <libvirt/libvirt-lxc.h>

PyObject *
lv_impl_virDomainLxcOpenNamespace(PyObject *module, lv_state *st, virDomainPtr dom,
                                  unsigned int flags)
{
    PyObject *list;
    int *fds = NULL, n;

    Py_BEGIN_ALLOW_THREADS
    n = virDomainLxcOpenNamespace(dom, &fds, flags);
    Py_END_ALLOW_THREADS
    if (n < 0)
        return lv_raise(st, "virDomainLxcOpenNamespace");
    /* The caller owns the descriptors: plain ints, closed here only if
     * they cannot be handed over. */
    if ((list = PyList_New(n)) != NULL) {
        for (int i = 0; i < n; i++) {
            PyObject *fd = PyLong_FromLong(fds[i]);
            if (fd == NULL) {
                Py_CLEAR(list);
                break;
            }
            PyList_SetItem(list, i, fd);
        }
    }
    if (list == NULL) {
        for (int i = 0; i < n; i++)
            close(fds[i]);
    }
    free(fds);
    return list;
}

static struct PyModuleDef lv_ext_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "libvirtmod_lxc",
    .m_doc = "C part of the libvirt Python binding's LXC-specific functions.",
    .m_size = sizeof(lv_ext_state),
    .m_methods = lv_module_functions,
    .m_slots = lv_ext_slots,
    .m_traverse = lv_ext_traverse,
    .m_clear = lv_ext_clear,
    .m_free = lv_ext_free,
};

PyMODINIT_FUNC
PyInit_libvirtmod_lxc(void)
{
    return PyModuleDef_Init(&lv_ext_def);
}
