"""The ``budget-audit`` command line: scan, flags, serve, synth."""
