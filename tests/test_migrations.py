"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from config import TestConfig
from forum import create_app
from forum.auth.models import AccountStatus
from forum.extensions import db
from forum.search.models import include_object as search_include_object

SCHEMA = "migration_check"
TRIGGERS = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal"


@pytest.fixture
def empty_database_url(tmp_path):
    url = os.environ.get("FORUM_TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{SCHEMA}"
    with engine.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    engine.dispose()


def test_migrations_produce_the_same_schema_as_the_models(empty_database_url):
    class MigrationConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_database_url

    app = create_app(MigrationConfig)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            # The search backends' own objects (FTS5 table, tsvector column) are made by DDL, not the metadata.
            opts = {"compare_type": True, "compare_server_default": True, "include_object": search_include_object}
            context = MigrationContext.configure(conn, opts=opts)
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        postgresql = db.engine.dialect.name == "postgresql"
        if postgresql:  # Alembic compares neither an enum type's values nor triggers
            with db.engine.connect() as conn:
                stored = conn.execute(text("SELECT unnest(enum_range(NULL::account_status))::text")).scalars().all()
                assert stored == [status.value for status in AccountStatus]
                assert conn.execute(text(TRIGGERS)).scalars().all() == ["audit_log_append_only"]
        downgrade(revision="c3e1a7d2b9f4")  # the revision before the trigger's
        if postgresql:
            with db.engine.connect() as conn:
                assert conn.execute(text(TRIGGERS)).scalars().all() == []
        downgrade(revision="base")
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn)
            assert context.get_current_revision() is None
        db.engine.dispose()
