/* src/callbacks.h: callback registrations, entering Python from libvirt, event families. */
/*
 * Shared by libvirtmod (src/event-loop.c, src/events-*.c,
 * src/close-callback.c, src/streams.c) and libvirtmod_qemu (src/qemu.c).
 * Defined in src/callbacks.c, which each of the two extension modules
 * links its own copy of, except the event families (src/events-*.c,
 * libvirtmod's alone).
 *
 * A registration hands libvirt an lv_reg as its opaque pointer, with
 * lv_reg_free as the virFreeCallback: libvirt owns it from then on and
 * releases it once the registration is gone (deregistered, or dropped
 * with the connection or stream).  The lv_reg holds strong references to
 * the Python callback, its opaque value and the object the registration
 * was made on (the connection, or the stream), which every call passes
 * first: the callback sees the very object it registered through.  That
 * object's type holds libvirtmod, so the module state `st` the lv_reg
 * points to lives at least as long as the lv_reg.
 *
 * libvirt calls the C callbacks from its event loop, on whatever thread
 * runs it, and lv_reg_free from there or from the thread deregistering
 * (with the GIL released by our entry points, which never call libvirt
 * with the GIL held).  Both take the GIL with PyGILState_Ensure, except
 * once the interpreter is finalizing: the event is then dropped (and an
 * lv_reg freed then leaks) rather than touching Python.
 */
#ifndef LIBVIRT_PYTHON_CALLBACKS_H
#define LIBVIRT_PYTHON_CALLBACKS_H

#include "typewrappers.h"

#include <stdarg.h>

/* ---- entering Python from a libvirt callback ----------------------------- */

typedef struct {
    PyGILState_STATE gil;
    lv_saved_exc exc;
} lv_cb_ctx;

/* Take the GIL (from any thread, held or not) and keep any pending
 * exception aside.  Returns 0, touching nothing, when Python can no
 * longer be entered: the caller then drops what it was doing. */
int lv_cb_enter(lv_cb_ctx *ctx);
/* Put the kept exception back and release the GIL (after lv_cb_enter
 * returned 1). */
void lv_cb_leave(lv_cb_ctx *ctx);

/* ---- registrations -------------------------------------------------------- */

typedef struct lv_reg lv_reg;

struct lv_reg {
    lv_state *st;          /* libvirtmod's state: what handles are wrapped in */
    PyObject *owner;       /* first argument of every call */
    PyObject *cb;
    PyObject *opaque;      /* last argument of every call */
    /* Run (GIL held) when libvirt frees the registration, before the
     * references go: unlinks it from its user's bookkeeping. */
    void (*on_free)(lv_reg *r);
    lv_reg *next, *prev;   /* for its user's lists */
    int id;                /* for its user: e.g. libvirt's callback id */
    int flags;             /* for its user */
};

/* A list of registrations through next/prev (GIL held); LV_REG_LINKED in
 * flags says whether r is on it, so that unlinking twice is harmless. */
#define LV_REG_LINKED 1

void lv_reg_link(lv_reg **head, lv_reg *r);
void lv_reg_unlink(lv_reg **head, lv_reg *r);

/* A new registration (GIL held) of `cb` and `opaque` made on `owner`;
 * NULL with MemoryError. */
lv_reg *lv_reg_new(lv_state *st, PyObject *owner, PyObject *cb, PyObject *opaque);
/* Drop the references and free `r` (GIL held): for a registration
 * libvirt did not take, or one it will never free. */
void lv_reg_release(lv_reg *r);
/* The virFreeCallback of every registration. */
void lv_reg_free(void *opaque);

/* A new Python object for a handle libvirt lends to a callback (GIL
 * held), owned by the registration's connection; None for NULL.  For
 * lv_call_cb only: the object is lent (lv_wrap_lent) until lv_call_cb
 * settles it. */
PyObject *lv_reg_object(lv_reg *r, lv_kind kind, void *handle);

/* Call cb(owner, [obj,] *rest, opaque) (GIL held).  `obj` (a new
 * reference from lv_reg_object, or NULL for none) and `rest` (a new
 * tuple, or NULL when making the arguments failed with an exception set)
 * are consumed; obj is settled (lv_object_settle) once the call is over.
 * An exception goes to sys.unraisablehook; delivery goes on. */
void lv_call_cb(PyObject *cb, PyObject *owner, PyObject *obj, PyObject *rest, PyObject *opaque);

/* r->cb(r->owner, [obj,] *rest, r->opaque): see lv_call_cb. */
static inline void
lv_reg_call(lv_reg *r, PyObject *obj, PyObject *rest)
{
    lv_call_cb(r->cb, r->owner, obj, rest, r->opaque);
}

/* A new tuple of C values described by `fmt`, one character each:
 * 'i' int, 'u' unsigned int, 'L' long long, 'K' unsigned long long,
 * 's' const char * (NULL gives None; bytes that are not UTF-8 are kept as
 * surrogate escapes, as everywhere in the binding), 'P' typed parameters
 * (virTypedParameterPtr, int: a dict), 'O' what a function makes of a
 * value (PyObject *(*)(const void *), const void *: a new reference, or
 * NULL with an exception).  NULL on error. */
PyObject *lv_args_v(const char *fmt, va_list va);
PyObject *lv_args(const char *fmt, ...);

/* The C callback of an event: cb(conn, wrapped handle of `kind`, *values
 * described by fmt (see lv_args_v), opaque), opaque being the lv_reg. */
void lv_event_dispatch(void *opaque, lv_kind kind, void *handle, const char *fmt, ...);
/* The same with no object: cb(owner, *values, opaque), for what happens to
 * the registration's own connection or stream (close reason, stream events). */
void lv_notify(void *opaque, const char *fmt, ...);

/* The C callbacks the generated registrations hand libvirt (callback= in
 * libvirt-override-api.xml), each with an lv_reg as its opaque: the
 * stream's events (src/streams.c), a handle's and a timeout's of
 * libvirt's event loop (src/event-loop.c). */
void lv_stream_cb(virStreamPtr stream, int events, void *opaque);
void lv_ev_handle_cb(int watch, int fd, int events, void *opaque);
void lv_ev_timeout_cb(int timer, void *opaque);
/* The close callback of every connection (src/close-callback.c), which
 * the generated unregisterCloseCallback() also names. */
void lv_close_cb(virConnectPtr conn, int reason, void *opaque);
/* The legacy domain event callback (src/events-register.c), which the
 * generated domainEventDeregister() names. */
int lv_legacy_cb(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque);

/* ---- event families (src/events-domain.c, src/events-objects.c) ---------- */

/* domainEventRegisterAny() and friends (src/events-register.c) register,
 * for the event ID asked, the C callback of its family that matches the
 * ID's C signature, with an lv_reg as its opaque pointer and lv_reg_free
 * as the free function: libvirt owns the lv_reg, and with it the Python
 * callback, opaque value and connection object, until the registration
 * is gone.  Each C callback converts its arguments and calls
 *
 *     cb(conn, object, *event arguments, opaque)
 *
 * with conn the connection object the registration was made on, and
 * object a new wrapper of the domain (network, ...) libvirt lends. */

/* Any C callback of an event, cast to one type for the tables. */
typedef void (*lv_event_cb)(void);
#define LV_CB(f) ((lv_event_cb)(f))

/* One family of events: how to register and deregister a callback of
 * it, and the C callback of each of its event IDs (indexed by event ID;
 * an ID this binding was built without stays NULL). */
typedef struct {
    const char *cname;         /* for libvirtError */
    const char *dereg_cname;
    int nids;
    const lv_event_cb *callbacks;
    int (*reg)(virConnectPtr, void *, int, lv_event_cb, void *, virFreeCallback);
    int (*dereg)(virConnectPtr, int);
} lv_event_family;

/* Define the family `var` of libvirt's virConnect<Fam>Event* functions,
 * with the C callbacks `table`: its registering function (libvirt's, the
 * callback cast to the family's generic type) and the family itself. */
#define LV_DEFINE_FAMILY(var, Fam, table)                                                \
    static int                                                                            \
    lv_register_##Fam(virConnectPtr conn, void *obj, int id, lv_event_cb cb, void *opaque, \
                      virFreeCallback ff)                                                 \
    {                                                                                     \
        return virConnect##Fam##EventRegisterAny(                                        \
            conn, obj, id, (virConnect##Fam##EventGenericCallback)cb, opaque, ff);        \
    }                                                                                     \
    const lv_event_family var = {                                                         \
        "virConnect" #Fam "EventRegisterAny", "virConnect" #Fam "EventDeregisterAny",     \
        (int)(sizeof(table) / sizeof((table)[0])), table, lv_register_##Fam,              \
        virConnect##Fam##EventDeregisterAny}

extern const lv_event_family lv_domain_family;    /* src/events-domain.c */
extern const lv_event_family lv_network_family;   /* src/events-objects.c */
extern const lv_event_family lv_pool_family;
extern const lv_event_family lv_nodedev_family;
extern const lv_event_family lv_secret_family;

/* <family>EventRegisterAny(obj, eventID, cb, opaque) and
 * <family>EventDeregisterAny(callbackID) on the connection `self` (its
 * handle `conn`), for every family (rules.SHARED_IMPLS): libvirt's
 * callback id, and None as the reference binding returns. */
PyObject *lv_event_register_any(PyObject *self, lv_state *st, virConnectPtr conn,
                                const lv_event_family *fam, void *obj, int id, PyObject *cb,
                                PyObject *opaque);
PyObject *lv_event_deregister_any(PyObject *self, lv_state *st, virConnectPtr conn,
                                  const lv_event_family *fam, int id);

#endif
