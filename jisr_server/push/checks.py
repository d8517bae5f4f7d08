"""Step one of a push: each op judged on its own, before any transaction or lock.

The op is well formed (a UUID record id, a known op name, an integer base version), the
role may send it (the one role table, `roles.may`), its payload has the shape of its kind,
and an upsert validates against the form version it claims (the same `validate` the
desktop runs). What is stored is what validation produced, never what was sent: answers
normalised, calculations recomputed, unknown keys dropped; an item keeps only its kind's
keys. A refusal is a per-op `rejected` result; the other ops of the batch go on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jisr_desktop.models.programme import decisions
from jisr_desktop.models.programme import items as programme_items
from jisr_desktop.models.programme.form import Form, from_definition
from jisr_desktop.models.programme.reference import ReferenceData
from jisr_desktop.models.programme.roles import OP_ACTIONS, may
from jisr_desktop.models.programme.validation import validate
from jisr_desktop.sync.protocol import PROGRAMME_OPS, Code, Op, OpResult, OutOp, Status
from jisr_server.evaluation import CONSENT_FIELD, evaluate
from jisr_server.push.forms import Definitions
from jisr_server.scope import Principal

PROVINCE_FIELD = "province"
# What each op is, in the role table (a decision: by its kind, see decisions.py).
# Op(name) fails at import if the table names an op the protocol does not know.
ACTION_OF_OP = {Op(name): action for name, action in OP_ACTIONS.items()}
_MAX_VERSION = 2**31 - 1


@dataclass(frozen=True)
class RawOp:
    """One op as it arrived: only `op_id` is known to be a plain string."""

    op_id: str
    record_id: Any
    op: Any
    base_version: Any
    payload: Any


@dataclass
class Prepared:
    """What step one learnt about an op: a rejection, or what it would write."""

    op_id: str
    record_id: str
    op: OutOp | None = None
    rejected: OpResult | None = None
    province: str | None = None
    region: str | None = None
    data: str = "{}"
    content_hash: str = ""
    def_id: str | None = None
    def_version: int | None = None
    item_id: str | None = None
    item_kind: str | None = None  # a decision's kind (agent_confirmation, committee)
    answers: Mapping[str, Any] = field(default_factory=dict)


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


TOMBSTONE_HASH = digest(canonical({"deleted": True}))


def rejected(
    op_id: str, record_id: Any, code: Code, reason: str, errors: list[dict[str, Any]] | None = None
) -> OpResult:
    return OpResult(
        op_id=op_id,
        record_id=record_id if isinstance(record_id, str) else str(record_id)[:64],
        status=Status.REJECTED,
        code=str(code),
        reason=reason,
        errors=errors or None,
    )


def _refuse(raw: RawOp, code: Code, reason: str, **kw: Any) -> Prepared:
    return Prepared(raw.op_id, str(raw.record_id), rejected=rejected(raw.op_id, raw.record_id,
                                                                      code, reason, **kw))


def parse(raw: RawOp) -> OutOp | Prepared:
    """The op, typed; or its rejection when it is not well formed."""
    if not decisions.is_uuid(raw.record_id):
        return _refuse(raw, Code.INVALID_ID, "record_id must be a UUID (36 characters)")
    if raw.op not in set(Op):
        return _refuse(raw, Code.INVALID_OP, f"op must be one of {', '.join(Op)}")
    version = raw.base_version
    if type(version) is not int or not 0 <= version <= _MAX_VERSION:
        return _refuse(raw, Code.INVALID_OP, "base_version must be an integer >= 0")
    return OutOp(raw.op_id, raw.record_id, Op(raw.op), version, raw.payload)


def prepare(
    defs: Definitions, reference: ReferenceData, who: Principal, raw: RawOp, today: date
) -> Prepared:
    op = parse(raw)
    if isinstance(op, Prepared):
        return op
    action = ACTION_OF_OP.get(op.op)
    if action is not None and not may(who.role, action):
        return _refuse(raw, Code.FORBIDDEN_OP, f"the role {who.role} may not {action}")
    if op.op == Op.DELETE:
        return Prepared(op.op_id, op.record_id, op, content_hash=TOMBSTONE_HASH)
    payload = op.payload
    if not isinstance(payload, Mapping):
        return _refuse(raw, Code.INVALID_PAYLOAD, "the payload must be a JSON object")
    if op.op == Op.UPSERT:
        return _prepare_upsert(defs, reference, who, op, payload, today)
    return _prepare_item(who, op, payload)


def _prepare_item(who: Principal, op: OutOp, payload: Mapping[str, Any]) -> Prepared:
    raw = RawOp(op.op_id, op.record_id, op.op, op.base_version, payload)
    item_id = payload.get("id")
    if not decisions.is_uuid(item_id):
        return _refuse(raw, Code.INVALID_ID, "the payload needs an id, a UUID")
    if payload.get("record_id", op.record_id) != op.record_id:
        return _refuse(raw, Code.INVALID_PAYLOAD, "the payload names another record_id")
    if op.op in PROGRAMME_OPS:
        return _prepare_programme_item(raw, op, payload, who)
    if op.op == Op.DECISION:
        # The desktop's own rules: a committee decision only by a role that may decide
        # (law 09-08), a known kind, outcome and category, a reason for a waiting list or
        # a refusal.
        problem = decisions.check_decision(payload, who.role)
    else:
        problem = decisions.check_item(op.op, payload)
    if problem is not None:
        return _refuse(raw, Code(problem), decisions.PROBLEMS[problem])
    kept = decisions.known_keys(op.op, payload)
    data = _encodable(kept)
    if data is None:
        return _refuse(raw, Code.INVALID_PAYLOAD, "the payload is not valid Unicode")
    return Prepared(
        op.op_id,
        op.record_id,
        op,
        data=data,
        content_hash=digest(canonical(kept)),
        item_id=item_id,
        item_kind=payload.get("kind") if op.op == Op.DECISION else str(op.op),
    )


def _prepare_programme_item(raw: RawOp, op: OutOp, payload: Mapping[str, Any],
                            who: Principal) -> Prepared:
    """A referral, service edit, incubation or follow-up: its strict schema and the role
    table (models/programme/items.py); stored as sent, since every key is a known one."""
    kind = str(op.op)
    problem = programme_items.check_item(kind, payload, who.role)
    if problem is not None:
        code, errors = problem
        return _refuse(raw, Code(code), programme_items.PROBLEMS[code], errors=errors)
    kept = dict(payload)
    data = _encodable(kept)
    if data is None:
        return _refuse(raw, Code.INVALID_PAYLOAD, "the payload is not valid Unicode")
    return Prepared(op.op_id, op.record_id, op, data=data, content_hash=digest(canonical(kept)),
                    item_id=payload["id"], item_kind=programme_items.sub_kind(kind, payload))


def without_consent(p: Prepared, record: Mapping[str, Any]) -> OpResult | None:
    """A woman joins a group only if her registration holds her consent to the processing
    of her data (law 09-08), as groups.py requires; judged on the server's copy of her
    record (step two), since the membership's payload does not carry it."""
    answers = json.loads(record["data"]).get("answers") or {}
    if answers.get(CONSENT_FIELD) == "yes":
        return None
    return rejected(p.op_id, p.record_id, Code.INVALID_PAYLOAD,
                    "her registration holds no consent to the processing of her data",
                    errors=[{"field": "record_id", "code": "no_consent"}])


def _encodable(value: Any) -> str | None:
    """JSON text the database can store, or None. JSON allows lone surrogates (\\ud800),
    which no UTF-8 database column accepts."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return text


def _prepare_upsert(
    defs: Definitions,
    reference: ReferenceData,
    who: Principal,
    op: OutOp,
    payload: Mapping[str, Any],
    today: date,
) -> Prepared:
    raw = RawOp(op.op_id, op.record_id, op.op, op.base_version, payload)
    form_ref = payload.get("form")
    answers = payload.get("answers")
    if (
        not isinstance(form_ref, Mapping)
        or not isinstance(form_ref.get("id"), str)
        or type(form_ref.get("version")) is not int
        or not isinstance(answers, Mapping)
    ):
        return _refuse(raw, Code.INVALID_PAYLOAD,
                       'an upsert payload needs "form": {"id", "version"} and "answers": {...}')
    def_id, def_version = form_ref["id"], form_ref["version"]
    definition = defs.get((def_id, def_version))
    if definition is None:
        return _refuse(raw, Code.UNKNOWN_DEFINITION_VERSION,
                       f"the server has no form {def_id} version {def_version}")
    form = from_definition(definition)
    result = validate(form, answers, today=today, reference=reference)
    if not result.ok:
        errors = [{"field": i.field, "code": i.code} for i in result.errors]
        return _refuse(raw, Code.INVALID, f"not valid for {def_id} version {def_version}",
                       errors=errors)
    stored = result.answers  # normalised, recomputed, unknown keys dropped
    province = _province(stored, answers, payload, who)
    known = reference.provinces.get(province) if province is not None else None
    if known is None:
        return _refuse(raw, Code.INVALID, "the record names no known province",
                       errors=[{"field": PROVINCE_FIELD, "code": "unknown_province"}])
    if not who.covers(province, known.region_code):
        return _refuse(raw, Code.OUT_OF_SCOPE, f"province {province} is outside your scope")
    # The server's evaluation, never the client's claim (evaluation.py).
    evaluation = evaluate(definition, defs.rules(payload), stored, today)
    answers_text = canonical(stored)
    form_text = canonical({"id": def_id, "version": def_version})
    data = f'{{"answers":{answers_text},"evaluation":{canonical(evaluation)},"form":{form_text}}}'
    return Prepared(
        op.op_id,
        op.record_id,
        op,
        province=province,
        region=known.region_code,
        data=data,
        content_hash=_content_hash(form, stored, form_text),
        def_id=def_id,
        def_version=def_version,
        answers=stored,
    )


def _content_hash(form: Form, stored: Mapping[str, Any], form_text: str) -> str:
    """The hash that tells a replay from an edit: the stored answers and the form version,
    without the calculations (an age recomputed another day is not an edit) and without
    the evaluation derived from them."""
    calculated = {f.name for f in form.fields if f.type == "calculate"}
    kept = {k: v for k, v in stored.items() if k not in calculated}
    return digest(f'{{"answers":{canonical(kept)},"form":{form_text}}}')


def _province(
    stored: Mapping[str, Any], sent: Mapping[str, Any], payload: Mapping[str, Any],
    who: Principal,
) -> str | None:
    """The province a record belongs to. A refused consent keeps only the consent section
    (law 09-08), yet the programme keeps the refusal, in its province: then the province
    comes from the answers as sent, the payload's `province`, or the sender's own province."""
    province = stored.get(PROVINCE_FIELD)
    if isinstance(province, str):
        return province
    if stored.get(CONSENT_FIELD) == "yes":
        return None
    for candidate in (sent.get(PROVINCE_FIELD), payload.get(PROVINCE_FIELD)):
        if isinstance(candidate, str):
            return candidate
    return who.scope_code if who.scope_kind == "province" else None
