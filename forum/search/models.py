"""The search index: one row per published question or answer, holding the text that is searched.

The table is ordinary (so Alembic, create_all and the test suite's table cleaning all know it); what
each database searches it with is created beside it by `after_create`, from the backend's DDL:
an FTS5 table kept in step by triggers on SQLite, a generated tsvector column with a GIN index on
PostgreSQL. Rows hold post ids only as a key: every query joins back to `posts` to check visibility.
"""

from sqlalchemy import ForeignKey, Index, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.qa.models import Post

# Posts readers can't see. Every search query leaves these out (backends.visible); the condition is written
# exactly as the partial index below says it, so both databases answer it from that small index.
HIDDEN_POSTS = "status <> 'published' OR deleted_at IS NOT NULL"


class SearchDocument(db.Model):
    __tablename__ = "search_documents"

    # INTEGER PRIMARY KEY: SQLite's rowid, which the FTS5 table uses as its own.
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    # The question a match ranks: the post itself, or the question an answer belongs to.
    question_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")


# On the posts table, owned by search: the ids of held, rejected and deleted posts (a few percent of them).
# status and deleted_at make it covering, so SQLite picks it without ANALYZE statistics.
_posts = Post.__table__
Index(
    "ix_posts_hidden",
    _posts.c.id,
    _posts.c.status,
    _posts.c.deleted_at,
    sqlite_where=text(HIDDEN_POSTS),
    postgresql_where=text(HIDDEN_POSTS),
)


@event.listens_for(SearchDocument.__table__, "after_create")
def _create_search_objects(target, connection, **_kw) -> None:
    from forum.search.backends import backend_for

    for statement in backend_for(connection.dialect.name).CREATE:
        connection.exec_driver_sql(statement)


@event.listens_for(SearchDocument.__table__, "before_drop")
def _drop_search_objects(target, connection, **_kw) -> None:
    from forum.search.backends import backend_for

    for statement in backend_for(connection.dialect.name).DROP:
        connection.exec_driver_sql(statement)


# Made by the backends' DDL, not described by the metadata. Alembic must neither drop them (autogenerate)
# nor report them as differences (tests/test_migrations.py): both use include_object below.
SCHEMA_OBJECTS = frozenset(
    {
        "search_fts",  # SQLite: the FTS5 table and its shadow tables
        "search_fts_data",
        "search_fts_idx",
        "search_fts_docsize",
        "search_fts_config",
        "search_vector",  # PostgreSQL: the generated columns on search_documents and their GIN indexes
        "ix_search_documents_search_vector",
        "title_vector",
        "ix_search_documents_title_vector",
    }
)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object hook: leave the search backends' own objects alone."""
    return name not in SCHEMA_OBJECTS
