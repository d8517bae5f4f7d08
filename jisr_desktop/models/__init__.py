"""The domain of Jisr Desktop, without Qt, in three layers that import one way only:

    workflows  ->  store  ->  programme

- `programme/`: the programme's pure rules (definitions, validation, expressions,
  scoring, orientation, decisions, roles...). No storage, no I/O beyond reading the
  shipped definition files; the server imports this package (and sync/protocol) only.
- `store/`: the encrypted local store, the only SQL on the desktop.
- `workflows/`: the use cases that join the two (enrolment, import/export, re-scoring,
  the committee's list): what the CLI, the UI and sync call.
- `demo/`: synthetic registrations for tests, benchmarks and demonstrations.

Nothing here imports Qt, `jisr_desktop.ui`, `app`, `cli`, `cards` or `sync`. The rules are
checked by import-linter (pyproject.toml), function-level imports included.
"""
