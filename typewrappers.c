/*
 * typewrappers.c: conversions between C and Python values, the wrapper
 * object type shared by every libvirt handle, and error reporting.
 */
#include "typewrappers.h"

#include <string.h>

const lv_kind_info lv_kinds[LV_NKINDS] = LV_KINDS_TABLE;

/* ---- module state ------------------------------------------------------ */

static struct PyModuleDef *lv_core_def;   /* set by libvirtmod's exec */

void lv_set_core_def(struct PyModuleDef *def) { lv_core_def = def; }

lv_state *
lv_state_from_type(PyTypeObject *type)
{
    /* The base chain reaches the libvirtmod type whose layout the class
     * extends.  A class statement's type has no module, which
     * PyType_GetModule reports as TypeError (PyType_GetModuleByDef, which
     * would not, is not in the stable ABI before 3.13). */
    for (PyTypeObject *t = type; t != NULL; t = PyType_GetSlot(t, Py_tp_base)) {
        PyObject *module;
        if (!(PyType_GetFlags(t) & Py_TPFLAGS_HEAPTYPE))
            continue;
        module = PyType_GetModule(t);
        if (module != NULL && PyModule_GetDef(module) == lv_core_def)
            return (lv_state *)PyModule_GetState(module);
        PyErr_Clear();
    }
    PyObject *name = lv_type_name((PyObject *)type);
    PyErr_Format(PyExc_TypeError, "%S is not a libvirtmod type", name);
    Py_DECREF(name);
    return NULL;
}

lv_state *
lv_state_from_module(PyObject *module)
{
    return (lv_state *)PyModule_GetState(module);
}

lv_state *
lv_state_import(PyObject **module_ref)
{
    PyObject *core = PyImport_ImportModule("libvirtmod");
    if (core == NULL)
        return NULL;
    *module_ref = core;
    lv_set_core_def(PyModule_GetDef(core));
    return (lv_state *)PyModule_GetState(core);
}

int
lv_traverse_state(lv_state *st, visitproc visit, void *arg)
{
    for (int i = 0; i < LV_NKINDS; i++) {
        Py_VISIT(st->base_types[i]);
        Py_VISIT(st->classes[i]);
    }
    Py_VISIT(st->error_class);
    Py_VISIT(st->error_handler);
    Py_VISIT(st->error_context);
    Py_VISIT(st->err_name);
    for (size_t i = 0; i < Py_ARRAY_LENGTH(st->key_cache); i++)
        Py_VISIT(st->key_cache[i]);
    for (int i = 0; i < VIR_DOMAIN_MEMORY_STAT_NR; i++)
        Py_VISIT(st->memory_stat_keys[i]);
    Py_VISIT(st->event_opaque_type);
    return 0;
}

void
lv_clear_state(lv_state *st)
{
    for (int i = 0; i < LV_NKINDS; i++) {
        Py_CLEAR(st->base_types[i]);
        Py_CLEAR(st->classes[i]);
    }
    Py_CLEAR(st->error_class);
    Py_CLEAR(st->error_handler);
    Py_CLEAR(st->error_context);
    Py_CLEAR(st->err_name);
    for (size_t i = 0; i < Py_ARRAY_LENGTH(st->key_cache); i++)
        Py_CLEAR(st->key_cache[i]);
    for (int i = 0; i < VIR_DOMAIN_MEMORY_STAT_NR; i++)
        Py_CLEAR(st->memory_stat_keys[i]);
    Py_CLEAR(st->event_opaque_type);
    /* legacy_regs, close_regs, close_inflight: see lv_state. */
}

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

PyObject *
lv_wrap(lv_state *st, lv_kind kind, void *handle, PyObject *owner)
{
    PyTypeObject *cls = st->classes[kind];
    lv_object *obj = (lv_object *)PyType_GenericAlloc(cls, 0);
    if (obj == NULL) {
        int (*release)(void *) = lv_kinds[kind].free_handle;
        Py_BEGIN_ALLOW_THREADS
        release(handle);
        Py_END_ALLOW_THREADS
        return NULL;
    }
    obj->handle = handle;
    obj->st = st;
    obj->kind = (unsigned char)kind;
    obj->owner = Py_XNewRef(owner);
    return (PyObject *)obj;
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

int
lv_add_flat_functions(PyObject *module, PyObject *core, lv_flat_def *defs)
{
    lv_state *st = lv_state_from_module(core);
    PyObject *modname = PyModule_GetNameObject(module);

    if (modname == NULL)
        return -1;
    for (lv_flat_def *d = defs; d->def.ml_name != NULL; d++) {
        PyObject *owner = d->kind >= 0 ? (PyObject *)st->base_types[d->kind] : module;
        PyObject *target = PyObject_GetAttrString(owner, d->pyname);
        PyObject *self, *func;
        int rc;

        if (target == NULL)
            goto error;
        self = Py_BuildValue("(NOOii)", target, core,
                             d->first_kind >= 0 ? (PyObject *)st->base_types[d->first_kind] : Py_None,
                             d->first_kind, (int)d->failure);
        if (self == NULL)
            goto error;
        func = PyCFunction_NewEx(&d->def, self, modname);
        Py_DECREF(self);
        if (func == NULL)
            goto error;
        rc = PyModule_AddObjectRef(module, d->def.ml_name, func);
        Py_DECREF(func);
        if (rc < 0)
            goto error;
    }
    Py_DECREF(modname);
    return 0;
error:
    Py_DECREF(modname);
    return -1;
}

PyObject *
lv_raise_released(PyObject *self)
{
    /* libvirt's release function checks its argument and reports the
     * invalid-object error of this class (code and domain as elsewhere). */
    lv_kinds[((lv_object *)self)->kind].free_handle(NULL);
    return lv_raise_for(self, lv_kinds[((lv_object *)self)->kind].name);
}

/* ---- errors ------------------------------------------------------------ */

PyObject *
lv_error_tuple(virErrorPtr err)
{
    /* Built by hand: this is on the path of every failing call, and
     * Py_BuildValue would parse its format string each time. */
    PyObject *items[] = {
        PyLong_FromLong(err->code), PyLong_FromLong(err->domain), lv_str(err->message),
        PyLong_FromLong(err->level), lv_str(err->str1), lv_str(err->str2), lv_str(err->str3),
        PyLong_FromLong(err->int1), PyLong_FromLong(err->int2),
    };
    PyObject *tuple = PyTuple_New(Py_ARRAY_LENGTH(items));
    for (size_t i = 0; i < Py_ARRAY_LENGTH(items); i++) {
        if (items[i] == NULL || tuple == NULL) {
            Py_CLEAR(tuple);
            Py_XDECREF(items[i]);
            continue;
        }
        PyTuple_SetItem(tuple, i, items[i]);
    }
    return tuple;
}

PyObject *
lv_raise(lv_state *st, const char *func)
{
    virErrorPtr err = virGetLastError();
    PyObject *message, *details, *args, *exc;
    PyObject *cls = st->error_class;

    if (err != NULL && err->code != VIR_ERR_OK) {
        details = lv_error_tuple(err);
        message = err->message ? PyUnicode_DecodeUTF8(err->message, strlen(err->message), "replace")
                               : PyUnicode_FromFormat("%s() failed", func);
    } else {
        details = Py_NewRef(Py_None);
        message = PyUnicode_FromFormat("%s() failed", func);
    }
    if (details == NULL || message == NULL)
        goto done;
    /* Made without calling libvirtError.__init__, which would read the
     * last error again: the tuple is already at hand. */
    args = PyTuple_Pack(1, message);
    if (args == NULL)
        goto done;
    exc = ((newfunc)PyType_GetSlot((PyTypeObject *)cls, Py_tp_new))((PyTypeObject *)cls, args, NULL);
    Py_DECREF(args);
    if (exc == NULL)
        goto done;
    if (PyObject_SetAttr(exc, st->err_name, details) == 0)
        PyErr_SetObject(cls, exc);
    Py_DECREF(exc);
done:
    Py_XDECREF(details);
    Py_XDECREF(message);
    return NULL;
}

PyObject *
lv_raise_message(lv_state *st, const char *message)
{
    /* libvirtError(message), whose __init__ reads the last error as the
     * reference's Python layer does when it raises one itself. */
    PyObject *exc = PyObject_CallFunction(st->error_class, "s", message);
    if (exc != NULL) {
        PyErr_SetObject(st->error_class, exc);
        Py_DECREF(exc);
    }
    return NULL;
}

PyObject *
lv_raise_for(PyObject *self, const char *func)
{
    return lv_raise(LV_STATE(self), func);
}

void
lv_error_callback(void *opaque, virErrorPtr err)
{
    lv_state *st = opaque;
    PyGILState_STATE gil;
    PyObject *handler, *context, *details, *result;

    if (err == NULL || err->code == VIR_ERR_OK)
        return;
    gil = PyGILState_Ensure();
    handler = st->error_handler;
    if (handler != NULL) {
        /* Hold our own references: the handler may replace itself. */
        Py_INCREF(handler);
        context = Py_NewRef(st->error_context ? st->error_context : Py_None);
        details = lv_error_tuple(err);
        result = details ? PyObject_CallFunctionObjArgs(handler, context, details, NULL) : NULL;
        if (result == NULL)
            PyErr_WriteUnraisable(handler);
        Py_XDECREF(result);
        Py_XDECREF(details);
        Py_DECREF(context);
        Py_DECREF(handler);
    }
    PyGILState_Release(gil);
}

/* ---- arguments --------------------------------------------------------- */

int
lv_unpack(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
          const char *funcname, const char *const *names,
          Py_ssize_t required, Py_ssize_t maximum, PyObject **out)
{
    Py_ssize_t i, nkw = kwnames ? PyTuple_Size(kwnames) : 0;

    if (nargs > maximum) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most %zd argument%s (%zd given)",
                     funcname, maximum, maximum == 1 ? "" : "s", nargs + nkw);
        return -1;
    }
    for (i = 0; i < maximum; i++)
        out[i] = i < nargs ? args[i] : NULL;
    for (Py_ssize_t k = 0; k < nkw; k++) {
        PyObject *key = PyTuple_GetItem(kwnames, k);
        for (i = 0; i < maximum; i++) {
            if (PyUnicode_CompareWithASCIIString(key, names[i]) == 0)
                break;
        }
        if (i == maximum) {
            PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'",
                         funcname, key);
            return -1;
        }
        if (out[i] != NULL) {
            PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'",
                         funcname, names[i]);
            return -1;
        }
        out[i] = args[nargs + k];
    }
    for (i = 0; i < required; i++) {
        if (out[i] == NULL) {
            PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s' (pos %zd)",
                         funcname, names[i], i + 1);
            return -1;
        }
    }
    return 0;
}

static int
lv_type_error(const char *name, const char *expected, PyObject *o)
{
    PyObject *type_name = lv_type_name(o);
    PyErr_Format(PyExc_TypeError, "argument '%s' must be %s, not %.100S", name, expected, type_name);
    Py_DECREF(type_name);
    return -1;
}

static int
lv_range_error(const char *name, const char *ctype)
{
    PyErr_Format(PyExc_OverflowError, "argument '%s' is out of range for C %s", name, ctype);
    return -1;
}

/* An int (or an object with __index__) as a new reference. */
static PyObject *
lv_index(PyObject *o, const char *name)
{
    if (PyLong_Check(o))
        return Py_NewRef(o);
    if (PyFloat_Check(o) || !PyIndex_Check(o)) {
        lv_type_error(name, "int", o);
        return NULL;
    }
    return PyNumber_Index(o);
}

static int
lv_signed(PyObject *o, const char *name, const char *ctype,
          long long lo, long long hi, long long *out)
{
    int overflow;
    PyObject *num = lv_index(o, name);
    if (num == NULL)
        return -1;
    *out = PyLong_AsLongLongAndOverflow(num, &overflow);
    Py_DECREF(num);
    if (*out == -1 && PyErr_Occurred())
        return -1;
    if (overflow || *out < lo || *out > hi)
        return lv_range_error(name, ctype);
    return 0;
}

static int
lv_unsigned(PyObject *o, const char *name, const char *ctype,
            unsigned long long hi, unsigned long long *out)
{
    PyObject *num = lv_index(o, name);
    if (num == NULL)
        return -1;
    /* Negative or too large: OverflowError either way. */
    *out = PyLong_AsUnsignedLongLong(num);
    Py_DECREF(num);
    if (*out == (unsigned long long)-1 && PyErr_Occurred()) {
        PyErr_Clear();
        return lv_range_error(name, ctype);
    }
    if (*out > hi)
        return lv_range_error(name, ctype);
    return 0;
}

int
lv_arg_require_int(PyObject *o, const char *name)
{
    return PyLong_Check(o) ? 0 : lv_type_error(name, "int", o);
}

int
lv_arg_int(PyObject *o, const char *name, int *out)
{
    long long v;
    if (PyLong_CheckExact(o)) {
        int overflow;
        long x = PyLong_AsLongAndOverflow(o, &overflow);
        if (!overflow && x >= INT_MIN && x <= INT_MAX) {
            *out = (int)x;
            return 0;
        }
    }
    if (lv_signed(o, name, "int", INT_MIN, INT_MAX, &v) < 0)
        return -1;
    *out = (int)v;
    return 0;
}

int
lv_arg_uint(PyObject *o, const char *name, unsigned int *out)
{
    unsigned long long v;
    if (PyLong_CheckExact(o)) {
        int overflow;
        long x = PyLong_AsLongAndOverflow(o, &overflow);
        if (!overflow && x >= 0 && (unsigned long)x <= UINT_MAX) {
            *out = (unsigned int)x;
            return 0;
        }
    }
    if (lv_unsigned(o, name, "unsigned int", UINT_MAX, &v) < 0)
        return -1;
    *out = (unsigned int)v;
    return 0;
}

int
lv_arg_long(PyObject *o, const char *name, long *out)
{
    long long v;
    if (lv_signed(o, name, "long", LONG_MIN, LONG_MAX, &v) < 0)
        return -1;
    *out = (long)v;
    return 0;
}

int
lv_arg_ulong(PyObject *o, const char *name, unsigned long *out)
{
    unsigned long long v;
    if (lv_unsigned(o, name, "unsigned long", ULONG_MAX, &v) < 0)
        return -1;
    *out = (unsigned long)v;
    return 0;
}

int
lv_arg_llong(PyObject *o, const char *name, long long *out)
{
    return lv_signed(o, name, "long long", LLONG_MIN, LLONG_MAX, out);
}

int
lv_arg_ullong(PyObject *o, const char *name, unsigned long long *out)
{
    return lv_unsigned(o, name, "unsigned long long", ULLONG_MAX, out);
}

int
lv_arg_size(PyObject *o, const char *name, size_t *out)
{
    unsigned long long v;
    if (lv_unsigned(o, name, "size_t", SIZE_MAX, &v) < 0)
        return -1;
    *out = (size_t)v;
    return 0;
}

int
lv_arg_double(PyObject *o, const char *name, double *out)
{
    if (!PyFloat_Check(o) && !PyLong_Check(o))
        return lv_type_error(name, "float", o);
    *out = PyFloat_AsDouble(o);
    return (*out == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

int
lv_arg_str(PyObject *o, const char *name, int nullable, const char **out)
{
    Py_ssize_t len;
    if (o == Py_None && nullable) {
        *out = NULL;
        return 0;
    }
    if (!PyUnicode_Check(o))
        return lv_type_error(name, nullable ? "str or None" : "str", o);
    *out = PyUnicode_AsUTF8AndSize(o, &len);
    if (*out == NULL)
        return -1;
    if (strlen(*out) != (size_t)len) {
        PyErr_Format(PyExc_ValueError, "argument '%s' contains an embedded null character", name);
        return -1;
    }
    return 0;
}

int
lv_arg_uuid(lv_state *st, PyObject *o, const char *name, const char *func,
            const unsigned char **out)
{
    const char *data = NULL;
    Py_ssize_t len = 0;

    if (PyBytes_Check(o)) {
        data = PyBytes_AsString(o);
        len = PyBytes_Size(o);
    } else if (PyUnicode_Check(o)) {
        /* The reference takes a str's UTF-8 bytes: 16 of them make a UUID. */
        if ((data = PyUnicode_AsUTF8AndSize(o, &len)) == NULL)
            return -1;
    } else if (o != Py_None) {
        return lv_type_error(name, "bytes, str or None", o);
    }
    if (data == NULL || len != VIR_UUID_BUFLEN) {
        /* Not a UUID: "<func>() failed", as the reference reports it. */
        lv_raise(st, func);
        return -1;
    }
    *out = (const unsigned char *)data;
    return 0;
}

int
lv_arg_handle(lv_state *st, PyObject *o, const char *name, lv_kind kind,
              int none, void **out)
{
    if (o == Py_None && none == LV_NONE_IS_NULL) {
        *out = NULL;
        return 0;
    }
    if (o == Py_None && none == LV_NONE_NO_O) {
        PyErr_SetString(PyExc_AttributeError, "'NoneType' object has no attribute '_o'");
        return -1;
    }
    if (!PyObject_TypeCheck(o, st->base_types[kind]))
        return lv_type_error(name, lv_kinds[kind].name, o);
    *out = LV_HANDLE(o);
    /* A released object is no NULL for libvirt where libvirt would crash on
     * one (rules.NULL_CRASHES); elsewhere libvirt reports it. */
    if (*out == NULL && none == LV_NONE_REFUSED) {
        lv_raise_released(o);
        return -1;
    }
    return 0;
}

PyObject *
lv_arg_list(PyObject *o, const char *name, const char *expected)
{
    /* Only a list, as the reference: it refuses or ignores tuples here. */
    if (!PyList_Check(o)) {
        lv_type_error(name, expected, o);
        return NULL;
    }
    return PyList_AsTuple(o);
}

/* Each item of a list converted by `convert` into a PyMem array
 * of `itemsize`-byte items.  The tuple copy holding the items goes to
 * *keep when keep is not NULL (items may point into it: release it after
 * the call), else it is released here. */
static int
lv_arg_array(PyObject *o, const char *name, const char *expected, size_t itemsize,
             int (*convert)(PyObject *item, const char *name, void *out),
             PyObject **keep, void **out, unsigned int *n)
{
    PyObject *seq = lv_arg_list(o, name, expected);
    Py_ssize_t len;
    char *items;

    if (seq == NULL)
        return -1;
    len = PyTuple_Size(seq);
    if ((size_t)len > UINT_MAX) {
        Py_DECREF(seq);
        PyErr_Format(PyExc_OverflowError, "argument '%s' has too many items", name);
        return -1;
    }
    if ((items = PyMem_Calloc(len ? len : 1, itemsize)) == NULL) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        if (convert(PyTuple_GetItem(seq, i), name, items + (size_t)i * itemsize) < 0) {
            PyMem_Free(items);
            Py_DECREF(seq);
            return -1;
        }
    }
    if (keep != NULL)
        *keep = seq;
    else
        Py_DECREF(seq);
    *out = items;
    *n = (unsigned int)len;
    return 0;
}

static int
lv_item_fd(PyObject *item, const char *name, void *out)
{
    /* TypeError for what is no file, ValueError for a negative int */
    return (*(int *)out = PyObject_AsFileDescriptor(item)) < 0 ? -1 : 0;
}

static int
lv_item_str(PyObject *item, const char *name, void *out)
{
    return lv_arg_str(item, name, 0, (const char **)out);
}

static int
lv_item_uint(PyObject *item, const char *name, void *out)
{
    return lv_arg_uint(item, name, (unsigned int *)out);
}

int
lv_arg_callable(PyObject *o, const char *name)
{
    if (PyCallable_Check(o))
        return 0;
    PyObject *type_name = lv_type_name(o);
    PyErr_Format(PyExc_TypeError, "argument '%s' must be callable, not %.100S", name, type_name);
    Py_DECREF(type_name);
    return -1;
}

int
lv_arg_fd_array(PyObject *o, const char *name, int **out, unsigned int *n)
{
    return lv_arg_array(o, name, "a list of file descriptors", sizeof(**out), lv_item_fd,
                        NULL, (void **)out, n);
}

int
lv_arg_uint_array(PyObject *o, const char *name, unsigned int **out, unsigned int *n)
{
    return lv_arg_array(o, name, "a list of int", sizeof(**out), lv_item_uint,
                        NULL, (void **)out, n);
}

int
lv_arg_str_array(PyObject *o, const char *name, int nullable, PyObject **keep,
                 const char ***out, unsigned int *n)
{
    *keep = NULL;
    *out = NULL;
    *n = 0;
    if (o == NULL || (o == Py_None && nullable))
        return 0;
    return lv_arg_array(o, name, nullable ? "a list of str or None" : "a list of str",
                        sizeof(**out), lv_item_str, keep, (void **)out, n);
}

/* The CPU map (PyMem, freed by the caller) for a pin*() method of `self`
 * (a virDomain) from a tuple (only, as the reference) whose item i tells, by its truth value,
 * whether host CPU i is in it.  Like libvirt's own maps it covers the host's
 * CPUs: items past them are ignored, missing ones are False. */
int
lv_arg_cpumap(PyObject *self, lv_state *st, PyObject *o, const char *name,
              unsigned char **map, int *maplen)
{
    PyObject *seq;
    unsigned char *bits;
    Py_ssize_t n;
    int ncpus;

    if (!PyTuple_Check(o))
        return lv_type_error(name, "a tuple of bool", o);
    seq = Py_NewRef(o);
    Py_BEGIN_ALLOW_THREADS
    ncpus = virNodeGetCPUMap(virDomainGetConnect(LV_HANDLE(self)), NULL, NULL, 0);
    Py_END_ALLOW_THREADS
    if (ncpus < 0) {
        Py_DECREF(seq);
        lv_raise(st, "virNodeGetCPUMap");
        return -1;
    }
    n = PyTuple_Size(seq) < ncpus ? PyTuple_Size(seq) : ncpus;
    *maplen = ncpus > 0 ? VIR_CPU_MAPLEN(ncpus) : 1;
    if ((bits = PyMem_Calloc(*maplen, 1)) == NULL) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        int truth = PyObject_IsTrue(PyTuple_GetItem(seq, i));
        if (truth < 0) {
            PyMem_Free(bits);
            Py_DECREF(seq);
            return -1;
        }
        if (truth)
            VIR_USE_CPU(bits, i);
    }
    Py_DECREF(seq);
    *map = bits;
    return 0;
}

/* ---- C -> Python ------------------------------------------------------- */

PyObject *
lv_str(const char *s)
{
    if (s == NULL)
        Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, strlen(s), "surrogateescape");
}

PyObject *
lv_str_free(char *s)
{
    PyObject *result = lv_str(s);
    free(s);
    return result;
}

PyObject *
lv_str_list_free(char **strings, int n)
{
    PyObject *list = PyList_New(n);
    for (int i = 0; i < n; i++) {
        if (list != NULL) {
            PyObject *item = lv_str(strings[i]);
            if (item == NULL)
                Py_CLEAR(list);
            else
                PyList_SetItem(list, i, item);
        }
        free(strings[i]);
    }
    free(strings);
    return list;
}

/* The str for a dict key, as a new reference. */
static PyObject *
lv_key(lv_state *st, const char *key)
{
    PyObject **slot, *str;
    unsigned int hash = 2166136261u;   /* FNV-1a */
    unsigned char bits = 0;

    if (st == NULL)
        return PyUnicode_FromString(key);
    for (const unsigned char *c = (const unsigned char *)key; *c; c++) {
        hash = (hash ^ *c) * 16777619u;
        bits |= *c;
    }
    slot = &st->key_cache[hash % Py_ARRAY_LENGTH(st->key_cache)];
    if (*slot != NULL && strcmp(PyUnicode_AsUTF8AndSize(*slot, NULL), key) == 0)
        return Py_NewRef(*slot);
    if ((str = PyUnicode_FromString(key)) == NULL)
        return NULL;
    /* Only ASCII keys are kept: their UTF-8 is the str's own data, where
     * any other str would keep a UTF-8 copy besides. */
    if (bits < 0x80) {
        (void)PyObject_Hash(str);   /* cannot fail for a str: computed once, kept in it */
        lv_setref(slot, Py_NewRef(str));
    }
    return str;
}

int
lv_dict_set(lv_state *st, PyObject *dict, const char *key, PyObject *value)
{
    PyObject *name;
    int rc = -1;
    /* Not PyDict_SetItemString: it interns the key, a dict lookup that
     * costs more than the key is worth for a result dict. */
    if (value != NULL && (name = lv_key(st, key)) != NULL) {
        rc = PyDict_SetItem(dict, name, value);
        Py_DECREF(name);
    }
    Py_XDECREF(value);
    return rc;
}

/* ---- typed parameters -------------------------------------------------- */

static PyObject *
lv_typed_param_value(virTypedParameterPtr p)
{
    switch (p->type) {
    case VIR_TYPED_PARAM_INT:
        return PyLong_FromLong(p->value.i);
    case VIR_TYPED_PARAM_UINT:
        return PyLong_FromUnsignedLong(p->value.ui);
    case VIR_TYPED_PARAM_LLONG:
        return PyLong_FromLongLong(p->value.l);
    case VIR_TYPED_PARAM_ULLONG:
        return PyLong_FromUnsignedLongLong(p->value.ul);
    case VIR_TYPED_PARAM_DOUBLE:
        return PyFloat_FromDouble(p->value.d);
    case VIR_TYPED_PARAM_BOOLEAN:
        return PyBool_FromLong(p->value.b);
    case VIR_TYPED_PARAM_STRING:
        return lv_str(p->value.s);
    default:
        Py_RETURN_NONE;   /* a type newer than this binding: no value to give */
    }
}

PyObject *
lv_typed_params_to_dict(lv_state *st, virTypedParameterPtr params, int nparams)
{
    PyObject *dict = PyDict_New();
    if (dict == NULL)
        return NULL;
    for (int i = 0; i < nparams; i++) {
        if (lv_dict_set(st, dict, params[i].field, lv_typed_param_value(&params[i])) < 0) {
            Py_DECREF(dict);
            return NULL;
        }
    }
    return dict;
}

void
lv_typed_params_free(virTypedParameterPtr params, int nparams)
{
    if (params == NULL)
        return;
    for (int i = 0; i < nparams; i++) {
        if (params[i].type == VIR_TYPED_PARAM_STRING)
            PyMem_Free(params[i].value.s);
    }
    PyMem_Free(params);
}

static int
lv_typed_param_set(virTypedParameterPtr p, PyObject *value)
{
    const char *name = p->field;
    /* As the reference: only its int parameters take __index__ objects. */
    if ((p->type == VIR_TYPED_PARAM_UINT || p->type == VIR_TYPED_PARAM_LLONG
         || p->type == VIR_TYPED_PARAM_ULLONG) && lv_arg_require_int(value, name) < 0)
        return -1;
    switch (p->type) {
    case VIR_TYPED_PARAM_INT:
        return lv_arg_int(value, name, &p->value.i);
    case VIR_TYPED_PARAM_UINT:
        return lv_arg_uint(value, name, &p->value.ui);
    case VIR_TYPED_PARAM_LLONG:
        return lv_arg_llong(value, name, &p->value.l);
    case VIR_TYPED_PARAM_ULLONG:
        return lv_arg_ullong(value, name, &p->value.ul);
    case VIR_TYPED_PARAM_DOUBLE:
        return lv_arg_double(value, name, &p->value.d);
    case VIR_TYPED_PARAM_BOOLEAN: {
        int truth = PyObject_IsTrue(value);
        if (truth < 0)
            return -1;
        p->value.b = (char)truth;
        return 0;
    }
    case VIR_TYPED_PARAM_STRING: {
        const char *s;
        size_t len;
        if (lv_arg_str(value, name, 0, &s) < 0)
            return -1;
        len = strlen(s) + 1;
        if ((p->value.s = PyMem_Malloc(len)) == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        memcpy(p->value.s, s, len);
        return 0;
    }
    default:
        PyErr_Format(PyExc_ValueError, "parameter '%s' has a type this binding does not know", name);
        return -1;
    }
}

/* The type of a parameter no hint names, from its value, as the reference
 * infers it: str, bool, int (unsigned unless it does not fit), float. */
static int
lv_param_type_of(PyObject *value, const char *field)
{
    if (PyUnicode_Check(value))
        return VIR_TYPED_PARAM_STRING;
    if (PyBool_Check(value))
        return VIR_TYPED_PARAM_BOOLEAN;
    if (PyLong_Check(value)) {
        unsigned long long ull = PyLong_AsUnsignedLongLong(value);
        if (ull == (unsigned long long)-1 && PyErr_Occurred()) {
            PyErr_Clear();
            return VIR_TYPED_PARAM_LLONG;
        }
        return VIR_TYPED_PARAM_ULLONG;
    }
    if (PyFloat_Check(value))
        return VIR_TYPED_PARAM_DOUBLE;
    PyErr_Format(PyExc_TypeError, "Unknown type of \"%s\" field", field);
    return -1;
}

int
lv_arg_params_dict(PyObject *dict, int allow_empty)
{
    if (!PyDict_Check(dict))
        return lv_type_error("params", "dict", dict);
    if (PyDict_Size(dict) == 0 && !allow_empty) {
        /* Like the reference: setting nothing is a mistake worth telling. */
        PyErr_SetString(PyExc_LookupError, "Need non-empty dictionary to set attributes");
        return -1;
    }
    return 0;
}

int
lv_dict_to_typed_params(PyObject *dict, virTypedParameterPtr known, int nknown, int hints,
                        virTypedParameterPtr *out, int *nout)
{
    PyObject *items, *values = NULL;
    Py_ssize_t nitems, total = 0, n = 0;
    int *index = NULL;
    const char **fields = NULL;   /* borrowed from the keys `items` holds */
    virTypedParameterPtr params = NULL;

    if (lv_arg_params_dict(dict, hints) < 0)
        return -1;
    /* Work on snapshots: converting a value runs Python code (__index__,
     * __bool__) that could change the dict or a list under us. */
    if ((items = PyDict_Items(dict)) == NULL)
        return -1;
    nitems = PyList_Size(items);
    values = PyList_New(nitems);
    index = PyMem_Calloc(nitems ? nitems : 1, sizeof(*index));
    fields = PyMem_Calloc(nitems ? nitems : 1, sizeof(*fields));
    if (values == NULL || index == NULL || fields == NULL) {
        if (values != NULL)
            PyErr_NoMemory();
        goto error;
    }
    for (Py_ssize_t k = 0; k < nitems; k++) {
        PyObject *pair = PyList_GetItem(items, k), *value = PyTuple_GetItem(pair, 1);
        const char *field;
        int i;
        if (lv_arg_str(PyTuple_GetItem(pair, 0), "params key", 0, &field) < 0)
            goto error;
        for (i = 0; i < nknown && strcmp(known[i].field, field) != 0; i++)
            ;
        if (i == nknown) {
            if (!hints) {
                PyErr_Format(PyExc_LookupError, "parameter '%s' is not supported here", field);
                goto error;
            }
            if (strlen(field) >= VIR_TYPED_PARAM_FIELD_LENGTH) {
                PyErr_Format(PyExc_ValueError, "parameter name '%s' is too long", field);
                goto error;
            }
            i = -1;   /* typed from its value */
        }
        index[k] = i;
        fields[k] = field;
        /* A list or tuple repeats the parameter (VIR_MIGRATE_PARAM_MIGRATE_DISKS). */
        if (hints && (PyList_Check(value) || PyTuple_Check(value))) {
            if ((value = PySequence_Tuple(value)) == NULL)
                goto error;
            total += PyTuple_Size(value);
        } else {
            Py_INCREF(value);
            total++;
        }
        PyList_SetItem(values, k, value);
    }
    if ((params = PyMem_Calloc(total ? total : 1, sizeof(*params))) == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    for (Py_ssize_t k = 0; k < nitems; k++) {
        PyObject *value = PyList_GetItem(values, k);
        int repeated = hints && PyTuple_Check(value);
        Py_ssize_t count = repeated ? PyTuple_Size(value) : 1;
        const char *field = fields[k];
        for (Py_ssize_t j = 0; j < count; j++) {
            PyObject *item = repeated ? PyTuple_GetItem(value, j) : value;
            int type = index[k] >= 0 ? known[index[k]].type : lv_param_type_of(item, field);
            if (type < 0)
                goto error;
            params[n].type = type;
            strcpy(params[n].field, field);
            if (lv_typed_param_set(&params[n], item) < 0)
                goto error;   /* this entry holds no string yet */
            n++;
        }
    }
    Py_DECREF(items);
    Py_DECREF(values);
    PyMem_Free(index);
    PyMem_Free(fields);
    *out = params;
    *nout = (int)n;
    return 0;
error:
    lv_typed_params_free(params, (int)n);
    Py_DECREF(items);
    Py_XDECREF(values);
    PyMem_Free(index);
    PyMem_Free(fields);
    return -1;
}

/* ---- libvirtmod_qemu / libvirtmod_lxc module support ---------------- */

static int
lv_ext_exec(PyObject *module)
{
    lv_ext_state *st = PyModule_GetState(module);
    if (lv_watch_exit() < 0 || lv_state_import(&st->core) == NULL)
        return -1;
    return lv_add_flat_functions(module, st->core, lv_flat_functions);
}

PyModuleDef_Slot lv_ext_slots[] = {
    {Py_mod_exec, lv_ext_exec},
    {0, NULL}
};

int
lv_ext_traverse(PyObject *module, visitproc visit, void *arg)
{
    Py_VISIT(((lv_ext_state *)PyModule_GetState(module))->core);
    return 0;
}

int
lv_ext_clear(PyObject *module)
{
    Py_CLEAR(((lv_ext_state *)PyModule_GetState(module))->core);
    return 0;
}

void
lv_ext_free(void *module)
{
    lv_ext_clear(module);
}
