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
        if db.engine.dialect.name == "postgresql":  # Alembic does not compare an enum type's values
            with db.engine.connect() as conn:
                stored = conn.execute(text("SELECT unnest(enum_range(NULL::account_status))::text")).scalars().all()
            assert stored == [status.value for status in AccountStatus]
        downgrade(revision="base")
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn)
            assert context.get_current_revision() is None
        db.engine.dispose()
