"""the worker's protection on the placement, and wage arrears as records of their own

Revision ID: 0018
Revises: 0017

Issue 22: the yearly evaluation reviews each worker's contract, insurance, pre-departure
orientation and recruitment fees (SDG 10.7.1), and the wages owed. Every new placement column is
nullable: placements made before it simply have not recorded them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def _columns() -> tuple[sa.Column, ...]:
    return (
        sa.Column("contract_signed_on", sa.Date(), nullable=True),
        sa.Column("contract_months", sa.Integer(), nullable=True),
        sa.Column("contract_weekly_hours", sa.Integer(), nullable=True),
        sa.Column("contract_wage", sa.Numeric(14, 2), nullable=True),
        sa.Column("contract_currency", sa.String(length=3), nullable=True),
        sa.Column("injury_insurer", sa.String(length=200), nullable=True),
        sa.Column("injury_policy_number", sa.String(length=64), nullable=True),
        sa.Column("injury_insurance_valid_to", sa.Date(), nullable=True),
        sa.Column("health_insurer", sa.String(length=200), nullable=True),
        sa.Column("health_policy_number", sa.String(length=64), nullable=True),
        sa.Column("health_insurance_valid_to", sa.Date(), nullable=True),
        sa.Column("orientation_on", sa.Date(), nullable=True),
        sa.Column("orientation_provider", sa.String(length=200), nullable=True),
        sa.Column("recruitment_fee_vnd", sa.Integer(), nullable=True),
        sa.Column("recruitment_fee_items", sa.Text(), nullable=True),
    )


def upgrade() -> None:
    # In place (ALTER TABLE ADD COLUMN), never a batch rebuild: SQLite would drop the placements'
    # data-version triggers (0011) with the old table.
    for column in _columns():
        op.add_column("placements", column)
    op.create_table(
        "wage_arrears",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("placement_id", sa.Integer(), sa.ForeignKey("placements.id"), nullable=False),
        sa.Column("worker_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("amount_cny", sa.Numeric(12, 2), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("reported_by_office_id", sa.Integer(), sa.ForeignKey("offices.id"), nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.Column("amount_settled_cny", sa.Numeric(12, 2), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.add_column(
        "agreement_requirement_versions",
        sa.Column("protection_before_exit", sa.String(length=200), server_default="", nullable=False),
    )
    op.create_index("ix_wage_arrears_placement_id", "wage_arrears", ["placement_id"])
    op.create_index("ix_wage_arrears_worker_id", "wage_arrears", ["worker_id"])


def downgrade() -> None:
    op.drop_index("ix_wage_arrears_worker_id", table_name="wage_arrears")
    op.drop_index("ix_wage_arrears_placement_id", table_name="wage_arrears")
    op.drop_table("wage_arrears")
    with op.batch_alter_table("agreement_requirement_versions") as batch:
        batch.drop_column("protection_before_exit")
    with op.batch_alter_table("placements") as batch:
        for column in reversed(_columns()):
            batch.drop_column(column.name)
