/* src/callbacks.c: Python callbacks registered with libvirt (see callbacks.h). */

#include "callbacks.h"

#include <stdarg.h>
#include <string.h>

/* ---- entering Python from a libvirt callback ----------------------------- */

int
lv_cb_enter(lv_cb_ctx *ctx)
{
    if (!lv_may_enter_python())
        return 0;
    ctx->gil = PyGILState_Ensure();
    lv_exc_save(&ctx->exc);
    return 1;
}

void
lv_cb_leave(lv_cb_ctx *ctx)
{
    lv_exc_restore(&ctx->exc);
    PyGILState_Release(ctx->gil);
}

/* ---- registrations -------------------------------------------------------- */

void
lv_reg_link(lv_reg **head, lv_reg *r)
{
    r->flags |= LV_REG_LINKED;
    r->prev = NULL;
    r->next = *head;
    if (*head != NULL)
        (*head)->prev = r;
    *head = r;
}

void
lv_reg_unlink(lv_reg **head, lv_reg *r)
{
    if (!(r->flags & LV_REG_LINKED))
        return;
    if (r->prev != NULL)
        r->prev->next = r->next;
    else
        *head = r->next;
    if (r->next != NULL)
        r->next->prev = r->prev;
    r->next = r->prev = NULL;
    r->flags &= ~LV_REG_LINKED;
}

lv_reg *
lv_reg_new(lv_state *st, PyObject *owner, PyObject *cb, PyObject *opaque)
{
    /* Raw memory: libvirt may free it from any thread. */
    lv_reg *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    r->st = st;
    r->owner = Py_NewRef(owner);
    r->cb = Py_NewRef(cb);
    r->opaque = Py_NewRef(opaque);
    r->id = -1;
    return r;
}

static int
lv_reg_decref_pending(void *obj)
{
    Py_DECREF((PyObject *)obj);
    return 0;
}

void
lv_reg_release(lv_reg *r)
{
    PyObject *owner = r->owner;

    Py_CLEAR(r->cb);
    Py_CLEAR(r->opaque);
    r->owner = NULL;
    free(r);
    /* The owner's last reference would release its libvirt handle from
     * within libvirt's free callback, where libvirt may hold locks that
     * releasing the handle takes: let the main thread drop it a moment
     * later instead. */
    if (Py_REFCNT(owner) == 1 && Py_AddPendingCall(lv_reg_decref_pending, owner) == 0)
        return;
    Py_DECREF(owner);
}

void
lv_reg_free(void *opaque)
{
    lv_reg *r = opaque;
    lv_cb_ctx ctx;

    if (!lv_cb_enter(&ctx))
        return;   /* the interpreter is going away: nothing to release into */
    if (r->on_free != NULL)
        r->on_free(r);
    lv_reg_release(r);
    lv_cb_leave(&ctx);
}

PyObject *
lv_reg_object(lv_reg *r, lv_kind kind, void *handle)
{
    if (handle == NULL)
        Py_RETURN_NONE;
#ifdef Py_GIL_DISABLED
    /* Reference counts are no proof that no other thread holds the
     * object: take the reference up front. */
    if (lv_kinds[kind].ref_handle(handle) < 0) {
        PyErr_Format(PyExc_RuntimeError, "libvirt passed an invalid %s to a callback",
                     lv_kinds[kind].name);
        return NULL;
    }
    return lv_wrap(r->st, kind, handle, r->owner);
#else
    /* Most callbacks drop the object: lv_call_cb takes a reference only
     * for one that outlives the call. */
    return lv_wrap_lent(r->st, kind, handle, r->owner);
#endif
}

void
lv_call_cb(PyObject *cb, PyObject *owner, PyObject *obj, PyObject *rest, PyObject *opaque)
{
    PyObject *args = NULL, *result = NULL;
    /* Ours until the call is over and its exception reported. */
    PyObject *kept = obj != NULL && obj != Py_None ? Py_NewRef(obj) : NULL;

    /* The callback may deregister itself, releasing what the
     * registration holds: keep our own references meanwhile. */
    Py_INCREF(cb);
    if (rest != NULL) {
        Py_ssize_t nrest = PyTuple_Size(rest), n = 0;
        args = PyTuple_New(nrest + (obj != NULL ? 3 : 2));
        if (args != NULL) {
            PyTuple_SetItem(args, n++, Py_NewRef(owner));
            if (obj != NULL) {
                PyTuple_SetItem(args, n++, obj);
                obj = NULL;
            }
            for (Py_ssize_t i = 0; i < nrest; i++)
                PyTuple_SetItem(args, n++, Py_NewRef(PyTuple_GetItem(rest, i)));
            PyTuple_SetItem(args, n, Py_NewRef(opaque));
        }
    }
    Py_XDECREF(obj);
    Py_XDECREF(rest);
    if (args != NULL) {
        result = PyObject_Call(cb, args, NULL);
        Py_DECREF(args);
    }
    if (result == NULL)
        PyErr_WriteUnraisable(cb);
    Py_XDECREF(result);
    Py_DECREF(cb);
    if (kept != NULL)
        lv_object_settle(kept);
}

PyObject *
lv_args_v(const char *fmt, va_list va)
{
    Py_ssize_t n = (Py_ssize_t)strlen(fmt);
    PyObject *args = PyTuple_New(n);

    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item;
        switch (fmt[i]) {
        case 'i':
            item = PyLong_FromLong(va_arg(va, int));
            break;
        case 'u':
            item = PyLong_FromUnsignedLong(va_arg(va, unsigned int));
            break;
        case 'L':
            item = PyLong_FromLongLong(va_arg(va, long long));
            break;
        case 'K':
            item = PyLong_FromUnsignedLongLong(va_arg(va, unsigned long long));
            break;
        case 's':
            item = lv_str(va_arg(va, const char *));
            break;
        case 'P': {
            virTypedParameterPtr params = va_arg(va, virTypedParameterPtr);
            int nparams = va_arg(va, int);
            item = lv_typed_params_to_dict(NULL, params, params != NULL ? nparams : 0);
            break;
        }
        case 'O': {
            PyObject *(*make)(const void *) = va_arg(va, PyObject *(*)(const void *));
            item = make(va_arg(va, const void *));
            break;
        }
        default:
            item = NULL;
            PyErr_Format(PyExc_SystemError, "lv_args_v: bad format character %c", fmt[i]);
        }
        if (item == NULL || args == NULL) {
            Py_XDECREF(item);
            Py_CLEAR(args);
            break;
        }
        PyTuple_SetItem(args, i, item);
    }
    return args;
}

PyObject *
lv_args(const char *fmt, ...)
{
    va_list va;
    PyObject *args;

    va_start(va, fmt);
    args = lv_args_v(fmt, va);
    va_end(va);
    return args;
}

/* lv_event_dispatch, or lv_notify when kind is -1 (no object). */
static void
lv_dispatch_v(lv_reg *r, int kind, void *handle, const char *fmt, va_list va)
{
    lv_cb_ctx ctx;
    PyObject *obj = NULL, *rest = NULL;

    if (!lv_cb_enter(&ctx))
        return;
    if (kind >= 0)
        obj = lv_reg_object(r, kind, handle);
    if (kind < 0 || obj != NULL)
        rest = lv_args_v(fmt, va);
    lv_reg_call(r, obj, rest);
    lv_cb_leave(&ctx);
}

void
lv_event_dispatch(void *opaque, lv_kind kind, void *handle, const char *fmt, ...)
{
    va_list va;

    va_start(va, fmt);
    lv_dispatch_v(opaque, kind, handle, fmt, va);
    va_end(va);
}

void
lv_notify(void *opaque, const char *fmt, ...)
{
    va_list va;

    va_start(va, fmt);
    lv_dispatch_v(opaque, -1, NULL, fmt, va);
    va_end(va);
}
