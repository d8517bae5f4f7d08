"""Alembic environment: the store hands over its already-keyed connection.

There is no URL here on purpose: opening SQLCipher needs the unwrapped key, which only the
store has, so migrations always run on a connection the store opened.
"""

from alembic import context

from jisr_desktop.models.store.schema import Base

connection = context.config.attributes["connection"]
# render_as_batch: SQLite cannot ALTER most things; batch mode copies the table instead.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
