"""The analytics core: plain Python and numpy, never Django.

Arrays and dataclasses in, arrays and dataclasses out, so every algorithm here can be
tested and benchmarked on its own. ``tests/analytics/test_no_django.py`` enforces the rule.
"""
