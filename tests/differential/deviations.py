"""Differences from the reference binding that are intended.

DEVIATIONS maps a call id (as in scenarios.py) to a one-line reason.  The
differential test fails on every difference that is not listed here (or
covered by a category below).

Keep it short: an entry is a decision that our binding behaves differently
on purpose, not a way to silence a bug.

CATEGORIES: differences allowed wherever they occur, each a predicate on
(call id, our outcome, the reference's outcome) and a reason.  Outcomes are
the normalised forms of normalise.py.
"""

# Differences found and NOT intended: to be matched to the reference.
# Listed only so that the test fails on any new difference meanwhile;
# remove an entry once it is fixed.
OPEN = set()


OVERFLOW_REASON = "out of C range: OverflowError instead of silent truncation"
NON_LIST_IGNORED_REASON = ("a tuple where a list of str goes: TypeError; the reference "
                           "ignores anything but a list and passes no strings")

DEVIATIONS = {
    # recv(-1): -1 is outside size_t; the reference wraps it to SIZE_MAX
    "virStream.recv#negative": OVERFLOW_REASON,
    "virDomain.fsFreeze#alpha[mountpoints=other]": NON_LIST_IGNORED_REASON + " (freezes all)",
    "virDomain.fsThaw#alpha[mountpoints=other]": NON_LIST_IGNORED_REASON + " (thaws all)",
    "virDomain.authorizedSSHKeysSet#alpha[keys=other]":
        NON_LIST_IGNORED_REASON + " (sets no keys: without flags, removes them all)",
    "virStream.send#new[data=str]":
        "send() of a str: TypeError; the reference ignores its failed conversion and calls "
        "libvirt with NULL data and a Python exception pending",
    "libvirt.virEventInvokeFreeCallback#str":
        "anything but the opaque object libvirt gave the loop: TypeError; the reference "
        "indexes into whatever it gets and hands the items to C",
    "virStream.eventAddCallback#new":
        "a failed eventAddCallback() reaches the error handler once; the reference's "
        "virStream.__del__ then removes the callback that was never added, a second error",
}

REFERENCE_BROKEN_REASON = ("TypeError where the reference returns from C with an exception "
                           "pending (SystemError)")
NOT_CALLABLE_REASON = ("a callback that is not callable: TypeError at once; the reference "
                       "takes it and fails (or crashes) when the event comes")
WRONG_OBJECT_REASON = ("an object of another kind where a libvirt object goes: TypeError; the "
                       "reference reads its _o (AttributeError) or hands libvirt a pointer of "
                       "the wrong type")


def _is_out_of_range_variant(cid):
    # variants made with calls.BIG: "...[param=big]" and, inside a
    # typed-parameter dict, "...[params=KEY:big]"
    return cid.endswith("=big]") or cid.endswith(":big]")


def _overflow(cid, ours, reference):
    return (_is_out_of_range_variant(cid) and ours.get("out") == ["exc", "OverflowError"])


def _raised(outcome, exc):
    return outcome.get("out") == ["exc", exc]


def _reference_broken(cid, ours, reference):
    return _raised(reference, "SystemError") and _raised(ours, "TypeError")


def _not_callable(cid, ours, reference):
    return (("not-callable" in cid or "cb=None" in cid) and _raised(ours, "TypeError"))


def _wrong_object(cid, ours, reference):
    return (("#not-a-" in cid or "#str-" in cid) and _raised(ours, "TypeError"))


CATEGORIES = [
    (_overflow, OVERFLOW_REASON),
    (_reference_broken, REFERENCE_BROKEN_REASON),
    (_not_callable, NOT_CALLABLE_REASON),
    (_wrong_object, WRONG_OBJECT_REASON),
]


def allowed(cid, ours, reference):
    """The reason the difference is intended, or None."""
    if cid in DEVIATIONS:
        return DEVIATIONS[cid]
    if cid in OPEN:
        return "OPEN: a difference still to be fixed"
    for pred, reason in CATEGORIES:
        if pred(cid, ours, reference):
            return reason
    return None
