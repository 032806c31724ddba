"""The objects tests hand to libvirt: opaques and recording callbacks."""


class Opaque:
    """Something to pass as opaque: weakref-able (tests tell when the
    binding lets it go), found again with `is`, with an optional label
    that its repr shows."""

    def __init__(self, label=None):
        self.label = label

    def __repr__(self):
        return "Opaque()" if self.label is None else "Opaque(%r)" % (self.label,)


class Recorder:
    """A callback that records its arguments in .calls (weakref-able).

    record: what is kept of each call's argument tuple (default: the
            tuple itself);
    raises: an exception class the callback raises after recording,
            with `message`;
    returns: what it returns otherwise."""

    def __init__(self, raises=None, record=None, returns=None, message="raised by the callback"):
        self.calls = []
        self.raises = raises
        self.message = message
        self.record = record
        self.returns = returns

    def __call__(self, *args):
        self.calls.append(args if self.record is None else self.record(args))
        if self.raises is not None:
            raise self.raises(self.message)
        return self.returns
