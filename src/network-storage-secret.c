/* src/network-storage-secret.c: the hand-written methods of virNetwork, virStoragePool, virStorageVol, virSecret. */

#include "typewrappers.h"
#include "libvirtmod-impl.h"

#include <string.h>

/* ---- virNetwork ------------------------------------------------------------- */

/* One DHCP lease as a dict (keys in the reference's order). */
static PyObject *
lv_dhcp_lease(virNetworkDHCPLeasePtr lease)
{
    return Py_BuildValue("{s:N,s:L,s:i,s:N,s:N,s:I,s:N,s:N,s:N}",
                         "iface", lv_str(lease->iface), "expirytime", lease->expirytime,
                         "type", lease->type, "mac", lv_str(lease->mac),
                         "ipaddr", lv_str(lease->ipaddr), "prefix", lease->prefix,
                         "hostname", lv_str(lease->hostname),
                         "clientid", lv_str(lease->clientid), "iaid", lv_str(lease->iaid));
}

PyObject *
lv_impl_virNetworkGetDHCPLeases(PyObject *self, lv_state *st, const char *mac,
                                unsigned int flags)
{
    PyObject *list;
    virNetworkDHCPLeasePtr *leases = NULL;
    int n;

    Py_BEGIN_ALLOW_THREADS
    n = virNetworkGetDHCPLeases(LV_HANDLE(self), mac, &leases, flags);
    Py_END_ALLOW_THREADS
    if (n < 0)
        return lv_raise(st, "virNetworkGetDHCPLeases");
    list = PyList_New(n);
    for (int i = 0; i < n; i++) {
        if (list != NULL) {
            PyObject *item = lv_dhcp_lease(leases[i]);
            if (item == NULL)
                Py_CLEAR(list);
            else
                PyList_SetItem(list, i, item);
        }
        virNetworkDHCPLeaseFree(leases[i]);
    }
    free(leases);
    return list;
}

/* ---- virStoragePool, virStorageVol ----------------------------------------- */

PyObject *
lv_impl_virStoragePoolGetInfo(PyObject *self, lv_state *st)
{
    virStoragePoolInfo info;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virStoragePoolGetInfo(LV_HANDLE(self), &info);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virStoragePoolGetInfo");
    return Py_BuildValue("[iKKK]", info.state, info.capacity, info.allocation, info.available);
}

PyObject *
lv_impl_virStorageVolGetInfo(PyObject *self, lv_state *st)
{
    virStorageVolInfo info;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virStorageVolGetInfo(LV_HANDLE(self), &info);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virStorageVolGetInfo");
    return Py_BuildValue("[iKK]", info.type, info.capacity, info.allocation);
}

PyObject *
lv_impl_virStorageVolGetInfoFlags(PyObject *self, lv_state *st, unsigned int flags)
{
    virStorageVolInfo info;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virStorageVolGetInfoFlags(LV_HANDLE(self), &info, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virStorageVolGetInfoFlags");
    return Py_BuildValue("[iKK]", info.type, info.capacity, info.allocation);
}

/* ---- virSecret ------------------------------------------------------------- */

PyObject *
lv_impl_virSecretGetValue(PyObject *self, lv_state *st, unsigned int flags)
{
    PyObject *result;
    unsigned char *value;
    size_t size = 0;

    Py_BEGIN_ALLOW_THREADS
    value = virSecretGetValue(LV_HANDLE(self), &size, flags);
    Py_END_ALLOW_THREADS
    if (value == NULL)
        return lv_raise(st, "virSecretGetValue");
    result = size > PY_SSIZE_T_MAX ? PyErr_NoMemory()
                                   : PyBytes_FromStringAndSize((const char *)value, size);
    /* a secret: do not leave it in freed memory */
    memset(value, 0, size);
    free(value);
    return result;
}

PyObject *
lv_impl_virSecretSetValue(PyObject *self, lv_state *st, PyObject *value_arg,
                          unsigned int flags)
{
    const char *value;
    Py_ssize_t len = 0;
    int rc;

    /* What the reference's z# format takes: bytes, str as its UTF-8 bytes,
     * None as no value (NULL, for libvirt to report). */
    if (value_arg == Py_None) {
        value = NULL;
    } else if (PyUnicode_Check(value_arg)) {
        if ((value = PyUnicode_AsUTF8AndSize(value_arg, &len)) == NULL)
            return NULL;
    } else if (PyBytes_Check(value_arg)) {
        value = PyBytes_AsString(value_arg);
        len = PyBytes_Size(value_arg);
    } else {
        PyObject *type_name = lv_type_name(value_arg);
        PyErr_Format(PyExc_TypeError, "argument 'value' must be bytes, str or None, not %.100S",
                     type_name);
        Py_DECREF(type_name);
        return NULL;
    }
    /* Both are immutable and held by the caller during the call. */
    Py_BEGIN_ALLOW_THREADS
    rc = virSecretSetValue(LV_HANDLE(self), (const unsigned char *)value, (size_t)len, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virSecretSetValue");
    return PyLong_FromLong(rc);
}
