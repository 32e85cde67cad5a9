"""the yearly evaluation: a confirmation's window on each requirement version, offices' signing keys,
signatures of the yearly report, and the talks minutes' action items

Revision ID: 0019
Revises: 0018

`confirm_days_before_start`: how many days before a placement's start the Chinese office may
confirm it (the worker has exited by then); every existing version gets the default, 1 day.
`office_signing_keys` holds each office's Ed25519 public key (enrolled by admin);
`report_signatures` a focal office's signature over the digest of an agreement's yearly figures;
`action_items` what a meeting decided, who does it and by when, followed to the next meeting.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agreement_requirement_versions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("confirm_days_before_start", sa.Integer(), nullable=False, server_default="1")
        )
    op.create_table(
        "office_signing_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_office_signing_keys_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_signing_keys")),
    )
    op.create_index(
        op.f("ix_office_signing_keys_office_id"), "office_signing_keys", ["office_id"], unique=False
    )
    op.create_table(
        "report_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreements.id"], name=op.f("fk_report_signatures_agreement_id_agreements")
        ),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["office_signing_keys.id"],
            name=op.f("fk_report_signatures_key_id_office_signing_keys"),
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_report_signatures_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_signatures")),
    )
    op.create_index(
        "ix_report_signatures_report", "report_signatures", ["agreement_id", "year"], unique=False
    )
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("minutes_id", sa.Integer(), nullable=False),
        sa.Column("text_vi", sa.Text(), nullable=False),
        sa.Column("text_zh", sa.Text(), nullable=False),
        sa.Column("owner_office_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "in_progress",
                "done",
                "dropped",
                name="actionitemstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("follow_up", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["minutes_id"], ["talks_minutes.id"], name=op.f("fk_action_items_minutes_id_talks_minutes")
        ),
        sa.ForeignKeyConstraint(
            ["owner_office_id"], ["offices.id"], name=op.f("fk_action_items_owner_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    op.create_index(op.f("ix_action_items_minutes_id"), "action_items", ["minutes_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_action_items_minutes_id"), table_name="action_items")
    op.drop_table("action_items")
    op.drop_index("ix_report_signatures_report", table_name="report_signatures")
    op.drop_table("report_signatures")
    op.drop_index(op.f("ix_office_signing_keys_office_id"), table_name="office_signing_keys")
    op.drop_table("office_signing_keys")
    with op.batch_alter_table("agreement_requirement_versions", schema=None) as batch_op:
        batch_op.drop_column("confirm_days_before_start")
