/*
 * libvirt-qemu-override.c: the hand-written part of libvirtmod_qemu, the
 * QEMU-specific functions of libvirt.  Its objects are libvirtmod's: the
 * module keeps libvirtmod imported and uses its state (lv_ext_slots).
 */
#include "typewrappers.h"

/* From the generated libvirtmod_qemu-generated.c. */
extern PyMethodDef lv_module_functions[];

static struct PyModuleDef lv_ext_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "libvirtmod_qemu",
    .m_doc = "C part of the libvirt Python binding's QEMU-specific functions.",
    .m_size = sizeof(lv_ext_state),
    .m_methods = lv_module_functions,
    .m_slots = lv_ext_slots,
    .m_traverse = lv_ext_traverse,
    .m_clear = lv_ext_clear,
    .m_free = lv_ext_free,
};

PyMODINIT_FUNC
PyInit_libvirtmod_qemu(void)
{
    return PyModuleDef_Init(&lv_ext_def);
}
