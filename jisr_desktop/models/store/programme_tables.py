"""Tables of the programme's later steps (issue 12): the orientation to a named place, the
incubator's review of her path, and the incubator staff's edits of the service card.
Registered on the store's one `Base` (schema.py imports this module), created by migration
0008."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jisr_desktop.models.store.schema import Base


class Referral(Base):
    """Where a woman is sent, and what the incubator made of her path, never overwritten.

    `kind` "orientation": the agent names a place of the directory (its version kept, so a
    place renamed later still reads as it was), the appointment and the person to see.
    `kind` "path_review": after the first interviews (programme document, 396-400), the
    incubator confirms or changes the path; a change carries its reason. The newest row of
    each kind is in force; the earlier ones are the history."""

    __tablename__ = "referrals"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String, unique=True)
    record_id: Mapped[str] = mapped_column(String, ForeignKey("records.id"), index=True)
    kind: Mapped[str] = mapped_column(String)  # orientation | path_review
    place_id: Mapped[str | None] = mapped_column(String, nullable=True)
    places_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    appointment: Mapped[str | None] = mapped_column(String, nullable=True)  # YYYY-MM-DDTHH:MM
    contact: Mapped[str | None] = mapped_column(Text, nullable=True)
    path: Mapped[str | None] = mapped_column(String, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    agent: Mapped[str] = mapped_column(String)
    at: Mapped[str] = mapped_column(String)


class ServiceCardEdit(Base):
    """Incubator staff's change to a service card made from an assessment's recommendations:
    `add` a service, `remove` one, or `schedule` one on a day, each with its reason; never
    overwritten (the card applies them in order over the recommendations)."""

    __tablename__ = "service_card_edits"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String, unique=True)
    record_id: Mapped[str] = mapped_column(String, ForeignKey("records.id"), index=True)
    assessment_id: Mapped[str] = mapped_column(String)
    action: Mapped[str] = mapped_column(String)  # add | remove | schedule
    service_id: Mapped[str] = mapped_column(String)
    scheduled_on: Mapped[str | None] = mapped_column(String, nullable=True)  # YYYY-MM-DD
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    agent: Mapped[str] = mapped_column(String)
    at: Mapped[str] = mapped_column(String)


class Incubation(Base):
    """Her incubation: the selection committee's choice, the funding and the contract
    (document, 423-428). A correction is a new row; the newest is in force."""

    __tablename__ = "incubations"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String, unique=True)
    record_id: Mapped[str] = mapped_column(String, ForeignKey("records.id"), index=True)
    selected_on: Mapped[str] = mapped_column(String)  # YYYY-MM-DD, selection committee
    funding_amount: Mapped[int | None] = mapped_column(Integer, nullable=True)  # dirhams
    funding_source: Mapped[str | None] = mapped_column(String, nullable=True)
    funded_on: Mapped[str | None] = mapped_column(String, nullable=True)
    contract_start: Mapped[str] = mapped_column(String)
    contract_end: Mapped[str] = mapped_column(String)
    logistics: Mapped[str | None] = mapped_column(Text, nullable=True)
    agent: Mapped[str] = mapped_column(String)
    at: Mapped[str] = mapped_column(String)
    committee: Mapped[str | None] = mapped_column(Text, nullable=True)  # migration 0009


class IncubationDecision(Base):
    """The selection committee did not select her project (yet): a waiting list or a
    refusal, with its day, the committee and the reason (migration 0012). Local: the
    server has no such item yet."""

    __tablename__ = "incubation_decisions"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String, unique=True)
    record_id: Mapped[str] = mapped_column(String, ForeignKey("records.id"), index=True)
    outcome: Mapped[str] = mapped_column(String)  # waiting_list, refused
    decided_on: Mapped[str] = mapped_column(String)  # YYYY-MM-DD
    committee: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    agent: Mapped[str] = mapped_column(String)
    at: Mapped[str] = mapped_column(String)


class FollowUpVisit(Base):
    """A post-incubation follow-up visit (document, 430-449): when, who, what was seen and
    the next step; `topic` one of the document's services (management, network, soft
    skills, fairs, e-commerce, licences and labels) or "visit"."""

    __tablename__ = "follow_up_visits"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String, unique=True)
    record_id: Mapped[str] = mapped_column(String, ForeignKey("records.id"), index=True)
    visited_on: Mapped[str] = mapped_column(String)  # YYYY-MM-DD
    visitor: Mapped[str] = mapped_column(String)
    topic: Mapped[str] = mapped_column(String)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_step: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_on: Mapped[str | None] = mapped_column(String, nullable=True)
    agent: Mapped[str] = mapped_column(String)
    at: Mapped[str] = mapped_column(String)


class CommitteeSession(Base):
    """A session of a provincial committee: its day, place and members present (members is
    a JSON list of names). Its minutes are the ranked list with the decisions of that day."""

    __tablename__ = "committee_sessions"
    id: Mapped[str] = mapped_column(String, primary_key=True)
    province_code: Mapped[str] = mapped_column(String, index=True)
    category: Mapped[int | None] = mapped_column(Integer, nullable=True)
    held_on: Mapped[str] = mapped_column(String)  # YYYY-MM-DD
    place: Mapped[str] = mapped_column(Text)
    members: Mapped[str] = mapped_column(Text)
    agent: Mapped[str] = mapped_column(String)
    at: Mapped[str] = mapped_column(String)


# The EN path, licences and applicant groups (migration 0011_programme_paths).
from jisr_desktop.models.store import paths_tables as paths_tables  # noqa: E402
