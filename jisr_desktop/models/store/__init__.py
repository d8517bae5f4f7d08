"""The encrypted local store (SQLCipher), the only SQL on the desktop.

`database.Store` opens the file (keys, PRAGMAs, migrations; its `errors`, the damage checks
in `integrity`, the migration `revisions` beside it); `repository.Repository` holds one
object per job over it: `records` (saves, deletes, reads of one record), `listing` (the
list, searches, the committee's province list), `drafts`, `definitions`, `decisions`,
`assessments`, `outbox`, `stats`, `audit` (the one audit reader); the old one-class API
stays on `Repository` as a facade. `journal.py` holds the write rule (outbox op + audit
entry in the write's transaction) that every writer goes through; `scorings.py` keeps the
versions records were scored with, once per scoring; `rewrite.py` is the one raw DB-API
writer (re-scoring). Every read returns plain dataclasses.

May import: `models.programme`, SQLAlchemy, sqlcipher3, alembic (migrations only). Never
`models.workflows`, the UI, the CLI or Qt.
"""
