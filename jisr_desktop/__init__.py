"""Jisr Desktop: offline-first enrolment for the Al Jisr programme."""

__version__ = "0.1.0"
