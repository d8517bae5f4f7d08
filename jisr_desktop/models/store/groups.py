"""Applicant groups in the local store (tables `applicant_groups` and `group_members`,
migration 0011_programme_paths): a cooperative, a collective company or a group of women
applying as one (programme document, 108 and 267). Each member is a woman of the registry
who consented to her data's processing (law 09-08) and to applying with the group; a
woman is a member of one group at a time. The responsible member's record carries the
group's decision, orientation and cards.

Every write appends its audit entry (ids only: names stay in the encrypted rows) and its
outbox ops through the journal in the same transaction: the group (op `group`) on its
responsible member's record, each membership (op `group_member`, its id derived by
`items.member_id`) on the member's own record, so each leaves the server with the record
it rides (schemas: models/programme/items.py).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from jisr_desktop.models.programme import programme_paths as rules
from jisr_desktop.models.programme.identity import normalize_cin
from jisr_desktop.models.programme.items import GROUP, GROUP_MEMBER, member_id
from jisr_desktop.models.programme.people import full_name
from jisr_desktop.models.programme.roles import Action
from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.journal import Journal, Op, live_record
from jisr_desktop.models.store.path_lists import clean, require
from jisr_desktop.models.store.paths_tables import ApplicantGroup, GroupMember
from jisr_desktop.models.store.schema import Record


class MemberRefused(ValueError):
    """`code`: no_consent (her registration has no consent), in_other_group, already_member,
    not_member, is_responsible (the responsible member cannot leave her group)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class MemberInfo:
    record_id: str
    name_ar: str
    name_lat: str
    cin: str
    consent_on: str
    joined_at: str


@dataclass(frozen=True)
class GroupInfo:
    id: str
    kind: str
    name: str
    legal_id: str | None
    province_code: str
    responsible_id: str
    members: tuple[MemberInfo, ...]
    agent: str
    at: str


class GroupRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, catalogue: rules.Catalogue, *, kind: str, name: str,
               legal_id: str | None, responsible_id: str, consent_on: date) -> GroupInfo:
        """A group with its responsible member as first member. PermissionError unless the
        role registers women; PathRuleError (unknown kind, no name, no legal identifier
        where the kind needs one); MemberRefused; LookupError for no such record."""
        require(self.store, Action.ENROL)
        rules.check_group(catalogue, kind, name, legal_id)
        with self.store.session() as s:
            row = live_record(s, responsible_id)
            group = ApplicantGroup(id=str(uuid.uuid4()), kind=kind, name=name.strip(),
                                   legal_id=clean(legal_id), province_code=row.province_code,
                                   responsible_id=row.id, agent=self.store.agent, at=utcnow())
            s.add(group)
            s.flush()
            member = self._join(s, group.id, row, consent_on)
            Journal(self.store).write(s, "group.create", row.id, {"group": group.id,
                                                                   "kind": kind},
                                      _group_op(group, row), more=(_member_op(member, row),))
            group_id = group.id
        return self._get(group_id)

    def add_member(self, group_id: str, record_id: str, consent_on: date) -> GroupInfo:
        require(self.store, Action.ENROL)
        with self.store.session() as s:
            self._group(s, group_id)
            row = live_record(s, record_id)
            member = self._join(s, group_id, row, consent_on)
            Journal(self.store).write(s, "group.join", row.id, {"group": group_id},
                                      _member_op(member, row))
        return self._get(group_id)

    def remove_member(self, group_id: str, record_id: str, reason: str | None) -> GroupInfo:
        """She leaves the group (the row stays, with the day and the reason)."""
        require(self.store, Action.ENROL)
        with self.store.session() as s:
            group = self._group(s, group_id)
            if record_id == group.responsible_id:
                raise MemberRefused("is_responsible")
            member = s.scalar(select(GroupMember).where(
                GroupMember.group_id == group_id, GroupMember.record_id == record_id,
                GroupMember.left_at.is_(None)))
            if member is None:
                raise MemberRefused("not_member")
            member.left_at, member.left_reason = utcnow(), clean(reason)
            row = s.scalar(select(Record).where(Record.id == record_id))
            # A deleted record's membership left the server with it: nothing to send.
            op = None if row is None or row.deleted else _member_op(member, row,
                                                                     at=member.left_at)
            Journal(self.store).write(s, "group.leave", record_id, {"group": group_id}, op)
        return self._get(group_id)

    def get(self, group_id: str) -> GroupInfo | None:
        """The group with this id, or the only one whose id starts with it."""
        with self.store.session() as s:
            ids = s.scalars(select(ApplicantGroup.id)
                            .where(ApplicantGroup.id.startswith(group_id, autoescape=True))
                            ).all()
        return self._get(ids[0]) if len(ids) == 1 else None

    def find_by_cin(self, cin: str) -> list[GroupInfo]:
        """The groups a woman with this CIN is a member of now (any spelling of the CIN)."""
        key = normalize_cin(cin)
        if not key:
            return []
        with self.store.session() as s:
            ids = s.scalars(select(GroupMember.group_id).distinct()
                            .join(Record, Record.id == GroupMember.record_id)
                            .where(Record.cin == key, ~Record.deleted,
                                   GroupMember.left_at.is_(None))).all()
        return [g for g in map(self._get, ids) if g is not None]

    def in_province(self, province_code: str) -> list[GroupInfo]:
        with self.store.session() as s:
            ids = s.scalars(select(ApplicantGroup.id)
                            .where(ApplicantGroup.province_code == province_code)
                            .order_by(ApplicantGroup.at)).all()
        return [g for g in map(self._get, ids) if g is not None]

    def led_by(self, record_id: str) -> GroupInfo | None:
        """The group she is the responsible member of (her orientation card names it)."""
        with self.store.session() as s:
            group_id = s.scalar(select(ApplicantGroup.id)
                                .where(ApplicantGroup.responsible_id == record_id)
                                .order_by(ApplicantGroup.at.desc()).limit(1))
        return self._get(group_id) if group_id else None

    def membership(self) -> dict[str, str]:
        """Every woman in a group now: record id -> group id."""
        with self.store.session() as s:
            rows = s.execute(select(GroupMember.record_id, GroupMember.group_id)
                             .where(GroupMember.left_at.is_(None))).all()
        return {r: g for r, g in rows}

    # -- inside a session -------------------------------------------------------------------

    def _group(self, s: Session, group_id: str) -> ApplicantGroup:
        group = s.get(ApplicantGroup, group_id)
        if group is None:
            raise LookupError(f"no group {group_id}")
        return group

    def _join(self, s: Session, group_id: str, row: Record, consent_on: date) -> GroupMember:
        if (json.loads(row.answers or "{}")).get("consent") != "yes":
            raise MemberRefused("no_consent")
        current = s.scalar(select(GroupMember.group_id).where(
            GroupMember.record_id == row.id, GroupMember.left_at.is_(None)))
        if current is not None:
            raise MemberRefused("already_member" if current == group_id else "in_other_group")
        member = GroupMember(group_id=group_id, record_id=row.id,
                             consent_on=consent_on.isoformat(), joined_at=utcnow(),
                             agent=self.store.agent)
        s.add(member)
        return member

    def _get(self, group_id: str) -> GroupInfo | None:
        with self.store.session() as s:
            group = s.get(ApplicantGroup, group_id)
            if group is None:
                return None
            rows = s.execute(select(GroupMember, Record)
                             .join(Record, Record.id == GroupMember.record_id)
                             .where(GroupMember.group_id == group_id,
                                    GroupMember.left_at.is_(None), ~Record.deleted)
                             .order_by(GroupMember.seq)).all()
            members = tuple(_member(m, r) for m, r in rows)
            return GroupInfo(id=group.id, kind=group.kind, name=group.name,
                             legal_id=group.legal_id, province_code=group.province_code,
                             responsible_id=group.responsible_id, members=members,
                             agent=group.agent, at=group.at)


def _group_op(group: ApplicantGroup, responsible: Record) -> Op:
    return Op(responsible.id, GROUP, responsible.version, {
        "id": group.id, "record_id": responsible.id, "kind": group.kind, "name": group.name,
        "legal_id": group.legal_id, "agent": group.agent, "at": group.at})


def _member_op(m: GroupMember, member: Record, *, at: str | None = None) -> Op:
    """Her membership as it stands (joined, or left: the same id, replaced)."""
    return Op(member.id, GROUP_MEMBER, member.version, {
        "id": member_id(m.group_id, m.record_id, m.joined_at), "record_id": m.record_id,
        "group_id": m.group_id, "consent_on": m.consent_on, "joined_at": m.joined_at,
        "left_at": m.left_at, "left_reason": m.left_reason, "agent": m.agent,
        "at": at or m.joined_at})


def _member(m: GroupMember, r: Record) -> MemberInfo:
    answers = json.loads(r.answers or "{}")
    return MemberInfo(record_id=r.id, name_ar=full_name(answers, "ar"),
                      name_lat=full_name(answers, "lat"), cin=r.cin or "",
                      consent_on=m.consent_on, joined_at=m.joined_at)
