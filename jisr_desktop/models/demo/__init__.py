"""Synthetic registrations (names, places, answers) that pass the shipped form: for tests,
benchmarks, screenshots and demonstrations. No real person's data. `weights` holds the
proportions, `tables` the weighted tables of a run, `data` the draws.

May import: `models.programme` and `jisr_desktop.paths`.
"""
