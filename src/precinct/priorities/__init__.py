"""Priorities residents set: a precinct's agreed issues and "you said, we did"."""
