"""The C floor: each benchmarked libvirt call timed in a loop written in C.

Built with cffi in API mode, so the loop, the libvirt call and the clock all
run in C; Python only asks for n iterations and gets the elapsed ns back.
The module name carries a hash of the C source, so editing it forces a rebuild.
"""

import hashlib
import importlib
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from worker import CALLS

BUILD_DIR = Path(__file__).resolve().parent / "_build"

# One timed loop per call of worker.CALLS: n runs, elapsed ns.
CDEF = "int floor_setup(const char *uri);\n" + "".join(
    f"long long {floor}(long n);\n" for _, _, floor in CALLS)

# C shared by the floors (this one, scale_c_floor.py, events_c_floor.py):
# the clock, and an error handler that keeps expected errors off stderr.
NOW_NS = r"""
static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);   /* what time.perf_counter_ns uses */
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
"""

IGNORE_ERROR = r"""
static void ignore_error(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}
"""

C_SOURCE = r"""
#include <stdlib.h>
#include <time.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static virConnectPtr conn;
static virDomainPtr dom;
""" + NOW_NS + IGNORE_ERROR + r"""
/* ignore_error keeps the expected 'Domain not found' of floor_lookup_fails
 * off stderr. */
int floor_setup(const char *uri)
{
    virSetErrorFunc(NULL, ignore_error);
    conn = virConnectOpen(uri);
    if (!conn)
        return -1;
    dom = virDomainLookupByName(conn, "test");
    return dom ? 0 : -1;
}

/* Elapsed ns for n runs of the body; the body returns -1 on failure so a
 * broken call cannot pass for a fast one. */
#define TIMED_LOOP(name, ...)                        \
    long long name(long n)                           \
    {                                                \
        long long start = now_ns();                  \
        for (long i = 0; i < n; i++) { __VA_ARGS__ } \
        return now_ns() - start;                     \
    }

TIMED_LOOP(floor_name,
    if (!virDomainGetName(dom)) return -1;)

TIMED_LOOP(floor_id,
    if (virDomainGetID(dom) == (unsigned int)-1) return -1;)

TIMED_LOOP(floor_uuid_string,
    char uuid[VIR_UUID_STRING_BUFLEN];
    if (virDomainGetUUIDString(dom, uuid) < 0) return -1;)

TIMED_LOOP(floor_info,
    virDomainInfo info;
    if (virDomainGetInfo(dom, &info) < 0) return -1;)

TIMED_LOOP(floor_state,
    int state, reason;
    if (virDomainGetState(dom, &state, &reason, 0) < 0) return -1;)

TIMED_LOOP(floor_get_version,
    unsigned long version;
    if (virConnectGetVersion(conn, &version) < 0) return -1;)

TIMED_LOOP(floor_lookup_by_name,
    virDomainPtr found = virDomainLookupByName(conn, "test");
    if (!found) return -1;
    virDomainFree(found);)

TIMED_LOOP(floor_list_all_domains,
    virDomainPtr *doms;
    int count = virConnectListAllDomains(conn, &doms, 0);
    if (count < 0) return -1;
    for (int j = 0; j < count; j++)
        virDomainFree(doms[j]);
    free(doms);)

TIMED_LOOP(floor_memory_stats,
    virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];
    if (virDomainMemoryStats(dom, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0) < 0) return -1;)

/* The usual two-call pattern: ask for the count, then fetch. */
TIMED_LOOP(floor_cpu_stats,
    int nparams = 0;
    if (virNodeGetCPUStats(conn, VIR_NODE_CPU_STATS_ALL_CPUS, NULL, &nparams, 0) < 0) return -1;
    virNodeCPUStatsPtr params = calloc(nparams, sizeof(*params));
    if (virNodeGetCPUStats(conn, VIR_NODE_CPU_STATS_ALL_CPUS, params, &nparams, 0) < 0) return -1;
    free(params);)

/* The scheduler type call is what tells how many parameters to fetch. */
TIMED_LOOP(floor_scheduler_parameters,
    int nparams = 0;
    char *type = virDomainGetSchedulerType(dom, &nparams);
    if (!type) return -1;
    free(type);
    virTypedParameterPtr params = calloc(nparams, sizeof(*params));
    if (virDomainGetSchedulerParameters(dom, params, &nparams) < 0) return -1;
    virTypedParamsFree(params, nparams);)

TIMED_LOOP(floor_all_domain_stats,
    virDomainStatsRecordPtr *records;
    if (virConnectGetAllDomainStats(conn, 0, &records, 0) < 0) return -1;
    virDomainStatsRecordListFree(records);)

TIMED_LOOP(floor_lookup_fails,
    if (virDomainLookupByName(conn, "nope")) return -1;
    virResetLastError();)
"""


def _pkg_config(flag):
    out = subprocess.run(["pkg-config", flag, "libvirt"], check=True,
                         capture_output=True, text=True).stdout
    return shlex.split(out)


def _build(module_name, cdef, c_source):
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(cdef)
    ffi.set_source(module_name, c_source,
                   extra_compile_args=["-O2"] + _pkg_config("--cflags"),
                   extra_link_args=_pkg_config("--libs"))
    BUILD_DIR.mkdir(exist_ok=True)
    # Build in a private dir and move the result in, so two runs at once
    # never see a half-written module.
    with tempfile.TemporaryDirectory(dir=BUILD_DIR) as tmp:
        built = Path(ffi.compile(tmpdir=tmp, verbose=False))
        os.replace(built, BUILD_DIR / built.name)


def load_module(prefix, cdef, c_source):
    """Return the compiled cffi module for this C source (its `ffi` and
    `lib`), building it into BUILD_DIR first if needed."""
    digest = hashlib.sha256((cdef + c_source).encode()).hexdigest()[:12]
    module_name = f"{prefix}_{digest}"
    if str(BUILD_DIR) not in sys.path:
        sys.path.insert(0, str(BUILD_DIR))
    try:
        return importlib.import_module(module_name)
    except ImportError:
        _build(module_name, cdef, c_source)
        importlib.invalidate_caches()
        return importlib.import_module(module_name)


def load():
    """Return the call floor's `lib`, building it first if needed."""
    return load_module("_c_floor", CDEF, C_SOURCE).lib
