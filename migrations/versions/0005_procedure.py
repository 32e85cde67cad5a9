"""the agreed procedure: requirements, status history, corrections, overrides, dated units

Revision ID: 0005
Revises: 0004

Requirement sets per agreement, every status change of a worker, overrides and corrections with
their reasons, void marks on crossings and checks, successor links between units and offices
(the 2025 mergers), and communes directly under a province (no district after July 2025).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agreement_requirements",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("clearance_valid_months", sa.Integer(), nullable=False),
        sa.Column("health_valid_months", sa.Integer(), nullable=False),
        sa.Column("minimum_age", sa.Integer(), nullable=False),
        sa.Column("minimum_monthly_wage_cny", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("overridable", sa.String(length=500), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_requirements_agreement_id_agreements"),
        ),
        sa.PrimaryKeyConstraint("agreement_id", name=op.f("pk_agreement_requirements")),
    )
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("duty", sa.String(length=64), nullable=False),
        sa.Column("fields", sa.String(length=500), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_corrections_office_id_offices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrections")),
    )
    op.create_table(
        "worker_status_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "registered",
                "cleared",
                "deployed",
                "returned",
                "suspended",
                "absconded",
                name="workerstatus",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "registered",
                "cleared",
                "deployed",
                "returned",
                "suspended",
                "absconded",
                name="workerstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("cause", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_worker_status_changes_office_id_offices")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_worker_status_changes_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_status_changes")),
    )
    with op.batch_alter_table("worker_status_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_worker_status_changes_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "procedure_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("rules", sa.String(length=500), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_procedure_overrides_office_id_offices")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"], ["placements.id"], name=op.f("fk_procedure_overrides_placement_id_placements")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedure_overrides")),
    )
    with op.batch_alter_table("procedure_overrides", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_procedure_overrides_placement_id"), ["placement_id"], unique=False
        )

    with op.batch_alter_table("admin_units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("successor_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_admin_units_successor_id_admin_units"), "admin_units", ["successor_id"], ["id"]
        )

    with op.batch_alter_table("crossings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("void_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("voided_by_office_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_crossings_voided_by_office_id_offices"), "offices", ["voided_by_office_id"], ["id"]
        )

    with op.batch_alter_table("health_checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("void_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("voided_by_office_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_health_checks_voided_by_office_id_offices"),
            "offices",
            ["voided_by_office_id"],
            ["id"],
        )

    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_to", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("successor_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_offices_successor_id_offices"), "offices", ["successor_id"], ["id"]
        )

    with op.batch_alter_table("police_clearances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("void_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("voided_by_office_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_police_clearances_voided_by_office_id_offices"),
            "offices",
            ["voided_by_office_id"],
            ["id"],
        )

    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.alter_column("home_district_id", existing_type=sa.INTEGER(), nullable=True)

    # Every agreement already made gets the default requirement set of the data file.
    from procedure import default_row_values

    agreements = sa.table("agreements", sa.column("id", sa.Integer()))
    requirements = sa.table(
        "agreement_requirements",
        sa.column("agreement_id", sa.Integer()),
        *(sa.column(name) for name in default_row_values()),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    bind = op.get_bind()
    ids = [row.id for row in bind.execute(sa.select(agreements.c.id))]
    if ids:
        now = dt.datetime.now(dt.UTC)
        bind.execute(
            requirements.insert(),
            [{"agreement_id": i, **default_row_values(), "updated_at": now} for i in ids],
        )


def downgrade() -> None:
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.alter_column("home_district_id", existing_type=sa.INTEGER(), nullable=False)

    with op.batch_alter_table("police_clearances", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_police_clearances_voided_by_office_id_offices"), type_="foreignkey"
        )
        batch_op.drop_column("voided_by_office_id")
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_at")

    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_offices_successor_id_offices"), type_="foreignkey")
        batch_op.drop_column("successor_id")
        batch_op.drop_column("valid_to")
        batch_op.drop_column("valid_from")

    with op.batch_alter_table("health_checks", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_health_checks_voided_by_office_id_offices"), type_="foreignkey"
        )
        batch_op.drop_column("voided_by_office_id")
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_at")

    with op.batch_alter_table("crossings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_crossings_voided_by_office_id_offices"), type_="foreignkey")
        batch_op.drop_column("voided_by_office_id")
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_at")

    with op.batch_alter_table("admin_units", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_admin_units_successor_id_admin_units"), type_="foreignkey")
        batch_op.drop_column("successor_id")

    with op.batch_alter_table("procedure_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_procedure_overrides_placement_id"))

    op.drop_table("procedure_overrides")
    with op.batch_alter_table("worker_status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worker_status_changes_worker_id"))

    op.drop_table("worker_status_changes")
    op.drop_table("corrections")
    op.drop_table("agreement_requirements")
