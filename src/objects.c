/* src/objects.c: the wrapper type: attributes, new, release, calls in flight; flat functions. */

#include "typewrappers.h"

const lv_kind_info lv_kinds[LV_NKINDS] = LV_KINDS_TABLE;

/* ---- the wrapper type -------------------------------------------------- */

static int
lv_object_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(((lv_object *)self)->owner);
    Py_VISIT(((lv_object *)self)->o_assigned);
    return 0;
}

static int
lv_object_clear(PyObject *self)
{
    Py_CLEAR(((lv_object *)self)->owner);
    Py_CLEAR(((lv_object *)self)->o_assigned);
    return 0;
}

/* Whether releasing this object's handle may close a connection, which
 * may talk to a daemon.  An object whose connection object is still open
 * holds no last reference: that object keeps its own until it goes. */
static int
lv_release_may_block(PyObject *self)
{
    lv_object *obj = (lv_object *)self;
    while (obj->kind != LV_CONNECT && obj->owner != NULL)
        obj = (lv_object *)obj->owner;
    return obj == (lv_object *)self || obj->kind != LV_CONNECT || obj->handle == NULL;
}

static int
lv_release_handle(PyObject *self, void *handle)
{
    int (*release)(void *) = lv_kinds[((lv_object *)self)->kind].free_handle;
    int rc;

    if (lv_release_may_block(self)) {
        Py_BEGIN_ALLOW_THREADS
        rc = release(handle);
        Py_END_ALLOW_THREADS
    } else {
        rc = release(handle);
    }
    return rc;
}

int
lv_object_release(PyObject *self)
{
    lv_object *obj = (lv_object *)self;
    void *handle = obj->handle;

    if (handle == NULL)
        return 0;
    /* Forget the handle first: later calls must see a released object
     * (libvirt reports NULL as invalid), not a released pointer. */
    obj->handle = NULL;
    if (obj->lent) {
        /* libvirt's reference, not ours: nothing to free.  But a call
         * running in another thread may outlast the callback that lent
         * the handle: it gets a reference of its own to release. */
        obj->lent = 0;
        if (obj->busy == 0)
            return 0;
        if (lv_kinds[obj->kind].ref_handle(handle) < 0)
            return -1;
    }
    if (obj->busy > 0) {
        obj->release_pending = handle;
        return 0;
    }
    return lv_release_handle(self, handle);
}

void
lv_release_pending(PyObject *self)
{
    lv_object *obj = (lv_object *)self;
    void *handle = obj->release_pending;

    obj->release_pending = NULL;
    /* Its failure has no caller left to report to: that of close(), which
     * asked, was 0. */
    if (lv_release_handle(self, handle) < 0)
        virResetLastError();
}

static void
lv_object_dealloc(PyObject *self)
{
    PyTypeObject *type = Py_TYPE(self);

    PyObject_GC_UnTrack(self);
    lv_object_release(self);
    lv_object_clear(self);   /* after the release: the owner kept the connection open */
    ((freefunc)PyType_GetSlot(type, Py_tp_free))(self);
    Py_DECREF(type);
}

/* tp_finalize, which Python shows as __del__: release the handle now, as
 * the reference's __del__ does (later calls see a NULL handle, which
 * libvirt reports as invalid).  A C slot rather than a __del__ method: a
 * subclass then calls it directly on deallocation, with no method lookup. */
static void
lv_object_finalize(PyObject *self)
{
    PyObject *type, *value, *traceback;

    PyErr_Fetch(&type, &value, &traceback);   /* libvirt's error handler may run Python */
    lv_object_release(self);
    PyErr_Restore(type, value, traceback);
}

/* ---- the attributes the reference's objects have: _o, _conn, _dom, _net */

static PyObject *
lv_object_get_o(PyObject *self, void *Py_UNUSED(closure))
{
    lv_object *obj = (lv_object *)self;
    if (obj->o_assigned != NULL)
        return Py_NewRef(obj->o_assigned);
    /* None once released (close(), __del__), as with the reference. */
    return Py_NewRef(obj->handle != NULL ? self : Py_None);
}

static int
lv_object_set_o(PyObject *self, PyObject *value, void *Py_UNUSED(closure))
{
    /* Kept only to be read back: the handle stays owned by this object
     * (the reference's tests set _o = None to hand a pointer to a mock). */
    lv_setref(&((lv_object *)self)->o_assigned, Py_XNewRef(value));
    return 0;
}

static PyObject *lv_ancestor(PyObject *self, int kind);

static PyObject *
lv_object_get_ancestor(PyObject *self, void *closure)
{
    PyObject *found = lv_ancestor(((lv_object *)self)->owner, (int)(intptr_t)closure);
    return Py_NewRef(found != NULL ? found : Py_None);
}

#define LV_GETSET_O \
    {"_o", lv_object_get_o, lv_object_set_o, \
     "The libvirt handle as libvirtmod's functions take it (the object itself), or None once released.", NULL}
#define LV_GETSET_ANCESTOR(name, kind) \
    {name, lv_object_get_ancestor, NULL, "The object this one was obtained from.", \
     (void *)(intptr_t)(kind)}

static PyGetSetDef lv_getset_connect[] = {LV_GETSET_O, {NULL}};
static PyGetSetDef lv_getset_of_connect[] = {
    LV_GETSET_O, LV_GETSET_ANCESTOR("_conn", LV_CONNECT), {NULL}};
static PyGetSetDef lv_getset_of_domain[] = {
    LV_GETSET_O, LV_GETSET_ANCESTOR("_conn", LV_CONNECT),
    LV_GETSET_ANCESTOR("_dom", LV_DOMAIN), {NULL}};
static PyGetSetDef lv_getset_of_network[] = {
    LV_GETSET_O, LV_GETSET_ANCESTOR("_conn", LV_CONNECT),
    LV_GETSET_ANCESTOR("_net", LV_NETWORK), {NULL}};

static PyGetSetDef *
lv_getset_for(int kind)
{
    switch (lv_kinds[kind].owner_kind) {
    case -1: return lv_getset_connect;
    case LV_DOMAIN: return lv_getset_of_domain;
    case LV_NETWORK: return lv_getset_of_network;
    default: return lv_getset_of_connect;
    }
}

static int
lv_is_object(lv_state *st, PyObject *o)
{
    for (int kind = 0; o != NULL && kind < LV_NKINDS; kind++)
        if (PyObject_TypeCheck(o, st->base_types[kind]))
            return 1;
    return 0;
}

/* virDomain(conn, _obj) and friends, virConnect(_obj): a new wrapper of
 * the handle `_obj` wraps, owning a reference of its own. */
static PyObject *
lv_object_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    lv_state *st = lv_state_from_type(type);
    int kind, owner_kind;
    PyObject *owner = NULL, *source = Py_None;
    lv_object *obj;

    if (st == NULL)
        return NULL;
    for (kind = 0; kind < LV_NKINDS; kind++)
        if (PyType_IsSubtype(type, st->base_types[kind]))
            break;
    if (kind == LV_NKINDS) {
        PyObject *name = lv_type_name((PyObject *)type);
        PyErr_Format(PyExc_TypeError, "%S is not a libvirt class", name);
        Py_DECREF(name);
        return NULL;
    }
    owner_kind = lv_kinds[kind].owner_kind;
    if (lv_constructor_args(kind, args, kwds, &owner, &source) < 0)
        return NULL;
    if (!PyObject_TypeCheck(source, st->base_types[kind]) || LV_HANDLE(source) == NULL) {
        if (source == Py_None || PyObject_TypeCheck(source, st->base_types[kind])) {
            PyErr_SetString(PyExc_TypeError,
                            "Expected a wrapped C Object but got a released or missing handle");
        } else {
            PyObject *name = lv_type_name(source);
            PyErr_Format(PyExc_TypeError, "Expected a wrapped C Object but got %S", name);
            Py_DECREF(name);
        }
        return NULL;
    }
    /* The owner given, if it is one of ours of the right class; else the
     * one the source object has. */
    if (owner_kind >= 0) {
        PyObject *given = lv_is_object(st, owner) ? lv_ancestor(owner, owner_kind) : NULL;
        owner = given != NULL ? given : ((lv_object *)source)->owner;
    }
    obj = (lv_object *)PyType_GenericAlloc(type, 0);
    if (obj == NULL)
        return NULL;
    obj->st = st;
    if (lv_kinds[kind].ref_handle(LV_HANDLE(source)) < 0) {
        Py_DECREF(obj);
        return lv_raise(st, "the reference function");
    }
    obj->handle = LV_HANDLE(source);
    obj->kind = (unsigned char)kind;
    obj->owner = Py_XNewRef(owner);
    return (PyObject *)obj;
}

PyObject *
lv_object_c_pointer(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    return PyLong_FromVoidPtr(LV_HANDLE(self));
}

/* The ancestor of `self` of the given kind, or NULL. */
static PyObject *
lv_ancestor(PyObject *self, int kind)
{
    while (self != NULL && ((lv_object *)self)->kind != kind)
        self = ((lv_object *)self)->owner;
    return self;
}

PyObject *
lv_owner_for(PyObject *self, lv_kind kind)
{
    int owner_kind = lv_kinds[kind].owner_kind;
    if (owner_kind < 0)
        return NULL;
    return lv_ancestor(self, owner_kind);
}

static PyObject *
lv_accessor_result(PyObject *self, int kind)
{
    PyObject *found = lv_ancestor(self, kind);
    if (found == NULL) {
        PyObject *name = lv_type_name(self);
        PyErr_Format(PyExc_RuntimeError, "%S object has no %s", name, lv_kinds[kind].name);
        Py_DECREF(name);
        return NULL;
    }
    return Py_NewRef(found);
}

PyObject *
lv_object_connect(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    return lv_accessor_result(self, LV_CONNECT);
}

PyObject *
lv_object_domain(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    return lv_accessor_result(self, LV_DOMAIN);
}

PyObject *
lv_object_network(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    return lv_accessor_result(self, LV_NETWORK);
}

int
lv_add_types(PyObject *module, lv_state *st, PyMethodDef *const methods[LV_NKINDS],
             const char *const docs[LV_NKINDS])
{
    for (int kind = 0; kind < LV_NKINDS; kind++) {
        char qualname[64];
        PyOS_snprintf(qualname, sizeof(qualname), "libvirtmod.%s", lv_kinds[kind].name);
        PyType_Slot slots[] = {
            {Py_tp_dealloc, lv_object_dealloc},
            {Py_tp_finalize, lv_object_finalize},
            {Py_tp_traverse, lv_object_traverse},
            {Py_tp_clear, lv_object_clear},
            {Py_tp_methods, methods[kind]},
            {Py_tp_getset, lv_getset_for(kind)},
            {Py_tp_new, lv_object_new},
            {Py_tp_doc, (void *)docs[kind]},
            {0, NULL},
        };
        PyType_Spec spec = {
            .name = qualname,
            .basicsize = sizeof(lv_object),
            .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
            .slots = slots,
        };
        PyObject *type = PyType_FromModuleAndSpec(module, &spec, NULL);
        if (type == NULL)
            return -1;
        st->base_types[kind] = (PyTypeObject *)type;
        st->classes[kind] = (PyTypeObject *)Py_NewRef(type);
        if (PyModule_AddObjectRef(module, lv_kinds[kind].name, type) < 0)
            return -1;
    }
    return 0;
}

/* A new object of st's class for `kind` holding `handle`, or NULL. */
static lv_object *
lv_alloc(lv_state *st, lv_kind kind, void *handle, PyObject *owner)
{
    lv_object *obj = (lv_object *)PyType_GenericAlloc(st->classes[kind], 0);
    if (obj == NULL)
        return NULL;
    obj->handle = handle;
    obj->st = st;
    obj->kind = (unsigned char)kind;
    obj->owner = Py_XNewRef(owner);
    return obj;
}

PyObject *
lv_wrap(lv_state *st, lv_kind kind, void *handle, PyObject *owner)
{
    lv_object *obj = lv_alloc(st, kind, handle, owner);
    if (obj == NULL) {
        int (*release)(void *) = lv_kinds[kind].free_handle;
        Py_BEGIN_ALLOW_THREADS
        release(handle);
        Py_END_ALLOW_THREADS
        return NULL;
    }
    return (PyObject *)obj;
}

PyObject *
lv_wrap_lent(lv_state *st, lv_kind kind, void *handle, PyObject *owner)
{
    lv_object *obj = lv_alloc(st, kind, handle, owner);
    if (obj == NULL)
        return NULL;
    obj->lent = 1;
    return (PyObject *)obj;
}

void
lv_object_settle(PyObject *self)
{
    lv_object *obj = (lv_object *)self;

    if (obj->lent) {
        obj->lent = 0;
        /* Our reference the only one left: nothing kept the object (a
         * weak reference does not keep it; a call in flight would hold a
         * reference).  It goes now, with the handle forgotten first, so
         * that deallocating it frees nothing of libvirt's.  A __del__
         * assigned to the class could resurrect it: such an object is
         * kept like any other. */
        if (Py_REFCNT(self) == 1 && obj->busy == 0
            && (destructor)PyType_GetSlot(Py_TYPE(self), Py_tp_finalize) == lv_object_finalize) {
            obj->handle = NULL;
        } else if (lv_kinds[obj->kind].ref_handle(obj->handle) < 0) {
            /* Cannot happen for a handle libvirt just passed; if it did,
             * the object reads as released rather than outliving it. */
            obj->handle = NULL;
            virResetLastError();
        }
    }
    Py_DECREF(self);
}

PyObject *
lv_wrap_list(lv_state *st, lv_kind kind, void **handles, int n, PyObject *owner)
{
    PyObject *list = PyList_New(n);
    int i = 0;
    if (list != NULL) {
        for (; i < n; i++) {
            PyObject *item = lv_wrap(st, kind, handles[i], owner);
            if (item == NULL) {
                i++;   /* lv_wrap released this one */
                Py_CLEAR(list);
                break;
            }
            PyList_SetItem(list, i, item);
        }
    }
    for (; i < n; i++)
        lv_kinds[kind].free_handle(handles[i]);
    free(handles);
    return list;
}

/* ---- flat functions ----------------------------------------------------- */

/* A flat function's self: (target, libvirtmod, base type or None, kind, failure). */
enum { LV_FLAT_TARGET, LV_FLAT_CORE, LV_FLAT_BASE, LV_FLAT_KIND, LV_FLAT_FAILURE, LV_FLAT_NFIELDS };

PyObject *
lv_flat_call(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *target = PyTuple_GetItem(self, LV_FLAT_TARGET);
    PyObject *base = PyTuple_GetItem(self, LV_FLAT_BASE);
    int failure = (int)PyLong_AsLong(PyTuple_GetItem(self, LV_FLAT_FAILURE));
    PyObject *result;

    if (base != Py_None && nargs >= 1 && args[0] == Py_None) {
        /* None for the object: the reference passes NULL, which libvirt
         * reports as an invalid handle; an object with no handle does. */
        Py_ssize_t n = nargs + (kwnames != NULL ? PyTuple_Size(kwnames) : 0);
        PyObject **stack = PyMem_Malloc(n * sizeof(PyObject *));
        PyTypeObject *type = (PyTypeObject *)base;
        PyObject *empty;

        if (stack == NULL)
            return PyErr_NoMemory();
        empty = PyType_GenericAlloc(type, 0);
        if (empty == NULL) {
            PyMem_Free(stack);
            return NULL;
        }
        LV_STATE(empty) = lv_state_from_module(PyTuple_GetItem(self, LV_FLAT_CORE));
        ((lv_object *)empty)->kind =
            (unsigned char)PyLong_AsLong(PyTuple_GetItem(self, LV_FLAT_KIND));
        stack[0] = empty;
        for (Py_ssize_t i = 1; i < n; i++)
            stack[i] = args[i];
        result = lv_vectorcall(target, stack, nargs, kwnames);
        Py_DECREF(empty);
        PyMem_Free(stack);
    } else {
        result = lv_vectorcall(target, args, nargs, kwnames);
    }
    if (result == NULL && failure != LV_FLAT_RAW) {
        lv_state *st = lv_state_from_module(PyTuple_GetItem(self, LV_FLAT_CORE));
        if (!PyErr_ExceptionMatches(st->error_class))
            return NULL;
        /* libvirt's error stays the thread's last error, and the error
         * handler has seen it, as with the reference. */
        PyErr_Clear();
        switch (failure) {
        case LV_FLAT_NONE: Py_RETURN_NONE;
        case LV_FLAT_ZERO: return PyLong_FromLong(0);
        default: return PyLong_FromLong(-1);
        }
    }
    if (result != NULL && failure == LV_FLAT_RELEASE) {
        Py_DECREF(result);
        return PyLong_FromLong(0);
    }
    return result;
}

static int
lv_add_flat_function(PyObject *module, PyObject *modname, PyObject *core, lv_flat_def *d)
{
    lv_state *st = lv_state_from_module(core);
    PyObject *owner = d->kind >= 0 ? (PyObject *)st->base_types[d->kind] : module;
    PyObject *target = PyObject_GetAttrString(owner, d->pyname);
    PyObject *self, *func;
    int rc;

    if (target == NULL)
        return -1;
    self = Py_BuildValue("(NOOii)", target, core,
                         d->first_kind >= 0 ? (PyObject *)st->base_types[d->first_kind] : Py_None,
                         d->first_kind, (int)d->failure);
    if (self == NULL)
        return -1;
    func = PyCFunction_NewEx(&d->def, self, modname);
    Py_DECREF(self);
    if (func == NULL)
        return -1;
    rc = PyModule_AddObjectRef(module, d->def.ml_name, func);
    Py_DECREF(func);
    return rc;
}

int
lv_add_flat_functions(PyObject *module, PyObject *core, lv_flat_def *defs)
{
    PyObject *modname = PyModule_GetNameObject(module);
    int rc = modname != NULL ? 0 : -1;

    for (lv_flat_def *d = defs; rc == 0 && d->def.ml_name != NULL; d++)
        rc = lv_add_flat_function(module, modname, core, d);
    Py_XDECREF(modname);
    return rc;
}
