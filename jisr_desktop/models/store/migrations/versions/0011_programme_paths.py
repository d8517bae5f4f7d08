"""The category-2 path at Entraide Nationale, licences and labels after incubation, and
applicant groups (cooperatives, collective companies) with their members (issue 12).

Revision ID: 0011_programme_paths
Revises: 0010 (the incubation committee)
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_programme_paths"
down_revision = "0010"
branch_labels = None
depends_on = None


def _who() -> list[sa.Column]:
    return [sa.Column("agent", sa.String(), nullable=False),
            sa.Column("at", sa.String(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "en_path_steps",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(), nullable=False, unique=True),
        sa.Column("record_id", sa.String(), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("step", sa.String(), nullable=False),
        sa.Column("programme_id", sa.String(), nullable=True),
        sa.Column("place_id", sa.String(), nullable=True),
        sa.Column("places_version", sa.Integer(), nullable=True),
        sa.Column("on_day", sa.String(), nullable=True),
        sa.Column("result", sa.String(), nullable=True),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("catalogue_version", sa.Integer(), nullable=False),
        *_who(),
    )
    op.create_index("ix_en_path_steps_record_id", "en_path_steps", ["record_id"])
    op.create_table(
        "licence_steps",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(), nullable=False, unique=True),
        sa.Column("record_id", sa.String(), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("licence_id", sa.String(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("on_day", sa.String(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("catalogue_version", sa.Integer(), nullable=False),
        *_who(),
    )
    op.create_index("ix_licence_steps_record_id", "licence_steps", ["record_id"])
    op.create_table(
        "applicant_groups",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("legal_id", sa.String(), nullable=True),
        sa.Column("province_code", sa.String(), nullable=False),
        sa.Column("responsible_id", sa.String(), sa.ForeignKey("records.id"), nullable=False),
        *_who(),
    )
    op.create_index("ix_applicant_groups_province_code", "applicant_groups",
                    ["province_code"])
    op.create_index("ix_applicant_groups_responsible_id", "applicant_groups",
                    ["responsible_id"])
    op.create_table(
        "group_members",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("group_id", sa.String(), sa.ForeignKey("applicant_groups.id"),
                  nullable=False),
        sa.Column("record_id", sa.String(), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("consent_on", sa.String(), nullable=False),
        sa.Column("joined_at", sa.String(), nullable=False),
        sa.Column("left_at", sa.String(), nullable=True),
        sa.Column("left_reason", sa.Text(), nullable=True),
        sa.Column("agent", sa.String(), nullable=False),
    )
    op.create_index("ix_group_members_group_id", "group_members", ["group_id"])
    op.create_index("ix_group_members_record_id", "group_members", ["record_id"])


def downgrade() -> None:
    for index, table in (("ix_group_members_record_id", "group_members"),
                         ("ix_group_members_group_id", "group_members")):
        op.drop_index(index, table)
    op.drop_table("group_members")
    op.drop_index("ix_applicant_groups_responsible_id", "applicant_groups")
    op.drop_index("ix_applicant_groups_province_code", "applicant_groups")
    op.drop_table("applicant_groups")
    op.drop_index("ix_licence_steps_record_id", "licence_steps")
    op.drop_table("licence_steps")
    op.drop_index("ix_en_path_steps_record_id", "en_path_steps")
    op.drop_table("en_path_steps")
