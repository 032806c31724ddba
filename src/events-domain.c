/* src/events-domain.c: domain events: one C callback per event ID, and the family. */

#include "callbacks.h"

#define LV_DOM(fmt, ...) lv_event_dispatch(opaque, LV_DOMAIN, dom, fmt, ##__VA_ARGS__)

static int
lv_dom_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    LV_DOM("ii", event, detail);
    return 0;
}

static void
lv_dom_generic(virConnectPtr conn, virDomainPtr dom, void *opaque)
{
    LV_DOM("");
}

static void
lv_dom_rtc_change(virConnectPtr conn, virDomainPtr dom, long long utcoffset, void *opaque)
{
    LV_DOM("L", utcoffset);
}

/* One int: watchdog action, PM wakeup/suspend reason, migration iteration */
static void
lv_dom_int(virConnectPtr conn, virDomainPtr dom, int value, void *opaque)
{
    LV_DOM("i", value);
}

static void
lv_dom_io_error(virConnectPtr conn, virDomainPtr dom, const char *srcPath,
                const char *devAlias, int action, void *opaque)
{
    LV_DOM("ssi", srcPath, devAlias, action);
}

static void
lv_dom_io_error_reason(virConnectPtr conn, virDomainPtr dom, const char *srcPath,
                       const char *devAlias, int action, const char *reason, void *opaque)
{
    LV_DOM("ssis", srcPath, devAlias, action, reason);
}

/* {'family': int, 'node': str, 'service': str} (None for a missing field),
 * or None for a missing address. */
static PyObject *
lv_graphics_address(const void *address)
{
    const virDomainEventGraphicsAddress *addr = address;
    PyObject *dict;

    if (addr == NULL)
        Py_RETURN_NONE;
    if ((dict = PyDict_New()) == NULL)
        return NULL;
    if (lv_dict_set(NULL, dict, "family", PyLong_FromLong(addr->family)) < 0
        || lv_dict_set(NULL, dict, "node", lv_str(addr->node)) < 0
        || lv_dict_set(NULL, dict, "service", lv_str(addr->service)) < 0)
        Py_CLEAR(dict);
    return dict;
}

static PyObject *
lv_graphics_identity(Py_ssize_t i, void *identities)
{
    virDomainEventGraphicsSubjectIdentityPtr id =
        &((virDomainEventGraphicsSubjectIdentityPtr)identities)[i];
    return lv_args("ss", id->type, id->name);
}

/* [(type, name), ...] of the subject's identities (empty without any). */
static PyObject *
lv_graphics_subject(const void *graphics_subject)
{
    const virDomainEventGraphicsSubject *subject = graphics_subject;
    int n = subject != NULL && subject->identities != NULL && subject->nidentity > 0
            ? subject->nidentity : 0;

    return lv_list_of(n, lv_graphics_identity, n > 0 ? subject->identities : NULL);
}

static void
lv_dom_graphics(virConnectPtr conn, virDomainPtr dom, int phase,
                const virDomainEventGraphicsAddress *local,
                const virDomainEventGraphicsAddress *remote,
                const char *authScheme, const virDomainEventGraphicsSubject *subject,
                void *opaque)
{
    LV_DOM("iOOsO", phase, lv_graphics_address, (const void *)local,
           lv_graphics_address, (const void *)remote, authScheme,
           lv_graphics_subject, (const void *)subject);
}

static void
lv_dom_block_job(virConnectPtr conn, virDomainPtr dom, const char *disk, int type,
                 int status, void *opaque)
{
    LV_DOM("sii", disk, type, status);
}

static void
lv_dom_disk_change(virConnectPtr conn, virDomainPtr dom, const char *oldSrcPath,
                   const char *newSrcPath, const char *devAlias, int reason, void *opaque)
{
    LV_DOM("sssi", oldSrcPath, newSrcPath, devAlias, reason);
}

static void
lv_dom_tray_change(virConnectPtr conn, virDomainPtr dom, const char *devAlias, int reason,
                   void *opaque)
{
    LV_DOM("si", devAlias, reason);
}

static void
lv_dom_balloon_change(virConnectPtr conn, virDomainPtr dom, unsigned long long actual,
                      void *opaque)
{
    LV_DOM("K", actual);
}

/* One string: the device alias of device added/removed/removal failed */
static void
lv_dom_str(virConnectPtr conn, virDomainPtr dom, const char *devAlias, void *opaque)
{
    LV_DOM("s", devAlias);
}

/* Typed parameters as a dict: tunable, job completed */
static void
lv_dom_params(virConnectPtr conn, virDomainPtr dom, virTypedParameterPtr params, int nparams,
              void *opaque)
{
    LV_DOM("P", params, nparams);
}

static void
lv_dom_agent_lifecycle(virConnectPtr conn, virDomainPtr dom, int state, int reason,
                       void *opaque)
{
    LV_DOM("ii", state, reason);
}

static void
lv_dom_metadata_change(virConnectPtr conn, virDomainPtr dom, int type, const char *nsuri,
                       void *opaque)
{
    LV_DOM("is", type, nsuri);
}

static void
lv_dom_block_threshold(virConnectPtr conn, virDomainPtr dom, const char *dev, const char *path,
                       unsigned long long threshold, unsigned long long excess, void *opaque)
{
    LV_DOM("ssKK", dev, path, threshold, excess);
}

#if LIBVIR_CHECK_VERSION(6, 9, 0)
static void
lv_dom_memory_failure(virConnectPtr conn, virDomainPtr dom, int recipient, int action,
                      unsigned int flags, void *opaque)
{
    LV_DOM("iiu", recipient, action, flags);
}
#endif

#if LIBVIR_CHECK_VERSION(7, 9, 0)
static void
lv_dom_memory_device_size_change(virConnectPtr conn, virDomainPtr dom, const char *alias,
                                 unsigned long long size, void *opaque)
{
    LV_DOM("sK", alias, size);
}
#endif

#undef LV_DOM

/* Indexed by event ID; an ID this binding was built without stays NULL. */
static const lv_event_cb lv_domain_callbacks[] = {
    [VIR_DOMAIN_EVENT_ID_LIFECYCLE] = LV_CB(lv_dom_lifecycle),
    [VIR_DOMAIN_EVENT_ID_REBOOT] = LV_CB(lv_dom_generic),
    [VIR_DOMAIN_EVENT_ID_RTC_CHANGE] = LV_CB(lv_dom_rtc_change),
    [VIR_DOMAIN_EVENT_ID_WATCHDOG] = LV_CB(lv_dom_int),
    [VIR_DOMAIN_EVENT_ID_IO_ERROR] = LV_CB(lv_dom_io_error),
    [VIR_DOMAIN_EVENT_ID_GRAPHICS] = LV_CB(lv_dom_graphics),
    [VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON] = LV_CB(lv_dom_io_error_reason),
    [VIR_DOMAIN_EVENT_ID_CONTROL_ERROR] = LV_CB(lv_dom_generic),
    [VIR_DOMAIN_EVENT_ID_BLOCK_JOB] = LV_CB(lv_dom_block_job),
    [VIR_DOMAIN_EVENT_ID_DISK_CHANGE] = LV_CB(lv_dom_disk_change),
    [VIR_DOMAIN_EVENT_ID_TRAY_CHANGE] = LV_CB(lv_dom_tray_change),
    [VIR_DOMAIN_EVENT_ID_PMWAKEUP] = LV_CB(lv_dom_int),
    [VIR_DOMAIN_EVENT_ID_PMSUSPEND] = LV_CB(lv_dom_int),
    [VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE] = LV_CB(lv_dom_balloon_change),
    [VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK] = LV_CB(lv_dom_int),
    [VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED] = LV_CB(lv_dom_str),
    [VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2] = LV_CB(lv_dom_block_job),
    [VIR_DOMAIN_EVENT_ID_TUNABLE] = LV_CB(lv_dom_params),
    [VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE] = LV_CB(lv_dom_agent_lifecycle),
    [VIR_DOMAIN_EVENT_ID_DEVICE_ADDED] = LV_CB(lv_dom_str),
    [VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION] = LV_CB(lv_dom_int),
    [VIR_DOMAIN_EVENT_ID_JOB_COMPLETED] = LV_CB(lv_dom_params),
    [VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED] = LV_CB(lv_dom_str),
    [VIR_DOMAIN_EVENT_ID_METADATA_CHANGE] = LV_CB(lv_dom_metadata_change),
    [VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD] = LV_CB(lv_dom_block_threshold),
#if LIBVIR_CHECK_VERSION(6, 9, 0)
    [VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE] = LV_CB(lv_dom_memory_failure),
#endif
#if LIBVIR_CHECK_VERSION(7, 9, 0)
    [VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE] = LV_CB(lv_dom_memory_device_size_change),
#endif
};

LV_DEFINE_FAMILY(lv_domain_family, Domain, lv_domain_callbacks);
