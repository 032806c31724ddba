"""Waiting for a condition, from a thread (the events arrive from another
one) or from a coroutine (the asyncio loop delivers them meanwhile)."""

import time


def until(predicate, timeout=10.0, interval=0.005):
    """Wait until predicate() holds (True) or `timeout` seconds passed
    (False)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


async def async_until(predicate, timeout=5.0, interval=0.005):
    """until() for a coroutine: lets the running asyncio loop work."""
    import asyncio
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(interval)
    return True
