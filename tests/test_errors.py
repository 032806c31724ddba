"""Errors: libvirtError, the last-error functions, registerErrorHandler,
libvirt's default error printing, and how bad arguments are rejected."""

import os

import pytest

import libvirt

from support import child

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))

MISSING = "no-such-domain"


@pytest.fixture
def handler_calls():
    """Register a recording error handler; restore the default afterwards."""
    calls = []
    ctx = object()

    def handler(c, err):
        calls.append((c, err))

    assert libvirt.registerErrorHandler(handler, ctx) == 1
    try:
        yield calls, ctx
    finally:
        libvirt.registerErrorHandler(None, None)


def _fail_lookup(conn, name=MISSING):
    with pytest.raises(libvirt.libvirtError) as ei:
        conn.lookupByName(name)
    return ei.value


# --- libvirtError ---------------------------------------------------------------

def test_failing_call_raises_libvirt_error(conn, cdirect, quiet):
    e = _fail_lookup(conn)
    assert type(e) is libvirt.libvirtError
    assert isinstance(e, Exception)
    assert e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN
    assert e.get_error_domain() == libvirt.VIR_FROM_TEST
    assert e.get_error_level() == libvirt.VIR_ERR_ERROR
    # the same lookup made directly in C reports the same error
    cerr = cdirect.Connection("test:///default").domain_lookup_error(MISSING)
    assert e.err == cerr


def test_error_attributes_match_last_error(conn, cdirect, quiet):
    e = _fail_lookup(conn)
    cerr = cdirect.last_error()  # the thread's error, read directly
    err = e.err
    assert type(err) is tuple
    assert len(err) == 9
    assert err == cerr
    code, domain, message, level, str1, str2, str3, int1, int2 = err
    assert e.get_error_code() == code
    assert e.get_error_domain() == domain
    assert e.get_error_message() == message
    assert e.get_error_level() == level
    assert e.get_str1() == str1
    assert e.get_str2() == str2
    assert e.get_str3() == str3
    assert e.get_int1() == int1
    assert e.get_int2() == int2
    assert str(e) == message
    assert e.args == (message,)


def test_error_with_extra_strings(driver_conn, cdirect, driver_uri, quiet):
    # an error carrying str2 (virReportError with a format argument)
    with pytest.raises(libvirt.libvirtError) as ei:
        driver_conn.networkLookupByName("no-such-net")
    e = ei.value
    assert e.err == cdirect.last_error()
    assert e.get_error_code() == libvirt.VIR_ERR_NO_NETWORK
    assert e.get_str2() is not None and "no-such-net" in e.get_str2()
    assert str(e) == e.get_error_message()


def test_argument_check_error_fields(conn, cdirect, quiet):
    # errors raised by libvirt's own argument checks carry the same fields
    # as the same failure seen from C
    with pytest.raises(libvirt.libvirtError) as ei:
        conn.lookupByID(-5)
    e = ei.value
    assert e.get_error_code() == libvirt.VIR_ERR_INVALID_ARG
    assert e.get_error_domain() == libvirt.VIR_FROM_DOMAIN
    # NULL name, from C: the same kind of check, reported the same way
    c_err = cdirect.Connection("test:///default").domain_lookup_error(None)
    assert c_err[:2] == (e.get_error_code(), e.get_error_domain())
    assert c_err[3] == e.get_error_level()


def test_libvirt_error_direct_construction_without_error(cdirect):
    libvirt.virResetLastError()
    e = libvirt.libvirtError("some message")
    assert str(e) == "some message"
    assert e.args == ("some message",)
    assert e.err is None
    for getter in ("get_error_code", "get_error_domain", "get_error_message",
                   "get_error_level", "get_str1", "get_str2", "get_str3",
                   "get_int1", "get_int2"):
        assert getattr(e, getter)() is None, getter


def test_libvirt_error_direct_construction_picks_up_last_error(conn, cdirect,
                                                               quiet):
    _fail_lookup(conn)
    pending = cdirect.last_error()
    assert pending is not None
    e = libvirt.libvirtError("ignored message")
    # the pending libvirt error replaces the given message
    assert e.err == pending
    assert str(e) == pending[2]
    assert e.args == (pending[2],)
    assert e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN
    libvirt.virResetLastError()


def test_libvirt_error_requires_message():
    with pytest.raises(TypeError):
        libvirt.libvirtError()


# --- virGetLastError & co -------------------------------------------------------------

def test_get_last_error_none_after_reset(cdirect):
    libvirt.virResetLastError()
    assert libvirt.virGetLastError() is None
    assert cdirect.last_error() is None
    assert libvirt.virGetLastErrorCode() == libvirt.VIR_ERR_OK
    assert libvirt.virGetLastErrorDomain() == libvirt.VIR_FROM_NONE
    msg = libvirt.virGetLastErrorMessage()
    assert type(msg) is str
    assert msg == cdirect.last_error_message()


def test_get_last_error_after_failure(conn, cdirect, quiet):
    libvirt.virResetLastError()
    e = _fail_lookup(conn)
    last = libvirt.virGetLastError()
    assert type(last) is tuple and len(last) == 9
    assert last == e.err == cdirect.last_error()
    assert libvirt.virGetLastErrorCode() == libvirt.VIR_ERR_NO_DOMAIN
    assert libvirt.virGetLastErrorCode() == cdirect.last_error_code()
    assert libvirt.virGetLastErrorDomain() == libvirt.VIR_FROM_TEST
    assert libvirt.virGetLastErrorDomain() == cdirect.last_error_domain()
    assert libvirt.virGetLastErrorMessage() == last[2]
    # reading it does not clear it
    assert libvirt.virGetLastError() == last
    assert libvirt.virResetLastError() is None
    assert libvirt.virGetLastError() is None
    assert cdirect.last_error() is None


def test_successful_call_clears_last_error(conn, quiet):
    _fail_lookup(conn)
    assert libvirt.virGetLastError() is not None
    conn.getType()
    assert libvirt.virGetLastError() is None


def test_get_last_error_after_open_failure(tmp_path, cdirect, quiet):
    with pytest.raises(libvirt.libvirtError) as ei:
        libvirt.open("test://" + str(tmp_path / "missing.xml"))
    assert libvirt.virGetLastError() == ei.value.err == cdirect.last_error()


# --- registerErrorHandler ---------------------------------------------------------------

def test_handler_called_with_ctx_and_err(conn, handler_calls, cdirect):
    calls, ctx = handler_calls
    e = _fail_lookup(conn)
    assert len(calls) == 1
    got_ctx, err = calls[0]
    assert got_ctx is ctx
    assert type(err) is tuple
    assert len(err) == 9
    assert err == e.err
    assert err == cdirect.last_error()


def _fail_lookup_with_handler(conn, during_first_call):
    """A failing lookup with a handler that runs `during_first_call` the
    first time it is called; (the exception, the tuples the handler got)."""
    calls = []

    def handler(ctx, err):
        calls.append(err)
        if len(calls) == 1:
            during_first_call()

    libvirt.registerErrorHandler(handler, None)
    try:
        return _fail_lookup(conn), calls
    finally:
        libvirt.registerErrorHandler(None, None)


def test_handler_failing_call_of_its_own_is_the_error_raised(conn):
    # The handler's own failure replaces the thread's last error before the
    # outer call raises: the outer exception carries it, as in the reference.
    inner = []

    def fail_network_lookup():
        with pytest.raises(libvirt.libvirtError) as ei:
            conn.networkLookupByName("no-such-network")
        inner.append(ei.value)

    e, calls = _fail_lookup_with_handler(conn, fail_network_lookup)
    assert [err[0] for err in calls] == [libvirt.VIR_ERR_NO_DOMAIN, libvirt.VIR_ERR_NO_NETWORK]
    assert e.get_error_code() == libvirt.VIR_ERR_NO_NETWORK
    assert e.err == inner[0].err == calls[1]
    assert str(e) == e.err[2] == inner[0].err[2]
    assert e.get_str2() == "no network with matching name 'no-such-network'"


def test_handler_successful_call_of_its_own_leaves_no_error(conn):
    # A successful call resets the last error: the outer exception has no
    # err and the generic message, as in the reference.
    e, calls = _fail_lookup_with_handler(conn, conn.getVersion)
    assert [err[0] for err in calls] == [libvirt.VIR_ERR_NO_DOMAIN]
    assert e.err is None
    assert e.get_error_code() is None
    assert str(e) == "virDomainLookupByName() failed"


def test_handler_and_exception_get_equal_tuples_each_failure(conn, cdirect):
    errs = []
    libvirt.registerErrorHandler(lambda ctx, err: errs.append(err), None)
    try:
        first = _fail_lookup(conn)
        with pytest.raises(libvirt.libvirtError) as ei:
            conn.networkLookupByName("no-such-network")
        last = cdirect.last_error()
        again = _fail_lookup(conn)
    finally:
        libvirt.registerErrorHandler(None, None)
    assert errs == [first.err, ei.value.err, again.err]
    assert ei.value.err == last
    assert first.err == again.err != ei.value.err
    assert str(first) == first.err[2] and str(ei.value) == ei.value.err[2]


def test_handler_called_before_exception_propagates(conn):
    events = []
    libvirt.registerErrorHandler(lambda c, err: events.append(("handler", c)),
                                 "ctx")
    try:
        try:
            conn.lookupByName(MISSING)
        except libvirt.libvirtError:
            events.append(("raised", None))
    finally:
        libvirt.registerErrorHandler(None, None)
    assert events == [("handler", "ctx"), ("raised", None)]


def test_handler_ctx_none(conn):
    calls = []
    assert libvirt.registerErrorHandler(
        lambda c, err: calls.append((c, err)), None) == 1
    try:
        e = _fail_lookup(conn)
    finally:
        libvirt.registerErrorHandler(None, None)
    assert calls == [(None, e.err)]


def test_handler_called_for_open_failure(tmp_path, handler_calls):
    calls, ctx = handler_calls
    with pytest.raises(libvirt.libvirtError) as ei:
        libvirt.open("test://" + str(tmp_path / "missing.xml"))
    assert calls
    assert all(c is ctx for c, _ in calls)
    assert calls[-1][1] == ei.value.err


def test_handler_replaced(conn):
    first, second = [], []
    libvirt.registerErrorHandler(lambda c, e: first.append(e), None)
    try:
        assert libvirt.registerErrorHandler(lambda c, e: second.append(e),
                                            None) == 1
        _fail_lookup(conn)
    finally:
        libvirt.registerErrorHandler(None, None)
    assert first == []
    assert len(second) == 1


def test_handler_unregistered(conn):
    calls = []
    libvirt.registerErrorHandler(lambda c, e: calls.append(e), None)
    assert libvirt.registerErrorHandler(None, None) == 1
    e = _fail_lookup(conn)
    assert calls == []
    assert e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN


def test_handler_not_called_on_success(conn, handler_calls):
    calls, _ = handler_calls
    conn.lookupByName("test").info()
    conn.getCapabilities()
    assert calls == []


def test_register_error_handler_signature():
    with pytest.raises(TypeError):
        libvirt.registerErrorHandler(lambda c, e: None)


# --- default printing ------------------------------------------------------------------

def _c_only_stderr(uri, name):
    """stderr of a process that makes the failing lookup with cdirect only
    (libvirt's own default error printing, without the binding)."""
    return child.run("errors_cases", "c_only_lookup", uri, name, cwd=TESTS_DIR).stderr


def test_default_error_printing(conn, capfd):
    libvirt.registerErrorHandler(None, None)
    capfd.readouterr()
    _fail_lookup(conn)
    out, err = capfd.readouterr()
    assert out == ""
    assert err == _c_only_stderr("test:///default", MISSING)
    assert "Domain not found" in err


def test_no_printing_with_handler(conn, capfd):
    libvirt.registerErrorHandler(lambda c, e: None, None)
    try:
        capfd.readouterr()
        _fail_lookup(conn)
        out, err = capfd.readouterr()
    finally:
        libvirt.registerErrorHandler(None, None)
    assert out == "" and err == ""


def test_printing_resumes_after_unregister(conn, capfd):
    libvirt.registerErrorHandler(lambda c, e: None, None)
    libvirt.registerErrorHandler(None, None)
    capfd.readouterr()
    _fail_lookup(conn)
    assert "Domain not found" in capfd.readouterr().err


# --- bad arguments ----------------------------------------------------------------------

@pytest.fixture
def dom(conn):
    return conn.lookupByName("test")


@pytest.mark.parametrize("value", ["x", 1.5, None, b"1", [1]])
def test_wrong_type_for_integer_argument(dom, value):
    with pytest.raises(TypeError):
        dom.setMemory(value)


@pytest.mark.parametrize("value", ["0", 1.0, None])
def test_wrong_type_for_flags(dom, value):
    with pytest.raises(TypeError):
        dom.XMLDesc(value)


@pytest.mark.parametrize("value", [1, b"test", 1.5, ["test"]])
def test_wrong_type_for_string_argument(conn, value):
    with pytest.raises(TypeError):
        conn.lookupByName(value)


def test_none_for_a_required_string_is_libvirts_invalid_arg(conn, dom, quiet):
    # As the reference: None is passed as NULL and libvirt reports it.
    for call in (lambda: conn.lookupByName(None),
                 lambda: conn.lookupByUUIDString(None),
                 lambda: conn.networkLookupByName(None),
                 lambda: conn.storagePoolLookupByName(None),
                 lambda: dom.blockStats(None)):
        with pytest.raises(libvirt.libvirtError) as info:
            call()
        assert info.value.get_error_code() == libvirt.VIR_ERR_INVALID_ARG
        assert "must not be NULL" in str(info.value)


def test_none_where_libvirt_would_crash_is_a_type_error(dom):
    # Deviation: libvirt dereferences this NULL (the reference crashes).
    for call in (lambda: dom.interfaceParameters(None, 0),
                 lambda: dom.setInterfaceParameters(None, {"inbound.average": 1}, 0)):
        with pytest.raises(TypeError):
            call()


def test_none_for_an_optional_string_reaches_libvirt(conn):
    assert conn.getMaxVcpus(None) == conn.getMaxVcpus("test")


def test_missing_argument(conn, dom):
    with pytest.raises(TypeError):
        conn.lookupByName()
    with pytest.raises(TypeError):
        dom.setMemory()
    with pytest.raises(TypeError):
        conn.lookupByName("test", "extra")


def test_keyword_arguments(conn, dom):
    assert conn.lookupByName(name="test").name() == "test"
    assert dom.XMLDesc(flags=0) == dom.XMLDesc(0)


def test_negative_flags_are_out_of_range(dom):
    # Deliberately unlike the reference, which casts -1 to 0xffffffff and
    # lets libvirt guess: an unsigned C argument takes no negative int.
    with pytest.raises(OverflowError):
        dom.XMLDesc(-1)


def test_unknown_flag_bits(dom, quiet):
    with pytest.raises(libvirt.libvirtError) as ei:
        dom.XMLDesc(1 << 30)
    assert ei.value.get_error_code() == libvirt.VIR_ERR_INVALID_ARG


def test_flags_wider_than_32_bits_are_out_of_range(dom):
    # Deliberately unlike the reference, which silently keeps the low 32
    # bits (so 1 << 32 meant 0).
    with pytest.raises(OverflowError):
        dom.XMLDesc(1 << 32)


def test_out_of_range_signed_int(conn):
    with pytest.raises(OverflowError):
        conn.lookupByID(2 ** 31)
    with pytest.raises(OverflowError):
        conn.lookupByID(2 ** 40)


def test_negative_id_rejected_by_libvirt(conn, quiet):
    with pytest.raises(libvirt.libvirtError) as ei:
        conn.lookupByID(-5)
    assert ei.value.get_error_code() == libvirt.VIR_ERR_INVALID_ARG
    assert ei.value.get_error_domain() == libvirt.VIR_FROM_DOMAIN


def test_out_of_range_unsigned_long(dom):
    info = dom.info()
    with pytest.raises(OverflowError):
        dom.setMemory(2 ** 64)
    # Within C unsigned long, but more than libvirt takes: libvirt says so.
    with pytest.raises(libvirt.libvirtError) as ei:
        dom.setMemory(2 ** 63)
    assert ei.value.get_error_code() == libvirt.VIR_ERR_OVERFLOW
    assert dom.info()[2] == info[2]


def test_negative_unsigned_long_is_out_of_range(dom):
    # Deliberately unlike the reference, which wraps -1 to ULONG_MAX.
    info = dom.info()
    with pytest.raises(OverflowError):
        dom.setMemory(-1)
    assert dom.info()[2] == info[2]


def test_bool_accepted_for_int(dom):
    before = dom.autostart()
    try:
        assert dom.setAutostart(True) == 0
        assert dom.autostart() == 1
    finally:
        dom.setAutostart(before)


def test_wrong_uuid_length_or_none_fails_like_the_reference(conn):
    # The reference reports "<function>() failed", with no libvirt error behind it.
    libvirt.virResetLastError()
    for bad in (b"abc", b"x" * 17, None, "1b2c3d4e-0000-0000-0000-000000000000"):
        with pytest.raises(libvirt.libvirtError, match=r"virDomainLookupByUUID\(\) failed"):
            conn.lookupByUUID(bad)


def test_uuid_as_str_is_its_utf8_bytes(driver_conn, quiet):
    # "AAAA..." is the UUID 41414141-4141-...: a str of 16 ASCII characters
    # names the same domain as its bytes, as with the reference.
    driver_conn.defineXML("<domain type='test'><name>ascii-uuid</name>"
                          "<uuid>41414141-4141-4141-4141-414141414141</uuid>"
                          "<memory>1024</memory><os><type>hvm</type></os></domain>")
    assert driver_conn.lookupByUUID("A" * 16).name() == "ascii-uuid"
    assert driver_conn.lookupByUUID(b"A" * 16).name() == "ascii-uuid"
    with pytest.raises(libvirt.libvirtError) as info:
        driver_conn.lookupByUUID("x" * 16)
    assert info.value.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN


def test_wrong_uuid_type(conn):
    with pytest.raises(TypeError):
        conn.lookupByUUID(12)


def test_wrong_type_for_flags_in_list_calls(conn):
    with pytest.raises(TypeError):
        conn.listAllDomains(None)
    with pytest.raises(TypeError):
        conn.listAllDomains("0")
    with pytest.raises(TypeError):
        conn.getCPUStats("x")


def test_domain_list_get_stats_not_a_sequence(conn):
    with pytest.raises(TypeError):
        conn.domainListGetStats(None)
