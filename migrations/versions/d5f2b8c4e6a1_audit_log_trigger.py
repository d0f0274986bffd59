"""audit log append-only in the database: a PostgreSQL trigger refuses UPDATE and DELETE

Revision ID: d5f2b8c4e6a1
Revises: c3e1a7d2b9f4
Create Date: 2026-11-22 06:30:00

"""
from alembic import op

from forum.audit import APPEND_ONLY_TRIGGER

revision = 'd5f2b8c4e6a1'
down_revision = 'c3e1a7d2b9f4'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for statement in APPEND_ONLY_TRIGGER:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
