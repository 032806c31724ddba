"""Checks of the objects (virNetwork, virStoragePool, ...) that lookups and
listings return."""

import uuid as uuidlib


def assert_lookups(conn, cls, name, uuid, by_name, by_uuid_string, by_uuid):
    """Looked up by name, by UUID string and by raw UUID, the object is a
    `cls` of that name, of `conn`."""
    for obj in (by_name(name), by_uuid_string(uuid), by_uuid(uuidlib.UUID(uuid).bytes)):
        assert type(obj) is cls
        assert obj.name() == name
        assert obj.connect() is conn


def assert_listed(conn, cls, objects, names):
    """`objects`, a listAll*() result, is a list of `cls` of `conn`, named
    `names` (sorted)."""
    assert isinstance(objects, list)
    assert all(type(o) is cls for o in objects)
    assert all(o.connect() is conn for o in objects)
    assert sorted(o.name() for o in objects) == names
