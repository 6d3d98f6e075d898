"""Typed callback data, one module per feature.

A button's `callback_data` is the contract with every chat it was ever sent to: buttons sent
days ago must keep parsing to the same action, so a class's prefix, field order and the codes
its fields carry never change (tests/test_callback_compat.py holds today's strings).
Handlers and the scheduler (which builds notice keyboards) both import from here.
"""
