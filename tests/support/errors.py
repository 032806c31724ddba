"""Asserting libvirt's failures."""

import pytest


def libvirt_error(code, call, *args, **kwargs):
    """call(*args, **kwargs) raises libvirtError with error code `code`;
    returns the error, for further checks."""
    import libvirt     # here: a child may import support before choosing its libvirt

    with pytest.raises(libvirt.libvirtError) as ei:
        call(*args, **kwargs)
    assert ei.value.get_error_code() == code
    return ei.value
