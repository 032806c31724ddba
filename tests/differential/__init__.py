"""Differential test: the same calls under our binding and under the
reference binding (libvirt-python), compared call by call.

  scenarios.py   the calls, in groups (one child process per group)
  runner.py      the child: runs a group, prints one JSON line per call
  normalise.py   the normalised form of results and exceptions
  deviations.py  the differences that are intended, each with its reason

tests/test_differential.py runs the runner under both interpreters and
compares.  Nothing here imports the binding at module level.
"""
