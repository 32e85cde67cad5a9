"""requirement sets as dated versions; border-pass and passport numbers unique in the database

Revision ID: 0009
Revises: 0008

1. `agreement_requirements` (one row per agreement, overwritten by each change) becomes
   `agreement_requirement_versions`: each version has `valid_from` and, once superseded, `valid_to`.
   Each existing row becomes its agreement's first version, in force from the agreement's
   `valid_from` (the only rules the registry knew of). Downgrading keeps each current version.
2. The blind indexes of border-pass and passport numbers become UNIQUE (NULLs allowed), so two
   registrations or corrections sent at once cannot both keep the same number.
   The upgrade FAILS if two workers already hold the same border-pass or passport number (the
   code's check could be raced). A database built by `demo` or `generate` with one seed holds none;
   one that mixes the generated populations of several seeds may (before this version the generated
   border-pass and passport numbers did not depend on the seed). On any such database,
   find them first (`SELECT border_pass_index FROM workers WHERE border_pass_index IS NOT NULL
   GROUP BY 1 HAVING count(*) > 1`, the same for `passport_index`), correct them with
   `updateWorker` (a reason is kept), then upgrade. See the README's upgrade notes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

RULES = "clearance_valid_months, health_valid_months, minimum_age, minimum_monthly_wage_cny, overridable"


def _rule_columns() -> list[sa.Column]:
    return [
        sa.Column("clearance_valid_months", sa.Integer(), nullable=False),
        sa.Column("health_valid_months", sa.Integer(), nullable=False),
        sa.Column("minimum_age", sa.Integer(), nullable=False),
        sa.Column("minimum_monthly_wage_cny", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("overridable", sa.String(length=500), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "agreement_requirement_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        *_rule_columns(),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_requirement_versions_agreement_id_agreements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_requirement_versions")),
        sa.UniqueConstraint(
            "agreement_id", "valid_from", name=op.f("uq_agreement_requirement_versions_agreement_id")
        ),
    )
    op.create_index(
        op.f("ix_agreement_requirement_versions_agreement_id"),
        "agreement_requirement_versions",
        ["agreement_id"],
        unique=False,
    )
    op.execute(
        f"INSERT INTO agreement_requirement_versions (agreement_id, valid_from, {RULES}, recorded_at) "
        f"SELECT r.agreement_id, a.valid_from, {', '.join('r.' + c.strip() for c in RULES.split(','))}, "
        "r.updated_at FROM agreement_requirements r JOIN agreements a ON a.id = r.agreement_id"
    )
    op.drop_table("agreement_requirements")
    for column in ("border_pass_index", "passport_index"):
        op.drop_index(f"ix_workers_{column}", table_name="workers")
        op.create_index(f"ix_workers_{column}", "workers", [column], unique=True)


def downgrade() -> None:
    for column in ("border_pass_index", "passport_index"):
        op.drop_index(f"ix_workers_{column}", table_name="workers")
        op.create_index(f"ix_workers_{column}", "workers", [column], unique=False)
    op.create_table(
        "agreement_requirements",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        *_rule_columns(),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_requirements_agreement_id_agreements"),
        ),
        sa.PrimaryKeyConstraint("agreement_id", name=op.f("pk_agreement_requirements")),
    )
    op.execute(
        f"INSERT INTO agreement_requirements (agreement_id, {RULES}, updated_at) "
        f"SELECT agreement_id, {RULES}, recorded_at FROM agreement_requirement_versions "
        "WHERE valid_to IS NULL"
    )
    op.drop_index(
        op.f("ix_agreement_requirement_versions_agreement_id"), table_name="agreement_requirement_versions"
    )
    op.drop_table("agreement_requirement_versions")
