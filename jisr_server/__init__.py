"""Jisr central server: the reference implementation of the sync protocol
(docs/sync-protocol.md), on PostgreSQL in production and SQLite as the embedded default."""

__version__ = "0.1.0"
