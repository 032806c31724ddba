/* src/network-storage-secret.c: virNetwork, virSecret (virStoragePool's and virStorageVol's
 * functions are all generated). */

#include "typewrappers.h"
#include "libvirtmod-impl.h"

#include <string.h>

/* ---- virNetwork ------------------------------------------------------------- */

/* One DHCP lease as a dict (keys in the reference's order).
 * DHCPLeases() is generated (rules.RECORD_LISTS). */
PyObject *
lv_dhcp_lease(Py_ssize_t i, void *leases)
{
    virNetworkDHCPLeasePtr lease = ((virNetworkDHCPLeasePtr *)leases)[i];
    return Py_BuildValue("{s:N,s:L,s:i,s:N,s:N,s:I,s:N,s:N,s:N}",
                         "iface", lv_str(lease->iface), "expirytime", lease->expirytime,
                         "type", lease->type, "mac", lv_str(lease->mac),
                         "ipaddr", lv_str(lease->ipaddr), "prefix", lease->prefix,
                         "hostname", lv_str(lease->hostname),
                         "clientid", lv_str(lease->clientid), "iaid", lv_str(lease->iaid));
}

/* ---- virSecret ------------------------------------------------------------- */

PyObject *
lv_convert_virSecretGetValue(PyObject *self, lv_state *st, unsigned char *ret, size_t value_size)
{
    PyObject *result = value_size > PY_SSIZE_T_MAX
        ? PyErr_NoMemory() : PyBytes_FromStringAndSize((const char *)ret, value_size);
    /* a secret: do not leave it in freed memory */
    memset(ret, 0, value_size);
    free(ret);
    return result;
}

PyObject *
lv_impl_virSecretSetValue(PyObject *self, lv_state *st, virSecretPtr secret, PyObject *value_arg,
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
        lv_type_error("value", "bytes, str or None", value_arg);
        return NULL;
    }
    /* Both are immutable and held by the caller during the call. */
    Py_BEGIN_ALLOW_THREADS
    rc = virSecretSetValue(secret, (const unsigned char *)value, (size_t)len, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virSecretSetValue");
    return PyLong_FromLong(rc);
}
