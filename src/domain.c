/* src/domain.c: virDomain: info, state, memory stats, scheduler, time, jobs, labels, errors. */

#include "typewrappers.h"
#include "libvirtmod-impl.h"

/* ---- virDomain --------------------------------------------------------- */

PyObject *
lv_convert_virDomainGetInfo(PyObject *self, lv_state *st, int ret, virDomainInfoPtr info)
{
    PyObject *items[] = {
        PyLong_FromLong(info->state),
        PyLong_FromUnsignedLong(info->maxMem),
        PyLong_FromUnsignedLong(info->memory),
        PyLong_FromLong(info->nrVirtCpu),
        PyLong_FromUnsignedLongLong(info->cpuTime),
    };
    return lv_list_steal(5, items);
}

PyObject *
lv_convert_virDomainGetState(PyObject *self, lv_state *st, int ret, int state, int reason)
{
    PyObject *items[] = {PyLong_FromLong(state), PyLong_FromLong(reason)};
    return lv_list_steal(2, items);
}

/* Keys of memoryStats(): lv_memory_stat_names, generated (rules.ENUM_NAME_TABLES). */
int
lv_memory_stat_keys_init(lv_state *st)
{
    for (size_t tag = 0; tag < Py_ARRAY_LENGTH(lv_memory_stat_names); tag++) {
        if (lv_memory_stat_names[tag] != NULL
            && (st->memory_stat_keys[tag] = PyUnicode_InternFromString(lv_memory_stat_names[tag])) == NULL)
            return -1;
    }
    return 0;
}

PyObject *
lv_impl_virDomainMemoryStats(PyObject *self, lv_state *st, virDomainPtr dom)
{
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];
    int n;
    PyObject *dict;

    Py_BEGIN_ALLOW_THREADS
    n = virDomainMemoryStats(dom, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0);
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
lv_convert_virDomainGetSchedulerType(PyObject *self, lv_state *st, char *ret, int nparams)
{
    return Py_BuildValue("(Ni)", lv_str_free(ret), nparams);
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
lv_scheduler_parameters(lv_state *st, virDomainPtr domain, int with_flags,
                        unsigned int flags)
{
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    PyObject *dict;
    const char *func = with_flags ? "virDomainGetSchedulerParametersFlags"
                                  : "virDomainGetSchedulerParameters";

    switch (lv_get_scheduler_params(domain, with_flags, flags, &params, &nparams)) {
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
lv_impl_virDomainGetSchedulerParameters(PyObject *self, lv_state *st, virDomainPtr domain)
{
    return lv_scheduler_parameters(st, domain, 0, 0);
}

PyObject *
lv_impl_virDomainGetSchedulerParametersFlags(PyObject *self, lv_state *st, virDomainPtr domain,
                                             unsigned int flags)
{
    return lv_scheduler_parameters(st, domain, 1, flags);
}

static PyObject *
lv_set_scheduler_parameters(lv_state *st, virDomainPtr domain, PyObject *dict,
                            int with_flags, unsigned int flags)
{
    virTypedParameterPtr known = NULL, params = NULL;
    int nknown = 0, nparams = 0, rc;
    const char *func = with_flags ? "virDomainSetSchedulerParametersFlags"
                                  : "virDomainSetSchedulerParameters";

    if (lv_arg_params_dict(dict, 0) < 0)   /* before asking libvirt, as the reference */
        return NULL;
    /* The current parameters tell each value's C type. */
    switch (lv_get_scheduler_params(domain, with_flags,
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
        rc = virDomainSetSchedulerParametersFlags(domain, params, nparams, flags);
    else
        rc = virDomainSetSchedulerParameters(domain, params, nparams);
    Py_END_ALLOW_THREADS
    lv_typed_params_free(params, nparams);
    if (rc < 0)
        return lv_raise(st, func);
    return PyLong_FromLong(rc);
}

PyObject *
lv_impl_virDomainSetSchedulerParameters(PyObject *self, lv_state *st, virDomainPtr domain,
                                        PyObject *params)
{
    return lv_set_scheduler_parameters(st, domain, params, 0, 0);
}

PyObject *
lv_impl_virDomainSetSchedulerParametersFlags(PyObject *self, lv_state *st, virDomainPtr domain,
                                             PyObject *params, unsigned int flags)
{
    return lv_set_scheduler_parameters(st, domain, params, 1, flags);
}

PyObject *
lv_convert_virDomainGetTime(PyObject *self, lv_state *st, int ret, long long seconds,
                            unsigned int nseconds)
{
    return Py_BuildValue("{s:L,s:I}", "seconds", seconds, "nseconds", nseconds);
}

PyObject *
lv_impl_virDomainSetTime(PyObject *self, lv_state *st, virDomainPtr dom, PyObject *time,
                         unsigned int flags)
{
    PyObject *value;
    unsigned int nseconds = 0;
    long long seconds = 0;
    Py_ssize_t known = 0;
    int rc;

    /* Without flags the time is what is being set: it must be given. */
    if (!(PyDict_Check(time) || (time == Py_None && flags != 0))) {
        lv_type_error("time", "a dict (or None with flags)", time);
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
    rc = virDomainSetTime(dom, seconds, nseconds, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virDomainSetTime");
    return PyLong_FromLong(rc);
}

/* ---- virDomain: block jobs, security labels, errors, job and CPU stats --- */

PyObject *
lv_convert_virDomainGetBlockJobInfo(PyObject *self, lv_state *st, int ret,
                                    virDomainBlockJobInfoPtr info)
{
    if (ret == 0)
        return PyDict_New();   /* no job on this disk */
    return Py_BuildValue("{s:i,s:k,s:K,s:K}", "type", info->type, "bandwidth", info->bandwidth,
                         "cur", info->cur, "end", info->end);
}

/* [label, enforcing] of security label i, as securityLabel() (generated) gives one. */
static PyObject *
lv_security_label_item(Py_ssize_t i, void *labels)
{
    virSecurityLabelPtr label = &((virSecurityLabelPtr)labels)[i];
    return Py_BuildValue("[NN]", lv_str_n(label->label, sizeof(label->label)),
                         PyBool_FromLong(label->enforcing));
}

PyObject *
lv_convert_virDomainGetSecurityLabelList(PyObject *self, lv_state *st, int ret,
                                         virSecurityLabelPtr seclabels)
{
    PyObject *list = lv_list_of(ret, lv_security_label_item, seclabels);
    free(seclabels);
    return list;
}

PyObject *
lv_convert_virDomainGetDiskErrors(PyObject *self, lv_state *st, int ret,
                                  virDomainDiskErrorPtr errors)
{
    PyObject *dict = PyDict_New();
    for (int i = 0; i < ret; i++) {
        if (dict != NULL && lv_dict_steal_obj(dict, lv_str(errors[i].disk),
                                              PyLong_FromLong(errors[i].error)) < 0)
            Py_CLEAR(dict);
        free(errors[i].disk);
    }
    free(errors);
    return dict;
}

PyObject *
lv_convert_virDomainGetJobStats(PyObject *self, lv_state *st, int ret, int type,
                                virTypedParameterPtr params, int nparams)
{
    PyObject *dict = lv_typed_params_to_dict(st, params, nparams);
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
lv_impl_virDomainGetCPUStats(PyObject *self, lv_state *st, virDomainPtr domain, int total,
                             unsigned int flags)
{
    PyObject *list = NULL;
    virTypedParameterPtr params = NULL;
    int ncpus = 1, nparams, chunk, rc = 0;

    /* How many CPUs (per-CPU statistics only) and parameters per CPU. */
    Py_BEGIN_ALLOW_THREADS
    if (!total)
        ncpus = virDomainGetCPUStats(domain, NULL, 0, 0, 0, flags);
    nparams = ncpus < 0 ? -1 : virDomainGetCPUStats(domain, NULL, 0, total ? -1 : 0, 1, flags);
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
            rc = virDomainGetCPUStats(domain, params, nparams, total ? -1 : start, count, flags);
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
