/*
 * libvirt-lxc-override.c: the hand-written part of libvirtmod_lxc, the
 * LXC-specific functions of libvirt.  Its objects are libvirtmod's: the
 * module keeps libvirtmod imported and uses its state (lv_ext_slots).
 */
#include "typewrappers.h"

/* From the generated libvirtmod_lxc-generated.c. */
extern PyMethodDef lv_module_functions[];

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
