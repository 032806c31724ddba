/*
 * Stand-ins for libvirt functions the test driver does not implement, so
 * that tests/test_overrides_fake.py can check how the binding converts
 * their results.  Built as a shared library and loaded with LD_PRELOAD in
 * a child Python process: these definitions take the place of libvirt's.
 * Each returns fixed, recognisable data (or echoes its arguments back).
 *
 * libvirt is not linked in: as a dependency of a preloaded library its
 * own dependencies (gnutls, p11-kit) would run their constructors before
 * the preloaded AddressSanitizer runtime's, and p11-kit's newlocale()
 * starts ASan from inside glibc's locale lock, which ASan's start-up takes
 * again (dlerror -> gettext): the lock is left broken and the child hangs
 * at its first setlocale.  The few libvirt functions used here are looked
 * up in the copy the binding has loaded by then (libvirt_function()).
 */
#define _GNU_SOURCE
#include <libvirt/libvirt.h>
#include <libvirt/libvirt-lxc.h>
#include <libvirt/libvirt-qemu.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* `name` in the libvirt the binding loaded (with RTLD_LOCAL, so outside
 * the global scope dlsym(RTLD_DEFAULT) and RTLD_NEXT search). */
static void *
libvirt_function(const char *name)
{
    void *lib = dlopen("libvirt.so.0", RTLD_NOW | RTLD_NOLOAD);
    void *function;
    if (lib == NULL)
        abort();
    function = dlsym(lib, name);
    dlclose(lib);   /* RTLD_NOLOAD took a reference; the binding keeps its own */
    if (function == NULL)
        abort();
    return function;
}

int
virDomainGetBlockJobInfo(virDomainPtr dom, const char *disk, virDomainBlockJobInfoPtr info,
                         unsigned int flags)
{
    if (strcmp(disk, "idle") == 0)
        return 0;
    if (strcmp(disk, "fail") == 0)
        return -1;
    info->type = VIR_DOMAIN_BLOCK_JOB_TYPE_COPY;
    info->bandwidth = 3 + flags;
    info->cur = 1ULL << 40;
    info->end = (1ULL << 41) + 1;
    return 1;
}

int
virDomainGetJobInfo(virDomainPtr dom, virDomainJobInfoPtr info)
{
    info->type = VIR_DOMAIN_JOB_UNBOUNDED;
    info->timeElapsed = 100;
    info->timeRemaining = 101;
    info->dataTotal = 102;
    info->dataProcessed = 103;
    info->dataRemaining = 104;
    info->memTotal = 105;
    info->memProcessed = 106;
    info->memRemaining = 107;
    info->fileTotal = 108;
    info->fileProcessed = 109;
    info->fileRemaining = 1ULL << 63;
    return 0;
}

int
virDomainGetJobStats(virDomainPtr dom, int *type, virTypedParameterPtr *params, int *nparams,
                     unsigned int flags)
{
    int (*add_ullong)(virTypedParameterPtr *, int *, int *, const char *, unsigned long long) =
        libvirt_function("virTypedParamsAddULLong");
    int (*add_string)(virTypedParameterPtr *, int *, int *, const char *, const char *) =
        libvirt_function("virTypedParamsAddString");
    int (*add_boolean)(virTypedParameterPtr *, int *, int *, const char *, int) =
        libvirt_function("virTypedParamsAddBoolean");
    int max = 0;
    *params = NULL;
    *nparams = 0;
    *type = VIR_DOMAIN_JOB_COMPLETED;
    add_ullong(params, nparams, &max, VIR_DOMAIN_JOB_TIME_ELAPSED, 42 + flags);
    add_string(params, nparams, &max, "fake_string", "text");
    add_boolean(params, nparams, &max, "fake_bool", 1);
    return 0;
}

/* 6 CPUs, 2 statistics each; CPU 2 offline (no records), CPU 4 with one. */
int
virDomainGetCPUStats(virDomainPtr dom, virTypedParameterPtr params, unsigned int nparams,
                     int start_cpu, unsigned int ncpus, unsigned int flags)
{
    if (params == NULL)
        return start_cpu == 0 && ncpus == 0 ? 6 : 2;
    if (start_cpu == -1) {
        snprintf(params[0].field, VIR_TYPED_PARAM_FIELD_LENGTH, "cpu_time");
        params[0].type = VIR_TYPED_PARAM_ULLONG;
        params[0].value.ul = 1000;
        return 1;
    }
    for (unsigned int i = 0; i < ncpus; i++) {
        int cpu = start_cpu + (int)i;
        virTypedParameterPtr p = &params[i * nparams];
        if (cpu == 2)
            continue;
        snprintf(p[0].field, VIR_TYPED_PARAM_FIELD_LENGTH, "cpu_time");
        p[0].type = VIR_TYPED_PARAM_ULLONG;
        p[0].value.ul = 1000 + cpu;
        if (cpu == 4 || nparams < 2)
            continue;
        snprintf(p[1].field, VIR_TYPED_PARAM_FIELD_LENGTH, "vcpu_time");
        p[1].type = VIR_TYPED_PARAM_ULLONG;
        p[1].value.ul = 2000 + cpu;
    }
    return 2;
}

int
virDomainGetSecurityLabelList(virDomainPtr dom, virSecurityLabelPtr *labels)
{
    virSecurityLabelPtr l = calloc(2, sizeof(*l));
    strcpy(l[0].label, "system_u:system_r:svirt_t:s0:c1,c2");
    l[0].enforcing = 1;
    strcpy(l[1].label, "+107:+107");
    l[1].enforcing = 0;
    *labels = l;
    return 2;
}

int
virNodeGetMemoryStats(virConnectPtr conn, int cellNum, virNodeMemoryStatsPtr params,
                      int *nparams, unsigned int flags)
{
    if (*nparams == 0) {
        *nparams = 3;
        return 0;
    }
    strcpy(params[0].field, VIR_NODE_MEMORY_STATS_TOTAL);
    params[0].value = 1ULL << 34;
    strcpy(params[1].field, VIR_NODE_MEMORY_STATS_FREE);
    params[1].value = 1000 + (cellNum < 0 ? 0 : cellNum);
    strcpy(params[2].field, VIR_NODE_MEMORY_STATS_CACHED);
    params[2].value = 7;
    *nparams = 3;
    return 0;
}

/* authorizedSSHKeysSet stores the keys, authorizedSSHKeysGet returns them. */
static char *ssh_keys[16];
static int nssh_keys;

int
virDomainAuthorizedSSHKeysSet(virDomainPtr dom, const char *user, const char **keys,
                              unsigned int nkeys, unsigned int flags)
{
    if (strcmp(user, "root") != 0 || nkeys > 16)
        return -1;
    for (int i = 0; i < nssh_keys; i++)
        free(ssh_keys[i]);
    for (unsigned int i = 0; i < nkeys; i++)
        ssh_keys[i] = strdup(keys[i]);
    nssh_keys = (int)nkeys;
    return 0;
}

int
virDomainAuthorizedSSHKeysGet(virDomainPtr dom, const char *user, char ***keys,
                              unsigned int flags)
{
    char **copy = calloc(nssh_keys + 1, sizeof(*copy));
    for (int i = 0; i < nssh_keys; i++)
        copy[i] = strdup(ssh_keys[i]);
    *keys = copy;
    return nssh_keys;
}

int
virDomainGetIOThreadInfo(virDomainPtr dom, virDomainIOThreadInfoPtr **info, unsigned int flags)
{
    virDomainIOThreadInfoPtr *threads = calloc(2, sizeof(*threads));
    for (int i = 0; i < 2; i++) {
        threads[i] = calloc(1, sizeof(**threads));
        threads[i]->iothread_id = 10 + i;
        threads[i]->cpumaplen = 1;
        threads[i]->cpumap = calloc(1, 1);
        threads[i]->cpumap[0] = i == 0 ? 0x05 : 0x82;
    }
    *info = threads;
    return 2;
}

int
virDomainGetMessages(virDomainPtr dom, char ***msgs, unsigned int flags)
{
    char **m = calloc(3, sizeof(*m));
    m[0] = strdup("tainted: custom-argv");
    m[1] = strdup("deprecated: machine type");
    *msgs = m;
    return 2;
}

int
virNetworkGetDHCPLeases(virNetworkPtr net, const char *mac, virNetworkDHCPLeasePtr **leases,
                        unsigned int flags)
{
    virNetworkDHCPLeasePtr *list = calloc(2, sizeof(*list));
    list[0] = calloc(1, sizeof(**list));
    list[0]->iface = strdup("virbr0");
    list[0]->expirytime = 1700000000;
    list[0]->type = VIR_IP_ADDR_TYPE_IPV4;
    list[0]->mac = strdup(mac ? mac : "52:54:00:00:00:01");
    list[0]->ipaddr = strdup("192.168.122.5");
    list[0]->prefix = 24;
    list[0]->hostname = strdup("guest");
    list[0]->clientid = NULL;
    list[0]->iaid = NULL;
    *leases = list;
    return 1;
}

/* counts[i] = 100 + i for every (cell, page size) asked for. */
int
virNodeGetFreePages(virConnectPtr conn, unsigned int npages, unsigned int *pages, int startCell,
                    unsigned int cellCount, unsigned long long *counts, unsigned int flags)
{
    for (unsigned int i = 0; i < npages * cellCount; i++)
        counts[i] = 100 + i;
    return (int)(npages * cellCount);
}

/* Encodes what it was given: npages, the first size and count, the cells. */
int
virNodeAllocPages(virConnectPtr conn, unsigned int npages, unsigned int *pageSizes,
                  unsigned long long *pageCounts, int startCell, unsigned int cellCount,
                  unsigned int flags)
{
    unsigned long long total = 0;
    for (unsigned int i = 0; i < npages; i++)
        total += pageSizes[i] * pageCounts[i];
    return (int)(npages * 1000000 + total * 10 + startCell + cellCount);
}

char *
virConnectBaselineHypervisorCPU(virConnectPtr conn, const char *emulator, const char *arch,
                                const char *machine, const char *virttype,
                                const char **xmlCPUs, unsigned int ncpus, unsigned int flags)
{
    char *out = NULL;
    if (asprintf(&out, "%s|%s|%s|%s|%u|%s|%u", emulator ? emulator : "NULL",
                 arch ? arch : "NULL", machine ? machine : "NULL",
                 virttype ? virttype : "NULL", ncpus, ncpus ? xmlCPUs[ncpus - 1] : "",
                 flags) < 0)
        return NULL;
    return out;
}

/* A secret that exists only here. */
#define FAKE_SECRET ((virSecretPtr)(void *)0x5ec7e7)
static unsigned char secret_value[256];
static size_t secret_size;

virSecretPtr
virSecretLookupByUUIDString(virConnectPtr conn, const char *uuid)
{
    return FAKE_SECRET;
}

int
virSecretFree(virSecretPtr secret)
{
    int (*real)(virSecretPtr);
    if (secret == FAKE_SECRET)
        return 0;
    real = libvirt_function("virSecretFree");
    return real(secret);
}

int
virSecretSetValue(virSecretPtr secret, const unsigned char *value, size_t size,
                  unsigned int flags)
{
    if (size > sizeof(secret_value))
        return -1;
    memcpy(secret_value, value, size);
    secret_size = size;
    return 0;
}

unsigned char *
virSecretGetValue(virSecretPtr secret, size_t *size, unsigned int flags)
{
    unsigned char *copy = malloc(secret_size + 1);
    memcpy(copy, secret_value, secret_size);
    *size = secret_size;
    return copy;
}

/* Streams: recv() hands out "hello world" in pieces of up to 4 bytes; a
 * request for 3 bytes (or FAKE_STREAM_BLOCK in the environment) "would
 * block"; recvFlags() stops at a hole when asked to; send() takes all but
 * 3-byte buffers.  Requests for 5 and 6 bytes, from two threads, meet in
 * here: the 5-byte one fills its buffer with "AAAAA", then waits until
 * the 6-byte one has filled its own with "BBBBBB" (the results show
 * whether the binding gave the two calls one buffer). */
static const char stream_data[] = "hello world";
static size_t stream_pos;
static int recv_entered[2], recv_gate[2];

__attribute__((constructor)) static void
fake_stream_pipes(void)
{
    if (pipe(recv_entered) < 0 || pipe(recv_gate) < 0)
        abort();
}

static int
stream_meet(char *data, size_t nbytes)
{
    char c = 0;

    if (nbytes == 5) {
        memset(data, 'A', nbytes);
        if (write(recv_entered[1], &c, 1) != 1 || read(recv_gate[0], &c, 1) != 1)
            abort();
    } else {
        if (read(recv_entered[0], &c, 1) != 1)
            abort();
        memset(data, 'B', nbytes);
        if (write(recv_gate[1], &c, 1) != 1)
            abort();
    }
    return (int)nbytes;
}

int
virStreamRecv(virStreamPtr st, char *data, size_t nbytes)
{
    size_t n = sizeof(stream_data) - 1 - stream_pos;
    if (nbytes == 3 || getenv("FAKE_STREAM_BLOCK") != NULL)
        return -2;
    if (nbytes == 5 || nbytes == 6)
        return stream_meet(data, nbytes);
    if (n > nbytes)
        n = nbytes;
    if (n > 4)
        n = 4;
    memcpy(data, stream_data + stream_pos, n);
    stream_pos += n;
    return (int)n;
}

int
virStreamRecvFlags(virStreamPtr st, char *data, size_t nbytes, unsigned int flags)
{
    if (flags & VIR_STREAM_RECV_STOP_AT_HOLE)
        return -3;
    return virStreamRecv(st, data, nbytes);
}

int
virStreamRecvHole(virStreamPtr st, long long *length, unsigned int flags)
{
    *length = (1LL << 33) + flags;
    return 0;
}

int
virStreamSend(virStreamPtr st, const char *data, size_t nbytes)
{
    return nbytes == 3 ? -2 : (int)nbytes;
}

int
virDomainQemuMonitorCommand(virDomainPtr dom, const char *cmd, char **result,
                            unsigned int flags)
{
    return asprintf(result, "{\"return\": \"%s\", \"flags\": %u}", cmd, flags) < 0 ? -1 : 0;
}

/* Echoes the number of files and the first descriptor; passes back two
 * descriptors open on /dev/null. */
int
virDomainQemuMonitorCommandWithFiles(virDomainPtr dom, const char *cmd, unsigned int ninfiles,
                                     int *infiles, unsigned int *noutfiles, int **outfiles,
                                     char **result, unsigned int flags)
{
    if (asprintf(result, "%s n=%u first=%d flags=%u", cmd, ninfiles,
                 ninfiles ? infiles[0] : -1, flags) < 0)
        return -1;
    if (noutfiles != NULL) {
        *outfiles = malloc(2 * sizeof(int));
        (*outfiles)[0] = open("/dev/null", O_RDONLY);
        (*outfiles)[1] = open("/dev/null", O_RDONLY);
        *noutfiles = 2;
    }
    return 0;
}

int
virDomainLxcOpenNamespace(virDomainPtr dom, int **fdlist, unsigned int flags)
{
    int *fds = malloc(3 * sizeof(int));
    for (int i = 0; i < 3; i++)
        fds[i] = open("/dev/null", O_RDONLY);
    *fdlist = fds;
    return 3;
}

int
virDomainFDAssociate(virDomainPtr dom, const char *name, unsigned int nfds, int *fds,
                     unsigned int flags)
{
    if (strcmp(name, "fail") == 0)
        return -1;
    return (int)nfds * 1000 + (nfds ? fds[nfds - 1] : 0);
}

/* A call that fails on its own while another thread releases its domain:
 * suspend() waits here until getVersion() has seen it enter and
 * getLibVersion() opens the gate, then fails as libvirt does (the real
 * virDomainGetXMLDesc refusing unknown flags: VIR_ERR_INVALID_ARG). */
static int suspend_entered[2], suspend_gate[2];

__attribute__((constructor)) static void
fake_suspend_pipes(void)
{
    if (pipe(suspend_entered) < 0 || pipe(suspend_gate) < 0)
        abort();
}

int
virDomainSuspend(virDomainPtr dom)
{
    char *(*get_xml)(virDomainPtr, unsigned int) = libvirt_function("virDomainGetXMLDesc");
    char c = 0;

    if (write(suspend_entered[1], &c, 1) != 1 || read(suspend_gate[0], &c, 1) != 1)
        abort();
    if (get_xml(dom, 1u << 30) != NULL)
        abort();
    return -1;
}

int
virConnectGetVersion(virConnectPtr conn, unsigned long *version)
{
    char c;

    if (read(suspend_entered[0], &c, 1) != 1)
        abort();
    *version = 1;
    return 0;
}

int
virConnectGetLibVersion(virConnectPtr conn, unsigned long *version)
{
    char c = 0;

    if (write(suspend_gate[1], &c, 1) != 1)
        abort();
    *version = 2;
    return 0;
}
