/* src/lxc.c: libvirtmod_lxc: its hand-written LXC function. */
/*
 * Its objects are libvirtmod's: the module keeps libvirtmod imported and
 * uses its state; its definition is generated (lv_ext_init, src/state.c).
 */
#include "typewrappers.h"
#include "libvirtmod_lxc-impl.h"

#include <unistd.h>

#include <libvirt/libvirt-lxc.h>

static PyObject *
lv_int_item(Py_ssize_t i, void *values)
{
    return PyLong_FromLong(((int *)values)[i]);
}

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
    list = lv_list_of(n, lv_int_item, fds);
    if (list == NULL) {
        for (int i = 0; i < n; i++)
            close(fds[i]);
    }
    free(fds);
    return list;
}
