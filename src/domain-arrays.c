/* src/domain-arrays.c: virDomain: arrays out, CPU maps, buffers, lists in. */

#include "typewrappers.h"
#include "libvirtmod-impl.h"

/* ---- virDomain: arrays out ---------------------------------------------- */

/* (mountpoint, name, fstype, [device aliases]) of one filesystem.
 * fsInfo() is generated (rules.RECORD_LISTS). */
PyObject *
lv_fs_info(Py_ssize_t i, void *info)
{
    virDomainFSInfoPtr fs = ((virDomainFSInfoPtr *)info)[i];
    PyObject *aliases = lv_str_list(fs->devAlias, fs->ndevAlias);
    if (aliases == NULL)
        return NULL;
    return Py_BuildValue("(NNNN)", lv_str(fs->mountpoint), lv_str(fs->name),
                         lv_str(fs->fstype), aliases);
}

/* libvirt's I/O thread records, with the host's CPU count. */
typedef struct {
    virDomainIOThreadInfoPtr *info;
    int ncpus;
} lv_iothreads;

/* (id, [bool per host CPU]) of one I/O thread. */
static PyObject *
lv_iothread_info(Py_ssize_t i, void *ctx)
{
    lv_iothreads *t = ctx;
    return Py_BuildValue("(IN)", t->info[i]->iothread_id,
                         lv_cpumap_to_py(t->info[i]->cpumap, t->info[i]->cpumaplen, t->ncpus, 1));
}

PyObject *
lv_impl_virDomainGetIOThreadInfo(PyObject *self, lv_state *st, virDomainPtr dom,
                                 unsigned int flags)
{
    PyObject *list;
    lv_iothreads threads = {NULL, 0};
    int n;

    Py_BEGIN_ALLOW_THREADS
    threads.ncpus = virNodeGetCPUMap(virDomainGetConnect(dom), NULL, NULL, 0);
    n = threads.ncpus < 0 ? -1 : virDomainGetIOThreadInfo(dom, &threads.info, flags);
    Py_END_ALLOW_THREADS
    if (threads.ncpus < 0)
        return lv_raise(st, "virNodeGetCPUMap");
    if (n < 0)
        return lv_raise(st, "virDomainGetIOThreadInfo");
    list = lv_list_of(n, lv_iothread_info, &threads);
    for (int i = 0; i < n; i++)
        virDomainIOThreadInfoFree(threads.info[i]);
    free(threads.info);
    return list;
}

/* {'addrs': [{'addr', 'prefix', 'type'}, ...], 'hwaddr': str or None} of one interface. */
static PyObject *
lv_ip_address(Py_ssize_t i, void *addrs)
{
    virDomainIPAddressPtr a = &((virDomainIPAddressPtr)addrs)[i];
    return Py_BuildValue("{s:N,s:I,s:i}", "addr", lv_str(a->addr), "prefix", a->prefix,
                         "type", a->type);
}

static PyObject *
lv_interface_addresses(virDomainInterfacePtr iface)
{
    PyObject *addrs = lv_list_of(iface->naddrs, lv_ip_address, iface->addrs);
    if (addrs == NULL)
        return NULL;
    return Py_BuildValue("{s:N,s:N}", "addrs", addrs, "hwaddr", lv_str(iface->hwaddr));
}

PyObject *
lv_convert_virDomainInterfaceAddresses(PyObject *self, lv_state *st, int ret,
                                       virDomainInterfacePtr *ifaces)
{
    PyObject *dict = PyDict_New();
    for (int i = 0; i < ret; i++) {
        if (dict != NULL && lv_dict_steal_obj(dict, lv_str(ifaces[i]->name),
                                              lv_interface_addresses(ifaces[i])) < 0)
            Py_CLEAR(dict);
        virDomainInterfaceFree(ifaces[i]);
    }
    free(ifaces);
    return dict;
}

/* The CPU maps of a domain's vCPUs (maplen bytes each) for a host of
 * ncpus CPUs: the PyMem array getVcpus() and vcpuPinInfo() have libvirt
 * fill, made by lv_vcpu_maps_new. */
typedef struct {
    unsigned char *maps;
    int ncpus, maplen, nvcpus;
} lv_vcpu_maps;

/* The host's CPU count and the domain's vCPU count (asked for in one
 * release of the GIL), and room for the maps: 0, or -1 with an exception. */
static int
lv_vcpu_maps_new(lv_state *st, virDomainPtr dom, lv_vcpu_maps *m)
{
    virDomainInfo dominfo;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    m->ncpus = virNodeGetCPUMap(virDomainGetConnect(dom), NULL, NULL, 0);
    rc = m->ncpus < 0 ? -1 : virDomainGetInfo(dom, &dominfo);
    Py_END_ALLOW_THREADS
    if (m->ncpus < 0) {
        lv_raise(st, "virNodeGetCPUMap");
        return -1;
    }
    if (rc < 0) {
        lv_raise(st, "virDomainGetInfo");
        return -1;
    }
    m->nvcpus = dominfo.nrVirtCpu;
    m->maplen = VIR_CPU_MAPLEN(m->ncpus);
    if ((m->maps = PyMem_Calloc(m->nvcpus && m->maplen ? (size_t)m->nvcpus * m->maplen : 1,
                                1)) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* vCPU i's map as a tuple of bools. */
static PyObject *
lv_vcpu_map(Py_ssize_t i, void *ctx)
{
    lv_vcpu_maps *m = ctx;
    return lv_cpumap_to_py(VIR_GET_CPUMAP(m->maps, m->maplen, i), m->maplen, m->ncpus, 0);
}

/* (number, state, CPU time, CPU) of vCPU i. */
static PyObject *
lv_vcpu_info(Py_ssize_t i, void *info)
{
    virVcpuInfoPtr v = &((virVcpuInfoPtr)info)[i];
    return Py_BuildValue("(iiKi)", v->number, v->state, v->cpuTime, v->cpu);
}

PyObject *
lv_impl_virDomainGetVcpus(PyObject *self, lv_state *st, virDomainPtr domain)
{
    virVcpuInfoPtr info;
    lv_vcpu_maps m;
    PyObject *infos = NULL, *maps = NULL;
    int n;

    if (lv_vcpu_maps_new(st, domain, &m) < 0)
        return NULL;
    if ((info = PyMem_Calloc(m.nvcpus ? m.nvcpus : 1, sizeof(*info))) == NULL) {
        PyMem_Free(m.maps);
        return PyErr_NoMemory();
    }
    Py_BEGIN_ALLOW_THREADS
    n = virDomainGetVcpus(domain, info, m.nvcpus, m.maps, m.maplen);
    Py_END_ALLOW_THREADS
    if (n < 0) {
        lv_raise(st, "virDomainGetVcpus");
    } else {
        if (n > m.nvcpus)
            n = m.nvcpus;
        if ((infos = lv_list_of(n, lv_vcpu_info, info)) != NULL
            && (maps = lv_list_of(n, lv_vcpu_map, &m)) == NULL)
            Py_CLEAR(infos);
    }
    PyMem_Free(info);
    PyMem_Free(m.maps);
    if (infos == NULL)
        return NULL;
    return Py_BuildValue("(NN)", infos, maps);
}

/* ---- virDomain: CPU maps ------------------------------------------------ */

PyObject *
lv_impl_virDomainGetVcpuPinInfo(PyObject *self, lv_state *st, virDomainPtr domain,
                                unsigned int flags)
{
    PyObject *list;
    lv_vcpu_maps m;
    int rc;

    if (lv_vcpu_maps_new(st, domain, &m) < 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    rc = virDomainGetVcpuPinInfo(domain, m.nvcpus, m.maps, m.maplen, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        PyMem_Free(m.maps);
        return lv_raise(st, "virDomainGetVcpuPinInfo");
    }
    list = lv_list_of(rc < m.nvcpus ? rc : m.nvcpus, lv_vcpu_map, &m);
    PyMem_Free(m.maps);
    return list;
}

PyObject *
lv_impl_virDomainGetEmulatorPinInfo(PyObject *self, lv_state *st, virDomainPtr domain,
                                    unsigned int flags)
{
    PyObject *result;
    unsigned char *cpumap;
    int ncpus, maplen, rc;

    Py_BEGIN_ALLOW_THREADS
    ncpus = virNodeGetCPUMap(virDomainGetConnect(domain), NULL, NULL, 0);
    Py_END_ALLOW_THREADS
    if (ncpus < 0)
        return lv_raise(st, "virNodeGetCPUMap");
    maplen = VIR_CPU_MAPLEN(ncpus);
    if ((cpumap = PyMem_Calloc(maplen ? maplen : 1, 1)) == NULL)
        return PyErr_NoMemory();
    Py_BEGIN_ALLOW_THREADS
    rc = virDomainGetEmulatorPinInfo(domain, cpumap, maplen, flags);
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
lv_peek(lv_state *st, virDomainPtr dom, const char *func, int block, const char *disk,
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
        rc = virDomainBlockPeek(dom, disk, offset, size, PyBytes_AsString(buffer), flags);
    else
        rc = virDomainMemoryPeek(dom, offset, size, PyBytes_AsString(buffer), flags);
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        Py_DECREF(buffer);
        return lv_raise(st, func);
    }
    return buffer;
}

PyObject *
lv_impl_virDomainBlockPeek(PyObject *self, lv_state *st, virDomainPtr dom, const char *disk,
                           unsigned long long offset, size_t size, unsigned int flags)
{
    return lv_peek(st, dom, "virDomainBlockPeek", 1, disk, offset, size, flags);
}

PyObject *
lv_impl_virDomainMemoryPeek(PyObject *self, lv_state *st, virDomainPtr dom,
                            unsigned long long start, size_t size, unsigned int flags)
{
    return lv_peek(st, dom, "virDomainMemoryPeek", 0, NULL, start, size, flags);
}

/* ---- virDomain: lists in ------------------------------------------------ */

PyObject *
lv_impl_virDomainSendKey(PyObject *self, lv_state *st, virDomainPtr domain, unsigned int codeset,
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
    rc = virDomainSendKey(domain, codeset, holdtime, codes, nkeycodes, flags);
    Py_END_ALLOW_THREADS
    PyMem_Free(codes);
    if (rc < 0)
        return lv_raise(st, "virDomainSendKey");
    return PyLong_FromLong(rc);
}
