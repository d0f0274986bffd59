"""pending accounts: sign-ups wait for their e-mail address to be confirmed

Revision ID: c3e1a7d2b9f4
Revises: 8b0b4a8f5c3d
Create Date: 2026-11-22 05:40:00

"""
from alembic import op

revision = 'c3e1a7d2b9f4'
down_revision = '8b0b4a8f5c3d'
branch_labels = None
depends_on = None

OLD_VALUES = ('active', 'silenced', 'suspended', 'deleted')


def upgrade():
    # SQLite keeps the enum as plain text with no CHECK constraint; PostgreSQL has a type to extend.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TYPE account_status ADD VALUE IF NOT EXISTS 'pending'")


def downgrade():
    # Unconfirmed sign-ups never signed in or posted, so they can go; PostgreSQL cannot drop an enum value,
    # so the type is made again without it.
    op.execute("DELETE FROM users WHERE status = 'pending'")
    if op.get_bind().dialect.name == 'postgresql':
        values = ", ".join(f"'{value}'" for value in OLD_VALUES)
        op.execute("ALTER TYPE account_status RENAME TO account_status_old")
        op.execute(f"CREATE TYPE account_status AS ENUM ({values})")
        op.execute("ALTER TABLE users ALTER COLUMN status TYPE account_status USING status::text::account_status")
        op.execute("DROP TYPE account_status_old")
