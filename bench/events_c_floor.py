"""The C floor of the event benchmark: the same event scenarios, all in C.

libvirt's default event loop runs in a pthread, the lifecycle callback is a C
function that only records a timestamp and the event, and the triggering
calls run in a C loop. What it measures is libvirt's own cost of making and
delivering the events (test driver + default event loop + thread wake-ups),
with no binding and no GIL. Built with cffi by c_floor.load_module().

ev_run mirrors one task of the Python participant in events_worker.py: it
makes n triggering calls (alternating the scenario's two calls) in one mode
(0 pipelined, 1 burst, 2 lock-step) and fills the caller's arrays with the
callback timestamps and events (and, in lock-step mode, the timestamp taken
right before each call).
"""

import c_floor

CDEF = """
int ev_setup(const char *uri, const char *domain_xml);
long long ev_run(int scenario, int mode, long n, long long *call_ns,
                 long long *callback_ns, int *events, long *received);
long ev_received(void);
"""

C_SOURCE = r"""
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#define TIMEOUT_S 10

static virConnectPtr conn;
static virDomainPtr dom;
static char *domain_xml;
static pthread_t loop_thread;
static sem_t done;
static sem_t parked, resume;   /* parking the event loop for a burst */
static sem_t idle;             /* lock-step: the loop finished an iteration */
static int settle, notify;
static int park_timer;

/* Written by the callback (event-loop thread), set up by ev_run. */
static long long *cb_ns;
static int *cb_events;
static long capacity;
static long received;
static long wake_at;

""" + c_floor.NOW_NS + r"""
static void on_lifecycle(virConnectPtr c, virDomainPtr d, int event,
                         int detail, void *opaque)
{
    long long t = now_ns();
    long i = __atomic_load_n(&received, __ATOMIC_ACQUIRE);
    (void)c; (void)d; (void)detail; (void)opaque;
    if (i < capacity) {
        cb_ns[i] = t;
        cb_events[i] = event;
    }
    __atomic_store_n(&received, i + 1, __ATOMIC_RELEASE);
    if (i + 1 == __atomic_load_n(&wake_at, __ATOMIC_ACQUIRE)) {
        __atomic_store_n(&notify, __atomic_load_n(&settle, __ATOMIC_ACQUIRE),
                         __ATOMIC_RELEASE);
        sem_post(&done);
    }
}

static void *run_event_loop(void *arg)
{
    (void)arg;
    while (virEventRunDefaultImpl() == 0) {
        if (__atomic_exchange_n(&notify, 0, __ATOMIC_ACQ_REL))
            sem_post(&idle);
    }
    return NULL;
}

static int wait_for(sem_t *sem)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += TIMEOUT_S;
    while (sem_timedwait(sem, &deadline) < 0)
        if (errno != EINTR)
            return -1;
    return 0;
}

/* Blocks the event-loop thread until the burst is released. */
static void park_callback(int timer, void *opaque)
{
    (void)opaque;
    virEventUpdateTimeout(timer, -1);
    sem_post(&parked);
    wait_for(&resume);
}

int ev_setup(const char *uri, const char *xml)
{
    if (sem_init(&done, 0, 0) < 0 || sem_init(&parked, 0, 0) < 0 ||
        sem_init(&resume, 0, 0) < 0 || sem_init(&idle, 0, 0) < 0)
        return -1;
    if (virEventRegisterDefaultImpl() < 0)
        return -1;
    if (pthread_create(&loop_thread, NULL, run_event_loop, NULL) != 0)
        return -1;
    park_timer = virEventAddTimeout(-1, park_callback, NULL, NULL);
    if (park_timer < 0)
        return -1;
    conn = virConnectOpen(uri);
    if (!conn)
        return -1;
    dom = virDomainLookupByName(conn, "test");
    if (!dom)
        return -1;
    domain_xml = strdup(xml);
    if (virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle),
                                         NULL, NULL) < 0)
        return -1;
    return 0;
}

/* Call i of a scenario: 0 = suspend/resume of 'test',
 * 1 = createXML/destroy of a transient domain. */
static int trigger(int scenario, long i, virDomainPtr *created)
{
    int ret;
    if (scenario == 0)
        return i % 2 == 0 ? virDomainSuspend(dom) : virDomainResume(dom);
    if (i % 2 == 0) {
        *created = virDomainCreateXML(conn, domain_xml, 0);
        return *created ? 0 : -1;
    }
    ret = virDomainDestroy(*created);
    virDomainFree(*created);
    *created = NULL;
    return ret;
}

/* Returns the start timestamp, -1 if a call failed, -2 on a callback
 * timeout; *got = callbacks seen. */
long long ev_run(int scenario, int mode, long n, long long *call_ns,
                 long long *callback_ns, int *events, long *got)
{
    virDomainPtr created = NULL;
    long long start, ret;

    cb_ns = callback_ns;
    cb_events = events;
    capacity = n;
    __atomic_store_n(&received, 0, __ATOMIC_RELEASE);

    if (mode == 2) {            /* lock-step, each call with the loop idle */
        __atomic_store_n(&settle, 1, __ATOMIC_RELEASE);
        start = now_ns();
        for (long i = 0; i < n; i++) {
            __atomic_store_n(&wake_at, i + 1, __ATOMIC_RELEASE);
            call_ns[i] = now_ns();
            if (trigger(scenario, i, &created) < 0) { ret = -1; goto out; }
            if (wait_for(&done) < 0 || wait_for(&idle) < 0) { ret = -2; goto out; }
        }
    } else if (mode == 1) {     /* burst */
        virEventUpdateTimeout(park_timer, 0);
        if (wait_for(&parked) < 0) { ret = -1; goto out; }
        __atomic_store_n(&wake_at, n, __ATOMIC_RELEASE);
        for (long i = 0; i < n; i++)
            if (trigger(scenario, i, &created) < 0) { ret = -1; goto out; }
        start = now_ns();
        sem_post(&resume);
        if (wait_for(&done) < 0) { ret = -2; goto out; }
    } else {                    /* pipelined */
        __atomic_store_n(&wake_at, n, __ATOMIC_RELEASE);
        start = now_ns();
        for (long i = 0; i < n; i++)
            if (trigger(scenario, i, &created) < 0) { ret = -1; goto out; }
        if (wait_for(&done) < 0) { ret = -2; goto out; }
    }
    ret = start;
 out:
    __atomic_store_n(&settle, 0, __ATOMIC_RELEASE);
    *got = __atomic_load_n(&received, __ATOMIC_ACQUIRE);
    return ret;
}

long ev_received(void)
{
    return __atomic_load_n(&received, __ATOMIC_ACQUIRE);
}
"""


def load():
    """Return the compiled module (`ffi`, `lib`), building it first if needed."""
    return c_floor.load_module("_events_c_floor", CDEF, C_SOURCE)
