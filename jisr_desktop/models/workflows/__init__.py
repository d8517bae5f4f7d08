"""The use cases that join the programme's rules and the store: enrolment (validate, score,
orient, check duplicates, save; a creation never overwrites), import (`import_export`)
and export (`export`), re-scoring (`rescoring/`: the compiled grid, its worker processes,
the pass), and the committee's ranked list. What the CLI, the UI and sync call.

May import: `models.programme`, `models.store`, `jisr_desktop.paths`/`i18n`. Never the UI,
the CLI, `cards`, `sync` or Qt.
"""
