"""precinct: a platform for service-model policing."""

__version__ = "0.1.0"
