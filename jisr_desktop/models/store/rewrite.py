"""The one raw DB-API writer of the store: a re-scoring pass, which reads what the scoring
needs of every live record and writes back only what changed. Raw DB-API because it is
the one hot loop over 100,000 rows, where the ORM's per-row cost would be most of the
pass; every other writer goes through the ORM and the journal."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import text

from jisr_desktop.models.store import scorings
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.derived import DERIVED_COLUMNS, evaluation_digest
from jisr_desktop.models.store.journal import Journal

# The fields a pass's copies in `scoring_inputs` hold (migration 0013), kept in `meta`:
# a pass that reads other fields (a grid naming a new answer) makes every copy again.
FIELDS_KEY = "scoring_inputs_fields"
# The basis (workflows/rescoring/basis.py: what the scoring follows from besides the
# answers) of the last pass that ended: every copy's values are those this basis gives
# its answers. The workflow compares it with its own to choose which copies to read.
# Removed before a pass writes anything, so a pass cut short leaves no claim behind.
BASIS_KEY = "scoring_inputs_basis"

# Which copies a pass reads: None, all of them; else only those whose answer to one of
# the named fields is one of its values (or is not a text: a number, a list, a boolean),
# none at all for an empty list. The others are known to hold what the pass gives them.
CopyFilter = list[tuple[str, tuple[str, ...]]] | None


def stored_basis(store: Store) -> str | None:
    """The basis of the last re-scoring pass that ended (None: none, or one was cut short)."""
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT value FROM meta WHERE key = :k"),
                            {"k": BASIS_KEY}).scalar()


class DerivedRewrite:
    """One re-scoring pass: reads what the scoring needs of each live record and writes
    back only what changed, on one connection held for the whole pass.

    Where it reads (migration 0013): first the records written since their copy in
    `scoring_inputs` was made (`scoring_dirty`: all of them on the first pass), from
    `records` itself, their scoring answers extracted from the JSON by SQLite; then the
    copies of all the others, a narrow table of ~2,500 pages instead of `records`'
    ~49,000 (each decrypted by SQLCipher), with no JSON to extract. A copy's derived
    values are those stored in `records`, the evaluation by its digest
    (`evaluation_digest`). The copies are made again, from `records` as it is when the
    pass writes, for every record read from `records` and every record rewritten. When
    the last pass that ended had this pass's `basis` (BASIS_KEY), the copies already hold
    what this pass would give them and are not read at all (`known`).

    A record written by someone else while the pass runs (a save on the UI's lane while a
    definitions sync re-scores on the network lane) is not overwritten with values scored
    from its old answers: a row is rewritten only if it is as the pass read it, its copy
    still there (the triggers drop it on any write) or, read from `records`, its version
    the same. A copy is made from `records` as it is then, and only under the pass's scoring
    or at the version read, so a record saved meanwhile under other definitions stays
    marked, and the next pass reads it from `records`.

    Why one connection with a large page cache: each record's pages are decrypted once
    (SQLCipher) when its chunk is read, and the UPDATE of that chunk, moments later, finds
    them still in the cache instead of decrypting them again (the pool's other connections
    have caches of their own).

    Why only the changed columns: SQLite rewrites an index entry whenever the SET names one
    of its columns, even with an equal value. `eligible`, `category` and `score_total` are
    in the list's seven covering indexes and in the province index, so an UPDATE naming
    them costs eight index rewrites a row (23 s for 98,000 rows, against 3 s for the row
    alone). A new grid version moves the score of few records, and no longer changes the
    others: their evaluations do not name the versions (the pass's scoring does, once:
    scorings.py), so a row whose values are all equal is not written at all, and a row
    that is written also gets the pass's `scoring_id`.

    Use: `with DerivedRewrite(store, journal, fields) as rw:` then `rw.chunks()` yields lists of
    `(seq, answers, old)` — `answers` the JSON array of `fields`, `old` the DERIVED_COLUMNS
    values, the evaluation as its text (read from `records`) or as its digest, an int (read
    from a copy) — and `rw.write(changes)` takes `(mask, seq, values)` triples (bit i of
    `mask` for DERIVED_COLUMNS[i], `values` in that order), committed WRITE_BATCH rows at
    a time. `rw.finish(reason)` commits the rest, then marks the pass's scoring complete
    and appends the audit entry of the pass, in one transaction.
    """

    # For the pass only: ~8,000 pages, the chunks in flight (2,000 records fill ~1,000 pages;
    # at most two per worker wait, plus the one being scored here) stay in the cache.
    CACHE_KIB = 32_768
    # Changed rows are committed this many at a time. Each commit is an fsync
    # (synchronous = FULL): one per chunk of 2,000 (~180 changed rows) cost 0.9 s of a
    # ~2.8 s pass. But one commit at the end is no better: the worker then waits idle while
    # this process writes alone, ~0.9 s. At 1,000 the writes go on while the worker scores
    # (98,053 records, 8,661 moved, one worker, quiet 2-core machine: 2.0-2.2 s a pass at
    # 1,000, 2.1-2.3 s at 2,500, 2.4-2.6 s at 20,000). A pass cut short by an error loses
    # at most this many rewrites, each row still under the versions of its values (values
    # and scoring_id are written together); the next pass does them again.
    WRITE_BATCH = 1_000

    def __init__(
        self,
        store: Store,
        journal: Journal,
        fields: tuple[str, ...],
        *,
        status: str,
        chunk: int,
        versions: Mapping[str, Any],
        basis: str | None = None,
        copies: CopyFilter = None,
    ) -> None:
        if not fields:
            raise ValueError("no fields to read")
        self.store = store
        self.journal = journal
        self.fields = fields
        self.status = status
        self.chunk = max(1, int(chunk))
        self.seen = 0
        self.rewritten = 0
        self.basis = basis
        # Copies known to hold what this pass would give them (`copies`): not read.
        self.known = 0
        self._copies_filter = copies
        self._pending: dict[int, list[tuple[Any, ...]]] = {}  # mask -> rows not committed
        self._pending_rows = 0
        self._raw: Any = None
        self._cache_size: Any = None
        self._sql: dict[int, str] = {}
        # Read from `records` (seq -> its version then): copied at the end.
        self._from_records: dict[int, int] = {}
        self._not_copied: list[int] = []  # marked, but no longer in a pass (deleted...)
        # One path alone would make json_extract return the bare value, not an array.
        paths = [f'$."{f}"' for f in fields] * (2 if len(fields) == 1 else 1)
        self._paths = paths
        self.versions = dict(versions)
        self.scoring_id = 0
        extract = "json_extract(r.answers, " + ", ".join("?" for _ in paths) + ")"
        derived = ", ".join(f"r.{c}" for c in DERIVED_COLUMNS)
        self._read_marked = (
            f"SELECT d.seq, {extract}, {derived}, r.version, r.deleted = 0 AND r.status = ? "
            "FROM scoring_dirty d JOIN records r ON r.seq = d.seq "
            "WHERE d.seq > ? ORDER BY d.seq LIMIT ?"
        )
        kept = [c for c in DERIVED_COLUMNS if c != "evaluation"]
        where, self._where_params = self._copies_where(copies)
        self._read_copies = (
            f"SELECT seq, inputs, {', '.join(kept)}, evaluation_digest FROM scoring_inputs "
            f"WHERE seq > ?{where} ORDER BY seq LIMIT ?"
        )
        self._copy = (
            f"INSERT OR REPLACE INTO scoring_inputs (seq, inputs, {', '.join(kept)}, "
            f"evaluation_digest) SELECT r.seq, {extract}, {', '.join(f'r.{c}' for c in kept)}, "
            "jisr_evaluation_digest(r.evaluation) FROM records r "
            "WHERE r.seq = ? AND r.deleted = 0 AND r.status = ? "
            "AND (r.scoring_id = ? OR r.version = ?)"
        )

    def _copies_where(self, copies: CopyFilter) -> tuple[str, tuple[Any, ...]]:
        """`copies` as SQL (a condition on the copy's JSON array of answers) and its
        parameters."""
        if not copies:
            return "", ()
        terms, params = [], []
        for field, values in copies:
            at = f"$[{self.fields.index(field)}]"
            listed = ", ".join("?" for _ in values) or "NULL"
            terms.append(f"(coalesce(json_type(inputs, ?), '') NOT IN ('text', 'null') "
                         f"OR json_extract(inputs, ?) IN ({listed}))")
            params += [at, at, *values]
        return " AND (" + " OR ".join(terms) + ")", tuple(params)

    def __enter__(self) -> DerivedRewrite:
        # The pass's scoring exists before its first write: what it rewrites names it.
        with self.store.session() as s:
            self.scoring_id = scorings.start_pass(s, self.versions)
        self._raw = self.store.engine.raw_connection()
        self._raw.create_function("jisr_evaluation_digest", 1, evaluation_digest,
                                  deterministic=True)
        cur = self._raw.cursor()
        self._cache_size = cur.execute("PRAGMA cache_size").fetchone()[0]
        cur.execute(f"PRAGMA cache_size = -{self.CACHE_KIB}")
        cur.close()
        self._prepare_copies()
        return self

    def _prepare_copies(self) -> None:
        """Before the pass writes anything: the last pass's basis is no longer claimed,
        and copies made for other fields, of no use, are dropped (every record is then
        read from `records`)."""
        fields = json.dumps(list(self.fields))
        cur = self._raw.cursor()
        try:
            row = cur.execute("SELECT value FROM meta WHERE key = ?", (FIELDS_KEY,)).fetchone()
            cur.execute("BEGIN")
            cur.execute("DELETE FROM meta WHERE key = ?", (BASIS_KEY,))
            if row is None or row[0] != fields:
                cur.execute("DELETE FROM scoring_inputs")
                cur.execute("INSERT OR IGNORE INTO scoring_dirty (seq) SELECT seq FROM records")
                cur.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                            (FIELDS_KEY, fields))
            self._raw.commit()
        except BaseException:
            self._raw.rollback()
            raise
        finally:
            cur.close()

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:  # left without finish(): what was written so far is kept
            self._flush()
        raw, self._raw = self._raw, None
        try:
            if raw.in_transaction:
                raw.rollback()
            cur = raw.cursor()
            cur.execute(f"PRAGMA cache_size = {int(self._cache_size)}")
            cur.execute("PRAGMA shrink_memory")
            cur.close()
        finally:
            raw.close()  # back to the pool

    def chunks(self) -> Iterator[list[tuple[int, str, tuple[Any, ...]]]]:
        last = 0
        while True:  # the records written since their copy was made
            rows = self._fetch(self._read_marked, (*self._paths, self.status, last, self.chunk))
            if not rows:
                break
            last = rows[-1][0]
            live = [r for r in rows if r[-1]]
            self._not_copied += [r[0] for r in rows if not r[-1]]
            self._from_records.update((r[0], r[-2]) for r in live)
            if live:
                self.seen += len(live)
                yield [(r[0], r[1], r[2:-2]) for r in live]
        if self._copies_filter is not None:
            self.known = self._fetch("SELECT count(*) FROM scoring_inputs WHERE seq NOT IN "
                                     "(SELECT seq FROM scoring_dirty)", ())[0][0]
            self.seen += self.known
            if not self._copies_filter:
                return
        last = 0
        while True:  # the copies of all the others (or of those `copies` names)
            rows = self._fetch(self._read_copies, (last, *self._where_params, self.chunk))
            if not rows:
                return
            last = rows[-1][0]
            fresh = [r for r in rows if r[0] not in self._from_records]
            if fresh:
                if self._copies_filter is not None:  # counted above, read after all
                    self.known -= len(fresh)
                else:
                    self.seen += len(fresh)
                yield [(r[0], r[1], r[2:]) for r in fresh]

    def _fetch(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        cur = self._raw.cursor()
        try:
            return cur.execute(sql, params).fetchall()
        finally:
            cur.close()

    def write(self, changes: Iterable[tuple[int, int, tuple[Any, ...]]]) -> None:
        """Queue a chunk's changes; they are committed WRITE_BATCH rows at a time, and
        the rest by `finish` (or on leaving the `with` without an error)."""
        pending, read = self._pending, self._from_records
        for mask, seq, values in changes:
            pending.setdefault(mask, []).append((*values, self.scoring_id, seq, read.get(seq), seq))
            self._pending_rows += 1
        if self._pending_rows >= self.WRITE_BATCH:
            self._flush()

    def flush(self) -> None:
        """Commit the changes queued so far (while the workers finish their last chunks)."""
        self._flush()

    def _flush(self, copy_marked: bool = False) -> None:
        groups, self._pending, self._pending_rows = self._pending, {}, 0
        if not groups and not copy_marked:
            return
        raw = self._raw
        cur = raw.cursor()
        try:
            cur.execute("BEGIN")
            rewritten = 0
            for mask, params in groups.items():
                cur.executemany(self._update_sql(mask), params)
                rewritten += max(cur.rowcount, 0)
            # A rewritten record's copy went with the UPDATE (the trigger): made again.
            copies = {params[-1] for rows in groups.values() for params in rows}
            if copy_marked:
                copies |= self._from_records.keys()
                cur.executemany("DELETE FROM scoring_dirty WHERE seq = ? AND EXISTS (SELECT 1 "
                                "FROM records WHERE seq = ? AND (deleted OR status != ?))",
                                [(seq, seq, self.status) for seq in self._not_copied])
            read = self._from_records
            marks = sorted(copies)
            cur.executemany(self._copy, [(*self._paths, seq, self.status, self.scoring_id,
                                          read.get(seq)) for seq in marks])
            # Still marked: a record written by someone else since this pass read it.
            cur.executemany("DELETE FROM scoring_dirty WHERE seq = ? AND EXISTS "
                            "(SELECT 1 FROM scoring_inputs WHERE seq = ?)",
                            [(seq, seq) for seq in marks])
            raw.commit()
            # Counted once committed: the audit entry must not claim a rolled-back chunk.
            self.rewritten += rewritten
        except BaseException:
            raw.rollback()
            raise
        finally:
            cur.close()

    def _update_sql(self, mask: int) -> str:
        sql = self._sql.get(mask)
        if sql is None:
            columns = [c for i, c in enumerate(DERIVED_COLUMNS) if mask >> i & 1]
            sql = self._sql[mask] = (
                "UPDATE records SET "
                + ", ".join(f"{c} = ?" for c in columns)
                + ", scoring_id = ? WHERE seq = ? AND (version = ? OR EXISTS "
                "(SELECT 1 FROM scoring_inputs WHERE seq = ?))"
            )
        return sql

    def finish(self, reason: Mapping[str, Any]) -> None:
        self._flush(copy_marked=True)
        with self.store.session() as s:
            scorings.complete_pass(s, self.scoring_id)
            if self.basis is not None:
                s.execute(text("INSERT OR REPLACE INTO meta (key, value) VALUES (:k, :v)"),
                          {"k": BASIS_KEY, "v": self.basis})
            changes = {**reason, "records": self.seen, "rewritten": self.rewritten}
            if self.known:
                changes["known_unchanged"] = self.known
            self.journal.write(s, "rescore", None, changes)
