/* src/connect.c: virConnect's hand-written methods, host information, and getVersion. */

#include "typewrappers.h"
#include "libvirtmod-impl.h"

#include <stddef.h>
#include <string.h>

/* {field: value} of n records that start with a NUL-terminated field name
 * and hold an unsigned long long at value_offset (virNodeCPUStats,
 * virNodeMemoryStats). */
static PyObject *
lv_node_stats_dict(lv_state *st, const void *records, size_t size, size_t value_offset, int n)
{
    PyObject *dict = PyDict_New();
    for (int i = 0; dict != NULL && i < n; i++) {
        const char *record = (const char *)records + (size_t)i * size;
        unsigned long long value;
        memcpy(&value, record + value_offset, sizeof(value));
        if (lv_dict_set(st, dict, record, PyLong_FromUnsignedLongLong(value)) < 0)
            Py_CLEAR(dict);
    }
    return dict;
}

/* ---- virConnect -------------------------------------------------------- */

PyObject *
lv_impl_virConnectClose(PyObject *self, lv_state *st)
{
    /* Closing a closed connection reports libvirt's invalid-connection
     * error, as with the reference. */
    int rc = LV_HANDLE(self) != NULL ? lv_object_release(self) : virConnectClose(NULL);

    if (rc < 0)
        return lv_raise(st, "virConnectClose");
    return PyLong_FromLong(rc);
}

/* libvirt's stats records, with what their domains are wrapped in. */
typedef struct {
    lv_state *st;
    PyObject *conn;
    virDomainStatsRecordPtr *records;
} lv_domain_stats;

/* (virDomain, dict) of record i. */
static PyObject *
lv_domain_stats_item(Py_ssize_t i, void *ctx)
{
    lv_domain_stats *s = ctx;
    virDomainStatsRecordPtr record = s->records[i];
    PyObject *dom, *stats = NULL, *pair = NULL;

    /* The wrapper takes over the record's domain reference (lv_wrap
     * releases it on failure): a virDomainRef here and a virDomainFree in
     * lv_domain_stats_free would cost two debug-logged libvirt calls per
     * domain for nothing. */
    dom = lv_wrap(s->st, LV_DOMAIN, record->dom, s->conn);
    record->dom = NULL;
    if (dom != NULL)
        stats = lv_typed_params_to_dict(s->st, record->params, record->nparams);
    if (stats != NULL)
        pair = PyTuple_Pack(2, dom, stats);
    Py_XDECREF(dom);
    Py_XDECREF(stats);
    return pair;
}

/* virDomainStatsRecordListFree's work, for records some of whose domains
 * were taken over: it would call virDomainFree(NULL), which reports an
 * invalid-domain error to the error handler.  libvirt allocates the
 * records with g_malloc, which is malloc. */
static void
lv_domain_stats_free(virDomainStatsRecordPtr *records)
{
    if (records == NULL)
        return;
    for (virDomainStatsRecordPtr *next = records; *next != NULL; next++) {
        virTypedParamsFree((*next)->params, (*next)->nparams);
        /* Left by an error that ended the list early. */
        if ((*next)->dom != NULL)
            virDomainFree((*next)->dom);
        free(*next);
    }
    free(records);
}

/* [(virDomain, dict), ...] from libvirt's stats records, which are freed. */
static PyObject *
lv_domain_stats_list(lv_state *st, PyObject *conn, virDomainStatsRecordPtr *records, int n)
{
    lv_domain_stats s = {st, conn, records};
    PyObject *list = lv_list_of(n, lv_domain_stats_item, &s);
    lv_domain_stats_free(records);
    return list;
}

PyObject *
lv_convert_virConnectGetAllDomainStats(PyObject *self, lv_state *st, int ret,
                                       virDomainStatsRecordPtr *retStats)
{
    return lv_domain_stats_list(st, self, retStats, ret);
}

PyObject *
lv_impl_virDomainListGetStats(PyObject *self, lv_state *st, PyObject *doms_arg, unsigned int stats,
                              unsigned int flags)
{
    PyObject *seq;
    virDomainStatsRecordPtr *records = NULL;
    virDomainPtr *doms;
    Py_ssize_t ndoms;
    int n;

    /* Any iterable of domains, as the reference's loop over it takes. */
    if ((seq = PySequence_Fast(doms_arg, "argument 'doms' must be an iterable of virDomain")) == NULL)
        return NULL;
    /* A tuple: a list changed by another thread during the call must not
     * free the domains whose handles libvirt uses. */
    if (PyList_Check(seq)) {
        lv_setref(&seq, PyList_AsTuple(seq));
        if (seq == NULL)
            return NULL;
    }
    ndoms = PyTuple_Size(seq);
    if ((doms = PyMem_Calloc(ndoms + 1, sizeof(*doms))) == NULL) {
        Py_DECREF(seq);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < ndoms; i++) {
        PyObject *dom = PyTuple_GetItem(seq, i);
        if (!PyObject_TypeCheck(dom, st->base_types[LV_DOMAIN])) {
            PyMem_Free(doms);
            Py_DECREF(seq);
            /* The reference's message, and its class: a libvirtError. */
            return lv_raise_message(st, "domain list contains non-domain elements");
        }
        doms[i] = LV_HANDLE(dom);
    }
    /* seq keeps the domains, and so their handles, alive during the call. */
    Py_BEGIN_ALLOW_THREADS
    n = virDomainListGetStats(doms, stats, &records, flags);
    Py_END_ALLOW_THREADS
    PyMem_Free(doms);
    Py_DECREF(seq);
    if (n < 0)
        return lv_raise(st, "virDomainListGetStats");
    return lv_domain_stats_list(st, self, records, n);
}

PyObject *
lv_impl_virNodeGetCPUStats(PyObject *self, lv_state *st, virConnectPtr conn, int cpu,
                           unsigned int flags)
{
    PyObject *dict = NULL;
    int nparams = 0, rc;
    virNodeCPUStatsPtr params = NULL;

    /* Count, then fetch, in one release of the GIL. */
    Py_BEGIN_ALLOW_THREADS
    rc = virNodeGetCPUStats(conn, cpu, NULL, &nparams, flags);
    if (rc >= 0 && nparams > 0) {
        params = calloc(nparams, sizeof(*params));
        rc = params != NULL ? virNodeGetCPUStats(conn, cpu, params, &nparams, flags) : -2;
    }
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        free(params);
        return rc == -2 ? PyErr_NoMemory() : lv_raise(st, "virNodeGetCPUStats");
    }
    dict = lv_node_stats_dict(st, params, sizeof(*params), offsetof(virNodeCPUStats, value),
                              nparams);
    free(params);
    return dict;
}

/* ---- virConnect: host information ------------------------------------------ */

PyObject *
lv_impl_virNodeGetMemoryStats(PyObject *self, lv_state *st, virConnectPtr conn, int cell,
                              unsigned int flags)
{
    PyObject *dict;
    int nparams = 0, rc;
    virNodeMemoryStatsPtr params = NULL;

    Py_BEGIN_ALLOW_THREADS
    rc = virNodeGetMemoryStats(conn, cell, NULL, &nparams, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virNodeGetMemoryStats");
    if (nparams > 0 && (params = PyMem_Calloc(nparams, sizeof(*params))) == NULL)
        return PyErr_NoMemory();
    Py_BEGIN_ALLOW_THREADS
    rc = nparams ? virNodeGetMemoryStats(conn, cell, params, &nparams, flags) : 0;
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        PyMem_Free(params);
        return lv_raise(st, "virNodeGetMemoryStats");
    }
    dict = lv_node_stats_dict(st, params, sizeof(*params), offsetof(virNodeMemoryStats, value),
                              nparams);
    PyMem_Free(params);
    return dict;
}

static PyObject *
lv_ullong_item(Py_ssize_t i, void *values)
{
    return PyLong_FromUnsignedLongLong(((unsigned long long *)values)[i]);
}

PyObject *
lv_convert_virNodeGetCellsFreeMemory(PyObject *self, lv_state *st, int ret,
                                     unsigned long long *freeMems)
{
    PyObject *list = lv_list_of(ret, lv_ullong_item, freeMems);
    free(freeMems);
    return list;
}

PyObject *
lv_impl_virNodeGetFreePages(PyObject *self, lv_state *st, virConnectPtr conn, unsigned int *pages,
                            unsigned int npages, int start, unsigned int ncells,
                            unsigned int flags)
{
    PyObject *result = NULL;
    unsigned long long *counts = NULL;
    int n;

    /* counts[cell * npages + page]: libvirt rejects zero pages or cells itself */
    if (npages > 0 && ncells > INT_MAX / npages) {
        PyErr_SetString(PyExc_OverflowError, "too many pages and cells asked for at once");
        goto done;
    }
    if ((counts = PyMem_Calloc(npages && ncells ? (size_t)npages * ncells : 1,
                               sizeof(*counts))) == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    n = virNodeGetFreePages(conn, npages, pages, start, ncells, counts, flags);
    Py_END_ALLOW_THREADS
    if (n < 0) {
        lv_raise(st, "virNodeGetFreePages");
        goto done;
    }
    if (n > (int)(npages * ncells))
        n = (int)(npages * ncells);
    /* {cell: {page size: free pages}} of the n counts libvirt filled */
    if ((result = PyDict_New()) == NULL)
        goto done;
    for (int i = 0; i < n; i++) {
        PyObject *cell = PyLong_FromLong(start + i / (int)npages), *per_cell;
        if (cell == NULL)
            goto error;
        if ((per_cell = PyDict_GetItemWithError(result, cell)) == NULL) {
            if (PyErr_Occurred() || (per_cell = PyDict_New()) == NULL
                || lv_dict_steal_obj(result, Py_NewRef(cell), per_cell) < 0) {
                Py_DECREF(cell);
                goto error;
            }
        }
        Py_DECREF(cell);
        /* borrowed per_cell: result holds it */
        if (lv_dict_steal_obj(per_cell, PyLong_FromUnsignedLong(pages[i % npages]),
                              PyLong_FromUnsignedLongLong(counts[i])) < 0)
            goto error;
    }
    goto done;
error:
    Py_CLEAR(result);
done:
    PyMem_Free(counts);
    return result;
}

PyObject *
lv_impl_virNodeAllocPages(PyObject *self, lv_state *st, virConnectPtr conn, PyObject *pages,
                          int start, unsigned int ncells, unsigned int flags)
{
    PyObject *items = NULL, *result = NULL;
    unsigned int *sizes = NULL;
    unsigned long long *counts = NULL;
    Py_ssize_t npages;
    int rc;

    if (!PyDict_Check(pages)) {
        lv_type_error("pages", "a dict of page size to page count", pages);
        return NULL;
    }
    if (PyDict_Size(pages) == 0) {   /* as the reference */
        PyErr_SetString(PyExc_LookupError, "Need non-empty dictionary to pages attribute");
        return NULL;
    }
    /* A copy of the items: converting them may run Python code (__index__)
     * that changes the dict. */
    if ((items = PyDict_Items(pages)) == NULL)
        return NULL;
    npages = PyList_Size(items);
    if ((size_t)npages > UINT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "argument 'pages' has too many items");
        goto done;
    }
    sizes = PyMem_Calloc(npages ? npages : 1, sizeof(*sizes));
    counts = PyMem_Calloc(npages ? npages : 1, sizeof(*counts));
    if (sizes == NULL || counts == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < npages; i++) {
        PyObject *item = PyList_GetItem(items, i);
        if (lv_arg_uint(PyTuple_GetItem(item, 0), "pages key", &sizes[i]) < 0
            || lv_arg_ullong(PyTuple_GetItem(item, 1), "pages value", &counts[i]) < 0)
            goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    rc = virNodeAllocPages(conn, (unsigned int)npages, sizes, counts, start, ncells,
                           flags);
    Py_END_ALLOW_THREADS
    result = rc < 0 ? lv_raise(st, "virNodeAllocPages") : PyLong_FromLong(rc);
done:
    PyMem_Free(sizes);
    PyMem_Free(counts);
    Py_DECREF(items);
    return result;
}

PyObject *
lv_convert_virNodeGetCPUMap(PyObject *self, lv_state *st, int ret, unsigned char *cpumap,
                            unsigned int online)
{
    /* ret: the number of CPUs */
    PyObject *result = Py_BuildValue("(iNI)", ret,
                                     lv_cpumap_to_py(cpumap, VIR_CPU_MAPLEN(ret), ret, 1), online);
    free(cpumap);
    return result;
}

/* ---- module level ------------------------------------------------------ */

PyObject *
lv_impl_virGetVersion(PyObject *module, lv_state *st, const char *name)
{
    unsigned long lib_version = 0, type_version = 0;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virGetVersion(&lib_version, name, name ? &type_version : NULL);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virGetVersion");
    if (name == NULL)
        return PyLong_FromUnsignedLong(lib_version);
    return Py_BuildValue("(kk)", lib_version, type_version);
}
