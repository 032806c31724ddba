/* src/domain-arrays.c: virDomain's hand-written methods: arrays out, CPU maps, buffers, lists in, snapshots. */

#include "typewrappers.h"
#include "libvirtmod-impl.h"

/* ---- virDomain: arrays out ---------------------------------------------- */

PyObject *
lv_impl_virDomainAuthorizedSSHKeysGet(PyObject *self, lv_state *st, const char *user,
                                      unsigned int flags)
{
    char **keys = NULL;
    int n;

    Py_BEGIN_ALLOW_THREADS
    n = virDomainAuthorizedSSHKeysGet(LV_HANDLE(self), user, &keys, flags);
    Py_END_ALLOW_THREADS
    if (n < 0)
        return lv_raise(st, "virDomainAuthorizedSSHKeysGet");
    return lv_str_list_free(keys, n);
}

PyObject *
lv_impl_virDomainGetMessages(PyObject *self, lv_state *st, unsigned int flags)
{
    char **msgs = NULL;
    int n;

    Py_BEGIN_ALLOW_THREADS
    n = virDomainGetMessages(LV_HANDLE(self), &msgs, flags);
    Py_END_ALLOW_THREADS
    if (n < 0)
        return lv_raise(st, "virDomainGetMessages");
    return lv_str_list_free(msgs, n);
}

/* (mountpoint, name, fstype, [device aliases]) of one filesystem. */
static PyObject *
lv_fs_info(virDomainFSInfoPtr fs)
{
    PyObject *aliases = PyList_New(fs->ndevAlias);
    for (size_t i = 0; aliases != NULL && i < fs->ndevAlias; i++) {
        PyObject *alias = lv_str(fs->devAlias[i]);
        if (alias == NULL)
            Py_CLEAR(aliases);
        else
            PyList_SetItem(aliases, i, alias);
    }
    if (aliases == NULL)
        return NULL;
    return Py_BuildValue("(NNNN)", lv_str(fs->mountpoint), lv_str(fs->name),
                         lv_str(fs->fstype), aliases);
}

PyObject *
lv_impl_virDomainGetFSInfo(PyObject *self, lv_state *st, unsigned int flags)
{
    PyObject *list;
    virDomainFSInfoPtr *info = NULL;
    int n;

    Py_BEGIN_ALLOW_THREADS
    n = virDomainGetFSInfo(LV_HANDLE(self), &info, flags);
    Py_END_ALLOW_THREADS
    if (n < 0)
        return lv_raise(st, "virDomainGetFSInfo");
    list = PyList_New(n);
    for (int i = 0; i < n; i++) {
        if (list != NULL) {
            PyObject *item = lv_fs_info(info[i]);
            if (item == NULL)
                Py_CLEAR(list);
            else
                PyList_SetItem(list, i, item);
        }
        virDomainFSInfoFree(info[i]);
    }
    free(info);
    return list;
}

PyObject *
lv_impl_virDomainGetIOThreadInfo(PyObject *self, lv_state *st, unsigned int flags)
{
    PyObject *list;
    virDomainIOThreadInfoPtr *info = NULL;
    int n, ncpus;

    Py_BEGIN_ALLOW_THREADS
    ncpus = virNodeGetCPUMap(virDomainGetConnect(LV_HANDLE(self)), NULL, NULL, 0);
    n = ncpus < 0 ? -1 : virDomainGetIOThreadInfo(LV_HANDLE(self), &info, flags);
    Py_END_ALLOW_THREADS
    if (ncpus < 0)
        return lv_raise(st, "virNodeGetCPUMap");
    if (n < 0)
        return lv_raise(st, "virDomainGetIOThreadInfo");
    list = PyList_New(n);
    for (int i = 0; i < n; i++) {
        if (list != NULL) {
            PyObject *item = Py_BuildValue("(IN)", info[i]->iothread_id,
                                           lv_cpumap_to_py(info[i]->cpumap, info[i]->cpumaplen,
                                                           ncpus, 1));
            if (item == NULL)
                Py_CLEAR(list);
            else
                PyList_SetItem(list, i, item);
        }
        virDomainIOThreadInfoFree(info[i]);
    }
    free(info);
    return list;
}

/* {'addrs': [{'addr', 'prefix', 'type'}, ...], 'hwaddr': str or None} of one interface. */
static PyObject *
lv_interface_addresses(virDomainInterfacePtr iface)
{
    PyObject *addrs = PyList_New(iface->naddrs);
    for (unsigned int i = 0; addrs != NULL && i < iface->naddrs; i++) {
        virDomainIPAddressPtr a = &iface->addrs[i];
        PyObject *addr = Py_BuildValue("{s:N,s:I,s:i}", "addr", lv_str(a->addr),
                                       "prefix", a->prefix, "type", a->type);
        if (addr == NULL)
            Py_CLEAR(addrs);
        else
            PyList_SetItem(addrs, i, addr);
    }
    if (addrs == NULL)
        return NULL;
    return Py_BuildValue("{s:N,s:N}", "addrs", addrs, "hwaddr", lv_str(iface->hwaddr));
}

PyObject *
lv_impl_virDomainInterfaceAddresses(PyObject *self, lv_state *st, unsigned int source,
                                    unsigned int flags)
{
    PyObject *dict;
    virDomainInterfacePtr *ifaces = NULL;
    int n;

    Py_BEGIN_ALLOW_THREADS
    n = virDomainInterfaceAddresses(LV_HANDLE(self), &ifaces, source, flags);
    Py_END_ALLOW_THREADS
    if (n < 0)
        return lv_raise(st, "virDomainInterfaceAddresses");
    dict = PyDict_New();
    for (int i = 0; i < n; i++) {
        if (dict != NULL && lv_dict_steal_obj(dict, lv_str(ifaces[i]->name),
                                              lv_interface_addresses(ifaces[i])) < 0)
            Py_CLEAR(dict);
        virDomainInterfaceFree(ifaces[i]);
    }
    free(ifaces);
    return dict;
}

PyObject *
lv_impl_virDomainGetVcpus(PyObject *self, lv_state *st)
{
    virDomainPtr dom = LV_HANDLE(self);
    virDomainInfo dominfo;
    virVcpuInfoPtr info = NULL;
    unsigned char *cpumaps = NULL;
    PyObject *infos = NULL, *maps = NULL;
    int ncpus, maplen, n, rc;

    Py_BEGIN_ALLOW_THREADS
    ncpus = virNodeGetCPUMap(virDomainGetConnect(dom), NULL, NULL, 0);
    rc = ncpus < 0 ? -1 : virDomainGetInfo(dom, &dominfo);
    Py_END_ALLOW_THREADS
    if (ncpus < 0)
        return lv_raise(st, "virNodeGetCPUMap");
    if (rc < 0)
        return lv_raise(st, "virDomainGetInfo");
    n = dominfo.nrVirtCpu;
    maplen = VIR_CPU_MAPLEN(ncpus);
    info = PyMem_Calloc(n ? n : 1, sizeof(*info));
    cpumaps = PyMem_Calloc(n && maplen ? (size_t)n * maplen : 1, 1);
    if (info == NULL || cpumaps == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    n = virDomainGetVcpus(dom, info, dominfo.nrVirtCpu, cpumaps, maplen);
    Py_END_ALLOW_THREADS
    if (n < 0) {
        lv_raise(st, "virDomainGetVcpus");
        goto done;
    }
    if (n > (int)dominfo.nrVirtCpu)
        n = dominfo.nrVirtCpu;
    if ((infos = PyList_New(n)) == NULL || (maps = PyList_New(n)) == NULL) {
        Py_CLEAR(infos);
        goto done;
    }
    for (int i = 0; i < n; i++) {
        PyObject *item = Py_BuildValue("(iiKi)", info[i].number, info[i].state,
                                       info[i].cpuTime, info[i].cpu);
        PyObject *map = lv_cpumap_to_py(VIR_GET_CPUMAP(cpumaps, maplen, i), maplen, ncpus, 0);
        if (item == NULL || map == NULL) {
            Py_XDECREF(item);
            Py_XDECREF(map);
            Py_CLEAR(infos);
            goto done;
        }
        PyList_SetItem(infos, i, item);
        PyList_SetItem(maps, i, map);
    }
done:
    PyMem_Free(info);
    PyMem_Free(cpumaps);
    if (infos == NULL) {
        Py_XDECREF(maps);
        return NULL;
    }
    return Py_BuildValue("(NN)", infos, maps);
}

/* ---- virDomain: CPU maps ------------------------------------------------ */

PyObject *
lv_impl_virDomainGetVcpuPinInfo(PyObject *self, lv_state *st, unsigned int flags)
{
    virDomainPtr dom = LV_HANDLE(self);
    PyObject *list;
    virDomainInfo dominfo;
    unsigned char *cpumaps;
    int ncpus, maplen, n, rc;

    Py_BEGIN_ALLOW_THREADS
    ncpus = virNodeGetCPUMap(virDomainGetConnect(dom), NULL, NULL, 0);
    rc = ncpus < 0 ? -1 : virDomainGetInfo(dom, &dominfo);
    Py_END_ALLOW_THREADS
    if (ncpus < 0)
        return lv_raise(st, "virNodeGetCPUMap");
    if (rc < 0)
        return lv_raise(st, "virDomainGetInfo");
    n = dominfo.nrVirtCpu;
    maplen = VIR_CPU_MAPLEN(ncpus);
    if ((cpumaps = PyMem_Calloc(n && maplen ? (size_t)n * maplen : 1, 1)) == NULL)
        return PyErr_NoMemory();
    Py_BEGIN_ALLOW_THREADS
    rc = virDomainGetVcpuPinInfo(dom, n, cpumaps, maplen, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        PyMem_Free(cpumaps);
        return lv_raise(st, "virDomainGetVcpuPinInfo");
    }
    if (rc < n)
        n = rc;
    if ((list = PyList_New(n)) != NULL) {
        for (int i = 0; i < n; i++) {
            PyObject *map = lv_cpumap_to_py(VIR_GET_CPUMAP(cpumaps, maplen, i), maplen, ncpus, 0);
            if (map == NULL) {
                Py_CLEAR(list);
                break;
            }
            PyList_SetItem(list, i, map);
        }
    }
    PyMem_Free(cpumaps);
    return list;
}

PyObject *
lv_impl_virDomainGetEmulatorPinInfo(PyObject *self, lv_state *st, unsigned int flags)
{
    virDomainPtr dom = LV_HANDLE(self);
    PyObject *result;
    unsigned char *cpumap;
    int ncpus, maplen, rc;

    Py_BEGIN_ALLOW_THREADS
    ncpus = virNodeGetCPUMap(virDomainGetConnect(dom), NULL, NULL, 0);
    Py_END_ALLOW_THREADS
    if (ncpus < 0)
        return lv_raise(st, "virNodeGetCPUMap");
    maplen = VIR_CPU_MAPLEN(ncpus);
    if ((cpumap = PyMem_Calloc(maplen ? maplen : 1, 1)) == NULL)
        return PyErr_NoMemory();
    Py_BEGIN_ALLOW_THREADS
    rc = virDomainGetEmulatorPinInfo(dom, cpumap, maplen, flags);
    Py_END_ALLOW_THREADS
    /* 0 (no pinning) leaves the map clear: all False */
    result = rc < 0 ? lv_raise(st, "virDomainGetEmulatorPinInfo")
                    : lv_cpumap_to_py(cpumap, maplen, ncpus, 0);
    PyMem_Free(cpumap);
    return result;
}

/* ---- virDomain: buffers out --------------------------------------------- */

/* size bytes read by a peek function into a new bytes object. */
static PyObject *
lv_peek(PyObject *self, lv_state *st, const char *func, int block, const char *disk,
        unsigned long long offset, size_t size, unsigned int flags)
{
    PyObject *buffer;
    int rc;

    if (size > PY_SSIZE_T_MAX) {
        PyErr_SetString(PyExc_OverflowError, "argument 'size' is too large");
        return NULL;
    }
    if ((buffer = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)size)) == NULL)
        return NULL;
    /* The new bytes object is ours alone until returned: libvirt may fill it
     * without the GIL. */
    Py_BEGIN_ALLOW_THREADS
    if (block)
        rc = virDomainBlockPeek(LV_HANDLE(self), disk, offset, size, PyBytes_AsString(buffer), flags);
    else
        rc = virDomainMemoryPeek(LV_HANDLE(self), offset, size, PyBytes_AsString(buffer), flags);
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        Py_DECREF(buffer);
        return lv_raise(st, func);
    }
    return buffer;
}

PyObject *
lv_impl_virDomainBlockPeek(PyObject *self, lv_state *st, const char *disk,
                           unsigned long long offset, size_t size, unsigned int flags)
{
    return lv_peek(self, st, "virDomainBlockPeek", 1, disk, offset, size, flags);
}

PyObject *
lv_impl_virDomainMemoryPeek(PyObject *self, lv_state *st, unsigned long long start,
                            size_t size, unsigned int flags)
{
    return lv_peek(self, st, "virDomainMemoryPeek", 0, NULL, start, size, flags);
}

/* ---- virDomain: lists in ------------------------------------------------ */

PyObject *
lv_impl_virDomainSendKey(PyObject *self, lv_state *st, unsigned int codeset,
                         unsigned int holdtime, PyObject *keycodes, int nkeycodes,
                         unsigned int flags)
{
    unsigned int *codes, ncodes;
    int rc;

    /* What the reference refuses here it reports as a failed call. */
    if (!PyList_Check(keycodes) || nkeycodes != PyList_Size(keycodes)
        || nkeycodes > VIR_DOMAIN_SEND_KEY_MAX_KEYS)
        return lv_raise(st, "virDomainSendKey");
    if (lv_arg_uint_array(keycodes, "keycodes", &codes, &ncodes) < 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    rc = virDomainSendKey(LV_HANDLE(self), codeset, holdtime, codes, nkeycodes, flags);
    Py_END_ALLOW_THREADS
    PyMem_Free(codes);
    if (rc < 0)
        return lv_raise(st, "virDomainSendKey");
    return PyLong_FromLong(rc);
}

/* ---- virDomain: others ---------------------------------------------------- */

PyObject *
lv_impl_virDomainRevertToSnapshot(PyObject *self, lv_state *st, virDomainSnapshotPtr snap,
                                  unsigned int flags)
{
    int rc;

    /* The domain is the snapshot's: libvirt takes only the snapshot. */
    Py_BEGIN_ALLOW_THREADS
    rc = virDomainRevertToSnapshot(snap, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virDomainRevertToSnapshot");
    return PyLong_FromLong(rc);
}
