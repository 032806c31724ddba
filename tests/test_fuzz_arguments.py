"""Wrong-argument calls on every C entry point of the binding.

Every method of every C type of ``libvirtmod`` and every function of
``libvirtmod``, ``libvirtmod_qemu`` and ``libvirtmod_lxc`` is found by
introspection, its parameters are read from its ``__text_signature__``
(``inspect.signature``), and it is called:

* with valid-looking arguments: positionally, by keyword, and with the
  optional ones left out;
* with each bad value of BAD_VALUES in each parameter position, the other
  parameters valid;
* with a bad ``self`` (methods): None, object(), a str, an object of
  another libvirt class, a closed connection, and an object whose
  connection was closed;
* with one positional argument too many, an unknown keyword, a required
  argument missing, and a parameter given both positionally and by name.

A call may return or raise TypeError, ValueError, OverflowError or
libvirt.libvirtError; anything else is a failure (LookupError is accepted
only where an argument is a dict, as libvirt-python raises it for unknown or
missing keys, and AttributeError only for None given to a libvirt_qemu or
libvirt_lxc function, as libvirt-python reads its ``_o``).  The bad values include hostile ones: an int whose
__index__ closes the connection passed in another argument, a dict that
regrows its key while it is converted.  openAuth's credential callback is
made to misbehave in every way too (AUTH_CALLBACK_GROUP).

The calls run in a child Python (tests/children/fuzz_arguments_child.py
GROUP START), one per C type or module function, that prints each case before
making it: a crash or a hang is reported as a failure naming the case, and
the child is started again after that case so that one crash hides nothing
else.

Children run with PYTHONMALLOC=debug (but NO_DEBUG_MALLOC), so that a
write past the end of a buffer the binding got from PyMem aborts.

Objects come from ``test:///default``.  After every case that may have
reached libvirt (it returned or raised libvirtError), and before every
bad-self case, all objects are dropped, so the next case gets a fresh
driver state (rebuilt when the last connection closes): what a destructive
call (destroy, undefine, close, ...) did never reaches another case.

Entry points deliberately not called, or called in a restricted way, are
listed in NOT_CALLED and RESTRICTED with the reason.

tests/support/fuzz_entries.py holds the groups and those tables,
tests/support/fuzz_values.py the valid and the bad values, and
tests/children/fuzz_arguments_child.py the cases and how each is judged.
"""

import os
import selectors
import tempfile
import types

import pytest

from support import child
from support.fuzz_entries import (
    NOT_CALLED, NO_DEBUG_MALLOC, SELF_KEYS, URI, c_types, groups, modules)


# A case whose child prints nothing for this long is a hang.
HANG_SECONDS = float(os.environ.get("FUZZ_HANG_SECONDS", "20"))


# ---- the parent: pytest ---------------------------------------------------

def run_group(group, hang_seconds=HANG_SECONDS):
    """Run the child over a group, restarting after each crash or hang.
    Returns (problems, notes, number of cases run)."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        return _run_group(group, hang_seconds, tmp)


def _run_group(group, hang_seconds, tmp):
    problems, notes = [], []
    start, ran, restarts = 0, 0, 0
    # PYTHONMALLOC=debug: a write past a PyMem buffer of the binding aborts
    env = dict(os.environ, LIBVIRT_DEFAULT_URI=URI, LIBVIRT_AUTOSTART="0",
               PYTHONFAULTHANDLER="1", PYTHONDONTWRITEBYTECODE="1",
               PYTHONMALLOC="malloc" if group in NO_DEBUG_MALLOC else "debug",
               FUZZ_TMPDIR=tmp)
    while True:
        proc = child.start("fuzz_arguments_child", group, start, env=env, cwd=tempfile.gettempdir(), text=False)
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        buf, last_case, done, hung = b"", None, False, False
        while True:
            if not sel.select(timeout=hang_seconds):
                hung = True
                proc.kill()
                break
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for raw in lines:
                parts = raw.decode("utf-8", "replace").split("\t")
                tag = parts[0]
                if tag == "CASE":
                    last_case = (int(parts[1]), parts[2])
                    ran += 1
                elif tag == "R":
                    last_case = None
                elif tag == "BAD":
                    problems.append(parts[2])
                elif tag == "NOTE":
                    notes.append(parts[1])
                elif tag == "DONE":
                    done = True
        sel.close()
        _, err = proc.communicate()
        err = err.decode("utf-8", "replace")
        if done and proc.returncode == 0:
            break
        tail = "\n        ".join(err.strip().splitlines()[-12:])
        if last_case is None:
            problems.append("child exited with %s outside any case (after %d cases)\n        %s"
                            % (proc.returncode, ran, tail))
            break
        idx, desc = last_case
        if hung:
            problems.append("%s hung (no progress for %.0f s)" % (desc, hang_seconds))
        else:
            problems.append("%s crashed the interpreter (exit status %s)\n        %s"
                            % (desc, proc.returncode, tail))
        restarts += 1
        if restarts > 25:
            problems.append("too many crashes: stopped")
            break
        start = idx + 1
    return problems, notes, ran


def _format(group, problems, notes):
    """The problems, those differing only in the bad argument merged."""
    import re
    merged = {}
    for p in problems:
        m = re.match(r"^(\S+?)\((.*)\) (raised .*)$", p, re.S)
        key = (m.group(1), m.group(3)) if m else (p, "")
        merged.setdefault(key, []).append(m.group(2) if m else "")
    lines = ["%d unacceptable outcome(s) in %s:" % (len(problems), group)]
    for (call, what), args in merged.items():
        if what:
            shown = ", ".join(args[:6]) + (", ... (%d calls)" % len(args) if len(args) > 6 else "")
            lines.append("  - %s(%s) %s" % (call, shown, what))
        else:
            lines.append("  - " + call)
    if notes:
        lines.append("notes:")
        lines += ["  " + n for n in notes]
    return "\n".join(lines)


@pytest.mark.parametrize("group", groups())
def test_wrong_arguments(group):
    if group.startswith("import:"):
        name = group.split(":", 1)[1]
        pytest.fail("%s cannot be imported: %s" % (name, dict(modules())[name]))
    problems, notes, ran = run_group(group)
    assert ran > 0, "no case ran for %s" % group
    assert not problems, _format(group, problems, notes)


def test_every_entry_point_is_fuzzed():
    """Every builtin of the three modules and every method of every C type
    is in a group, apart from NOT_CALLED; and every NOT_CALLED entry still
    exists (the table stays honest)."""
    mods = dict(modules())
    for name, mod in mods.items():
        assert not isinstance(mod, ImportError), "%s: %s" % (name, mod)
    libvirtmod, libvirtmod_qemu, libvirtmod_lxc = (
        mods["libvirtmod"], mods["libvirtmod_qemu"], mods["libvirtmod_lxc"])
    gs = {g.split("@")[0] for g in groups()}
    for name, cls in c_types(libvirtmod).items():
        assert name in gs
        assert name in SELF_KEYS, "no self object is known for the new type %s" % name
    for mod in (libvirtmod, libvirtmod_qemu, libvirtmod_lxc):
        for name, v in vars(mod).items():
            if isinstance(v, types.BuiltinFunctionType):
                q = mod.__name__ + "." + name
                assert q in gs or q in NOT_CALLED, q
    for q in NOT_CALLED:
        modname, name = q.split(".")
        assert hasattr(__import__(modname), name), "NOT_CALLED lists a missing %s" % q


def test_harness_reports_failures():
    """The harness itself: an exception of the wrong class, a crash and a
    hang are each reported with the call that caused them, and the cases
    after a crash still run."""
    problems, notes, ran = run_group("_selftest", hang_seconds=3)
    text = "\n".join(problems)
    assert "_selftest.raises_attribute_error(valid positional) raised AttributeError" in text
    assert "_selftest.crashes(flags=int-negative) crashed the interpreter" in text
    assert "_selftest.hangs(flags=int-2**31) hung" in text
    assert "_selftest.fine" not in text
    assert ("_selftest.renamed_parameter(valid by keyword) raised TypeError: "
            "renamed_parameter() got an unexpected keyword argument 'flags'") in text
    # cases after the crash and the hang ran
    assert "_selftest.hangs(valid positional)" not in text
    # the AttributeError three times (positional, keyword, optional left out),
    # the renamed parameter once (by keyword)
    assert len(problems) == 6, text
