"""What the tests share, in the test process and in the child interpreters
some tests run (tests/children/):

  child      the one way to run a child interpreter (parent side: run(),
             start()) and the protocol of a child's cases (child side:
             main())
  eventloop  the one Python event loop double given to virEventRegisterImpl
  objects    the objects tests hand to libvirt as opaque and as callbacks
  api        what the installed libvirt's API XML declares
  paths      where things are
  event_tests
             what the event tests share: the default event loop, connections
  fuzz_entries, fuzz_values
             the groups and the argument values of tests/test_fuzz_arguments.py

Nothing here imports the binding at module level: the children import it
themselves, and may be run under the reference binding's interpreter.
"""
