/* typewrappers.h: the one internal header; each section names the file defining it. */
/*
 * Shared by the generated glue and the hand-written C of libvirtmod,
 * libvirtmod_qemu and libvirtmod_lxc: the object layout every libvirt
 * handle wrapper shares, the per-module state, one helper per conversion
 * between C and Python values, and argument parsing for METH_FASTCALL |
 * METH_KEYWORDS entry points.  Only the callback registrations have a
 * header of their own (src/callbacks.h).
 */
#ifndef LIBVIRT_PYTHON_TYPEWRAPPERS_H
#define LIBVIRT_PYTHON_TYPEWRAPPERS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>
#include "pycompat.h"
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

/* ==== the kinds of objects and their layout (src/objects.c) ============= */

typedef struct {
    const char *name;              /* Python class name, e.g. "virDomain" */
    int (*free_handle)(void *);    /* releases the reference the wrapper owns */
    int (*ref_handle)(void *);     /* takes one more reference (virDomainRef, ...) */
    int owner_kind;                /* kind of the object a handle comes from, or -1 */
} lv_kind_info;

/* lv_kind (LV_CONNECT, LV_DOMAIN, ...), LV_NKINDS and the LV_KINDS_TABLE
 * initializer of lv_kinds[]: generated from codegen/rules.py's CLASSES. */
#include "lv-kinds.h"

extern const lv_kind_info lv_kinds[LV_NKINDS];

/* Every wrapper object: the libvirt handle it owns one reference to, and
 * the Python object it was obtained from (kept alive for connect() and
 * friends; libvirt itself keeps the C parent alive). */
typedef struct {
    PyObject_HEAD
    void *handle;
    /* libvirtmod's state: it outlives the object, whose type holds the
     * module. */
    struct lv_state *st;
    PyObject *owner;
    /* What `_o` reads when a program assigned to it (the reference's
     * programs and tests do), else NULL: `_o` is the object itself. */
    PyObject *o_assigned;
    /* Calls on this object running without the GIL, counted under it, and
     * the handle a release during them left for the last one to release:
     * a release never frees what a running call still uses. */
    unsigned int busy;
    void *release_pending;
    unsigned char kind;
    /* The handle is one libvirt lends to a callback, with no reference of
     * ours (lv_wrap_lent): the object must not outlive the callback
     * unless lv_object_settle takes one. */
    unsigned char lent;
} lv_object;

/* Read under the GIL.  A call that releases the GIL reads self's handle
 * first, once self is counted in flight (the generated entry point, into
 * c_self, which it also passes to a hand-written impl): a release by
 * another thread meanwhile clears the field, but leaves the handle itself
 * to the last call in flight. */
#define LV_HANDLE(obj) (((lv_object *)(obj))->handle)
#define LV_STATE(obj) (((lv_object *)(obj))->st)

/* Around every call that uses an object's handle without the GIL (the
 * generated entry points bracket each such call for self and for every
 * object argument): a release meanwhile waits for the last leave. */
static inline void
lv_call_enter(PyObject *obj)
{
    ((lv_object *)obj)->busy++;
}

/* lv_call_leave's slow path: release the handle a release left pending. */
void lv_release_pending(PyObject *obj);

static inline void
lv_call_leave(PyObject *obj)
{
    lv_object *o = (lv_object *)obj;
    if (--o->busy == 0 && o->release_pending != NULL)
        lv_release_pending(obj);
}

/* ==== module state (src/state.c) ======================================== */

/* libvirtmod's module state. */
typedef struct lv_state {
    PyTypeObject *base_types[LV_NKINDS];  /* the C types libvirtmod defines */
    PyTypeObject *classes[LV_NKINDS];     /* what results are made of: libvirt.py's subclasses once registered */
    PyObject *error_class;                /* libvirt.libvirtError once registered */
    PyObject *error_handler;              /* registerErrorHandler()'s callable, or NULL */
    PyObject *error_context;
    /* The error tuple lv_error_callback last gave the handler, with the
     * ints it was made from: lv_raise reuses it when the thread's last
     * error still holds the same values (src/errors.c).  The ints repeat
     * the tuple's on purpose: reading them back from the tuple costs
     * about 250 instructions per failing call (bench.py --instructions:
     * lookupByName('nope') 8,345 -> 8,597, ratio 0.49 -> 0.51). */
    struct {
        PyObject *tuple;
        int code, domain, int1, int2;
        virErrorLevel level;
    } handed_error;
    /* memoryStats() keys, made once: a result dict then costs no string
     * allocation or hashing per key. */
    PyObject *memory_stat_keys[VIR_DOMAIN_MEMORY_STAT_NR];
    PyObject *err_name;                   /* "err", interned once for lv_raise */
    /* Dict keys made from C strings (typed parameter fields, statistics
     * names), by a hash of the C string: a hit saves making and hashing
     * the str.  A collision just replaces the entry. */
    PyObject *key_cache[256];
    /* src/event-loop.c.  The type of the opaque objects given to the
     * Python event loop (made by virEventRegisterImpl). */
    PyTypeObject *event_opaque_type;
    /* Bookkeeping of registrations, which libvirt owns (not references:
     * neither traversed nor cleared; each registration keeps a connection
     * object, and through its type this module and state, alive):
     * domainEventRegister's, one per connection (src/events-register.c);
     * registerCloseCallback's, with a serial number each, and the calls
     * of it still running (src/close-callback.c). */
    struct lv_reg *legacy_regs;
    struct lv_reg *close_regs;
    int close_serial;
    struct lv_close_call *close_inflight;
    /* src/streams.c: the buffer recv() and recvFlags() receive into
     * (allocated at first use), and whether a call is using it. */
    char *stream_buf;
    int stream_buf_busy;
} lv_state;

/* The state of libvirtmod, from a type defined by it (or a subclass);
 * NULL with TypeError for any other type.  An object of ours has it at
 * hand: LV_STATE(obj). */
lv_state *lv_state_from_type(PyTypeObject *type);
/* ... from libvirtmod itself. */
lv_state *lv_state_from_module(PyObject *module);

/* The libvirtmod module definition, registered by its exec function so
 * that types and objects can find their module state. */
void lv_set_core_def(struct PyModuleDef *def);

int lv_traverse_state(lv_state *st, visitproc visit, void *arg);
void lv_clear_state(lv_state *st);

/* State of libvirtmod_qemu and libvirtmod_lxc: the libvirtmod they use. */
typedef struct {
    PyObject *core;
} lv_ext_state;

/* An add-on module's PyInit: its PyModuleDef `def` (name and docstring
 * given) completed with the state, functions, slots and hooks every
 * add-on module has (its exec imports libvirtmod), and initialized. */
PyObject *lv_ext_init(struct PyModuleDef *def);

/* ==== the generated tables (build/generated/<extension>-generated.c) ==== */

/* The module's functions (every extension). */
extern PyMethodDef lv_module_functions[];
/* libvirtmod's: each class's methods and docstring. */
extern PyMethodDef *const lv_class_methods[LV_NKINDS];
extern const char *const lv_class_docs[LV_NKINDS];

/* The arguments of kind's constructor (generated from codegen/rules.py):
 * 0, or -1 with an exception. */
int lv_constructor_args(lv_kind kind, PyObject *args, PyObject *kwds, PyObject **owner,
                        PyObject **source);

/* What a flat function returns where the method raises libvirtError. */
typedef enum {
    LV_FLAT_RAW,         /* the method's result, or its exception */
    LV_FLAT_NONE,        /* None */
    LV_FLAT_MINUS_ONE,   /* -1 */
    LV_FLAT_ZERO,        /* 0 */
    LV_FLAT_RELEASE,     /* vir<Class>Free: 0 after releasing */
} lv_flat_failure;

/* libvirtmod.<name>(obj, *args) calls method `pyname` of class `kind`
 * (module function `pyname` when kind is -1) with obj as self.  None for
 * the first argument stands for a released object of kind `first_kind`
 * (-1: the first argument is no object).  One table per extension module
 * (lv_flat_functions). */
typedef struct {
    PyMethodDef def;     /* name, lv_flat_call, flags, doc */
    int kind;
    int first_kind;
    const char *pyname;
    lv_flat_failure failure;
} lv_flat_def;

extern lv_flat_def lv_flat_functions[];

/* ==== the wrapper types and flat functions (src/objects.c) ============== */

/* Set up the wrapper types in a fresh module (called from Py_mod_exec). */
int lv_add_types(PyObject *module, lv_state *st,
                 PyMethodDef *const methods[LV_NKINDS],
                 const char *const docs[LV_NKINDS]);

/* Methods of every wrapper type (c_pointer) and the owner accessors. */
PyObject *lv_object_c_pointer(PyObject *self, PyObject *unused);
/* Release the handle now (0 when there is none), or, while calls are in
 * flight on the object, when the last of them leaves (0 then); from now
 * on the object reads as released.  libvirt's result otherwise: 0, or -1
 * with the error reported to libvirt's error handler. */
int lv_object_release(PyObject *self);
PyObject *lv_object_connect(PyObject *self, PyObject *unused);
PyObject *lv_object_domain(PyObject *self, PyObject *unused);
PyObject *lv_object_network(PyObject *self, PyObject *unused);

/* Wrap a handle we own one reference to (released if wrapping fails). */
PyObject *lv_wrap(lv_state *st, lv_kind kind, void *handle, PyObject *owner);
/* The Python object to record as owner of a `kind` result obtained
 * through `self` (self itself, or one of its owners). */
PyObject *lv_owner_for(PyObject *self, lv_kind kind);
/* Wrap a handle libvirt lends for the duration of a callback, taking no
 * reference (GIL held; free-threaded builds take one: see
 * lv_object_settle).  NULL with an exception on failure. */
PyObject *lv_wrap_lent(lv_state *st, lv_kind kind, void *handle, PyObject *owner);
/* After the callback that got `obj` from lv_wrap_lent returned, before
 * libvirt takes the handle back (GIL held): consumes the caller's
 * reference.  When that was the last one, the object goes without a
 * libvirt call; when something else keeps the object, it takes its own
 * reference to the handle now. */
void lv_object_settle(PyObject *obj);
/* A list of wrapped handles, freeing the C array (and the handles on error). */
PyObject *lv_wrap_list(lv_state *st, lv_kind kind, void **handles, int n, PyObject *owner);

/* The libvirtmod.<C name>() functions: the reference's flat functions. */
PyObject *lv_flat_call(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                       PyObject *kwnames);
/* Add the flat functions of `defs` to `module`; `core` is libvirtmod. */
int lv_add_flat_functions(PyObject *module, PyObject *core, lv_flat_def *defs);

/* ==== errors (src/errors.c) ============================================== */

/* Raise libvirtError from libvirt's last error of this thread (or a
 * generic "<func>() failed" when libvirt left none).  Returns NULL. */
PyObject *lv_raise(lv_state *st, const char *func);
/* Raise libvirtError(message), as the reference's Python layer raises it
 * for what it refuses itself.  Returns NULL. */
PyObject *lv_raise_message(lv_state *st, const char *message);
/* Same as lv_raise, finding the state through an object of ours. */
PyObject *lv_raise_for(PyObject *self, const char *func);
/* Raise libvirt's invalid-object error for a released object (NULL handle),
 * for the functions libvirt would crash in (rules.NULL_HANDLE_CRASHES). */
PyObject *lv_raise_released(PyObject *self);
/* libvirt's error as the 9-tuple libvirt.virGetLastError() returns. */
PyObject *lv_error_tuple(virErrorPtr err);
/* The error tuple lv_error_callback makes for the handler, kept for lv_raise. */
PyObject *lv_handed_error_tuple(lv_state *st, virErrorPtr err);

/* ==== arguments: Python -> C (typewrappers.c) =========================== */

/* Match positional and keyword arguments of a METH_FASTCALL|METH_KEYWORDS
 * call to the parameter names `names` (NULL terminated): out[i] receives
 * a borrowed reference or NULL when the parameter was not given.  The
 * first `required` parameters must be given. */
int lv_unpack(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
              const char *funcname, const char *const *names,
              Py_ssize_t required, Py_ssize_t maximum, PyObject **out);

static inline int
lv_unpack_fast(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
               const char *funcname, const char *const *names,
               Py_ssize_t required, Py_ssize_t maximum, PyObject **out)
{
    /* The common case: positional arguments only, all accounted for. */
    if (kwnames == NULL && nargs >= required && nargs <= maximum) {
        Py_ssize_t i;
        for (i = 0; i < nargs; i++)
            out[i] = args[i];
        for (; i < maximum; i++)
            out[i] = NULL;
        return 0;
    }
    return lv_unpack(args, nargs, kwnames, funcname, names, required, maximum, out);
}

/* TypeError "argument '<name>' must be <expected>, not <type of o>"; returns -1. */
int lv_type_error(const char *name, const char *expected, PyObject *o);

/* Each returns 0, or -1 with TypeError/OverflowError/ValueError set. */
int lv_arg_int(PyObject *o, const char *name, int *out);
int lv_arg_uint(PyObject *o, const char *name, unsigned int *out);
int lv_arg_long(PyObject *o, const char *name, long *out);
int lv_arg_ulong(PyObject *o, const char *name, unsigned long *out);
int lv_arg_llong(PyObject *o, const char *name, long long *out);
int lv_arg_ullong(PyObject *o, const char *name, unsigned long long *out);
int lv_arg_size(PyObject *o, const char *name, size_t *out);
int lv_arg_double(PyObject *o, const char *name, double *out);
/* TypeError unless `o` is an int: where the reference takes no object with
 * __index__ (its k and K formats, its unsigned and 64-bit typed
 * parameters), neither do we. */
int lv_arg_require_int(PyObject *o, const char *name);
/* str -> UTF-8 (valid while `o` lives); None -> NULL when nullable. */
int lv_arg_str(PyObject *o, const char *name, int nullable, const char **out);
/* bytes, or str as UTF-8, of exactly VIR_UUID_BUFLEN; else (None, any other
 * length) libvirtError "<func>() failed", as the reference raises it. */
int lv_arg_uuid(lv_state *st, PyObject *o, const char *name, const char *func,
                const unsigned char **out);
/* What None means for an object argument (lv_arg_handle's `none`). */
enum {
    LV_NONE_REFUSED = 0,   /* TypeError; a released object too is no NULL for libvirt */
    LV_NONE_IS_NULL = 1,   /* NULL, for libvirt to report */
    LV_NONE_NO_O = 2,      /* AttributeError, as the reference's `domain._o` in libvirt_qemu/_lxc */
};
/* One of our objects of the given kind; None as `none` says. */
int lv_arg_handle(lv_state *st, PyObject *o, const char *name, lv_kind kind,
                  int none, void **out);
/* `o` must be callable: 0, or -1 with TypeError. */
int lv_arg_callable(PyObject *o, const char *name);
/* A list of file descriptors (int, or objects with fileno()) as a PyMem
 * array of *n ints the caller frees with PyMem_Free. */
int lv_arg_fd_array(PyObject *o, const char *name, int **out, unsigned int *n);
/* A list of int as a PyMem array of unsigned int. */
int lv_arg_uint_array(PyObject *o, const char *name, unsigned int **out, unsigned int *n);
/* A list of str as a PyMem array of UTF-8 strings that belong to *keep
 * (release both after the call); missing, or None when nullable, gives
 * NULL and 0. */
int lv_arg_str_array(PyObject *o, const char *name, int nullable, PyObject **keep,
                     const char ***out, unsigned int *n);
/* A domain's CPU map (PyMem) from a tuple of truth values, one per host
 * CPU of the domain's connection (self is the virDomain). */
int lv_arg_cpumap(PyObject *self, lv_state *st, PyObject *o, const char *name,
                  unsigned char **map, int *maplen);

/* ==== results: C -> Python (typewrappers.c) ============================= */

PyObject *lv_str(const char *s);           /* NULL -> None */
PyObject *lv_str_free(char *s);            /* takes ownership of s */
/* A str from a fixed-size char array of a libvirt struct. */
PyObject *lv_str_n(const char *s, size_t size);
/* A list of str from a C array of n strings (lv_str_list_free: freeing
 * strings and array). */
PyObject *lv_str_list(char **strings, Py_ssize_t n);
PyObject *lv_str_list_free(char **strings, int n);
/* A list of the n new references `items` (stolen); if one is NULL (its
 * conversion failed, an exception is set), drops the others and returns
 * NULL.  Inline: with n a constant the loops unroll, which matters on the
 * hot paths of info() and state(). */
static inline PyObject *
lv_list_steal(Py_ssize_t n, PyObject **items)
{
    PyObject *list = NULL;
    Py_ssize_t i;

    for (i = 0; i < n && items[i] != NULL; i++)
        ;
    if (i == n)
        list = PyList_New(n);
    for (i = 0; i < n; i++) {
        if (list != NULL)
            PyList_SetItem(list, i, items[i]);
        else
            Py_XDECREF(items[i]);
    }
    return list;
}
/* A list of the n new references item(i, ctx) makes (NULL: an exception,
 * which ends the list: NULL then). */
PyObject *lv_list_of(Py_ssize_t n, PyObject *(*item)(Py_ssize_t i, void *ctx), void *ctx);

/* dict[key] = value, consuming the new reference `value` (NULL: an error
 * already set, passed on); the key str comes from st's key cache when st
 * is not NULL.  Returns 0 or -1. */
int lv_dict_set(lv_state *st, PyObject *dict, const char *key, PyObject *value);
/* dict[key] = value, consuming both new references (NULL-checked). */
int lv_dict_steal_obj(PyObject *dict, PyObject *key, PyObject *value);

/* The first `ncpus` CPUs of a libvirt CPU map of `maplen` bytes as a tuple
 * (or list) of bools: item i tells whether CPU i is in the map. */
PyObject *lv_cpumap_to_py(const unsigned char *map, int maplen, int ncpus, int as_list);

/* ==== typed parameters (src/typed-params.c) ============================= */

PyObject *lv_typed_params_to_dict(lv_state *st, virTypedParameterPtr params, int nparams);
/* Build parameters from `dict`, typing each key like the same-named entry
 * of `known`.  Two rules, the reference's two:
 * - known from libvirt's getter (hints 0): an unknown key or an empty dict
 *   raises LookupError;
 * - known a static table of hints (hints 1): an empty dict is passed on
 *   for libvirt to judge, an unknown key is typed from its value, and a
 *   list or tuple value repeats the parameter.
 * Wrong value types raise TypeError, out of range values OverflowError. */
int lv_dict_to_typed_params(PyObject *dict, virTypedParameterPtr known, int nknown,
                            int hints, virTypedParameterPtr *out, int *nout);

/* The checks lv_dict_to_typed_params makes first (a dict; not empty unless
 * allow_empty), for setters that must make them before asking libvirt. */
int lv_arg_params_dict(PyObject *dict, int allow_empty);

/* Free parameters made by lv_dict_to_typed_params. */
void lv_typed_params_free(virTypedParameterPtr params, int nparams);

/* ==== libvirtmod's domains (src/domain.c) =============================== */

/* Make st's memoryStats() keys (from libvirtmod's exec): 0, or -1. */
int lv_memory_stat_keys_init(lv_state *st);

#endif
