/*
 * libvirt-override.c: the hand-written part of libvirtmod.
 *
 * The module definition around the generated tables, the registration of
 * libvirt.py's classes, and the functions whose Python shape the
 * generator cannot derive from their C signature (declared in
 * libvirt-override-api.xml).
 */
#include "typewrappers.h"
#include "libvirtmod-impl.h"

#include <stddef.h>
#include <string.h>

/* From the generated libvirtmod-generated.c. */
extern PyMethodDef lv_module_functions[];
extern PyMethodDef *const lv_class_methods[LV_NKINDS];
extern const char *const lv_class_docs[LV_NKINDS];
/* From libvirt-override-event.c: module functions that are not libvirt's. */

/* A new list holding `n` new references (stolen, NULL-checked). */
static PyObject *
lv_list_steal(Py_ssize_t n, PyObject **items)
{
    PyObject *list = PyList_New(n);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (items[i] == NULL || list == NULL) {
            Py_CLEAR(list);
            Py_XDECREF(items[i]);
            continue;
        }
        PyList_SetItem(list, i, items[i]);
    }
    return list;
}

/* dict[key] = value, consuming both new references (NULL-checked). */
static int
lv_dict_steal_obj(PyObject *dict, PyObject *key, PyObject *value)
{
    int rc = key != NULL && value != NULL ? PyDict_SetItem(dict, key, value) : -1;
    Py_XDECREF(key);
    Py_XDECREF(value);
    return rc;
}

/* A str from a fixed-size char array of a libvirt struct. */
static PyObject *
lv_str_n(const char *s, size_t size)
{
    return PyUnicode_DecodeUTF8(s, strnlen(s, size), "surrogateescape");
}

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


/* ---- CPU maps ------------------------------------------------------------ */

/* The first `ncpus` CPUs of a libvirt CPU map of `maplen` bytes as a tuple
 * (or list) of bools: item i tells whether CPU i is in the map. */
static PyObject *
lv_cpumap_to_py(const unsigned char *map, int maplen, int ncpus, int as_list)
{
    PyObject *seq = as_list ? PyList_New(ncpus) : PyTuple_New(ncpus);
    if (seq == NULL)
        return NULL;
    for (int i = 0; i < ncpus; i++) {
        int used = map != NULL && i / 8 < maplen && VIR_CPU_USED(map, i);
        PyObject *item = Py_NewRef(used ? Py_True : Py_False);
        if (as_list)
            PyList_SetItem(seq, i, item);
        else
            PyTuple_SetItem(seq, i, item);
    }
    return seq;
}


/* ---- virDomain --------------------------------------------------------- */

PyObject *
lv_impl_virDomainGetInfo(PyObject *self, lv_state *st)
{
    virDomainInfo info;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virDomainGetInfo(LV_HANDLE(self), &info);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virDomainGetInfo");
    PyObject *items[] = {
        PyLong_FromLong(info.state),
        PyLong_FromUnsignedLong(info.maxMem),
        PyLong_FromUnsignedLong(info.memory),
        PyLong_FromLong(info.nrVirtCpu),
        PyLong_FromUnsignedLongLong(info.cpuTime),
    };
    return lv_list_steal(5, items);
}

PyObject *
lv_impl_virDomainGetState(PyObject *self, lv_state *st, unsigned int flags)
{
    int state, reason, rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virDomainGetState(LV_HANDLE(self), &state, &reason, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virDomainGetState");
    PyObject *items[] = {PyLong_FromLong(state), PyLong_FromLong(reason)};
    return lv_list_steal(2, items);
}

/* Keys of memoryStats(): libvirt's VIR_DOMAIN_MEMORY_STAT_* names in lower
 * case, except the balloon size, which has always been 'actual'. */
static const char *const lv_memory_stat_names[] = {
    [VIR_DOMAIN_MEMORY_STAT_SWAP_IN] = "swap_in",
    [VIR_DOMAIN_MEMORY_STAT_SWAP_OUT] = "swap_out",
    [VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT] = "major_fault",
    [VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT] = "minor_fault",
    [VIR_DOMAIN_MEMORY_STAT_UNUSED] = "unused",
    [VIR_DOMAIN_MEMORY_STAT_AVAILABLE] = "available",
    [VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON] = "actual",
    [VIR_DOMAIN_MEMORY_STAT_RSS] = "rss",
    [VIR_DOMAIN_MEMORY_STAT_USABLE] = "usable",
    [VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE] = "last_update",
    [VIR_DOMAIN_MEMORY_STAT_DISK_CACHES] = "disk_caches",
    [VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC] = "hugetlb_pgalloc",
    [VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL] = "hugetlb_pgfail",
};

PyObject *
lv_impl_virDomainMemoryStats(PyObject *self, lv_state *st)
{
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];
    int n;
    PyObject *dict;

    Py_BEGIN_ALLOW_THREADS
    n = virDomainMemoryStats(LV_HANDLE(self), stats, VIR_DOMAIN_MEMORY_STAT_NR, 0);
    Py_END_ALLOW_THREADS
    if (n < 0)
        return lv_raise(st, "virDomainMemoryStats");
    if ((dict = PyDict_New()) == NULL)
        return NULL;
    for (int i = 0; i < n; i++) {
        int tag = stats[i].tag;
        PyObject *value;
        if (tag < 0 || tag >= VIR_DOMAIN_MEMORY_STAT_NR || st->memory_stat_keys[tag] == NULL)
            continue;   /* a statistic newer than this binding */
        value = PyLong_FromUnsignedLongLong(stats[i].val);
        if (value == NULL || PyDict_SetItem(dict, st->memory_stat_keys[tag], value) < 0) {
            Py_XDECREF(value);
            Py_DECREF(dict);
            return NULL;
        }
        Py_DECREF(value);
    }
    return dict;
}

PyObject *
lv_impl_virDomainGetSchedulerType(PyObject *self, lv_state *st)
{
    int nparams = 0;
    char *type;

    Py_BEGIN_ALLOW_THREADS
    type = virDomainGetSchedulerType(LV_HANDLE(self), &nparams);
    Py_END_ALLOW_THREADS
    if (type == NULL)
        return lv_raise(st, "virDomainGetSchedulerType");
    return Py_BuildValue("(Ni)", lv_str_free(type), nparams);
}

/* The domain's scheduler parameters (with_flags: through the Flags
 * variant), asked for in one release of the GIL.  The array is
 * malloc'ed memory with libvirt's strings in it: release both with
 * lv_libvirt_params_free.  Returns 0, -1 for a libvirt error, -2 for no
 * memory (no exception set either way). */
static int
lv_get_scheduler_params(virDomainPtr dom, int with_flags, unsigned int flags,
                        virTypedParameterPtr *out, int *nout)
{
    int nparams = 0, rc = -1;
    char *type;
    virTypedParameterPtr params = NULL;

    Py_BEGIN_ALLOW_THREADS
    type = virDomainGetSchedulerType(dom, &nparams);
    if (type != NULL) {
        free(type);
        if (nparams == 0)
            rc = 0;
        else if ((params = calloc(nparams, sizeof(*params))) == NULL)
            rc = -2;
        else if (with_flags)
            rc = virDomainGetSchedulerParametersFlags(dom, params, &nparams, flags) < 0 ? -1 : 0;
        else
            rc = virDomainGetSchedulerParameters(dom, params, &nparams) < 0 ? -1 : 0;
    }
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        free(params);
        return rc;
    }
    *out = params;
    *nout = nparams;
    return 0;
}

static void
lv_libvirt_params_free(virTypedParameterPtr params, int nparams)
{
    virTypedParamsClear(params, nparams);
    free(params);
}

static PyObject *
lv_scheduler_parameters(PyObject *self, lv_state *st, int with_flags, unsigned int flags)
{
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    PyObject *dict;
    const char *func = with_flags ? "virDomainGetSchedulerParametersFlags"
                                  : "virDomainGetSchedulerParameters";

    switch (lv_get_scheduler_params(LV_HANDLE(self), with_flags, flags, &params, &nparams)) {
    case -1:
        return lv_raise(st, func);
    case -2:
        return PyErr_NoMemory();
    }
    dict = lv_typed_params_to_dict(st, params, nparams);
    lv_libvirt_params_free(params, nparams);
    return dict;
}

PyObject *
lv_impl_virDomainGetSchedulerParameters(PyObject *self, lv_state *st)
{
    return lv_scheduler_parameters(self, st, 0, 0);
}

PyObject *
lv_impl_virDomainGetSchedulerParametersFlags(PyObject *self, lv_state *st, unsigned int flags)
{
    return lv_scheduler_parameters(self, st, 1, flags);
}

static PyObject *
lv_set_scheduler_parameters(PyObject *self, lv_state *st, PyObject *dict,
                            int with_flags, unsigned int flags)
{
    virTypedParameterPtr known = NULL, params = NULL;
    int nknown = 0, nparams = 0, rc;
    const char *func = with_flags ? "virDomainSetSchedulerParametersFlags"
                                  : "virDomainSetSchedulerParameters";

    if (lv_arg_params_dict(dict, 0) < 0)   /* before asking libvirt, as the reference */
        return NULL;
    /* The current parameters tell each value's C type. */
    switch (lv_get_scheduler_params(LV_HANDLE(self), with_flags,
                                    flags & (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG),
                                    &known, &nknown)) {
    case -1:
        return lv_raise(st, func);
    case -2:
        return PyErr_NoMemory();
    }
    rc = lv_dict_to_typed_params(dict, known, nknown, 0, &params, &nparams);
    lv_libvirt_params_free(known, nknown);
    if (rc < 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    if (with_flags)
        rc = virDomainSetSchedulerParametersFlags(LV_HANDLE(self), params, nparams, flags);
    else
        rc = virDomainSetSchedulerParameters(LV_HANDLE(self), params, nparams);
    Py_END_ALLOW_THREADS
    lv_typed_params_free(params, nparams);
    if (rc < 0)
        return lv_raise(st, func);
    return PyLong_FromLong(rc);
}

PyObject *
lv_impl_virDomainSetSchedulerParameters(PyObject *self, lv_state *st, PyObject *params)
{
    return lv_set_scheduler_parameters(self, st, params, 0, 0);
}

PyObject *
lv_impl_virDomainSetSchedulerParametersFlags(PyObject *self, lv_state *st, PyObject *params,
                                             unsigned int flags)
{
    return lv_set_scheduler_parameters(self, st, params, 1, flags);
}

PyObject *
lv_impl_virDomainGetTime(PyObject *self, lv_state *st, unsigned int flags)
{
    unsigned int nseconds = 0;
    long long seconds = 0;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virDomainGetTime(LV_HANDLE(self), &seconds, &nseconds, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virDomainGetTime");
    return Py_BuildValue("{s:L,s:I}", "seconds", seconds, "nseconds", nseconds);
}

PyObject *
lv_impl_virDomainSetTime(PyObject *self, lv_state *st, PyObject *time, unsigned int flags)
{
    PyObject *value;
    unsigned int nseconds = 0;
    long long seconds = 0;
    Py_ssize_t known = 0;
    int rc;

    /* Without flags the time is what is being set: it must be given. */
    if (!(PyDict_Check(time) || (time == Py_None && flags != 0))) {
        PyObject *type_name = lv_type_name(time);
        PyErr_Format(PyExc_TypeError,
                     "argument 'time' must be a dict (or None with flags), not %.100S", type_name);
        Py_DECREF(type_name);
        return NULL;
    }
    if (time != Py_None) {
        if ((value = PyDict_GetItemString(time, "seconds")) == NULL) {
            PyErr_SetString(PyExc_LookupError, "argument 'time' must have a 'seconds' key");
            return NULL;
        }
        if (lv_arg_llong(value, "seconds", &seconds) < 0)
            return NULL;
        known++;
        if ((value = PyDict_GetItemString(time, "nseconds")) != NULL) {
            if (lv_arg_uint(value, "nseconds", &nseconds) < 0)
                return NULL;
            known++;
        }
        if (PyDict_Size(time) != known) {
            PyErr_SetString(PyExc_LookupError,
                            "argument 'time' may only have the keys 'seconds' and 'nseconds'");
            return NULL;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    rc = virDomainSetTime(LV_HANDLE(self), seconds, nseconds, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virDomainSetTime");
    return PyLong_FromLong(rc);
}

/* ---- virDomain: fixed structs out -------------------------------------- */

PyObject *
lv_impl_virDomainBlockStats(PyObject *self, lv_state *st, const char *path)
{
    virDomainBlockStatsStruct stats;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virDomainBlockStats(LV_HANDLE(self), path, &stats, sizeof(stats));
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virDomainBlockStats");
    return Py_BuildValue("(LLLLL)", stats.rd_req, stats.rd_bytes, stats.wr_req,
                         stats.wr_bytes, stats.errs);
}

PyObject *
lv_impl_virDomainInterfaceStats(PyObject *self, lv_state *st, const char *path)
{
    virDomainInterfaceStatsStruct stats;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virDomainInterfaceStats(LV_HANDLE(self), path, &stats, sizeof(stats));
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virDomainInterfaceStats");
    return Py_BuildValue("(LLLLLLLL)", stats.rx_bytes, stats.rx_packets, stats.rx_errs,
                         stats.rx_drop, stats.tx_bytes, stats.tx_packets, stats.tx_errs,
                         stats.tx_drop);
}

PyObject *
lv_impl_virDomainGetBlockInfo(PyObject *self, lv_state *st, const char *path, unsigned int flags)
{
    virDomainBlockInfo info;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virDomainGetBlockInfo(LV_HANDLE(self), path, &info, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virDomainGetBlockInfo");
    return Py_BuildValue("[KKK]", info.capacity, info.allocation, info.physical);
}

PyObject *
lv_impl_virDomainGetBlockJobInfo(PyObject *self, lv_state *st, const char *path,
                                 unsigned int flags)
{
    virDomainBlockJobInfo info;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virDomainGetBlockJobInfo(LV_HANDLE(self), path, &info, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virDomainGetBlockJobInfo");
    if (rc == 0)
        return PyDict_New();   /* no job on this disk */
    return Py_BuildValue("{s:i,s:k,s:K,s:K}", "type", info.type, "bandwidth", info.bandwidth,
                         "cur", info.cur, "end", info.end);
}

PyObject *
lv_impl_virDomainGetControlInfo(PyObject *self, lv_state *st, unsigned int flags)
{
    virDomainControlInfo info;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virDomainGetControlInfo(LV_HANDLE(self), &info, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virDomainGetControlInfo");
    return Py_BuildValue("[IIK]", info.state, info.details, info.stateTime);
}

PyObject *
lv_impl_virDomainGetJobInfo(PyObject *self, lv_state *st)
{
    virDomainJobInfo info;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virDomainGetJobInfo(LV_HANDLE(self), &info);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virDomainGetJobInfo");
    return Py_BuildValue("[iKKKKKKKKKKK]", info.type, info.timeElapsed, info.timeRemaining,
                         info.dataTotal, info.dataProcessed, info.dataRemaining,
                         info.memTotal, info.memProcessed, info.memRemaining,
                         info.fileTotal, info.fileProcessed, info.fileRemaining);
}

/* [label, enforcing] of a security label. */
static PyObject *
lv_security_label(const virSecurityLabel *label)
{
    return Py_BuildValue("[NN]", lv_str_n(label->label, sizeof(label->label)),
                         PyBool_FromLong(label->enforcing));
}

PyObject *
lv_impl_virDomainGetSecurityLabel(PyObject *self, lv_state *st)
{
    virSecurityLabel label;
    int rc;

    memset(&label, 0, sizeof(label));
    Py_BEGIN_ALLOW_THREADS
    rc = virDomainGetSecurityLabel(LV_HANDLE(self), &label);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virDomainGetSecurityLabel");
    return lv_security_label(&label);
}

PyObject *
lv_impl_virDomainGetSecurityLabelList(PyObject *self, lv_state *st)
{
    virSecurityLabelPtr labels = NULL;
    PyObject *list;
    int n;

    Py_BEGIN_ALLOW_THREADS
    n = virDomainGetSecurityLabelList(LV_HANDLE(self), &labels);
    Py_END_ALLOW_THREADS
    if (n < 0)
        return lv_raise(st, "virDomainGetSecurityLabelList");
    if ((list = PyList_New(n)) != NULL) {
        for (int i = 0; i < n; i++) {
            PyObject *item = lv_security_label(&labels[i]);
            if (item == NULL) {
                Py_CLEAR(list);
                break;
            }
            PyList_SetItem(list, i, item);
        }
    }
    free(labels);
    return list;
}

PyObject *
lv_impl_virDomainGetDiskErrors(PyObject *self, lv_state *st, unsigned int flags)
{
    PyObject *dict;
    virDomainDiskErrorPtr errors = NULL;
    int n;

    Py_BEGIN_ALLOW_THREADS
    n = virDomainGetDiskErrors(LV_HANDLE(self), NULL, 0, flags);
    Py_END_ALLOW_THREADS
    if (n < 0)
        return lv_raise(st, "virDomainGetDiskErrors");
    if (n > 0) {
        if ((errors = PyMem_Calloc(n, sizeof(*errors))) == NULL)
            return PyErr_NoMemory();
        int max = n;
        Py_BEGIN_ALLOW_THREADS
        n = virDomainGetDiskErrors(LV_HANDLE(self), errors, max, flags);
        Py_END_ALLOW_THREADS
        if (n < 0) {
            PyMem_Free(errors);
            return lv_raise(st, "virDomainGetDiskErrors");
        }
        if (n > max)
            n = max;
    }
    dict = PyDict_New();
    for (int i = 0; i < n; i++) {
        if (dict != NULL && lv_dict_steal_obj(dict, lv_str(errors[i].disk),
                                              PyLong_FromLong(errors[i].error)) < 0)
            Py_CLEAR(dict);
        free(errors[i].disk);
    }
    PyMem_Free(errors);
    return dict;
}

PyObject *
lv_impl_virDomainGetJobStats(PyObject *self, lv_state *st, unsigned int flags)
{
    PyObject *dict;
    virTypedParameterPtr params = NULL;
    int type = 0, nparams = 0, rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virDomainGetJobStats(LV_HANDLE(self), &type, &params, &nparams, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virDomainGetJobStats");
    dict = lv_typed_params_to_dict(st, params, nparams);
    virTypedParamsFree(params, nparams);
    if (dict != NULL && lv_dict_set(NULL, dict, "type", PyLong_FromLong(type)) < 0)
        Py_CLEAR(dict);
    return dict;
}

/* At most this many CPUs per virDomainGetCPUStats call, and this many
 * parameters in all: the limits of libvirt's remote protocol. */
#define LV_CPU_STATS_NCPUS_MAX 128
#define LV_CPU_STATS_PARAMS_MAX 2048

PyObject *
lv_impl_virDomainGetCPUStats(PyObject *self, lv_state *st, int total, unsigned int flags)
{
    virDomainPtr dom = LV_HANDLE(self);
    PyObject *list = NULL;
    virTypedParameterPtr params = NULL;
    int ncpus = 1, nparams, chunk, rc = 0;

    /* How many CPUs (per-CPU statistics only) and parameters per CPU. */
    Py_BEGIN_ALLOW_THREADS
    if (!total)
        ncpus = virDomainGetCPUStats(dom, NULL, 0, 0, 0, flags);
    nparams = ncpus < 0 ? -1 : virDomainGetCPUStats(dom, NULL, 0, total ? -1 : 0, 1, flags);
    Py_END_ALLOW_THREADS
    if (ncpus < 0 || nparams < 0)
        return lv_raise(st, "virDomainGetCPUStats");
    chunk = total ? 1 : LV_CPU_STATS_NCPUS_MAX;
    if (nparams > 0 && chunk > LV_CPU_STATS_PARAMS_MAX / nparams)
        chunk = LV_CPU_STATS_PARAMS_MAX / nparams > 0 ? LV_CPU_STATS_PARAMS_MAX / nparams : 1;
    if (nparams > 0 && (params = PyMem_Calloc((size_t)nparams * chunk, sizeof(*params))) == NULL)
        return PyErr_NoMemory();
    if ((list = PyList_New(ncpus)) == NULL)
        goto done;
    for (int start = 0; start < ncpus; start += chunk) {
        int count = ncpus - start < chunk ? ncpus - start : chunk;
        if (nparams > 0) {
            memset(params, 0, (size_t)nparams * count * sizeof(*params));
            Py_BEGIN_ALLOW_THREADS
            rc = virDomainGetCPUStats(dom, params, nparams, total ? -1 : start, count, flags);
            Py_END_ALLOW_THREADS
            if (rc < 0) {
                virTypedParamsClear(params, nparams * count);
                lv_raise(st, "virDomainGetCPUStats");
                Py_CLEAR(list);
                goto done;
            }
        }
        for (int i = 0; i < count; i++) {
            /* A CPU libvirt has no statistics for (offline) keeps blank records. */
            virTypedParameterPtr first = params ? &params[(size_t)i * nparams] : NULL;
            int filled = 0;
            while (filled < rc && filled < nparams && first[filled].field[0] != '\0')
                filled++;
            PyObject *dict = lv_typed_params_to_dict(st, first, filled);
            if (dict == NULL) {
                Py_CLEAR(list);
                break;
            }
            PyList_SetItem(list, start + i, dict);
        }
        if (params != NULL)
            virTypedParamsClear(params, nparams * count);
        if (list == NULL)
            break;
    }
done:
    PyMem_Free(params);
    return list;
}

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

/* [(virDomain, dict), ...] from libvirt's stats records, which are freed. */
static PyObject *
lv_domain_stats_list(lv_state *st, PyObject *conn, virDomainStatsRecordPtr *records, int n)
{
    PyObject *list = PyList_New(n);
    for (int i = 0; list != NULL && i < n; i++) {
        PyObject *dom = NULL, *stats = NULL, *pair = NULL;
        /* The records own their domain references: take one of our own. */
        if (virDomainRef(records[i]->dom) == 0)
            dom = lv_wrap(st, LV_DOMAIN, records[i]->dom, conn);
        else
            lv_raise(st, "virDomainRef");
        if (dom != NULL)
            stats = lv_typed_params_to_dict(st, records[i]->params, records[i]->nparams);
        if (stats != NULL)
            pair = PyTuple_Pack(2, dom, stats);
        Py_XDECREF(dom);
        Py_XDECREF(stats);
        if (pair == NULL)
            Py_CLEAR(list);
        else
            PyList_SetItem(list, i, pair);
    }
    virDomainStatsRecordListFree(records);
    return list;
}

PyObject *
lv_impl_virConnectGetAllDomainStats(PyObject *self, lv_state *st, unsigned int stats,
                                    unsigned int flags)
{
    virDomainStatsRecordPtr *records = NULL;
    int n;

    Py_BEGIN_ALLOW_THREADS
    n = virConnectGetAllDomainStats(LV_HANDLE(self), stats, &records, flags);
    Py_END_ALLOW_THREADS
    if (n < 0)
        return lv_raise(st, "virConnectGetAllDomainStats");
    return lv_domain_stats_list(st, self, records, n);
}

PyObject *
lv_impl_virDomainListGetStats(PyObject *self, lv_state *st, PyObject *doms_arg,
                              unsigned int stats, unsigned int flags)
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
lv_impl_virNodeGetCPUStats(PyObject *self, lv_state *st, int cpu, unsigned int flags)
{
    PyObject *dict = NULL;
    int nparams = 0, rc;
    virNodeCPUStatsPtr params = NULL;

    /* Count, then fetch, in one release of the GIL. */
    Py_BEGIN_ALLOW_THREADS
    rc = virNodeGetCPUStats(LV_HANDLE(self), cpu, NULL, &nparams, flags);
    if (rc >= 0 && nparams > 0) {
        params = calloc(nparams, sizeof(*params));
        rc = params != NULL ? virNodeGetCPUStats(LV_HANDLE(self), cpu, params, &nparams, flags) : -2;
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
lv_impl_virNodeGetInfo(PyObject *self, lv_state *st)
{
    virNodeInfo info;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virNodeGetInfo(LV_HANDLE(self), &info);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virNodeGetInfo");
    /* memory in MiB (libvirt gives KiB), as the binding always did */
    return Py_BuildValue("[NkIIIIII]", lv_str_n(info.model, sizeof(info.model)),
                         info.memory >> 10, info.cpus, info.mhz, info.nodes, info.sockets,
                         info.cores, info.threads);
}

PyObject *
lv_impl_virNodeGetSecurityModel(PyObject *self, lv_state *st)
{
    virSecurityModel model;
    int rc;

    memset(&model, 0, sizeof(model));
    Py_BEGIN_ALLOW_THREADS
    rc = virNodeGetSecurityModel(LV_HANDLE(self), &model);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virNodeGetSecurityModel");
    return Py_BuildValue("[NN]", lv_str_n(model.model, sizeof(model.model)),
                         lv_str_n(model.doi, sizeof(model.doi)));
}

PyObject *
lv_impl_virNodeGetMemoryStats(PyObject *self, lv_state *st, int cell, unsigned int flags)
{
    PyObject *dict;
    int nparams = 0, rc;
    virNodeMemoryStatsPtr params = NULL;

    Py_BEGIN_ALLOW_THREADS
    rc = virNodeGetMemoryStats(LV_HANDLE(self), cell, NULL, &nparams, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virNodeGetMemoryStats");
    if (nparams > 0 && (params = PyMem_Calloc(nparams, sizeof(*params))) == NULL)
        return PyErr_NoMemory();
    Py_BEGIN_ALLOW_THREADS
    rc = nparams ? virNodeGetMemoryStats(LV_HANDLE(self), cell, params, &nparams, flags) : 0;
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

PyObject *
lv_impl_virNodeGetCellsFreeMemory(PyObject *self, lv_state *st, int start, int maxcells)
{
    PyObject *list;
    int n;
    unsigned long long *mems;

    /* libvirt itself rejects a maxCells below 1 */
    if ((mems = PyMem_Calloc(maxcells > 0 ? maxcells : 1, sizeof(*mems))) == NULL)
        return PyErr_NoMemory();
    Py_BEGIN_ALLOW_THREADS
    n = virNodeGetCellsFreeMemory(LV_HANDLE(self), mems, start, maxcells);
    Py_END_ALLOW_THREADS
    if (n < 0) {
        PyMem_Free(mems);
        return lv_raise(st, "virNodeGetCellsFreeMemory");
    }
    if (n > maxcells)
        n = maxcells;
    if ((list = PyList_New(n)) != NULL) {
        for (int i = 0; i < n; i++) {
            PyObject *value = PyLong_FromUnsignedLongLong(mems[i]);
            if (value == NULL) {
                Py_CLEAR(list);
                break;
            }
            PyList_SetItem(list, i, value);
        }
    }
    PyMem_Free(mems);
    return list;
}

PyObject *
lv_impl_virNodeGetFreePages(PyObject *self, lv_state *st, unsigned int *pages,
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
    n = virNodeGetFreePages(LV_HANDLE(self), npages, pages, start, ncells, counts, flags);
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
lv_impl_virNodeAllocPages(PyObject *self, lv_state *st, PyObject *pages, int start,
                          unsigned int ncells, unsigned int flags)
{
    PyObject *items = NULL, *result = NULL;
    unsigned int *sizes = NULL;
    unsigned long long *counts = NULL;
    Py_ssize_t npages;
    int rc;

    if (!PyDict_Check(pages)) {
        PyObject *type_name = lv_type_name(pages);
        PyErr_Format(PyExc_TypeError,
                     "argument 'pages' must be a dict of page size to page count, not %.100S",
                     type_name);
        Py_DECREF(type_name);
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
    rc = virNodeAllocPages(LV_HANDLE(self), (unsigned int)npages, sizes, counts, start, ncells,
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
lv_impl_virNodeGetCPUMap(PyObject *self, lv_state *st, unsigned int flags)
{
    unsigned int online = 0;
    unsigned char *cpumap = NULL;
    int ncpus;

    Py_BEGIN_ALLOW_THREADS
    ncpus = virNodeGetCPUMap(LV_HANDLE(self), &cpumap, &online, flags);
    Py_END_ALLOW_THREADS
    if (ncpus < 0)
        return lv_raise(st, "virNodeGetCPUMap");
    PyObject *result = Py_BuildValue("(iNI)", ncpus,
                                     lv_cpumap_to_py(cpumap, VIR_CPU_MAPLEN(ncpus), ncpus, 1),
                                     online);
    free(cpumap);
    return result;
}

PyObject *
lv_impl_virConnectGetCPUModelNames(PyObject *self, lv_state *st, const char *arch,
                                   unsigned int flags)
{
    char **models = NULL;
    int n;

    Py_BEGIN_ALLOW_THREADS
    n = virConnectGetCPUModelNames(LV_HANDLE(self), arch, &models, flags);
    Py_END_ALLOW_THREADS
    if (n < 0)
        return lv_raise(st, "virConnectGetCPUModelNames");
    return lv_str_list_free(models, n);
}




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

/* ---- virStream ------------------------------------------------------------- */

PyObject *
lv_impl_virStreamSend(PyObject *self, lv_state *st, PyObject *data_arg)
{
    PyObject *data;
    char *buf;
    Py_ssize_t len;
    int rc;

    /* bytes as they are; any other bytes-like object copied, which also
     * keeps what libvirt reads unchanged while the GIL is released (the
     * buffer protocol is in the stable ABI only from 3.11). */
    if (PyBytes_Check(data_arg)) {
        data = Py_NewRef(data_arg);
    } else {
        PyObject *view = PyMemoryView_FromObject(data_arg);
        if (view == NULL)
            return NULL;
        data = PyBytes_FromObject(view);
        Py_DECREF(view);
        if (data == NULL)
            return NULL;
    }
    if (PyBytes_AsStringAndSize(data, &buf, &len) < 0) {
        Py_DECREF(data);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    rc = virStreamSend(LV_HANDLE(self), buf, len);
    Py_END_ALLOW_THREADS
    Py_DECREF(data);
    if (rc == -1)
        return lv_raise(st, "virStreamSend");
    return PyLong_FromLong(rc);   /* bytes sent, or -2: it would block */
}

/* recv() and recvFlags(): bytes (empty at the end of the stream), or
 * libvirt's negative answer other than an error (-2: it would block, -3: a
 * hole is next). */
static PyObject *
lv_stream_recv(PyObject *self, lv_state *st, size_t nbytes, int with_flags, unsigned int flags)
{
    PyObject *buf;
    int rc;

    /* recv() may return less than asked for: a huge request reads at most
     * 16 MiB, rather than allocating it all before libvirt has any data. */
    if (nbytes > 16 * 1024 * 1024)
        nbytes = 16 * 1024 * 1024;
    if ((buf = PyBytes_FromStringAndSize(NULL, nbytes)) == NULL)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    if (with_flags)
        rc = virStreamRecvFlags(LV_HANDLE(self), PyBytes_AsString(buf), nbytes, flags);
    else
        rc = virStreamRecv(LV_HANDLE(self), PyBytes_AsString(buf), nbytes);
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        Py_DECREF(buf);
        if (rc == -1)
            return lv_raise(st, with_flags ? "virStreamRecvFlags" : "virStreamRecv");
        return PyLong_FromLong(rc);
    }
    /* A short read is copied (bytes cannot shrink in the stable ABI). */
    if ((size_t)rc < nbytes) {
        PyObject *part = PyBytes_FromStringAndSize(PyBytes_AsString(buf), rc);
        Py_DECREF(buf);
        return part;
    }
    return buf;
}

PyObject *
lv_impl_virStreamRecv(PyObject *self, lv_state *st, size_t nbytes)
{
    return lv_stream_recv(self, st, nbytes, 0, 0);
}

PyObject *
lv_impl_virStreamRecvFlags(PyObject *self, lv_state *st, size_t nbytes, unsigned int flags)
{
    return lv_stream_recv(self, st, nbytes, 1, flags);
}

PyObject *
lv_impl_virStreamRecvHole(PyObject *self, lv_state *st, unsigned int flags)
{
    long long length = 0;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virStreamRecvHole(LV_HANDLE(self), &length, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virStreamRecvHole");
    return PyLong_FromLongLong(length);
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

/* openAuth's credential callback: the Python callable, its data, and the
 * exception it raised (re-raised by openAuth once libvirt returns). */
typedef struct {
    PyObject *callback;
    PyObject *cbdata;
    PyObject *exc_type, *exc_value, *exc_tb;
} lv_auth_context;

static int
lv_fill_credentials(virConnectCredentialPtr cred, unsigned int ncred, PyObject *creds)
{
    /* The callback may have changed the lists we gave it: check them all. */
    if (PyList_Size(creds) != (Py_ssize_t)ncred) {
        PyErr_SetString(PyExc_ValueError, "the auth callback changed the number of credentials");
        return -1;
    }
    for (unsigned int i = 0; i < ncred; i++) {
        PyObject *item = PyList_GetItem(creds, i), *result;
        const char *text;
        if (!PyList_Check(item) || PyList_Size(item) != 5) {
            PyErr_SetString(PyExc_TypeError, "each credential must stay a list of 5 items");
            return -1;
        }
        result = PyList_GetItem(item, 4);
        if (result == Py_None)
            continue;
        if (lv_arg_str(result, "credential result", 0, &text) < 0)
            return -1;
        /* libvirt frees the results with free(). */
        if ((cred[i].result = strdup(text)) == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        cred[i].resultlen = strlen(text);
    }
    return 0;
}

static int
lv_auth_callback(virConnectCredentialPtr cred, unsigned int ncred, void *opaque)
{
    lv_auth_context *ctx = opaque;
    PyGILState_STATE gil = PyGILState_Ensure();
    PyObject *creds = NULL, *result = NULL;
    int rc = -1;

    if (ctx->exc_type != NULL)
        goto done;   /* an earlier call raised: fail the rest */
    if ((creds = PyList_New(ncred)) == NULL)
        goto done;
    for (unsigned int i = 0; i < ncred; i++) {
        PyObject *item = Py_BuildValue("[iNNNO]", cred[i].type, lv_str(cred[i].prompt),
                                       lv_str(cred[i].challenge), lv_str(cred[i].defresult),
                                       Py_None);
        if (item == NULL)
            goto done;
        PyList_SetItem(creds, i, item);
    }
    result = PyObject_CallFunctionObjArgs(ctx->callback, creds, ctx->cbdata, NULL);
    if (result == NULL)
        goto done;
    if (!PyLong_Check(result) || lv_arg_int(result, "auth callback result", &rc) < 0) {
        rc = -1;
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "the auth callback must return an int");
        goto done;
    }
    if (rc >= 0 && lv_fill_credentials(cred, ncred, creds) < 0)
        rc = -1;
done:
    if (PyErr_Occurred())
        PyErr_Fetch(&ctx->exc_type, &ctx->exc_value, &ctx->exc_tb);
    Py_XDECREF(result);
    Py_XDECREF(creds);
    PyGILState_Release(gil);
    return rc;
}

PyObject *
lv_impl_virConnectOpenAuth(PyObject *module, lv_state *st, const char *uri, PyObject *auth_arg,
                           unsigned int flags)
{
    PyObject *auth_seq = NULL, *types_seq = NULL;
    virConnectAuth auth = {0};
    lv_auth_context ctx = {0};
    virConnectPtr conn;

    if (auth_arg != Py_None) {
        if (!(PyList_Check(auth_arg) || PyTuple_Check(auth_arg))
            || PySequence_Size(auth_arg) != 3) {
            PyErr_SetString(PyExc_TypeError,
                            "argument 'auth' must be [credential types, callback, cbdata] or None");
            return NULL;
        }
        /* Tuples (copies of lists): the callback and the types stay alive
         * and in place whatever other code does to the caller's lists. */
        auth_seq = PySequence_Tuple(auth_arg);
        if (auth_seq == NULL)
            return NULL;
        ctx.callback = PyTuple_GetItem(auth_seq, 1);
        ctx.cbdata = PyTuple_GetItem(auth_seq, 2);
        if (ctx.callback != Py_None && !PyCallable_Check(ctx.callback)) {
            PyErr_SetString(PyExc_TypeError, "the auth callback must be callable or None");
            goto error;
        }
        types_seq = PySequence_Fast(PyTuple_GetItem(auth_seq, 0),
                                    "the auth credential types must be a list of int");
        if (types_seq != NULL && PyList_Check(types_seq))
            lv_setref(&types_seq, PyList_AsTuple(types_seq));
        if (types_seq == NULL)
            goto error;
        auth.ncredtype = (unsigned int)PyTuple_Size(types_seq);
        auth.credtype = PyMem_Calloc(auth.ncredtype ? auth.ncredtype : 1, sizeof(int));
        if (auth.credtype == NULL) {
            PyErr_NoMemory();
            goto error;
        }
        for (unsigned int i = 0; i < auth.ncredtype; i++) {
            if (lv_arg_int(PyTuple_GetItem(types_seq, i), "credential type",
                           &auth.credtype[i]) < 0)
                goto error;
        }
        if (ctx.callback != Py_None) {
            auth.cb = lv_auth_callback;
            auth.cbdata = &ctx;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    conn = virConnectOpenAuth(uri, auth_seq ? &auth : NULL, flags);
    Py_END_ALLOW_THREADS
    PyMem_Free(auth.credtype);
    Py_XDECREF(types_seq);
    Py_XDECREF(auth_seq);
    if (ctx.exc_type != NULL) {
        /* The callback's own exception says more than libvirt's failure. */
        if (conn != NULL)
            virConnectClose(conn);
        PyErr_Restore(ctx.exc_type, ctx.exc_value, ctx.exc_tb);
        return NULL;
    }
    if (conn == NULL)
        return lv_raise(st, "virConnectOpenAuth");
    return lv_wrap(st, LV_CONNECT, conn, NULL);
error:
    PyMem_Free(auth.credtype);
    Py_XDECREF(types_seq);
    Py_XDECREF(auth_seq);
    return NULL;
}

/* ---- errors ------------------------------------------------------------ */

PyObject *
lv_impl_virGetLastError(PyObject *module, lv_state *st)
{
    virErrorPtr err = virGetLastError();   /* NULL when no error is set */
    if (err == NULL)
        Py_RETURN_NONE;
    return lv_error_tuple(err);
}

PyObject *
lv_impl_virConnGetLastError(PyObject *self, lv_state *st)
{
    /* A connection's error slot always exists: code 0 when empty. */
    virErrorPtr err = virConnGetLastError(LV_HANDLE(self));
    if (err == NULL)
        return lv_raise(st, "virConnGetLastError");
    return lv_error_tuple(err);
}

PyObject *
lv_impl_virSetErrorFunc(PyObject *module, lv_state *st, PyObject *f, PyObject *ctx)
{
    if (f != Py_None && !PyCallable_Check(f)) {
        PyObject *type_name = lv_type_name(f);
        PyErr_Format(PyExc_TypeError, "argument 'f' must be callable or None, not %.100S", type_name);
        Py_DECREF(type_name);
        return NULL;
    }
    if (f == Py_None) {
        /* Back to libvirt's default: errors printed on stderr. */
        virSetErrorFunc(NULL, NULL);
        Py_CLEAR(st->error_handler);
        Py_CLEAR(st->error_context);
    } else {
        lv_setref(&st->error_handler, Py_NewRef(f));
        lv_setref(&st->error_context, Py_NewRef(ctx));
        virSetErrorFunc(st, lv_error_callback);
    }
    return PyLong_FromLong(1);
}

/* ---- module ------------------------------------------------------------ */

PyDoc_STRVAR(lv_register_doc,
"_register($module, error_class, /, *classes)\n--\n\n"
"Make results of libvirtmod instances of libvirt.py's classes: the\n"
"exception class for libvirt errors, then one subclass of each C type\n"
"in the order of libvirtmod's types.");

static PyObject *
lv_register(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    lv_state *st = lv_state_from_module(module);

    if (nargs != 1 + LV_NKINDS) {
        PyErr_Format(PyExc_TypeError, "_register() takes %d arguments", 1 + LV_NKINDS);
        return NULL;
    }
    if (!PyType_Check(args[0])
        || !PyType_IsSubtype((PyTypeObject *)args[0], (PyTypeObject *)PyExc_Exception)) {
        PyErr_SetString(PyExc_TypeError, "_register(): the error class must be an Exception");
        return NULL;
    }
    for (int kind = 0; kind < LV_NKINDS; kind++) {
        PyObject *cls = args[1 + kind];
        if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, st->base_types[kind])) {
            PyErr_Format(PyExc_TypeError, "_register(): argument %d must subclass %s",
                         2 + kind, lv_kinds[kind].name);
            return NULL;
        }
    }
    lv_setref(&st->error_class, Py_NewRef(args[0]));
    for (int kind = 0; kind < LV_NKINDS; kind++)
        lv_setref((PyObject **)&st->classes[kind], Py_NewRef(args[1 + kind]));
    Py_RETURN_NONE;
}

static PyMethodDef lv_runtime_functions[] = {
    {"_register", (PyCFunction)(void (*)(void))lv_register, METH_FASTCALL, lv_register_doc},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef lv_module_def;

static int
lv_exec(PyObject *module)
{
    lv_state *st = lv_state_from_module(module);

    lv_set_core_def(&lv_module_def);
    if (lv_watch_exit() < 0)
        return -1;
    if (virInitialize() < 0) {
        PyErr_SetString(PyExc_ImportError, "libvirt could not be initialized (virInitialize)");
        return -1;
    }
    if (lv_add_types(module, st, lv_class_methods, lv_class_docs) < 0)
        return -1;
    if ((st->err_name = PyUnicode_InternFromString("err")) == NULL)
        return -1;
    for (size_t tag = 0; tag < Py_ARRAY_LENGTH(lv_memory_stat_names); tag++) {
        if (lv_memory_stat_names[tag] != NULL
            && (st->memory_stat_keys[tag] = PyUnicode_InternFromString(lv_memory_stat_names[tag])) == NULL)
            return -1;
    }
    st->error_class = PyErr_NewExceptionWithDoc(
        "libvirtmod.libvirtError",
        "Raised for libvirt errors until libvirt.py registers its libvirtError.",
        NULL, NULL);
    if (st->error_class == NULL)
        return -1;
    if (PyModule_AddObjectRef(module, "libvirtError", st->error_class) < 0)
        return -1;
    if (PyModule_AddFunctions(module, lv_runtime_functions) < 0)
        return -1;
    return lv_add_flat_functions(module, module, lv_flat_functions);
}

static int
lv_module_traverse(PyObject *module, visitproc visit, void *arg)
{
    return lv_traverse_state(lv_state_from_module(module), visit, arg);
}

static int
lv_module_clear(PyObject *module)
{
    lv_state *st = lv_state_from_module(module);
    if (st->error_handler != NULL)
        virSetErrorFunc(NULL, NULL);   /* libvirt must not call into a dead state */
    lv_clear_state(st);
    return 0;
}

static void
lv_module_free(void *module)
{
    lv_module_clear(module);
}

static PyModuleDef_Slot lv_module_slots[] = {
    {Py_mod_exec, lv_exec},
    {0, NULL}
};

static struct PyModuleDef lv_module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "libvirtmod",
    .m_doc = "C part of the libvirt Python binding: the libvirt handle types and their methods.",
    .m_size = sizeof(lv_state),
    .m_methods = lv_module_functions,
    .m_slots = lv_module_slots,
    .m_traverse = lv_module_traverse,
    .m_clear = lv_module_clear,
    .m_free = lv_module_free,
};

PyMODINIT_FUNC
PyInit_libvirtmod(void)
{
    return PyModuleDef_Init(&lv_module_def);
}
