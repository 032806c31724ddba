/*
 * libvirt-override-event.c: libvirt's event loop API for Python.
 *
 * Two directions:
 *
 * - Python registers a callback with whatever event loop libvirt uses
 *   (virEventAddHandle, virEventAddTimeout).  The Python callback and its
 *   opaque value are held by an lv_ev_pycb that libvirt owns: it releases
 *   it through the virFreeCallback we hand it when the registration is
 *   removed, which may happen later, from the event loop.
 *
 * - Python provides the event loop (virEventRegisterImpl).  libvirt then
 *   calls the C shims below, which call the six Python callables.  What
 *   libvirt registers reaches Python as a pair (cb, opaque):
 *
 *       addHandle(fd, events, cb, opaque) -> watch
 *       addTimeout(timeout, cb, opaque)   -> timer
 *
 *   where cb is libvirtmod.virEventInvokeHandleCallback (resp.
 *   virEventInvokeTimeoutCallback) and opaque an lv_event_opaque object
 *   carrying libvirt's C callback, opaque pointer and free function.  The
 *   loop dispatches with cb(watch, fd, events, opaque) (resp. cb(timer,
 *   opaque)) and, once libvirt removed the registration (removeHandle /
 *   removeTimeout), calls virEventInvokeFreeCallback(opaque), later, from
 *   the loop itself: never from inside removeHandle/removeTimeout, whose
 *   caller may hold libvirt locks the free function needs.
 *
 * The Python event loop given to virEventRegisterImpl is process-wide, as
 * libvirt's event implementation is (lv_ev below).  Everything else lives
 * in libvirtmod's module state (lv_state): the type of the opaque objects,
 * the bookkeeping of legacy domain event and close callback
 * registrations.  The C callbacks libvirt calls find it through their
 * opaque data (an lv_reg's st) or, for the event loop shims, through
 * lv_ev.
 */
#include "typewrappers.h"
#include "libvirt-callbacks.h"
#include "libvirtmod-impl.h"

#include <limits.h>
#include <stdarg.h>
#include <string.h>

/* ---- Python callbacks registered with libvirt's event loop ------------- */

/* What libvirt holds for a virEventAddHandle/virEventAddTimeout made from
 * Python: raw memory, so that it may be freed without the GIL. */
typedef struct {
    PyObject *cb;
    PyObject *opaque;
} lv_ev_pycb;

static lv_ev_pycb *
lv_ev_pycb_new(PyObject *cb, PyObject *opaque)
{
    lv_ev_pycb *data = malloc(sizeof(*data));
    if (data == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    data->cb = Py_NewRef(cb);
    data->opaque = Py_NewRef(opaque);
    return data;
}

/* Release with the GIL held. */
static void
lv_ev_pycb_release(lv_ev_pycb *data)
{
    Py_DECREF(data->cb);
    Py_DECREF(data->opaque);
    free(data);
}

/* The virFreeCallback libvirt calls when the registration is gone. */
static void
lv_ev_pycb_free(void *opaque)
{
    lv_cb_ctx ctx;

    if (!lv_cb_enter(&ctx))
        return;   /* interpreter gone: nothing left to release */
    lv_ev_pycb_release(opaque);
    lv_cb_leave(&ctx);
}

/* Call data->cb(a, b, c, data->opaque) for a handle, data->cb(a,
 * data->opaque) for a timeout; an exception is reported as unraisable. */
static void
lv_ev_pycb_call(lv_ev_pycb *data, int handle, int a, int b, int c)
{
    lv_cb_ctx ctx;
    PyObject *cb, *opaque, *result;

    if (!lv_cb_enter(&ctx))
        return;
    /* The callback may remove its own registration: keep what we use. */
    cb = Py_NewRef(data->cb);
    opaque = Py_NewRef(data->opaque);
    if (handle)
        result = PyObject_CallFunction(cb, "iiiO", a, b, c, opaque);
    else
        result = PyObject_CallFunction(cb, "iO", a, opaque);
    if (result == NULL)
        PyErr_WriteUnraisable(cb);
    Py_XDECREF(result);
    Py_DECREF(cb);
    Py_DECREF(opaque);
    lv_cb_leave(&ctx);
}

static void
lv_ev_pycb_handle(int watch, int fd, int events, void *opaque)
{
    lv_ev_pycb_call(opaque, 1, watch, fd, events);
}

static void
lv_ev_pycb_timeout(int timer, void *opaque)
{
    lv_ev_pycb_call(opaque, 0, timer, 0, 0);
}

PyObject *
lv_impl_virEventAddHandle(PyObject *module, lv_state *st, int fd, int events, PyObject *cb,
                          PyObject *opaque)
{
    int watch;
    lv_ev_pycb *data;

    if ((data = lv_ev_pycb_new(cb, opaque)) == NULL)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    watch = virEventAddHandle(fd, events, lv_ev_pycb_handle, data, lv_ev_pycb_free);
    Py_END_ALLOW_THREADS
    if (watch < 0) {
        /* libvirt does not call the free function of a failed registration. */
        lv_ev_pycb_release(data);
        return lv_raise(st, "virEventAddHandle");
    }
    return PyLong_FromLong(watch);
}

PyObject *
lv_impl_virEventAddTimeout(PyObject *module, lv_state *st, int timeout, PyObject *cb,
                           PyObject *opaque)
{
    int timer;
    lv_ev_pycb *data;

    if ((data = lv_ev_pycb_new(cb, opaque)) == NULL)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    timer = virEventAddTimeout(timeout, lv_ev_pycb_timeout, data, lv_ev_pycb_free);
    Py_END_ALLOW_THREADS
    if (timer < 0) {
        lv_ev_pycb_release(data);
        return lv_raise(st, "virEventAddTimeout");
    }
    return PyLong_FromLong(timer);
}

/* ---- the opaque objects handed to a Python event loop ------------------ */

enum { LV_EV_HANDLE, LV_EV_TIMEOUT };

/* One registration libvirt made with the Python event loop.  `consumed`
 * is set once the free function has been claimed (by
 * virEventInvokeFreeCallback, or because the registration failed):
 * afterwards the object can no longer dispatch nor free.  `busy` counts
 * dispatches in progress (they run without the GIL); a free requested
 * meanwhile is deferred until the last of them returns. */
typedef struct {
    PyObject_HEAD
    int kind;
    union {
        virEventHandleCallback handle;
        virEventTimeoutCallback timeout;
    } cb;
    void *opaque;
    virFreeCallback ff;
    int busy;
    unsigned char consumed;
    unsigned char free_pending;
} lv_event_opaque;

/* The Python event loop (see the top of the file).  Process-wide, the
 * one piece of state here that is not in the module state: libvirt's
 * event implementation is global to the process, is registered once and
 * can never be unregistered, and libvirt calls the shims below with no
 * Python object at hand.  So it lives in a static struct, and what it
 * holds is never released: the six callables, and the module that
 * registered them (whose state has the type of the opaque objects made
 * for the loop).  Only touched with the GIL held. */
static struct {
    int registered;                 /* virEventRegisterImpl succeeded */
    PyObject *add_handle, *update_handle, *remove_handle;
    PyObject *add_timeout, *update_timeout, *remove_timeout;
    PyObject *invoke_handle;        /* the `cb` passed to addHandle */
    PyObject *invoke_timeout;       /* the `cb` passed to addTimeout */
    PyObject *module;               /* libvirtmod, keeping `st` alive */
    lv_state *st;
} lv_ev;

static PyObject *
lv_event_opaque_repr(PyObject *self)
{
    lv_event_opaque *o = (lv_event_opaque *)self;
    return PyUnicode_FromFormat("<libvirtmod._EventOpaque of a %s registration%s at %p>",
                                o->kind == LV_EV_HANDLE ? "handle" : "timeout",
                                o->consumed ? ", freed" : "", self);
}

static void
lv_event_opaque_dealloc(PyObject *self)
{
    PyTypeObject *type = Py_TYPE(self);
    /* Not consumed: the loop dropped a registration without freeing it.
     * Its C data leaks rather than being freed from whatever context
     * triggered the dealloc (possibly inside a libvirt call). */
    ((freefunc)PyType_GetSlot(type, Py_tp_free))(self);
    Py_DECREF(type);
}

/* The type of the opaque objects, made once per module (its state keeps
 * it); NULL with an exception set when making it failed. */
static PyTypeObject *
lv_event_opaque_type(PyObject *module, lv_state *st)
{
    if (st->event_opaque_type == NULL) {
        PyType_Slot slots[] = {
            {Py_tp_dealloc, lv_event_opaque_dealloc},
            {Py_tp_repr, lv_event_opaque_repr},
            {Py_tp_doc, (void *)"Opaque data of a registration libvirt made with the event "
                                "loop given to virEventRegisterImpl: pass it back to the "
                                "callback received with it and, once the registration is "
                                "removed, to virEventInvokeFreeCallback."},
            {0, NULL},
        };
        PyType_Spec spec = {
            .name = "libvirtmod._EventOpaque",
            .basicsize = sizeof(lv_event_opaque),
            .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
            .slots = slots,
        };
        st->event_opaque_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &spec, NULL);
    }
    return st->event_opaque_type;
}

/* A new opaque object of st's type (made by virEventRegisterImpl, before
 * libvirt can make any registration with the loop). */
static lv_event_opaque *
lv_event_opaque_new(lv_state *st, int kind, void *cb, void *opaque, virFreeCallback ff)
{
    PyTypeObject *type = st->event_opaque_type;
    lv_event_opaque *o;

    if (type == NULL) {   /* the module was cleared: the interpreter is exiting */
        PyErr_SetString(PyExc_RuntimeError, "libvirtmod is gone: no event registration possible");
        return NULL;
    }
    if ((o = PyObject_New(lv_event_opaque, type)) == NULL)
        return NULL;
    o->kind = kind;
    if (kind == LV_EV_HANDLE)
        o->cb.handle = (virEventHandleCallback)cb;
    else
        o->cb.timeout = (virEventTimeoutCallback)cb;
    o->opaque = opaque;
    o->ff = ff;
    o->busy = 0;
    o->consumed = 0;
    o->free_pending = 0;
    return o;
}

/* `o` as one of st's opaque objects (of the given kind, or any when -1). */
static lv_event_opaque *
lv_event_opaque_arg(lv_state *st, PyObject *o, int kind)
{
    if (st->event_opaque_type == NULL || !Py_IS_TYPE(o, st->event_opaque_type)) {
        PyObject *type_name = lv_type_name(o);
        PyErr_Format(PyExc_TypeError,
                     "argument 'opaque' must be the opaque object libvirt passed to the "
                     "event loop's addHandle or addTimeout, not %.100S", type_name);
        Py_DECREF(type_name);
        return NULL;
    }
    if (kind >= 0 && ((lv_event_opaque *)o)->kind != kind) {
        PyErr_Format(PyExc_TypeError, "argument 'opaque' belongs to a %s, not a %s",
                     kind == LV_EV_HANDLE ? "timeout" : "handle",
                     kind == LV_EV_HANDLE ? "handle" : "timeout");
        return NULL;
    }
    return (lv_event_opaque *)o;
}

/* Run libvirt's free function of `o` (already marked consumed), GIL held. */
static void
lv_event_opaque_run_free(lv_event_opaque *o)
{
    virFreeCallback ff = o->ff;
    void *opaque = o->opaque;

    o->ff = NULL;
    o->opaque = NULL;
    o->free_pending = 0;
    if (ff != NULL) {
        Py_BEGIN_ALLOW_THREADS
        ff(opaque);
        Py_END_ALLOW_THREADS
    }
}

static int
lv_event_opaque_check_live(lv_event_opaque *o)
{
    if (!o->consumed)
        return 0;
    PyErr_SetString(PyExc_ValueError,
                    "the event registration of this opaque object was already freed");
    return -1;
}

/* Dispatch bracket: libvirt's callback runs without the GIL. */
static void
lv_event_opaque_enter(lv_event_opaque *o)
{
    Py_INCREF(o);
    o->busy++;
}

static void
lv_event_opaque_leave(lv_event_opaque *o)
{
    if (--o->busy == 0 && o->free_pending)
        lv_event_opaque_run_free(o);
    Py_DECREF(o);
}

/* virEventInvokeHandleCallback(watch, fd, events, opaque) */
PyObject *
lv_impl_virEventInvokeHandleCallback(PyObject *module, lv_state *st, int watch, int fd,
                                     int events, PyObject *opaque_arg)
{
    lv_event_opaque *o;

    if ((o = lv_event_opaque_arg(st, opaque_arg, LV_EV_HANDLE)) == NULL
        || lv_event_opaque_check_live(o) < 0)
        return NULL;
    lv_event_opaque_enter(o);
    {
        virEventHandleCallback cb = o->cb.handle;
        void *opaque = o->opaque;
        Py_BEGIN_ALLOW_THREADS
        cb(watch, fd, events, opaque);
        Py_END_ALLOW_THREADS
    }
    lv_event_opaque_leave(o);
    Py_RETURN_NONE;
}

/* virEventInvokeTimeoutCallback(timer, opaque) */
PyObject *
lv_impl_virEventInvokeTimeoutCallback(PyObject *module, lv_state *st, int timer,
                                      PyObject *opaque_arg)
{
    lv_event_opaque *o;

    if ((o = lv_event_opaque_arg(st, opaque_arg, LV_EV_TIMEOUT)) == NULL
        || lv_event_opaque_check_live(o) < 0)
        return NULL;
    lv_event_opaque_enter(o);
    {
        virEventTimeoutCallback cb = o->cb.timeout;
        void *opaque = o->opaque;
        Py_BEGIN_ALLOW_THREADS
        cb(timer, opaque);
        Py_END_ALLOW_THREADS
    }
    lv_event_opaque_leave(o);
    Py_RETURN_NONE;
}

/* virEventInvokeFreeCallback(opaque) */
PyObject *
lv_impl_virEventInvokeFreeCallback(PyObject *module, lv_state *st, PyObject *opaque_arg)
{
    lv_event_opaque *o;

    if ((o = lv_event_opaque_arg(st, opaque_arg, -1)) == NULL)
        return NULL;
    if (!o->consumed) {
        o->consumed = 1;
        if (o->busy > 0)
            o->free_pending = 1;   /* freed when the dispatch returns */
        else {
            Py_INCREF(o);
            lv_event_opaque_run_free(o);
            Py_DECREF(o);
        }
    }
    Py_RETURN_NONE;
}

/* ---- the C shims libvirt calls ----------------------------------------- */

/* The id a Python addHandle/addTimeout returned (-1 with the error
 * reported as unraisable when it raised or returned something else). */
static int
lv_ev_id_result(PyObject *callable, PyObject *result, const char *what)
{
    long value = -1;
    int overflow = 0;

    if (result != NULL) {
        if (!PyLong_Check(result)) {
            PyObject *type_name = lv_type_name(result);
            PyErr_Format(PyExc_TypeError, "the event loop's %s must return an int, not %.100S",
                         what, type_name);
            Py_DECREF(type_name);
        } else if ((value = PyLong_AsLongAndOverflow(result, &overflow)) == -1 && PyErr_Occurred())
            ;
        else if (overflow || value < INT_MIN || value > INT_MAX)
            PyErr_Format(PyExc_OverflowError, "the event loop's %s returned %R, "
                         "out of range for a C int", what, result);
        Py_DECREF(result);
    }
    if (PyErr_Occurred()) {
        PyErr_WriteUnraisable(callable);
        return -1;
    }
    return (int)value;
}

/* Register with the Python loop; returns its id or -1. */
static int
lv_ev_add(int kind, int a, int b, void *cb, void *opaque, virFreeCallback ff)
{
    lv_cb_ctx ctx;
    lv_event_opaque *o;
    PyObject *callable, *result = NULL;
    int id;

    if (!lv_cb_enter(&ctx))
        return -1;
    callable = kind == LV_EV_HANDLE ? lv_ev.add_handle : lv_ev.add_timeout;
    o = lv_event_opaque_new(lv_ev.st, kind, cb, opaque, ff);
    if (o != NULL) {
        if (kind == LV_EV_HANDLE)
            result = PyObject_CallFunction(callable, "iiOO", a, b, lv_ev.invoke_handle, o);
        else
            result = PyObject_CallFunction(callable, "iOO", a, lv_ev.invoke_timeout, o);
    }
    id = lv_ev_id_result(callable, result, kind == LV_EV_HANDLE ? "addHandle" : "addTimeout");
    if (o != NULL) {
        /* A failed registration's data stays with libvirt's caller: the
         * loop must not free it, even if it kept the object. */
        if (id < 0)
            o->consumed = 1;
        Py_DECREF(o);
    }
    lv_cb_leave(&ctx);
    return id;
}

/* Call callable(id[, value]): returns 0, or -1 when it raised. */
static int
lv_ev_call(PyObject **callable_ref, int id, int with_value, int value)
{
    lv_cb_ctx ctx;
    PyObject *callable, *result;
    int rc = 0;

    if (!lv_cb_enter(&ctx))
        return -1;
    callable = *callable_ref;
    if (with_value)
        result = PyObject_CallFunction(callable, "ii", id, value);
    else
        result = PyObject_CallFunction(callable, "i", id);
    if (result == NULL) {
        PyErr_WriteUnraisable(callable);
        rc = -1;
    }
    Py_XDECREF(result);   /* the value itself is not used */
    lv_cb_leave(&ctx);
    return rc;
}

static int
lv_ev_add_handle(int fd, int events, virEventHandleCallback cb, void *opaque,
                 virFreeCallback ff)
{
    return lv_ev_add(LV_EV_HANDLE, fd, events, (void *)cb, opaque, ff);
}

static void
lv_ev_update_handle(int watch, int events)
{
    lv_ev_call(&lv_ev.update_handle, watch, 1, events);
}

static int
lv_ev_remove_handle(int watch)
{
    return lv_ev_call(&lv_ev.remove_handle, watch, 0, 0);
}

static int
lv_ev_add_timeout(int timeout, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff)
{
    return lv_ev_add(LV_EV_TIMEOUT, timeout, 0, (void *)cb, opaque, ff);
}

static void
lv_ev_update_timeout(int timer, int timeout)
{
    lv_ev_call(&lv_ev.update_timeout, timer, 1, timeout);
}

static int
lv_ev_remove_timeout(int timer)
{
    return lv_ev_call(&lv_ev.remove_timeout, timer, 0, 0);
}

/* libvirtmod's function `name` (libvirt-override-api.xml: libvirt='no'). */
static PyObject *
lv_ev_function(PyObject *module, const char *name)
{
    return PyObject_GetAttrString(module, name);
}

PyObject *
lv_impl_virEventRegisterImpl(PyObject *module, lv_state *st, PyObject *addHandle,
                             PyObject *updateHandle, PyObject *removeHandle,
                             PyObject *addTimeout, PyObject *updateTimeout,
                             PyObject *removeTimeout)
{
    static const char *const names[] = {"addHandle", "updateHandle", "removeHandle",
                                        "addTimeout", "updateTimeout", "removeTimeout"};
    PyObject *argv[] = {addHandle, updateHandle, removeHandle,
                        addTimeout, updateTimeout, removeTimeout};
    PyObject *invoke_handle, *invoke_timeout;

    /* A second loop is refused first, as the reference refuses it. */
    if (lv_ev.registered) {
        PyErr_SetString(PyExc_RuntimeError, "Event loop is already registered");
        return NULL;
    }
    for (int i = 0; i < 6; i++) {
        if (lv_arg_callable(argv[i], names[i]) < 0)
            return NULL;
    }
    if (lv_event_opaque_type(module, st) == NULL)
        return NULL;
    invoke_handle = lv_ev_function(module, "virEventInvokeHandleCallback");
    invoke_timeout = invoke_handle ? lv_ev_function(module, "virEventInvokeTimeoutCallback") : NULL;
    if (invoke_timeout == NULL) {
        Py_XDECREF(invoke_handle);
        return NULL;
    }
    lv_ev.invoke_handle = invoke_handle;
    lv_ev.invoke_timeout = invoke_timeout;
    lv_ev.module = Py_NewRef(module);
    lv_ev.st = st;
    lv_ev.add_handle = Py_NewRef(argv[0]);
    lv_ev.update_handle = Py_NewRef(argv[1]);
    lv_ev.remove_handle = Py_NewRef(argv[2]);
    lv_ev.add_timeout = Py_NewRef(argv[3]);
    lv_ev.update_timeout = Py_NewRef(argv[4]);
    lv_ev.remove_timeout = Py_NewRef(argv[5]);
    lv_ev.registered = 1;
    /* libvirt keeps the first implementation registered in the process
     * (warning about later attempts): after virEventRegisterDefaultImpl()
     * this one is ignored, as with the original binding. */
    virEventRegisterImpl(lv_ev_add_handle, lv_ev_update_handle, lv_ev_remove_handle,
                         lv_ev_add_timeout, lv_ev_update_timeout, lv_ev_remove_timeout);
    Py_RETURN_NONE;
}

/* ==== Python callbacks of libvirt's events ================================
 *
 * domainEventRegisterAny() and friends register, for the event ID asked,
 * the C callback below that matches the ID's C signature, with an lv_reg
 * (libvirt-callbacks.h) as its opaque pointer and lv_reg_free as the free
 * function: libvirt owns the lv_reg, and with it the Python callback,
 * opaque value and connection object, until the registration is gone.
 * Each C callback converts its arguments and calls
 *
 *     cb(conn, object, *event arguments, opaque)
 *
 * with conn the connection object the registration was made on, and
 * object a new wrapper of the domain (network, ...) libvirt lends.
 */

/* cb(conn, wrapped handle, *values described by fmt (see lv_args_v), opaque) */
static void
lv_event_dispatch(void *opaque, lv_kind kind, void *handle, const char *fmt, ...)
{
    lv_reg *r = opaque;
    lv_cb_ctx ctx;
    PyObject *obj, *rest = NULL;
    va_list va;

    if (!lv_cb_enter(&ctx))
        return;
    obj = lv_reg_object(r, kind, handle);
    if (obj != NULL) {
        va_start(va, fmt);
        rest = lv_args_v(fmt, va);
        va_end(va);
    }
    lv_reg_call(r, obj, rest);
    lv_cb_leave(&ctx);
}

#define LV_DOM(fmt, ...) lv_event_dispatch(opaque, LV_DOMAIN, dom, fmt, ##__VA_ARGS__)

/* ---- domain events, one C callback per VIR_DOMAIN_EVENT_ID_* ------------ */

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
lv_graphics_address(const virDomainEventGraphicsAddress *addr)
{
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

/* [(type, name), ...] of the subject's identities (empty without any). */
static PyObject *
lv_graphics_subject(const virDomainEventGraphicsSubject *subject)
{
    int n = subject != NULL && subject->identities != NULL && subject->nidentity > 0
            ? subject->nidentity : 0;
    PyObject *list = PyList_New(n);

    for (int i = 0; list != NULL && i < n; i++) {
        const virDomainEventGraphicsSubjectIdentity *id = &subject->identities[i];
        PyObject *pair = lv_args("ss", id->type, id->name);
        if (pair == NULL)
            Py_CLEAR(list);
        else
            PyList_SetItem(list, i, pair);
    }
    return list;
}

static void
lv_dom_graphics(virConnectPtr conn, virDomainPtr dom, int phase,
                const virDomainEventGraphicsAddress *local,
                const virDomainEventGraphicsAddress *remote,
                const char *authScheme, const virDomainEventGraphicsSubject *subject,
                void *opaque)
{
    lv_reg *r = opaque;
    lv_cb_ctx ctx;
    PyObject *obj, *rest = NULL;

    if (!lv_cb_enter(&ctx))
        return;
    obj = lv_reg_object(r, LV_DOMAIN, dom);
    if (obj != NULL) {
        PyObject *items[] = {
            PyLong_FromLong(phase), lv_graphics_address(local), lv_graphics_address(remote),
            lv_str(authScheme), lv_graphics_subject(subject),
        };
        rest = PyTuple_New(Py_ARRAY_LENGTH(items));
        for (size_t i = 0; i < Py_ARRAY_LENGTH(items); i++) {
            if (items[i] == NULL || rest == NULL) {
                Py_CLEAR(rest);
                Py_XDECREF(items[i]);
            } else {
                PyTuple_SetItem(rest, i, items[i]);
            }
        }
    }
    lv_reg_call(r, obj, rest);
    lv_cb_leave(&ctx);
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
    lv_reg *r = opaque;
    lv_cb_ctx ctx;
    PyObject *obj, *rest = NULL;

    if (!lv_cb_enter(&ctx))
        return;
    obj = lv_reg_object(r, LV_DOMAIN, dom);
    if (obj != NULL) {
        PyObject *dict = lv_typed_params_to_dict(NULL, params, params != NULL ? nparams : 0);
        if (dict != NULL) {
            rest = PyTuple_Pack(1, dict);
            Py_DECREF(dict);
        }
    }
    lv_reg_call(r, obj, rest);
    lv_cb_leave(&ctx);
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

typedef void (*lv_event_cb)(void);
#define LV_CB(f) ((lv_event_cb)(f))

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

/* ---- network, storage pool, node device and secret events --------------- */

static void
lv_net_lifecycle(virConnectPtr conn, virNetworkPtr net, int event, int detail, void *opaque)
{
    lv_event_dispatch(opaque, LV_NETWORK, net, "ii", event, detail);
}

static void
lv_pool_lifecycle(virConnectPtr conn, virStoragePoolPtr pool, int event, int detail,
                  void *opaque)
{
    lv_event_dispatch(opaque, LV_STORAGE_POOL, pool, "ii", event, detail);
}

static void
lv_pool_generic(virConnectPtr conn, virStoragePoolPtr pool, void *opaque)
{
    lv_event_dispatch(opaque, LV_STORAGE_POOL, pool, "");
}

static void
lv_nodedev_lifecycle(virConnectPtr conn, virNodeDevicePtr dev, int event, int detail,
                     void *opaque)
{
    lv_event_dispatch(opaque, LV_NODE_DEVICE, dev, "ii", event, detail);
}

static void
lv_nodedev_generic(virConnectPtr conn, virNodeDevicePtr dev, void *opaque)
{
    lv_event_dispatch(opaque, LV_NODE_DEVICE, dev, "");
}

static void
lv_secret_lifecycle(virConnectPtr conn, virSecretPtr secret, int event, int detail,
                    void *opaque)
{
    lv_event_dispatch(opaque, LV_SECRET, secret, "ii", event, detail);
}

static void
lv_secret_generic(virConnectPtr conn, virSecretPtr secret, void *opaque)
{
    lv_event_dispatch(opaque, LV_SECRET, secret, "");
}

static const lv_event_cb lv_network_callbacks[] = {
    [VIR_NETWORK_EVENT_ID_LIFECYCLE] = LV_CB(lv_net_lifecycle),
};

static const lv_event_cb lv_pool_callbacks[] = {
    [VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE] = LV_CB(lv_pool_lifecycle),
    [VIR_STORAGE_POOL_EVENT_ID_REFRESH] = LV_CB(lv_pool_generic),
};

static const lv_event_cb lv_nodedev_callbacks[] = {
    [VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE] = LV_CB(lv_nodedev_lifecycle),
    [VIR_NODE_DEVICE_EVENT_ID_UPDATE] = LV_CB(lv_nodedev_generic),
};

static const lv_event_cb lv_secret_callbacks[] = {
    [VIR_SECRET_EVENT_ID_LIFECYCLE] = LV_CB(lv_secret_lifecycle),
    [VIR_SECRET_EVENT_ID_VALUE_CHANGED] = LV_CB(lv_secret_generic),
};

/* ---- registering ----------------------------------------------------------- */

static int
lv_register_domain(virConnectPtr conn, void *obj, int id, lv_event_cb cb, void *opaque,
                   virFreeCallback ff)
{
    return virConnectDomainEventRegisterAny(conn, obj, id,
                                            (virConnectDomainEventGenericCallback)cb, opaque, ff);
}

static int
lv_register_network(virConnectPtr conn, void *obj, int id, lv_event_cb cb, void *opaque,
                    virFreeCallback ff)
{
    return virConnectNetworkEventRegisterAny(conn, obj, id,
                                             (virConnectNetworkEventGenericCallback)cb, opaque, ff);
}

static int
lv_register_pool(virConnectPtr conn, void *obj, int id, lv_event_cb cb, void *opaque,
                 virFreeCallback ff)
{
    return virConnectStoragePoolEventRegisterAny(
        conn, obj, id, (virConnectStoragePoolEventGenericCallback)cb, opaque, ff);
}

static int
lv_register_nodedev(virConnectPtr conn, void *obj, int id, lv_event_cb cb, void *opaque,
                    virFreeCallback ff)
{
    return virConnectNodeDeviceEventRegisterAny(
        conn, obj, id, (virConnectNodeDeviceEventGenericCallback)cb, opaque, ff);
}

static int
lv_register_secret(virConnectPtr conn, void *obj, int id, lv_event_cb cb, void *opaque,
                   virFreeCallback ff)
{
    return virConnectSecretEventRegisterAny(conn, obj, id,
                                            (virConnectSecretEventGenericCallback)cb, opaque, ff);
}

/* One family of events: how to register and deregister a callback of
 * it, and the C callback of each of its event IDs. */
typedef struct {
    const char *cname;         /* for libvirtError */
    const char *dereg_cname;
    int nids;
    const lv_event_cb *callbacks;
    int (*reg)(virConnectPtr, void *, int, lv_event_cb, void *, virFreeCallback);
    int (*dereg)(virConnectPtr, int);
} lv_event_family;

#define LV_FAMILY(Fam, table, reg)                                                  \
    {"virConnect" #Fam "EventRegisterAny", "virConnect" #Fam "EventDeregisterAny",  \
     (int)(sizeof(table) / sizeof((table)[0])), table, reg,                          \
     virConnect##Fam##EventDeregisterAny}

static const lv_event_family lv_domain_family =
    LV_FAMILY(Domain, lv_domain_callbacks, lv_register_domain);
static const lv_event_family lv_network_family =
    LV_FAMILY(Network, lv_network_callbacks, lv_register_network);
static const lv_event_family lv_pool_family =
    LV_FAMILY(StoragePool, lv_pool_callbacks, lv_register_pool);
static const lv_event_family lv_nodedev_family =
    LV_FAMILY(NodeDevice, lv_nodedev_callbacks, lv_register_nodedev);
static const lv_event_family lv_secret_family =
    LV_FAMILY(Secret, lv_secret_callbacks, lv_register_secret);

/* Register r's callback for event `id` on `obj` (NULL: every object);
 * returns libvirt's callback id, or -1 with libvirtError raised and r
 * released. */
static int
lv_event_register(lv_state *st, const lv_event_family *fam, PyObject *self, void *obj, int id,
                  lv_reg *r)
{
    int callback_id;

    if (id < 0 || id >= fam->nids || fam->callbacks[id] == NULL) {
        /* Unknown to libvirt, or newer than this binding: either way no
         * C callback of the right signature to give it.  Like the
         * reference binding, libvirtError without a libvirt error. */
        lv_reg_release(r);
        virResetLastError();
        lv_raise(st, fam->cname);
        return -1;
    }
    Py_BEGIN_ALLOW_THREADS
    callback_id = fam->reg(LV_HANDLE(self), obj, id, fam->callbacks[id], r, lv_reg_free);
    /* Recorded at once: r is libvirt's now, freed only through the id
     * (which no one else knows yet), or with the connection (which r
     * keeps). */
    if (callback_id >= 0)
        r->id = callback_id;
    Py_END_ALLOW_THREADS
    if (callback_id < 0) {
        /* libvirt did not take it: the free function will not run */
        lv_reg_release(r);
        lv_raise(st, fam->cname);
        return -1;
    }
    return callback_id;
}

/* <family>EventRegisterAny(obj, eventID, cb, opaque) on the connection
 * `self`: libvirt's callback id. */
static PyObject *
lv_event_register_any(lv_state *st, const lv_event_family *fam, PyObject *self, void *obj,
                      int id, PyObject *cb, PyObject *opaque)
{
    int callback_id;
    lv_reg *r;

    if ((r = lv_reg_new(st, self, cb, opaque)) == NULL)
        return NULL;
    if ((callback_id = lv_event_register(st, fam, self, obj, id, r)) < 0)
        return NULL;
    return PyLong_FromLong(callback_id);
}

/* Deregistering: libvirt frees the registration (now, or once an event
 * being dispatched to it returns).  None, like the reference binding. */
static PyObject *
lv_event_deregister_any(lv_state *st, const lv_event_family *fam, PyObject *self, int id)
{
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = fam->dereg(LV_HANDLE(self), id);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, fam->dereg_cname);
    Py_RETURN_NONE;
}

/* The five families' entry points, written out: the generator finds each
 * lv_impl_<name> by its name. */

PyObject *
lv_impl_virConnectDomainEventRegisterAny(PyObject *self, lv_state *st, virDomainPtr dom,
                                         int eventID, PyObject *cb, PyObject *opaque)
{
    return lv_event_register_any(st, &lv_domain_family, self, dom, eventID, cb, opaque);
}

PyObject *
lv_impl_virConnectDomainEventDeregisterAny(PyObject *self, lv_state *st, int callbackID)
{
    return lv_event_deregister_any(st, &lv_domain_family, self, callbackID);
}

PyObject *
lv_impl_virConnectNetworkEventRegisterAny(PyObject *self, lv_state *st, virNetworkPtr net,
                                          int eventID, PyObject *cb, PyObject *opaque)
{
    return lv_event_register_any(st, &lv_network_family, self, net, eventID, cb, opaque);
}

PyObject *
lv_impl_virConnectNetworkEventDeregisterAny(PyObject *self, lv_state *st, int callbackID)
{
    return lv_event_deregister_any(st, &lv_network_family, self, callbackID);
}

PyObject *
lv_impl_virConnectStoragePoolEventRegisterAny(PyObject *self, lv_state *st,
                                              virStoragePoolPtr pool, int eventID,
                                              PyObject *cb, PyObject *opaque)
{
    return lv_event_register_any(st, &lv_pool_family, self, pool, eventID, cb, opaque);
}

PyObject *
lv_impl_virConnectStoragePoolEventDeregisterAny(PyObject *self, lv_state *st, int callbackID)
{
    return lv_event_deregister_any(st, &lv_pool_family, self, callbackID);
}

PyObject *
lv_impl_virConnectNodeDeviceEventRegisterAny(PyObject *self, lv_state *st,
                                             virNodeDevicePtr dev, int eventID,
                                             PyObject *cb, PyObject *opaque)
{
    return lv_event_register_any(st, &lv_nodedev_family, self, dev, eventID, cb, opaque);
}

PyObject *
lv_impl_virConnectNodeDeviceEventDeregisterAny(PyObject *self, lv_state *st, int callbackID)
{
    return lv_event_deregister_any(st, &lv_nodedev_family, self, callbackID);
}

PyObject *
lv_impl_virConnectSecretEventRegisterAny(PyObject *self, lv_state *st, virSecretPtr secret,
                                         int eventID, PyObject *cb, PyObject *opaque)
{
    return lv_event_register_any(st, &lv_secret_family, self, secret, eventID, cb, opaque);
}

PyObject *
lv_impl_virConnectSecretEventDeregisterAny(PyObject *self, lv_state *st, int callbackID)
{
    return lv_event_deregister_any(st, &lv_secret_family, self, callbackID);
}

/* ---- domainEventRegister / domainEventDeregister (legacy) ---------------- */

/* libvirt's legacy API keeps one callback per C function and connection,
 * and ours is the same for every Python callable: as in the reference
 * binding, a connection has at most one legacy registration, whose
 * lv_reg holds as `cb` a dict {callable: opaque} of the Python callbacks
 * (told apart by equality, like dict keys: a bound method made anew
 * finds its entry; registering a callable again replaces its opaque
 * value).  The registrations are linked in the module state's
 * legacy_regs, from registering until they are deregistered or freed. */

static void
lv_legacy_unlink(lv_reg *r)
{
    lv_reg_unlink(&r->st->legacy_regs, r);
}

static lv_reg *
lv_legacy_find(lv_state *st, PyObject *conn)
{
    for (lv_reg *r = st->legacy_regs; r != NULL; r = r->next) {
        if (r->owner == conn)
            return r;
    }
    return NULL;
}

/* cb(conn, dom, event, detail, opaque) for each (cb, opaque) registered. */
static int
lv_legacy_cb(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    lv_reg *r = opaque;
    lv_cb_ctx ctx;
    PyObject *items;

    if (!lv_cb_enter(&ctx))
        return 0;
    /* A snapshot: callbacks may register and deregister. */
    items = PyDict_Items(r->cb);
    if (items == NULL)
        PyErr_WriteUnraisable(r->cb);
    for (Py_ssize_t i = 0; items != NULL && i < PyList_Size(items); i++) {
        PyObject *pair = PyList_GetItem(items, i);
        PyObject *obj = lv_reg_object(r, LV_DOMAIN, dom);
        lv_call_cb(PyTuple_GetItem(pair, 0), r->owner, obj,
                   obj != NULL ? lv_args("ii", event, detail) : NULL, PyTuple_GetItem(pair, 1));
    }
    Py_XDECREF(items);
    lv_cb_leave(&ctx);
    return 0;
}

PyObject *
lv_impl_virConnectDomainEventRegister(PyObject *self, lv_state *st, PyObject *cb,
                                      PyObject *opaque)
{
    PyObject *callbacks;
    lv_reg *r;
    int rc;

    if ((r = lv_legacy_find(st, self)) != NULL) {
        if (PyDict_SetItem(r->cb, cb, opaque) < 0)
            return NULL;
        Py_RETURN_NONE;
    }
    if ((callbacks = PyDict_New()) == NULL)
        return NULL;
    if (PyDict_SetItem(callbacks, cb, opaque) < 0
        || (r = lv_reg_new(st, self, callbacks, Py_None)) == NULL) {
        Py_DECREF(callbacks);
        return NULL;
    }
    Py_DECREF(callbacks);
    r->on_free = lv_legacy_unlink;
    lv_reg_link(&st->legacy_regs, r);
    Py_BEGIN_ALLOW_THREADS
    rc = virConnectDomainEventRegister(LV_HANDLE(self), lv_legacy_cb, r, lv_reg_free);
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        /* Not taken by libvirt.  (Callables other threads added to r
         * meanwhile go with it.) */
        lv_legacy_unlink(r);
        lv_reg_release(r);
        return lv_raise(st, "virConnectDomainEventRegister");
    }
    Py_RETURN_NONE;
}

PyObject *
lv_impl_virConnectDomainEventDeregister(PyObject *self, lv_state *st, PyObject *cb)
{
    lv_reg *r;
    int rc;

    /* As with the reference: with no callback registered this is a no-op;
     * otherwise a callable it does not know raises KeyError. */
    if ((r = lv_legacy_find(st, self)) == NULL)
        Py_RETURN_NONE;
    if (PyDict_DelItem(r->cb, cb) < 0)
        return NULL;
    if (PyDict_Size(r->cb) != 0)
        Py_RETURN_NONE;
    /* The last one: the registration goes.  Unlinked now, since libvirt
     * may free it later (when an event is being dispatched to it), and a
     * new registration must not join it meanwhile. */
    lv_legacy_unlink(r);
    Py_BEGIN_ALLOW_THREADS
    rc = virConnectDomainEventDeregister(LV_HANDLE(self), lv_legacy_cb);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virConnectDomainEventDeregister");
    Py_RETURN_NONE;
}

/* ---- registerCloseCallback / unregisterCloseCallback ----------------------- */

/* Only drivers that keep a connection open (the remote driver, which
 * every daemon-based URI uses) implement close callbacks; for the others
 * (test:///, qemu:///embed, ...) libvirt accepts registering and
 * unregistering but keeps nothing and never calls the free function.
 * So every registration is also linked in the module state's close_regs
 * until it is freed: once unregisterCloseCallback() succeeded, a
 * registration of the connection still linked is one libvirt never took
 * (the remote driver frees it within the call), and is released then.
 * Registrations whose virConnectRegisterCloseCallback call is still
 * running are in close_inflight (by serial number) and left alone. */

/* A registerCloseCallback() call in progress (on its caller's stack). */
typedef struct lv_close_call {
    int serial;
    struct lv_close_call *next;
} lv_close_call;

static void
lv_close_unlink(lv_reg *r)
{
    lv_reg_unlink(&r->st->close_regs, r);
}

static int
lv_close_is_inflight(lv_state *st, int serial)
{
    for (lv_close_call *c = st->close_inflight; c != NULL; c = c->next) {
        if (c->serial == serial)
            return 1;
    }
    return 0;
}

static void
lv_close_cb(virConnectPtr conn, int reason, void *opaque)
{
    lv_cb_ctx ctx;

    if (!lv_cb_enter(&ctx))
        return;
    lv_reg_call(opaque, NULL, lv_args("i", reason));
    lv_cb_leave(&ctx);
}

PyObject *
lv_impl_virConnectRegisterCloseCallback(PyObject *self, lv_state *st, PyObject *cb,
                                        PyObject *opaque)
{
    lv_close_call call, **link;
    lv_reg *r;
    int rc;

    if ((r = lv_reg_new(st, self, cb, opaque)) == NULL)
        return NULL;
    r->on_free = lv_close_unlink;
    r->id = call.serial = ++st->close_serial;
    lv_reg_link(&st->close_regs, r);
    call.next = st->close_inflight;
    st->close_inflight = &call;

    Py_BEGIN_ALLOW_THREADS
    rc = virConnectRegisterCloseCallback(LV_HANDLE(self), lv_close_cb, r, lv_reg_free);
    Py_END_ALLOW_THREADS

    for (link = &st->close_inflight; *link != &call; link = &(*link)->next)
        ;
    *link = call.next;
    if (rc < 0) {
        lv_close_unlink(r);
        lv_reg_release(r);
        return lv_raise(st, "virConnectRegisterCloseCallback");
    }
    /* r may be gone already (the connection closed meanwhile): not touched. */
    return PyLong_FromLong(0);
}

PyObject *
lv_impl_virConnectUnregisterCloseCallback(PyObject *self, lv_state *st)
{
    lv_reg *r, *next, *orphans = NULL;
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = virConnectUnregisterCloseCallback(LV_HANDLE(self), lv_close_cb);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, "virConnectUnregisterCloseCallback");
    /* Unlinked first, released after: releasing runs Python code (the
     * callback's and opaque value's destructors), which may register or
     * unregister again. */
    for (r = st->close_regs; r != NULL; r = next) {
        next = r->next;
        if (r->owner == self && !lv_close_is_inflight(st, r->id)) {
            lv_close_unlink(r);
            r->next = orphans;
            orphans = r;
        }
    }
    for (r = orphans; r != NULL; r = next) {
        next = r->next;
        lv_reg_release(r);   /* never taken by the driver */
    }
    Py_RETURN_NONE;
}

/* ---- virStream.eventAddCallback ---------------------------------------------- */

static void
lv_stream_cb(virStreamPtr stream, int events, void *opaque)
{
    lv_cb_ctx ctx;

    if (!lv_cb_enter(&ctx))
        return;
    lv_reg_call(opaque, NULL, lv_args("i", events));
    lv_cb_leave(&ctx);
}

/* cb(stream, events, opaque), with the stream object the callback was
 * added on; eventRemoveCallback() (generated) makes libvirt free it. */
PyObject *
lv_impl_virStreamEventAddCallback(PyObject *self, lv_state *st, int events, PyObject *cb,
                                  PyObject *opaque)
{
    lv_reg *r;
    int rc;

    if ((r = lv_reg_new(st, self, cb, opaque)) == NULL)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    rc = virStreamEventAddCallback(LV_HANDLE(self), events, lv_stream_cb, r, lv_reg_free);
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        lv_reg_release(r);
        return lv_raise(st, "virStreamEventAddCallback");
    }
    Py_RETURN_NONE;
}
