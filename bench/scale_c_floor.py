"""The C floor of the scale benchmark (bench_scale.py): the same operations
over every domain of a test-driver state, in C, built with cffi like
c_floor.py (whose builder it uses).

    sc_init(pairs)              error handler off, default event loop in a
                                pthread, the define XMLs of `pairs` domains
    sc_open(uri)                open a test:///<file> state (index >= 0), list
                                its domains once, register a lifecycle callback
    sc_list_all(c, reps)        virConnectListAllDomains + virDomainFree each
    sc_all_stats(c, reps)       virConnectGetAllDomainStats + ...RecordListFree
    sc_xml_all(c, reps)         virDomainGetXMLDesc + free, for every domain
    sc_events(c, pairs)         with the event loop parked: virDomainDefineXML
                                + virDomainUndefine of `pairs` new domains;
                                then release the loop and wait for the 2 *
                                pairs lifecycle callbacks (DEFINED, UNDEFINED
                                alternating, checked), dispatched in one go

Every sc_* operation returns its elapsed ns (CLOCK_MONOTONIC), -1 when a
libvirt call failed, -2 when the callbacks did not all come within 30 s,
-3 when they came with the wrong event types.
"""

import c_floor

CDEF = """
int sc_init(long pairs);
int sc_open(const char *uri);
int sc_domain_count(int c);
long long sc_list_all(int c, long reps);
long long sc_all_stats(int c, long reps);
long long sc_xml_all(int c, long reps);
long long sc_events(int c, long pairs);
"""

C_SOURCE = r"""
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#define MAX_CONNS 16

static virConnectPtr conns[MAX_CONNS];
static virDomainPtr *doms[MAX_CONNS];
static int ndoms[MAX_CONNS];
static int nconns;

static char **define_xml;
static long max_pairs;

/* Written by the event loop thread only; read after `done` is posted. */
static long received;
static long wake_at;
static int *event_types;
static sem_t done;

/* Parking the event loop: a timeout callback that blocks the loop thread. */
static int park_timer;
static sem_t parked, resume;

""" + c_floor.NOW_NS + c_floor.IGNORE_ERROR + r"""
static void *event_loop(void *arg)
{
    (void)arg;
    while (virEventRunDefaultImpl() == 0)
        ;
    return NULL;
}

static void park_callback(int timer, void *opaque)
{
    (void)opaque;
    virEventUpdateTimeout(timer, -1);
    sem_post(&parked);
    while (sem_wait(&resume) < 0 && errno == EINTR)
        ;
}

static int on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail,
                        void *opaque)
{
    (void)conn;
    (void)dom;
    (void)detail;
    (void)opaque;
    if (received < 2 * max_pairs)
        event_types[received] = event;
    received++;
    if (received == wake_at)
        sem_post(&done);
    return 0;
}

int sc_init(long pairs)
{
    pthread_t thread;

    virSetErrorFunc(NULL, ignore_error);
    if (virEventRegisterDefaultImpl() < 0 || sem_init(&done, 0, 0) < 0
        || sem_init(&parked, 0, 0) < 0 || sem_init(&resume, 0, 0) < 0)
        return -1;
    park_timer = virEventAddTimeout(-1, park_callback, NULL, NULL);
    if (park_timer < 0)
        return -1;
    max_pairs = pairs;
    define_xml = calloc(pairs, sizeof(*define_xml));
    event_types = calloc(2 * pairs, sizeof(*event_types));
    if (!define_xml || !event_types)
        return -1;
    for (long i = 0; i < pairs; i++) {
        if (asprintf(&define_xml[i],
                     "<domain type='test'><name>bench-ev-%ld</name>"
                     "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                     "<os><type>hvm</type></os></domain>", i) < 0)
            return -1;
    }
    return pthread_create(&thread, NULL, event_loop, NULL) == 0 ? 0 : -1;
}

int sc_open(const char *uri)
{
    int c = nconns;

    if (c == MAX_CONNS || !(conns[c] = virConnectOpen(uri)))
        return -1;
    ndoms[c] = virConnectListAllDomains(conns[c], &doms[c], 0);
    if (ndoms[c] < 0)
        return -1;
    if (virConnectDomainEventRegisterAny(conns[c], NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle),
                                         NULL, NULL) < 0)
        return -1;
    nconns++;
    return c;
}

int sc_domain_count(int c)
{
    return ndoms[c];
}

long long sc_list_all(int c, long reps)
{
    long long start = now_ns();
    for (long r = 0; r < reps; r++) {
        virDomainPtr *list;
        int count = virConnectListAllDomains(conns[c], &list, 0);
        if (count < 0)
            return -1;
        for (int i = 0; i < count; i++)
            virDomainFree(list[i]);
        free(list);
    }
    return now_ns() - start;
}

long long sc_all_stats(int c, long reps)
{
    long long start = now_ns();
    for (long r = 0; r < reps; r++) {
        virDomainStatsRecordPtr *records;
        if (virConnectGetAllDomainStats(conns[c], 0, &records, 0) < 0)
            return -1;
        virDomainStatsRecordListFree(records);
    }
    return now_ns() - start;
}

long long sc_xml_all(int c, long reps)
{
    long long start = now_ns();
    for (long r = 0; r < reps; r++) {
        for (int i = 0; i < ndoms[c]; i++) {
            char *xml = virDomainGetXMLDesc(doms[c][i], 0);
            if (!xml)
                return -1;
            free(xml);
        }
    }
    return now_ns() - start;
}

long long sc_events(int c, long pairs)
{
    struct timespec deadline;
    long long start;

    if (pairs > max_pairs)
        return -1;
    virEventUpdateTimeout(park_timer, 0);
    while (sem_wait(&parked) < 0)
        if (errno != EINTR)
            return -1;
    received = 0;
    wake_at = 2 * pairs;
    start = now_ns();
    for (long i = 0; i < pairs; i++) {
        virDomainPtr dom = virDomainDefineXML(conns[c], define_xml[i]);
        if (!dom || virDomainUndefine(dom) < 0) {
            sem_post(&resume);
            return -1;
        }
        virDomainFree(dom);
    }
    sem_post(&resume);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 30;
    while (sem_timedwait(&done, &deadline) < 0)
        if (errno != EINTR)
            return -2;
    long long elapsed = now_ns() - start;
    for (long i = 0; i < 2 * pairs; i++)
        if (event_types[i] != (i % 2 ? VIR_DOMAIN_EVENT_UNDEFINED : VIR_DOMAIN_EVENT_DEFINED))
            return -3;
    return elapsed;
}
"""


def load():
    """Return the scale floor's `lib`, building it first if needed."""
    return c_floor.load_module("_scale_c_floor", CDEF, C_SOURCE).lib
