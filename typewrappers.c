/* typewrappers.c: conversions between C and Python values: arguments in, results out. */

#include "typewrappers.h"

#include <string.h>

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

int
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

/* The slow path of lv_signed: an int-like, or an int out of range. */
static int
lv_signed_slow(PyObject *o, const char *name, const char *ctype,
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

/* `o` as an integer from lo to hi; an exact int in range, the usual
 * argument, takes no call. */
static inline int
lv_signed(PyObject *o, const char *name, const char *ctype,
          long long lo, long long hi, long long *out)
{
    int overflow;
    if (PyLong_CheckExact(o)) {
        *out = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (!overflow && *out >= lo && *out <= hi)
            return 0;
    }
    return lv_signed_slow(o, name, ctype, lo, hi, out);
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

/* lv_arg_<suffix>(o, name, &out): `o` (an int, or an object with
 * __index__) as the C integer `ctype`, through the 64-bit conversion
 * `convert` over ctype's range; OverflowError outside it.  An unsigned
 * type narrower than 64 bits is a signed range from 0 (its fast path). */
#define LV_INTEGER_ARG(suffix, ctype, wide, convert, ...)         \
    int                                                          \
    lv_arg_##suffix(PyObject *o, const char *name, ctype *out)   \
    {                                                            \
        wide v;                                                  \
        if (convert(o, name, #ctype, __VA_ARGS__, &v) < 0)       \
            return -1;                                           \
        *out = (ctype)v;                                         \
        return 0;                                                \
    }

LV_INTEGER_ARG(int, int, long long, lv_signed, INT_MIN, INT_MAX)
LV_INTEGER_ARG(uint, unsigned int, long long, lv_signed, 0, UINT_MAX)
LV_INTEGER_ARG(long, long, long long, lv_signed, LONG_MIN, LONG_MAX)
LV_INTEGER_ARG(ulong, unsigned long, unsigned long long, lv_unsigned, ULONG_MAX)
LV_INTEGER_ARG(llong, long long, long long, lv_signed, LLONG_MIN, LLONG_MAX)
LV_INTEGER_ARG(ullong, unsigned long long, unsigned long long, lv_unsigned, ULLONG_MAX)
LV_INTEGER_ARG(size, size_t, unsigned long long, lv_unsigned, SIZE_MAX)

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

/* A list as a new tuple of its items, which stay alive while the caller
 * holds it even if the list changes meanwhile; NULL with TypeError naming
 * `expected` for anything else (the reference takes only lists). */
static PyObject *
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
    return lv_type_error(name, "callable", o);
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

static PyObject *
lv_str_item(Py_ssize_t i, void *strings)
{
    return lv_str(((char **)strings)[i]);
}

PyObject *
lv_str_list(char **strings, Py_ssize_t n)
{
    return lv_list_of(n, lv_str_item, strings);
}

PyObject *
lv_str_list_free(char **strings, int n)
{
    PyObject *list = lv_str_list(strings, n);
    for (int i = 0; i < n; i++)
        free(strings[i]);
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

/* ---- results ----------------------------------------------------------- */

PyObject *
lv_list_of(Py_ssize_t n, PyObject *(*item)(Py_ssize_t i, void *ctx), void *ctx)
{
    PyObject *list = PyList_New(n);
    for (Py_ssize_t i = 0; list != NULL && i < n; i++) {
        PyObject *value = item(i, ctx);
        if (value == NULL)
            Py_CLEAR(list);
        else
            PyList_SetItem(list, i, value);
    }
    return list;
}

int
lv_dict_steal_obj(PyObject *dict, PyObject *key, PyObject *value)
{
    int rc = key != NULL && value != NULL ? PyDict_SetItem(dict, key, value) : -1;
    Py_XDECREF(key);
    Py_XDECREF(value);
    return rc;
}

PyObject *
lv_str_n(const char *s, size_t size)
{
    return PyUnicode_DecodeUTF8(s, strnlen(s, size), "surrogateescape");
}

PyObject *
lv_cpumap_to_py(const unsigned char *map, int maplen, int ncpus, int as_list)
{
    PyObject *seq = as_list ? PyList_New(ncpus) : PyTuple_New(ncpus);
    if (seq == NULL)
        return NULL;
    for (int i = 0; i < ncpus; i++) {
        int used = map != NULL && i / 8 < maplen && VIR_CPU_USED(map, i);
        PyObject *item = Py_NewRef(used ? Py_True : Py_False);
        if (as_list)
            PyList_SetItem(seq, i, item);
        else
            PyTuple_SetItem(seq, i, item);
    }
    return seq;
}
