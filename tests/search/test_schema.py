"""The search objects beside search_documents: built by the migrations as by create_all, and removed with it."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from config import TestConfig
from forum import create_app, search
from forum.auth.services import create_user
from forum.extensions import db
from forum.qa import services
from tests.conftest import PASSWORD
from tests.test_migrations import empty_database_url  # noqa: F401  (the fixture: an empty SQLite file or schema)


def _search_objects(connection) -> set[str]:
    if connection.dialect.name == "sqlite":
        rows = connection.execute(text("SELECT name FROM sqlite_master WHERE name LIKE 'search%'"))
        return {name for (name,) in rows}
    columns = {c["name"] for c in inspect(connection).get_columns("search_documents")}
    indexes = {i["name"] for i in inspect(connection).get_indexes("search_documents")}
    return columns | indexes


def test_a_database_built_by_the_migrations_can_search(empty_database_url):  # noqa: F811
    class MigrationConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_database_url

    app = create_app(MigrationConfig)
    with app.app_context():
        upgrade()
        author = create_user("mig_member", "mig@example.com", PASSWORD, "member")
        question = services.ask_question(author, "Coping with insomnia", "I lie awake until three.", "sleep")
        assert [hit.question.id for hit in search.search("insomnia").items] == [question.id]
        assert [q.id for q in search.similar("insomnia at night")] == [question.id]
        db.session.remove()
        downgrade(revision="base")
        with db.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                assert _search_objects(connection) == set()
            else:
                assert not inspect(connection).has_table("search_documents")
        db.engine.dispose()


def test_create_all_builds_the_backend_objects_and_drop_all_removes_them(app):
    with db.engine.connect() as connection:
        found = _search_objects(connection)
    if db.engine.dialect.name == "sqlite":
        assert {"search_fts", "search_documents_ai", "search_documents_ad", "search_documents_au"} <= found
    else:
        assert {
            "search_vector",
            "title_vector",
            "ix_search_documents_search_vector",
            "ix_search_documents_title_vector",
        } <= found
    db.session.remove()
    table = db.metadata.tables["search_documents"]
    table.drop(db.engine)
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            assert _search_objects(connection) == set()
        else:
            assert not inspect(connection).has_table("search_documents")
    table.create(db.engine)
    with db.engine.connect() as connection:
        assert _search_objects(connection) == found
