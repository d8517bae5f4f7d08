"""Alembic environment: the server hands over an open connection (see `db.migrate`), so the
same revisions run on SQLite and PostgreSQL without an alembic.ini URL."""

from alembic import context

from jisr_server.schema import metadata

connection = context.config.attributes["connection"]
# render_as_batch: SQLite cannot ALTER most things; batch mode copies the table instead.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
