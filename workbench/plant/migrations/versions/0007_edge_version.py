"""A change counter for the lot-to-lot edges: in-memory edge indexes know when they are stale

Every statement (PostgreSQL) or row (SQLite) that inserts, updates or deletes ``lot_edges``
(or truncates it) raises ``lot_edge_version.version`` by one, in the writer's own transaction: a reader sees
the counter of exactly the edges it sees, so an index built at version N answers only
while the database says N (``workbench.trace.edgeindex``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: PostgreSQL bumps once per statement, with an upsert so a counter table emptied by hand
#: (TRUNCATE) starts counting again; SQLite once per row (1-3 us a row, measured), with a
#: plain UPDATE (a missing counter row reads as "no version": no index answers).
BUMP = ("INSERT INTO lot_edge_version (id, version) VALUES (1, 1) "
        "ON CONFLICT (id) DO UPDATE SET version = lot_edge_version.version + 1")
SQLITE_BUMP = "UPDATE lot_edge_version SET version = version + 1 WHERE id = 1"

PG_FUNCTION = f"""
CREATE FUNCTION lot_edge_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {BUMP};
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.create_table(
        "lot_edge_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot_edge_version")),
    )
    op.execute("INSERT INTO lot_edge_version (id, version) VALUES (1, 1)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute("CREATE TRIGGER lot_edge_version_bump AFTER INSERT OR UPDATE OR DELETE ON lot_edges "
                   "FOR EACH STATEMENT EXECUTE FUNCTION lot_edge_version_bump()")
        op.execute("CREATE TRIGGER lot_edge_version_truncate AFTER TRUNCATE ON lot_edges "
                   "FOR EACH STATEMENT EXECUTE FUNCTION lot_edge_version_bump()")
    else:  # SQLite has row triggers only
        for what in ("INSERT", "UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER lot_edge_version_{what.lower()} AFTER {what} ON lot_edges "
                       f"BEGIN {SQLITE_BUMP}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER lot_edge_version_truncate ON lot_edges")
        op.execute("DROP TRIGGER lot_edge_version_bump ON lot_edges")
        op.execute("DROP FUNCTION lot_edge_version_bump()")
    else:
        for what in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER lot_edge_version_{what}")
    op.drop_table("lot_edge_version")
