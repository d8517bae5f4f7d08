"""Synthetic registrations (names, places, answers) that pass the shipped form: for
tests, benchmarks, screenshots and demonstrations. No real person's data.

May import: `models.programme` and `jisr_desktop.paths`.
"""
