/* src/event-loop.c: the event loop API both ways: virEventAdd*, RegisterImpl, Invoke*. */
/*
 * Two directions:
 *
 * - Python registers a callback with whatever event loop libvirt uses
 *   (virEventAddHandle, virEventAddTimeout, generated: callback= in
 *   libvirt-override-api.xml).  The Python callback and its opaque value
 *   are held by an lv_reg that libvirt owns: it releases it through
 *   lv_reg_free when the registration is removed, which may happen
 *   later, from the event loop.
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
 * registrations (src/events-register.c, src/close-callback.c).  The C
 * callbacks libvirt calls find it through their opaque data (an lv_reg's
 * st) or, for the event loop shims, through lv_ev.
 */

#include "typewrappers.h"
#include "libvirtmod-impl.h"
#include "callbacks.h"

#include <limits.h>

/* ---- Python callbacks registered with libvirt's event loop ------------- */

/* Call r->cb(a, b, c, r->opaque) for a handle, r->cb(a, r->opaque) for
 * a timeout; an exception is reported as unraisable. */
static void
lv_ev_pycb_call(lv_reg *r, int handle, int a, int b, int c)
{
    lv_cb_ctx ctx;
    PyObject *cb, *opaque, *result;

    if (!lv_cb_enter(&ctx))
        return;
    /* The callback may remove its own registration: keep what we use. */
    cb = Py_NewRef(r->cb);
    opaque = Py_NewRef(r->opaque);
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

void
lv_ev_handle_cb(int watch, int fd, int events, void *opaque)
{
    lv_ev_pycb_call(opaque, 1, watch, fd, events);
}

void
lv_ev_timeout_cb(int timer, void *opaque)
{
    lv_ev_pycb_call(opaque, 0, timer, 0, 0);
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
        lv_type_error("opaque", "the opaque object libvirt passed to the event loop's "
                      "addHandle or addTimeout", o);
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

/* Dispatch to libvirt's callback of `opaque_arg`, a registration of the
 * given kind: cb(id, fd, events, opaque) for a handle, cb(id, opaque)
 * for a timeout. */
static PyObject *
lv_event_invoke(lv_state *st, PyObject *opaque_arg, int kind, int id, int fd, int events)
{
    lv_event_opaque *o;

    if ((o = lv_event_opaque_arg(st, opaque_arg, kind)) == NULL
        || lv_event_opaque_check_live(o) < 0)
        return NULL;
    lv_event_opaque_enter(o);
    {
        virEventHandleCallback handle_cb = kind == LV_EV_HANDLE ? o->cb.handle : NULL;
        virEventTimeoutCallback timeout_cb = kind == LV_EV_TIMEOUT ? o->cb.timeout : NULL;
        void *opaque = o->opaque;
        Py_BEGIN_ALLOW_THREADS
        if (kind == LV_EV_HANDLE)
            handle_cb(id, fd, events, opaque);
        else
            timeout_cb(id, opaque);
        Py_END_ALLOW_THREADS
    }
    lv_event_opaque_leave(o);
    Py_RETURN_NONE;
}

/* virEventInvokeHandleCallback(watch, fd, events, opaque) */
PyObject *
lv_impl_virEventInvokeHandleCallback(PyObject *module, lv_state *st, int watch, int fd,
                                     int events, PyObject *opaque_arg)
{
    return lv_event_invoke(st, opaque_arg, LV_EV_HANDLE, watch, fd, events);
}

/* virEventInvokeTimeoutCallback(timer, opaque) */
PyObject *
lv_impl_virEventInvokeTimeoutCallback(PyObject *module, lv_state *st, int timer,
                                      PyObject *opaque_arg)
{
    return lv_event_invoke(st, opaque_arg, LV_EV_TIMEOUT, timer, 0, 0);
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

static int
lv_ev_add_timeout(int timeout, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff)
{
    return lv_ev_add(LV_EV_TIMEOUT, timeout, 0, (void *)cb, opaque, ff);
}

/* lv_ev_update_<kind>(id, value) and lv_ev_remove_<kind>(id), for handles
 * (watch, events) and timeouts (timer, interval): libvirt calls each with
 * no context to tell which Python callable it stands for. */
#define LV_EV_UPDATE_AND_REMOVE(kind)                       \
    static void                                             \
    lv_ev_update_##kind(int id, int value)                  \
    {                                                       \
        lv_ev_call(&lv_ev.update_##kind, id, 1, value);     \
    }                                                       \
                                                            \
    static int                                              \
    lv_ev_remove_##kind(int id)                             \
    {                                                       \
        return lv_ev_call(&lv_ev.remove_##kind, id, 0, 0);  \
    }

LV_EV_UPDATE_AND_REMOVE(handle)
LV_EV_UPDATE_AND_REMOVE(timeout)

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
