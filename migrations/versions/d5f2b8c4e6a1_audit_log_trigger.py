"""audit log append-only in the database: a PostgreSQL trigger refuses UPDATE and DELETE

Revision ID: d5f2b8c4e6a1
Revises: c3e1a7d2b9f4
Create Date: 2026-11-22 06:30:00

"""
from alembic import op

revision = 'd5f2b8c4e6a1'
down_revision = 'c3e1a7d2b9f4'
branch_labels = None
depends_on = None


# Frozen here as written on the day (forum.audit.APPEND_ONLY_TRIGGER installs the same for create_all).
APPEND_ONLY_TRIGGER = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
)


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for statement in APPEND_ONLY_TRIGGER:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
