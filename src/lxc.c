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
lv_convert_virDomainLxcOpenNamespace(PyObject *module, lv_state *st, int ret, int *fdlist)
{
    /* The caller owns the descriptors: plain ints, closed here only if
     * they cannot be handed over. */
    PyObject *list = lv_list_of(ret, lv_int_item, fdlist);
    if (list == NULL) {
        for (int i = 0; i < ret; i++)
            close(fdlist[i]);
    }
    free(fdlist);
    return list;
}
