"""The definition versions a record was scored with, kept once per scoring rather than
inside each record's evaluation.

Until 0004 every record's evaluation JSON named its form, grid and orientation versions
(and `grid_version` repeated the grid's), so a re-scoring pass under a new grid version
had to rewrite every record even when no score moved: 100,000 rows and their pages,
~2 s of writing on a 2-core machine. Now `scorings` holds each set of versions once; a
record names the scoring it was saved under (`scoring_id`), and a re-scoring pass is a
scoring of its own that covers every record it saw: it rewrites only the records whose
values moved (they get its id), and the others are taken to be under it once it is
complete (`store/scorings.py` says how a record's versions are read).

Upgrade: one scoring per distinct set of versions found in the evaluations; each record
names its own; the versions leave the evaluation JSON; `grid_version` is dropped.
Downgrade puts them back.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scorings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("versions", sa.Text(), nullable=False),
        sa.Column("is_pass", sa.Boolean(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
    )
    op.add_column("records", sa.Column("scoring_id", sa.Integer(), nullable=True))
    op.execute(
        "INSERT INTO scorings (versions, is_pass, complete, at) "
        "SELECT DISTINCT json_extract(evaluation, '$.versions'), 0, 1, "
        "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM records "
        "WHERE evaluation IS NOT NULL AND json_extract(evaluation, '$.versions') IS NOT NULL"
    )
    op.execute(
        "UPDATE records SET scoring_id = (SELECT id FROM scorings "
        "WHERE scorings.versions = json_extract(records.evaluation, '$.versions')), "
        "evaluation = json_remove(evaluation, '$.versions') "
        "WHERE evaluation IS NOT NULL AND json_extract(evaluation, '$.versions') IS NOT NULL"
    )
    op.execute("ALTER TABLE records DROP COLUMN grid_version")


def downgrade() -> None:
    op.add_column("records", sa.Column("grid_version", sa.Integer(), nullable=True))
    # The versions a record is under (store/scorings.py): its own scoring, or the newest
    # complete pass if that came later.
    effective = (
        "(SELECT s.versions FROM scorings s WHERE s.id = max(coalesce(records.scoring_id, 0), "
        "coalesce((SELECT max(id) FROM scorings WHERE is_pass AND complete), 0)))"
    )
    op.execute(
        f"UPDATE records SET evaluation = json_set(evaluation, '$.versions', json({effective})) "
        f"WHERE evaluation IS NOT NULL AND {effective} IS NOT NULL"
    )
    op.execute(
        "UPDATE records SET grid_version = json_extract(evaluation, '$.versions.grid.version') "
        "WHERE evaluation IS NOT NULL"
    )
    op.execute("ALTER TABLE records DROP COLUMN scoring_id")
    op.drop_table("scorings")
