/* src/close-callback.c: registerCloseCallback and unregisterCloseCallback. */

#include "typewrappers.h"
#include "libvirtmod-impl.h"
#include "callbacks.h"

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

void
lv_close_cb(virConnectPtr conn, int reason, void *opaque)
{
    lv_notify(opaque, "i", reason);
}

PyObject *
lv_impl_virConnectRegisterCloseCallback(PyObject *self, lv_state *st, virConnectPtr conn,
                                        PyObject *cb, PyObject *opaque)
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
    rc = virConnectRegisterCloseCallback(conn, lv_close_cb, r, lv_reg_free);
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

/* After unregisterCloseCallback() succeeded (the generated entry point
 * made the call): the registrations of the connection libvirt never took. */
PyObject *
lv_convert_virConnectUnregisterCloseCallback(PyObject *self, lv_state *st, int ret)
{
    lv_reg *r, *next, *orphans = NULL;

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
