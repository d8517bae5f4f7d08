"""POST /v1/sync/push: a batch of ops judged in two steps (docs/sync-protocol.md, "Push").

`checks` judges each op on its own, outside any transaction and, once the form versions are
cached, without a database connection; `batch` then decides them in order in one
transaction and writes the lot (`writes`). Every answer is a `protocol.OpResult`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from jisr_desktop.models.programme.reference import ReferenceData
from jisr_desktop.sync.protocol import Code, OpResult
from jisr_server.catalog import FormCache
from jisr_server.push.batch import Batch
from jisr_server.push.checks import Prepared, RawOp, prepare, rejected
from jisr_server.push.forms import Definitions, definitions_for
from jisr_server.scope import Principal

log = logging.getLogger(__name__)
_RETRIES = 4


def push(
    engine: Engine,
    forms: FormCache,
    reference: ReferenceData,
    who: Principal,
    batch_id: str,
    ops: Sequence[RawOp],
) -> list[OpResult]:
    # Validation (most of a push's CPU) runs here, before any transaction or lock.
    definitions = definitions_for(engine, forms, [(op.op, op.payload) for op in ops])
    today = date.today()
    prepared = [_prepare_safely(definitions, reference, who, op, today) for op in ops]
    for attempt in range(_RETRIES):
        try:
            with engine.begin() as conn:
                return Batch(conn, who, batch_id, prepared).run()
        except Exception as exc:
            # Two pushes creating the same new record (or replaying one op id) at once, or
            # a deadlock: the loser starts over and now sees the winner's rows.
            if attempt == _RETRIES - 1 or not _retryable(exc):
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def _prepare_safely(
    defs: Definitions, reference: ReferenceData, who: Principal, op: RawOp, today: date
) -> Prepared:
    try:
        return prepare(defs, reference, who, op, today)
    except Exception:
        # Answers of an unexpected shape that trip the validator are the client's problem
        # and this op's alone: the rest of the batch still goes through.
        log.exception("validation failed on op %s", op.op_id)
        result = rejected(
            op.op_id, op.record_id, Code.INVALID, "the answers could not be validated"
        )
        return Prepared(op.op_id, result.record_id, rejected=result)


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    # psycopg's own errors come unwrapped from COPY (see writes.insert_many).
    origin = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(origin, "sqlstate", None) or ""
    # integrity violations (23xxx), serialization failure, deadlock
    return code.startswith("23") or code in ("40001", "40P01")


__all__ = ["RawOp", "push"]
