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
 * libvirt's event implementation is global to the process and cannot be
 * unregistered, so the Python implementation lives in a static struct
 * (lv_ev) rather than in libvirtmod's module state: the callables it holds
 * are never released.  Everything in it is only touched with the GIL held.
 */
#include "typewrappers.h"

#include <limits.h>
#include <string.h>

/* ---- helpers ----------------------------------------------------------- */

#if PY_VERSION_HEX >= 0x030D0000
#define LV_FINALIZING() Py_IsFinalizing()
#else
#define LV_FINALIZING() _Py_IsFinalizing()
#endif

/* Take the GIL for a call from libvirt (any thread, GIL held or not).
 * Returns 0 when Python can no longer be entered: the caller then does
 * without (a free function leaks, a shim fails). */
static int
lv_ev_enter(PyGILState_STATE *gil)
{
    if (!Py_IsInitialized())
        return 0;
    /* A thread other than the one finalizing would block forever. */
    if (!PyGILState_Check() && LV_FINALIZING())
        return 0;
    *gil = PyGILState_Ensure();
    return 1;
}

/* libvirt may call us while the thread has an exception pending (e.g. a
 * connection closed by a dealloc during unwinding): keep it aside while
 * Python code runs. */
#if PY_VERSION_HEX >= 0x030C0000
typedef struct { PyObject *exc; } lv_ev_saved;
static void lv_ev_save(lv_ev_saved *s) { s->exc = PyErr_GetRaisedException(); }
static void lv_ev_restore(lv_ev_saved *s) { PyErr_SetRaisedException(s->exc); }
#else
typedef struct { PyObject *type, *value, *tb; } lv_ev_saved;
static void lv_ev_save(lv_ev_saved *s) { PyErr_Fetch(&s->type, &s->value, &s->tb); }
static void lv_ev_restore(lv_ev_saved *s) { PyErr_Restore(s->type, s->value, s->tb); }
#endif

static int
lv_ev_check_callable(PyObject *o, const char *name)
{
    if (PyCallable_Check(o))
        return 0;
    PyErr_Format(PyExc_TypeError, "argument '%s' must be callable, not %.100s",
                 name, Py_TYPE(o)->tp_name);
    return -1;
}

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
    lv_ev_pycb *data = PyMem_RawMalloc(sizeof(*data));
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
    PyMem_RawFree(data);
}

/* The virFreeCallback libvirt calls when the registration is gone. */
static void
lv_ev_pycb_free(void *opaque)
{
    PyGILState_STATE gil;
    lv_ev_saved saved;

    if (!lv_ev_enter(&gil))
        return;   /* interpreter gone: nothing left to release */
    lv_ev_save(&saved);
    lv_ev_pycb_release(opaque);
    lv_ev_restore(&saved);
    PyGILState_Release(gil);
}

/* Call data->cb(a, b, c, data->opaque) for a handle, data->cb(a,
 * data->opaque) for a timeout; an exception is reported as unraisable. */
static void
lv_ev_pycb_call(lv_ev_pycb *data, int handle, int a, int b, int c)
{
    PyGILState_STATE gil;
    lv_ev_saved saved;
    PyObject *cb, *opaque, *result;

    if (!lv_ev_enter(&gil))
        return;
    lv_ev_save(&saved);
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
    lv_ev_restore(&saved);
    PyGILState_Release(gil);
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
lv_override_virEventAddHandle(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                              PyObject *kwnames)
{
    static const char *const kwlist[] = {"fd", "events", "cb", "opaque", NULL};
    PyObject *argv[4];
    int fd, events, watch;
    lv_ev_pycb *data;

    if (lv_unpack_fast(args, nargs, kwnames, "virEventAddHandle", kwlist, 4, 4, argv) < 0)
        return NULL;
    if (lv_arg_int(argv[0], "fd", &fd) < 0
        || lv_arg_int(argv[1], "events", &events) < 0
        || lv_ev_check_callable(argv[2], "cb") < 0)
        return NULL;
    if ((data = lv_ev_pycb_new(argv[2], argv[3])) == NULL)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    watch = virEventAddHandle(fd, events, lv_ev_pycb_handle, data, lv_ev_pycb_free);
    Py_END_ALLOW_THREADS
    if (watch < 0) {
        /* libvirt does not call the free function of a failed registration. */
        lv_ev_pycb_release(data);
        return lv_raise(lv_state_from_module(module), "virEventAddHandle");
    }
    return PyLong_FromLong(watch);
}

PyObject *
lv_override_virEventAddTimeout(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                               PyObject *kwnames)
{
    static const char *const kwlist[] = {"timeout", "cb", "opaque", NULL};
    PyObject *argv[3];
    int timeout, timer;
    lv_ev_pycb *data;

    if (lv_unpack_fast(args, nargs, kwnames, "virEventAddTimeout", kwlist, 3, 3, argv) < 0)
        return NULL;
    if (lv_arg_int(argv[0], "timeout", &timeout) < 0
        || lv_ev_check_callable(argv[1], "cb") < 0)
        return NULL;
    if ((data = lv_ev_pycb_new(argv[1], argv[2])) == NULL)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    timer = virEventAddTimeout(timeout, lv_ev_pycb_timeout, data, lv_ev_pycb_free);
    Py_END_ALLOW_THREADS
    if (timer < 0) {
        lv_ev_pycb_release(data);
        return lv_raise(lv_state_from_module(module), "virEventAddTimeout");
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

/* The Python event loop (see the top of the file). */
static struct {
    int registered;                 /* virEventRegisterImpl succeeded */
    PyObject *add_handle, *update_handle, *remove_handle;
    PyObject *add_timeout, *update_timeout, *remove_timeout;
    PyObject *invoke_handle;        /* the `cb` passed to addHandle */
    PyObject *invoke_timeout;       /* the `cb` passed to addTimeout */
    PyTypeObject *opaque_type;      /* lv_event_opaque's type, once created */
} lv_ev;

static PyObject *
lv_event_opaque_repr(PyObject *self)
{
    lv_event_opaque *o = (lv_event_opaque *)self;
    return PyUnicode_FromFormat("<%s of a %s registration%s at %p>",
                                Py_TYPE(self)->tp_name,
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
    type->tp_free(self);
    Py_DECREF(type);
}

static PyTypeObject *
lv_event_opaque_type(void)
{
    if (lv_ev.opaque_type == NULL) {
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
        lv_ev.opaque_type = (PyTypeObject *)PyType_FromSpec(&spec);
    }
    return lv_ev.opaque_type;
}

static lv_event_opaque *
lv_event_opaque_new(int kind, void *cb, void *opaque, virFreeCallback ff)
{
    PyTypeObject *type = lv_event_opaque_type();
    lv_event_opaque *o;

    if (type == NULL || (o = PyObject_New(lv_event_opaque, type)) == NULL)
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

/* `o` as one of our opaque objects (of the given kind, or any when -1). */
static lv_event_opaque *
lv_event_opaque_arg(PyObject *o, int kind)
{
    if (lv_ev.opaque_type == NULL || !Py_IS_TYPE(o, lv_ev.opaque_type)) {
        PyErr_Format(PyExc_TypeError,
                     "argument 'opaque' must be the opaque object libvirt passed to the "
                     "event loop's addHandle or addTimeout, not %.100s", Py_TYPE(o)->tp_name);
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

PyDoc_STRVAR(lv_invoke_handle_doc,
"virEventInvokeHandleCallback($module, watch, fd, events, opaque)\n--\n\n"
"Dispatch an event of a handle libvirt registered with the Python event\n"
"loop: this is the cb passed to addHandle(fd, events, cb, opaque), and\n"
"opaque the object passed with it.  Returns None.");

static PyObject *
lv_event_invoke_handle(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                       PyObject *kwnames)
{
    static const char *const kwlist[] = {"watch", "fd", "events", "opaque", NULL};
    PyObject *argv[4];
    int watch, fd, events;
    lv_event_opaque *o;

    if (lv_unpack_fast(args, nargs, kwnames, "virEventInvokeHandleCallback", kwlist, 4, 4, argv) < 0)
        return NULL;
    if (lv_arg_int(argv[0], "watch", &watch) < 0
        || lv_arg_int(argv[1], "fd", &fd) < 0
        || lv_arg_int(argv[2], "events", &events) < 0
        || (o = lv_event_opaque_arg(argv[3], LV_EV_HANDLE)) == NULL
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

PyDoc_STRVAR(lv_invoke_timeout_doc,
"virEventInvokeTimeoutCallback($module, timer, opaque)\n--\n\n"
"Fire a timeout libvirt registered with the Python event loop: this is\n"
"the cb passed to addTimeout(timeout, cb, opaque), and opaque the object\n"
"passed with it.  Returns None.");

static PyObject *
lv_event_invoke_timeout(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                        PyObject *kwnames)
{
    static const char *const kwlist[] = {"timer", "opaque", NULL};
    PyObject *argv[2];
    int timer;
    lv_event_opaque *o;

    if (lv_unpack_fast(args, nargs, kwnames, "virEventInvokeTimeoutCallback", kwlist, 2, 2, argv) < 0)
        return NULL;
    if (lv_arg_int(argv[0], "timer", &timer) < 0
        || (o = lv_event_opaque_arg(argv[1], LV_EV_TIMEOUT)) == NULL
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

PyDoc_STRVAR(lv_invoke_free_doc,
"virEventInvokeFreeCallback($module, opaque)\n--\n\n"
"Release the data of a registration libvirt removed from the Python event\n"
"loop: opaque is the object passed to addHandle or addTimeout.\n\n"
"Call it from the event loop after removeHandle/removeTimeout returned\n"
"(e.g. scheduled for the next iteration), never from within them: libvirt\n"
"may hold locks there that the free function needs.  Freeing an object\n"
"twice does nothing; dispatching a freed one raises ValueError.");

static PyObject *
lv_event_invoke_free(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                     PyObject *kwnames)
{
    static const char *const kwlist[] = {"opaque", NULL};
    PyObject *argv[1];
    lv_event_opaque *o;

    if (lv_unpack_fast(args, nargs, kwnames, "virEventInvokeFreeCallback", kwlist, 1, 1, argv) < 0)
        return NULL;
    if ((o = lv_event_opaque_arg(argv[0], -1)) == NULL)
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
        if (!PyLong_Check(result))
            PyErr_Format(PyExc_TypeError, "the event loop's %s must return an int, not %.100s",
                         what, Py_TYPE(result)->tp_name);
        else if ((value = PyLong_AsLongAndOverflow(result, &overflow)) == -1 && PyErr_Occurred())
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
    PyGILState_STATE gil;
    lv_ev_saved saved;
    lv_event_opaque *o;
    PyObject *callable, *result = NULL;
    int id;

    if (!lv_ev_enter(&gil))
        return -1;
    lv_ev_save(&saved);
    callable = kind == LV_EV_HANDLE ? lv_ev.add_handle : lv_ev.add_timeout;
    o = lv_event_opaque_new(kind, cb, opaque, ff);
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
    lv_ev_restore(&saved);
    PyGILState_Release(gil);
    return id;
}

/* Call callable(id[, value]): returns 0, or -1 when it raised. */
static int
lv_ev_call(PyObject **callable_ref, int id, int with_value, int value)
{
    PyGILState_STATE gil;
    lv_ev_saved saved;
    PyObject *callable, *result;
    int rc = 0;

    if (!lv_ev_enter(&gil))
        return -1;
    lv_ev_save(&saved);
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
    lv_ev_restore(&saved);
    PyGILState_Release(gil);
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

extern PyMethodDef lv_event_functions[];

/* libvirtmod's function `name` from lv_event_functions, bound to module. */
static PyObject *
lv_ev_function(PyObject *module, const char *name)
{
    for (PyMethodDef *def = lv_event_functions; def->ml_name != NULL; def++) {
        if (strcmp(def->ml_name, name) == 0) {
            PyObject *modname = PyModule_GetNameObject(module), *func;
            if (modname == NULL)
                return NULL;
            func = PyCFunction_NewEx(def, module, modname);
            Py_DECREF(modname);
            return func;
        }
    }
    PyErr_Format(PyExc_SystemError, "libvirtmod has no %s", name);
    return NULL;
}

PyObject *
lv_override_virEventRegisterImpl(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                                 PyObject *kwnames)
{
    static const char *const kwlist[] = {"addHandle", "updateHandle", "removeHandle",
                                         "addTimeout", "updateTimeout", "removeTimeout", NULL};
    PyObject *argv[6], *invoke_handle, *invoke_timeout;

    if (lv_unpack_fast(args, nargs, kwnames, "virEventRegisterImpl", kwlist, 6, 6, argv) < 0)
        return NULL;
    for (int i = 0; i < 6; i++) {
        if (lv_ev_check_callable(argv[i], kwlist[i]) < 0)
            return NULL;
    }
    if (lv_ev.registered) {
        PyErr_SetString(PyExc_RuntimeError, "Event loop is already registered");
        return NULL;
    }
    if (lv_event_opaque_type() == NULL)
        return NULL;
    invoke_handle = lv_ev_function(module, "virEventInvokeHandleCallback");
    invoke_timeout = invoke_handle ? lv_ev_function(module, "virEventInvokeTimeoutCallback") : NULL;
    if (invoke_timeout == NULL) {
        Py_XDECREF(invoke_handle);
        return NULL;
    }
    lv_ev.invoke_handle = invoke_handle;
    lv_ev.invoke_timeout = invoke_timeout;
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

/* ---- libvirtmod functions that are not libvirt's ------------------------ */

PyMethodDef lv_event_functions[] = {
    {"virEventInvokeHandleCallback", (PyCFunction)(void (*)(void))lv_event_invoke_handle,
     METH_FASTCALL | METH_KEYWORDS, lv_invoke_handle_doc},
    {"virEventInvokeTimeoutCallback", (PyCFunction)(void (*)(void))lv_event_invoke_timeout,
     METH_FASTCALL | METH_KEYWORDS, lv_invoke_timeout_doc},
    {"virEventInvokeFreeCallback", (PyCFunction)(void (*)(void))lv_event_invoke_free,
     METH_FASTCALL | METH_KEYWORDS, lv_invoke_free_doc},
    {NULL, NULL, 0, NULL}
};
