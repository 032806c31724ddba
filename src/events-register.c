/* src/events-register.c: <family>EventRegisterAny/DeregisterAny, domainEventRegister. */

#include "typewrappers.h"
#include "libvirtmod-impl.h"
#include "callbacks.h"

/* ---- <family>EventRegisterAny / <family>EventDeregisterAny ---------------- */

/* Registers cb for event `id` on `obj` (NULL: every object): libvirt's
 * callback id. */
PyObject *
lv_event_register_any(PyObject *self, lv_state *st, virConnectPtr conn,
                      const lv_event_family *fam, void *obj, int id, PyObject *cb,
                      PyObject *opaque)
{
    int callback_id;
    lv_reg *r;

    if ((r = lv_reg_new(st, self, cb, opaque)) == NULL)
        return NULL;
    if (id < 0 || id >= fam->nids || fam->callbacks[id] == NULL) {
        /* Unknown to libvirt, or newer than this binding: either way no
         * C callback of the right signature to give it.  Like the
         * reference binding, libvirtError without a libvirt error. */
        lv_reg_release(r);
        virResetLastError();
        return lv_raise(st, fam->cname);
    }
    Py_BEGIN_ALLOW_THREADS
    callback_id = fam->reg(conn, obj, id, fam->callbacks[id], r, lv_reg_free);
    /* Recorded at once: r is libvirt's now, freed only through the id
     * (which no one else knows yet), or with the connection (which r
     * keeps). */
    if (callback_id >= 0)
        r->id = callback_id;
    Py_END_ALLOW_THREADS
    if (callback_id < 0) {
        /* libvirt did not take it: the free function will not run */
        lv_reg_release(r);
        return lv_raise(st, fam->cname);
    }
    return PyLong_FromLong(callback_id);
}

/* Deregistering: libvirt frees the registration (now, or once an event
 * being dispatched to it returns). */
PyObject *
lv_event_deregister_any(PyObject *self, lv_state *st, virConnectPtr conn,
                        const lv_event_family *fam, int id)
{
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = fam->dereg(conn, id);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return lv_raise(st, fam->dereg_cname);
    Py_RETURN_NONE;
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
int
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
lv_impl_virConnectDomainEventRegister(PyObject *self, lv_state *st, virConnectPtr conn,
                                      PyObject *cb, PyObject *opaque)
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
    rc = virConnectDomainEventRegister(conn, lv_legacy_cb, r, lv_reg_free);
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

/* Before deregistering (the generated entry point makes libvirt's call
 * when this returns 1, once the last callable is gone). */
int
lv_prepare_virConnectDomainEventDeregister(PyObject *self, lv_state *st, PyObject *cb)
{
    lv_reg *r;

    /* As with the reference: with no callback registered this is a no-op;
     * otherwise a callable it does not know raises KeyError. */
    if ((r = lv_legacy_find(st, self)) == NULL)
        return 0;
    if (PyDict_DelItem(r->cb, cb) < 0)
        return -1;
    if (PyDict_Size(r->cb) != 0)
        return 0;
    /* The last one: the registration goes.  Unlinked now, since libvirt
     * may free it later (when an event is being dispatched to it), and a
     * new registration must not join it meanwhile. */
    lv_legacy_unlink(r);
    return 1;
}
