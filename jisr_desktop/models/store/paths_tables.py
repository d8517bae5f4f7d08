"""Tables of three later paths (issue 12): the category-2 path at Entraide Nationale, the
licences and labels after incubation, and the applicant groups (cooperatives, collective
companies) with their members. Registered on the store's one `Base` (programme_tables
imports this module), created by migration 0011_programme_paths."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jisr_desktop.models.store.schema import Base


class EnPathStep(Base):
    """One step of her EN path (programme chosen, enrolment, completion, what she did
    after), never overwritten: the newest row of each step is in force, a correction is a
    new row. `catalogue_version` names the lists' version the ids belong to."""

    __tablename__ = "en_path_steps"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String, unique=True)
    record_id: Mapped[str] = mapped_column(String, ForeignKey("records.id"), index=True)
    step: Mapped[str] = mapped_column(String)  # programme | enrolment | completion | outcome
    programme_id: Mapped[str | None] = mapped_column(String, nullable=True)
    place_id: Mapped[str | None] = mapped_column(String, nullable=True)
    places_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    on_day: Mapped[str | None] = mapped_column(String, nullable=True)  # YYYY-MM-DD
    result: Mapped[str | None] = mapped_column(String, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String, nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    catalogue_version: Mapped[int] = mapped_column(Integer)
    agent: Mapped[str] = mapped_column(String)
    at: Mapped[str] = mapped_column(String)


class LicenceStep(Base):
    """A licence or label she needs, at one status (needed, applied, obtained, refused) on a
    day; never overwritten: the rows of one licence are its history and dates."""

    __tablename__ = "licence_steps"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String, unique=True)
    record_id: Mapped[str] = mapped_column(String, ForeignKey("records.id"), index=True)
    licence_id: Mapped[str] = mapped_column(String)
    name: Mapped[str | None] = mapped_column(Text, nullable=True)  # for "other"
    status: Mapped[str] = mapped_column(String)
    on_day: Mapped[str] = mapped_column(String)  # YYYY-MM-DD
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    catalogue_version: Mapped[int] = mapped_column(Integer)
    agent: Mapped[str] = mapped_column(String)
    at: Mapped[str] = mapped_column(String)


class ApplicantGroup(Base):
    """A cooperative, a collective company or a group of women applying as one. Its
    responsible member's record carries the group's decision, orientation and cards."""

    __tablename__ = "applicant_groups"
    id: Mapped[str] = mapped_column(String, primary_key=True)
    kind: Mapped[str] = mapped_column(String)  # cooperative | company | group
    name: Mapped[str] = mapped_column(Text)
    legal_id: Mapped[str | None] = mapped_column(String, nullable=True)
    province_code: Mapped[str] = mapped_column(String, index=True)
    responsible_id: Mapped[str] = mapped_column(String, ForeignKey("records.id"), index=True)
    agent: Mapped[str] = mapped_column(String)
    at: Mapped[str] = mapped_column(String)


class GroupMember(Base):
    """A woman of the registry in a group, from the day she consented to apply with it;
    `left_at` when she left (the row stays: the history)."""

    __tablename__ = "group_members"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[str] = mapped_column(String, ForeignKey("applicant_groups.id"),
                                          index=True)
    record_id: Mapped[str] = mapped_column(String, ForeignKey("records.id"), index=True)
    consent_on: Mapped[str] = mapped_column(String)  # YYYY-MM-DD
    joined_at: Mapped[str] = mapped_column(String)
    left_at: Mapped[str | None] = mapped_column(String, nullable=True)
    left_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    agent: Mapped[str] = mapped_column(String)
