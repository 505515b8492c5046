"""Cases, SCAR follow-up, return causes and the append-only audit trail

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

from workbench.plant.types import Quantity, UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PG_APPEND_ONLY = """
CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: % of entry % refused', TG_OP, OLD.id;
END $$
"""


def _who(*cols):
    return [sa.Column(c, sa.String(64), nullable=False) for c in cols]


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("origin", sa.String(32), nullable=False),
        sa.Column("origin_ref", sa.String(200)),
        sa.Column("problem", sa.Text()),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        *_who("opened_by"),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        *_who("updated_by"),
        sa.Column("closed_at", UTCDateTime()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("views", sa.Text()),
        sa.Column("standard", sa.String(16)),
        sa.Column("clock_started_at", UTCDateTime()),
        sa.Column("clock_stopped_at", UTCDateTime()),
        sa.Column("unit", sa.String(16)),
        sa.Column("in_question", Quantity()),
        sa.Column("found", Quantity()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("code", name=op.f("uq_cases_code")),
    )
    op.create_index(op.f("ix_cases_status"), "cases", ["status"])
    op.create_table(
        "case_lots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("why", sa.Text()),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        *_who("added_by"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_lots_case_id_cases")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_case_lots_lot_id_lots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_lots")),
        sa.UniqueConstraint("case_id", "lot_id", name=op.f("uq_case_lots_case_id_lot_id")),
    )
    op.create_index(op.f("ix_case_lots_case_id"), "case_lots", ["case_id"])
    op.create_index(op.f("ix_case_lots_lot_id"), "case_lots", ["lot_id"])
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer()),
        sa.Column("scar_id", sa.Integer()),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        *_who("added_by"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_attachments_case_id_cases")),
        sa.ForeignKeyConstraint(["scar_id"], ["supplier_actions.id"],
                                name=op.f("fk_attachments_scar_id_supplier_actions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index(op.f("ix_attachments_case_id"), "attachments", ["case_id"])
    op.create_index(op.f("ix_attachments_scar_id"), "attachments", ["scar_id"])
    op.create_table(
        "case_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        *_who("by"),
        sa.Column("text", sa.Text()),
        sa.Column("data", sa.Text()),
        sa.Column("lot_id", sa.Integer()),
        sa.Column("quantity", Quantity()),
        sa.Column("attachment_id", sa.Integer()),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_entries_case_id_cases")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_case_entries_lot_id_lots")),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachments.id"],
                                name=op.f("fk_case_entries_attachment_id_attachments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_entries")),
    )
    op.create_index("ix_case_entries_case_at", "case_entries", ["case_id", "at"])
    op.create_index(op.f("ix_case_entries_lot_id"), "case_entries", ["lot_id"])
    op.create_table(
        "signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer()),
        sa.Column("scar_id", sa.Integer()),
        *_who("signer"),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("meaning", sa.String(32), nullable=False),
        sa.Column("signed_at", UTCDateTime(), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_signatures_case_id_cases")),
        sa.ForeignKeyConstraint(["scar_id"], ["supplier_actions.id"],
                                name=op.f("fk_signatures_scar_id_supplier_actions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatures")),
    )
    op.create_index(op.f("ix_signatures_case_id"), "signatures", ["case_id"])
    op.create_index(op.f("ix_signatures_scar_id"), "signatures", ["scar_id"])
    op.create_table(
        "scar_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scar_id", sa.Integer(), nullable=False),
        *(sa.Column(d, sa.Text()) for d in ("d4", "d5", "d6", "d7", "d8")),
        sa.Column("answered_at", UTCDateTime()),
        sa.Column("verify_due_at", UTCDateTime()),
        sa.Column("verified_at", UTCDateTime()),
        sa.Column("verified_by", sa.String(64)),
        sa.Column("effective", sa.Boolean()),
        sa.Column("verification", sa.Text()),
        sa.Column("closed_at", UTCDateTime()),
        sa.Column("closed_by", sa.String(64)),
        sa.Column("vendor_cause", sa.Boolean()),
        sa.Column("repeats_id", sa.Integer()),
        sa.Column("case_id", sa.Integer()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["scar_id"], ["supplier_actions.id"],
                                name=op.f("fk_scar_responses_scar_id_supplier_actions")),
        sa.ForeignKeyConstraint(["repeats_id"], ["supplier_actions.id"],
                                name=op.f("fk_scar_responses_repeats_id_supplier_actions")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_scar_responses_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scar_responses")),
        sa.UniqueConstraint("scar_id", name=op.f("uq_scar_responses_scar_id")),
    )
    op.create_index(op.f("ix_scar_responses_case_id"), "scar_responses", ["case_id"])
    op.create_table(
        "return_causes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pattern", sa.String(200)),
        sa.Column("return_id", sa.Integer()),
        sa.Column("cause", sa.String(16), nullable=False),
        sa.Column("vendor_attributable", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("set_at", UTCDateTime(), nullable=False),
        *_who("set_by"),
        sa.ForeignKeyConstraint(["return_id"], ["returns.id"], name=op.f("fk_return_causes_return_id_returns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_causes")),
        sa.UniqueConstraint("return_id", name=op.f("uq_return_causes_return_id")),
    )
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        *_who("actor"),
        sa.Column("db_role", sa.String(64)),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(32), nullable=False),
        sa.Column("object_key", sa.String(200), nullable=False),
        sa.Column("before", sa.Text()),
        sa.Column("after", sa.Text()),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_entries_hash")),
    )
    op.create_index(op.f("ix_audit_entries_at"), "audit_entries", ["at"])
    op.create_index(op.f("ix_audit_entries_actor"), "audit_entries", ["actor"])
    op.create_index("ix_audit_entries_object", "audit_entries", ["object_type", "object_key"])

    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_APPEND_ONLY)
        op.execute("CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries "
                   "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()")
    else:
        for what in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_entries_no_{what.lower()} BEFORE {what} ON audit_entries "
                       f"BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: {what} refused'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION audit_entries_append_only()")
    for table in ("audit_entries", "return_causes", "scar_responses", "signatures", "case_entries",
                  "attachments", "case_lots", "cases"):
        op.drop_table(table)
