/* src/typed-params.c: typed parameters to and from dicts. */

#include "typewrappers.h"

#include <string.h>

static PyObject *
lv_typed_param_value(virTypedParameterPtr p)
{
    switch (p->type) {
    case VIR_TYPED_PARAM_INT:     return PyLong_FromLong(p->value.i);
    case VIR_TYPED_PARAM_UINT:    return PyLong_FromUnsignedLong(p->value.ui);
    case VIR_TYPED_PARAM_LLONG:   return PyLong_FromLongLong(p->value.l);
    case VIR_TYPED_PARAM_ULLONG:  return PyLong_FromUnsignedLongLong(p->value.ul);
    case VIR_TYPED_PARAM_DOUBLE:  return PyFloat_FromDouble(p->value.d);
    case VIR_TYPED_PARAM_BOOLEAN: return PyBool_FromLong(p->value.b);
    case VIR_TYPED_PARAM_STRING:  return lv_str(p->value.s);
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
