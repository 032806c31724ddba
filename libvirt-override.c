/*
 * libvirt-override.c: the hand-written part of libvirtmod.
 *
 * The module definition around the generated tables, the registration of
 * libvirt.py's classes, and the functions whose Python shape the
 * generator cannot derive from their C signature (declared in
 * libvirt-override-api.xml).
 */
#include "typewrappers.h"

#include <string.h>

/* From the generated libvirtmod-generated.c. */
extern PyMethodDef lv_module_functions[];
extern PyMethodDef *const lv_class_methods[LV_NKINDS];
extern const char *const lv_class_docs[LV_NKINDS];
/* From libvirt-override-event.c: module functions that are not libvirt's. */
extern PyMethodDef lv_event_functions[];

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
        PyList_SET_ITEM(list, i, items[i]);
    }
    return list;
}

/* ---- virDomain --------------------------------------------------------- */

PyObject *
lv_override_virDomainGetInfo(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    virDomainInfo info;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virDomainGetInfo(LV_HANDLE(self), &info);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise_for(self, "virDomainGetInfo");
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
lv_override_virDomainGetState(PyObject *self, PyTypeObject *defining_class,
                              PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const kwlist[] = {"flags", NULL};
    PyObject *argv[1];
    unsigned int flags = 0;
    int state, reason, rc;

    if (lv_unpack_fast(args, nargs, kwnames, "state", kwlist, 0, 1, argv) < 0)
        return NULL;
    if (argv[0] != NULL && lv_arg_uint(argv[0], "flags", &flags) < 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    rc = virDomainGetState(LV_HANDLE(self), &state, &reason, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(PyType_GetModuleState(defining_class), "virDomainGetState");
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
lv_override_virDomainMemoryStats(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];
    int n;
    PyObject *dict;

    Py_BEGIN_ALLOW_THREADS
    n = virDomainMemoryStats(LV_HANDLE(self), stats, VIR_DOMAIN_MEMORY_STAT_NR, 0);
    Py_END_ALLOW_THREADS
    if (n < 0)
        return lv_raise_for(self, "virDomainMemoryStats");
    if ((dict = PyDict_New()) == NULL)
        return NULL;
    for (int i = 0; i < n; i++) {
        int tag = stats[i].tag;
        PyObject *value;
        if (tag < 0 || (size_t)tag >= Py_ARRAY_LENGTH(lv_memory_stat_names)
            || lv_memory_stat_names[tag] == NULL)
            continue;   /* a statistic newer than this binding */
        value = PyLong_FromUnsignedLongLong(stats[i].val);
        if (value == NULL || PyDict_SetItemString(dict, lv_memory_stat_names[tag], value) < 0) {
            Py_XDECREF(value);
            Py_DECREF(dict);
            return NULL;
        }
        Py_DECREF(value);
    }
    return dict;
}

PyObject *
lv_override_virDomainGetSchedulerType(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    int nparams = 0;
    char *type;

    Py_BEGIN_ALLOW_THREADS
    type = virDomainGetSchedulerType(LV_HANDLE(self), &nparams);
    Py_END_ALLOW_THREADS
    if (type == NULL)
        return lv_raise_for(self, "virDomainGetSchedulerType");
    return Py_BuildValue("(Ni)", lv_str_free(type), nparams);
}

/* The domain's scheduler parameters (with_flags: through the Flags
 * variant), in a PyMem array the caller frees with lv_typed_params_free. */
static int
lv_get_scheduler_params(virDomainPtr dom, int with_flags, unsigned int flags,
                        virTypedParameterPtr *out, int *nout)
{
    int nparams = 0, rc = -1;
    char *type;
    virTypedParameterPtr params = NULL;

    Py_BEGIN_ALLOW_THREADS
    type = virDomainGetSchedulerType(dom, &nparams);
    Py_END_ALLOW_THREADS
    if (type == NULL)
        return -1;
    free(type);
    if (nparams > 0 && (params = PyMem_Calloc(nparams, sizeof(*params))) == NULL) {
        PyErr_NoMemory();
        return -2;
    }
    Py_BEGIN_ALLOW_THREADS
    if (nparams == 0)
        rc = 0;
    else if (with_flags)
        rc = virDomainGetSchedulerParametersFlags(dom, params, &nparams, flags);
    else
        rc = virDomainGetSchedulerParameters(dom, params, &nparams);
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        PyMem_Free(params);
        return -1;
    }
    /* libvirt allocated the string values: copy them into our allocator's
     * memory so that one free function fits every array we hold. */
    for (int i = 0; i < nparams; i++) {
        if (params[i].type == VIR_TYPED_PARAM_STRING) {
            char *s = params[i].value.s;
            size_t len = strlen(s) + 1;
            params[i].value.s = PyMem_Malloc(len);
            if (params[i].value.s != NULL)
                memcpy(params[i].value.s, s, len);
            free(s);
            if (params[i].value.s == NULL) {
                for (int j = i + 1; j < nparams; j++)
                    if (params[j].type == VIR_TYPED_PARAM_STRING)
                        free(params[j].value.s);
                params[i].type = VIR_TYPED_PARAM_INT;
                lv_typed_params_free(params, nparams);
                PyErr_NoMemory();
                return -2;
            }
        }
    }
    *out = params;
    *nout = nparams;
    return 0;
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
        return st ? lv_raise(st, func) : lv_raise_for(self, func);
    case -2:
        return NULL;
    }
    dict = lv_typed_params_to_dict(params, nparams);
    lv_typed_params_free(params, nparams);
    return dict;
}

PyObject *
lv_override_virDomainGetSchedulerParameters(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    return lv_scheduler_parameters(self, NULL, 0, 0);
}

PyObject *
lv_override_virDomainGetSchedulerParametersFlags(PyObject *self, PyTypeObject *defining_class,
                                                 PyObject *const *args, Py_ssize_t nargs,
                                                 PyObject *kwnames)
{
    static const char *const kwlist[] = {"flags", NULL};
    PyObject *argv[1];
    unsigned int flags = 0;

    if (lv_unpack_fast(args, nargs, kwnames, "schedulerParametersFlags", kwlist, 0, 1, argv) < 0)
        return NULL;
    if (argv[0] != NULL && lv_arg_uint(argv[0], "flags", &flags) < 0)
        return NULL;
    return lv_scheduler_parameters(self, PyType_GetModuleState(defining_class), 1, flags);
}

static PyObject *
lv_set_scheduler_parameters(PyObject *self, lv_state *st, PyObject *dict,
                            int with_flags, unsigned int flags)
{
    virTypedParameterPtr known = NULL, params = NULL;
    int nknown = 0, nparams = 0, rc;
    const char *func = with_flags ? "virDomainSetSchedulerParametersFlags"
                                  : "virDomainSetSchedulerParameters";

    if (!PyDict_Check(dict)) {
        PyErr_Format(PyExc_TypeError, "argument 'params' must be dict, not %.100s",
                     Py_TYPE(dict)->tp_name);
        return NULL;
    }
    /* The current parameters tell each value's C type. */
    switch (lv_get_scheduler_params(LV_HANDLE(self), with_flags,
                                    flags & (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG),
                                    &known, &nknown)) {
    case -1:
        return lv_raise(st, func);
    case -2:
        return NULL;
    }
    rc = lv_dict_to_typed_params(dict, known, nknown, &params, &nparams);
    lv_typed_params_free(known, nknown);
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
lv_override_virDomainSetSchedulerParameters(PyObject *self, PyTypeObject *defining_class,
                                            PyObject *const *args, Py_ssize_t nargs,
                                            PyObject *kwnames)
{
    static const char *const kwlist[] = {"params", NULL};
    PyObject *argv[1];

    if (lv_unpack_fast(args, nargs, kwnames, "setSchedulerParameters", kwlist, 1, 1, argv) < 0)
        return NULL;
    return lv_set_scheduler_parameters(self, PyType_GetModuleState(defining_class),
                                       argv[0], 0, 0);
}

PyObject *
lv_override_virDomainSetSchedulerParametersFlags(PyObject *self, PyTypeObject *defining_class,
                                                 PyObject *const *args, Py_ssize_t nargs,
                                                 PyObject *kwnames)
{
    static const char *const kwlist[] = {"params", "flags", NULL};
    PyObject *argv[2];
    unsigned int flags = 0;

    if (lv_unpack_fast(args, nargs, kwnames, "setSchedulerParametersFlags", kwlist, 1, 2, argv) < 0)
        return NULL;
    if (argv[1] != NULL && lv_arg_uint(argv[1], "flags", &flags) < 0)
        return NULL;
    return lv_set_scheduler_parameters(self, PyType_GetModuleState(defining_class),
                                       argv[0], 1, flags);
}

PyObject *
lv_override_virDomainGetTime(PyObject *self, PyTypeObject *defining_class,
                             PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const kwlist[] = {"flags", NULL};
    PyObject *argv[1];
    unsigned int flags = 0, nseconds = 0;
    long long seconds = 0;
    int rc;

    if (lv_unpack_fast(args, nargs, kwnames, "getTime", kwlist, 0, 1, argv) < 0)
        return NULL;
    if (argv[0] != NULL && lv_arg_uint(argv[0], "flags", &flags) < 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    rc = virDomainGetTime(LV_HANDLE(self), &seconds, &nseconds, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(PyType_GetModuleState(defining_class), "virDomainGetTime");
    return Py_BuildValue("{s:L,s:I}", "seconds", seconds, "nseconds", nseconds);
}

PyObject *
lv_override_virDomainSetTime(PyObject *self, PyTypeObject *defining_class,
                             PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const kwlist[] = {"time", "flags", NULL};
    PyObject *argv[2], *time, *value;
    unsigned int flags = 0, nseconds = 0;
    long long seconds = 0;
    Py_ssize_t known = 0;
    int rc;

    if (lv_unpack_fast(args, nargs, kwnames, "setTime", kwlist, 0, 2, argv) < 0)
        return NULL;
    if (argv[1] != NULL && lv_arg_uint(argv[1], "flags", &flags) < 0)
        return NULL;
    time = argv[0] ? argv[0] : Py_None;
    /* Without flags the time is what is being set: it must be given. */
    if (!(PyDict_Check(time) || (time == Py_None && flags != 0))) {
        PyErr_Format(PyExc_TypeError, "argument 'time' must be a dict (or None with flags), not %.100s",
                     Py_TYPE(time)->tp_name);
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
        if (PyDict_GET_SIZE(time) != known) {
            PyErr_SetString(PyExc_LookupError,
                            "argument 'time' may only have the keys 'seconds' and 'nseconds'");
            return NULL;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    rc = virDomainSetTime(LV_HANDLE(self), seconds, nseconds, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(PyType_GetModuleState(defining_class), "virDomainSetTime");
    return PyLong_FromLong(rc);
}

/* ---- virConnect -------------------------------------------------------- */

PyObject *
lv_override_virConnectClose(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    /* Forget the handle first: the reference we release is the object's
     * own, and later calls must see a closed connection (libvirt reports
     * an invalid connection for NULL), not a released pointer. */
    virConnectPtr conn = LV_HANDLE(self);
    int rc;

    LV_HANDLE(self) = NULL;
    Py_BEGIN_ALLOW_THREADS
    rc = virConnectClose(conn);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise_for(self, "virConnectClose");
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
            stats = lv_typed_params_to_dict(records[i]->params, records[i]->nparams);
        if (stats != NULL)
            pair = PyTuple_Pack(2, dom, stats);
        Py_XDECREF(dom);
        Py_XDECREF(stats);
        if (pair == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, i, pair);
    }
    virDomainStatsRecordListFree(records);
    return list;
}

PyObject *
lv_override_virConnectGetAllDomainStats(PyObject *self, PyTypeObject *defining_class,
                                        PyObject *const *args, Py_ssize_t nargs,
                                        PyObject *kwnames)
{
    static const char *const kwlist[] = {"stats", "flags", NULL};
    lv_state *st = PyType_GetModuleState(defining_class);
    PyObject *argv[2];
    unsigned int stats = 0, flags = 0;
    virDomainStatsRecordPtr *records = NULL;
    int n;

    if (lv_unpack_fast(args, nargs, kwnames, "getAllDomainStats", kwlist, 0, 2, argv) < 0)
        return NULL;
    if ((argv[0] != NULL && lv_arg_uint(argv[0], "stats", &stats) < 0)
        || (argv[1] != NULL && lv_arg_uint(argv[1], "flags", &flags) < 0))
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    n = virConnectGetAllDomainStats(LV_HANDLE(self), stats, &records, flags);
    Py_END_ALLOW_THREADS
    if (n < 0)
        return lv_raise(st, "virConnectGetAllDomainStats");
    return lv_domain_stats_list(st, self, records, n);
}

PyObject *
lv_override_virDomainListGetStats(PyObject *self, PyTypeObject *defining_class,
                                  PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const kwlist[] = {"doms", "stats", "flags", NULL};
    lv_state *st = PyType_GetModuleState(defining_class);
    PyObject *argv[3], *seq;
    unsigned int stats = 0, flags = 0;
    virDomainStatsRecordPtr *records = NULL;
    virDomainPtr *doms;
    Py_ssize_t ndoms;
    int n;

    if (lv_unpack_fast(args, nargs, kwnames, "domainListGetStats", kwlist, 1, 3, argv) < 0)
        return NULL;
    if ((argv[1] != NULL && lv_arg_uint(argv[1], "stats", &stats) < 0)
        || (argv[2] != NULL && lv_arg_uint(argv[2], "flags", &flags) < 0))
        return NULL;
    if (PyUnicode_Check(argv[0]) || PyBytes_Check(argv[0])
        || (seq = PySequence_Fast(argv[0], "")) == NULL) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "argument 'doms' must be a list of virDomain, not %.100s",
                     Py_TYPE(argv[0])->tp_name);
        return NULL;
    }
    ndoms = PySequence_Fast_GET_SIZE(seq);
    if ((doms = PyMem_Calloc(ndoms + 1, sizeof(*doms))) == NULL) {
        Py_DECREF(seq);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < ndoms; i++) {
        if (lv_arg_handle(st, PySequence_Fast_GET_ITEM(seq, i), "doms item", LV_DOMAIN, 0,
                          (void **)&doms[i]) < 0) {
            PyMem_Free(doms);
            Py_DECREF(seq);
            return NULL;
        }
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
lv_override_virNodeGetCPUStats(PyObject *self, PyTypeObject *defining_class,
                               PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const kwlist[] = {"cpuNum", "flags", NULL};
    lv_state *st = PyType_GetModuleState(defining_class);
    PyObject *argv[2], *dict = NULL;
    int cpu, nparams = 0, rc;
    unsigned int flags = 0;
    virNodeCPUStatsPtr params = NULL;

    if (lv_unpack_fast(args, nargs, kwnames, "getCPUStats", kwlist, 1, 2, argv) < 0)
        return NULL;
    if (lv_arg_int(argv[0], "cpuNum", &cpu) < 0
        || (argv[1] != NULL && lv_arg_uint(argv[1], "flags", &flags) < 0))
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    rc = virNodeGetCPUStats(LV_HANDLE(self), cpu, NULL, &nparams, flags);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virNodeGetCPUStats");
    if (nparams > 0 && (params = PyMem_Calloc(nparams, sizeof(*params))) == NULL)
        return PyErr_NoMemory();
    Py_BEGIN_ALLOW_THREADS
    rc = nparams ? virNodeGetCPUStats(LV_HANDLE(self), cpu, params, &nparams, flags) : 0;
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        PyMem_Free(params);
        return lv_raise(st, "virNodeGetCPUStats");
    }
    if ((dict = PyDict_New()) != NULL) {
        for (int i = 0; i < nparams; i++) {
            PyObject *value = PyLong_FromUnsignedLongLong(params[i].value);
            if (value == NULL || PyDict_SetItemString(dict, params[i].field, value) < 0) {
                Py_XDECREF(value);
                Py_CLEAR(dict);
                break;
            }
            Py_DECREF(value);
        }
    }
    PyMem_Free(params);
    return dict;
}

/* ---- module level ------------------------------------------------------ */

PyObject *
lv_override_virGetVersion(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                          PyObject *kwnames)
{
    static const char *const kwlist[] = {"name", NULL};
    lv_state *st = lv_state_from_module(module);
    PyObject *argv[1];
    const char *name = NULL;
    unsigned long lib_version = 0, type_version = 0;
    int rc;

    if (lv_unpack_fast(args, nargs, kwnames, "getVersion", kwlist, 0, 1, argv) < 0)
        return NULL;
    if (argv[0] != NULL && lv_arg_str(argv[0], "name", 1, &name) < 0)
        return NULL;
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
    for (unsigned int i = 0; i < ncred; i++) {
        PyObject *item = PyList_GET_ITEM(creds, i), *result;
        const char *text;
        if (!PyList_Check(item) || PyList_GET_SIZE(item) != 5) {
            PyErr_SetString(PyExc_TypeError, "each credential must stay a list of 5 items");
            return -1;
        }
        result = PyList_GET_ITEM(item, 4);
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
        PyList_SET_ITEM(creds, i, item);
    }
    result = PyObject_CallFunctionObjArgs(ctx->callback, creds, ctx->cbdata, NULL);
    if (result == NULL)
        goto done;
    rc = PyLong_Check(result) ? (int)PyLong_AsLong(result) : -1;
    if (PyErr_Occurred())
        goto done;
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
lv_override_virConnectOpenAuth(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                               PyObject *kwnames)
{
    static const char *const kwlist[] = {"uri", "auth", "flags", NULL};
    lv_state *st = lv_state_from_module(module);
    PyObject *argv[3], *auth_seq = NULL, *types_seq = NULL;
    const char *uri;
    unsigned int flags = 0;
    virConnectAuth auth = {0};
    lv_auth_context ctx = {0};
    virConnectPtr conn;

    if (lv_unpack_fast(args, nargs, kwnames, "openAuth", kwlist, 2, 3, argv) < 0)
        return NULL;
    if (lv_arg_str(argv[0], "uri", 1, &uri) < 0
        || (argv[2] != NULL && lv_arg_uint(argv[2], "flags", &flags) < 0))
        return NULL;
    if (argv[1] != Py_None) {
        if (!(PyList_Check(argv[1]) || PyTuple_Check(argv[1]))
            || PySequence_Size(argv[1]) != 3) {
            PyErr_SetString(PyExc_TypeError,
                            "argument 'auth' must be [credential types, callback, cbdata] or None");
            return NULL;
        }
        auth_seq = PySequence_Fast(argv[1], "");
        if (auth_seq == NULL)
            return NULL;
        ctx.callback = PySequence_Fast_GET_ITEM(auth_seq, 1);
        ctx.cbdata = PySequence_Fast_GET_ITEM(auth_seq, 2);
        if (ctx.callback != Py_None && !PyCallable_Check(ctx.callback)) {
            PyErr_SetString(PyExc_TypeError, "the auth callback must be callable or None");
            goto error;
        }
        types_seq = PySequence_Fast(PySequence_Fast_GET_ITEM(auth_seq, 0),
                                    "the auth credential types must be a list of int");
        if (types_seq == NULL)
            goto error;
        auth.ncredtype = (unsigned int)PySequence_Fast_GET_SIZE(types_seq);
        auth.credtype = PyMem_Calloc(auth.ncredtype ? auth.ncredtype : 1, sizeof(int));
        if (auth.credtype == NULL) {
            PyErr_NoMemory();
            goto error;
        }
        for (unsigned int i = 0; i < auth.ncredtype; i++) {
            if (lv_arg_int(PySequence_Fast_GET_ITEM(types_seq, i), "credential type",
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
lv_override_virGetLastError(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    virErrorPtr err = virGetLastError();   /* NULL when no error is set */
    if (err == NULL)
        Py_RETURN_NONE;
    return lv_error_tuple(err);
}

PyObject *
lv_override_virConnGetLastError(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    /* A connection's error slot always exists: code 0 when empty. */
    virErrorPtr err = virConnGetLastError(LV_HANDLE(self));
    if (err == NULL)
        return lv_raise_for(self, "virConnGetLastError");
    return lv_error_tuple(err);
}

PyObject *
lv_override_virSetErrorFunc(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                            PyObject *kwnames)
{
    static const char *const kwlist[] = {"f", "ctx", NULL};
    lv_state *st = lv_state_from_module(module);
    PyObject *argv[2];

    if (lv_unpack_fast(args, nargs, kwnames, "registerErrorHandler", kwlist, 2, 2, argv) < 0)
        return NULL;
    if (argv[0] != Py_None && !PyCallable_Check(argv[0])) {
        PyErr_Format(PyExc_TypeError, "argument 'f' must be callable or None, not %.100s",
                     Py_TYPE(argv[0])->tp_name);
        return NULL;
    }
    if (argv[0] == Py_None) {
        /* Back to libvirt's default: errors printed on stderr. */
        virSetErrorFunc(NULL, NULL);
        Py_CLEAR(st->error_handler);
        Py_CLEAR(st->error_context);
    } else {
        Py_XSETREF(st->error_handler, Py_NewRef(argv[0]));
        Py_XSETREF(st->error_context, Py_NewRef(argv[1]));
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
    Py_XSETREF(st->error_class, Py_NewRef(args[0]));
    for (int kind = 0; kind < LV_NKINDS; kind++)
        Py_XSETREF(st->classes[kind], (PyTypeObject *)Py_NewRef(args[1 + kind]));
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
    if (virInitialize() < 0) {
        PyErr_SetString(PyExc_ImportError, "libvirt could not be initialized (virInitialize)");
        return -1;
    }
    if (lv_add_types(module, st, lv_class_methods, lv_class_docs) < 0)
        return -1;
    st->error_class = PyErr_NewExceptionWithDoc(
        "libvirtmod.libvirtError",
        "Raised for libvirt errors until libvirt.py registers its libvirtError.",
        NULL, NULL);
    if (st->error_class == NULL)
        return -1;
    if (PyModule_AddObjectRef(module, "libvirtError", st->error_class) < 0)
        return -1;
    if (PyModule_AddFunctions(module, lv_event_functions) < 0)
        return -1;
    return PyModule_AddFunctions(module, lv_runtime_functions);
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
