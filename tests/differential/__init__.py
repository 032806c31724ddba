"""Differential test: the same calls under our binding and under the
reference binding (libvirt-python), compared call by call.

  scenarios.py   the calls, in groups (one child process per group), gathered from
  groups/        the groups of each object family
  calls.py       how a call and its argument variants are written
  context.py     what a call runs on, and the helpers the calls share
  specs.py       the XML and UUIDs the calls use
  runner.py      the child: runs a group, prints one JSON line per call
  normalise.py   the normalised form of results and exceptions
  deviations.py  the differences that are intended, each with its reason

tests/test_differential.py runs the runner under both interpreters and
compares.  Nothing here imports the binding at module level.
"""
