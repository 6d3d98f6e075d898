"""Benchmarks: each prints its figures and a ratio against a baseline measured in the same run.

`make bench` runs them all; `python -m bench roster` or `python -m bench updates` runs one.
Timings are never asserted in tests.
"""
