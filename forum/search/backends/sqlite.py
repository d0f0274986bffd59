"""SQLite: an FTS5 table over `search_documents` (external content), ranked by bm25, kept in step by triggers.

The FTS5 table stores only the index; snippet() and highlight() read the text from `search_documents`.
Triggers on `search_documents` update the index for every insert, update and delete, so whatever writes
that table (the sync hook, a reindex, the test suite emptying tables) leaves the index matching it.
"""

from sqlalchemy import Integer, Select, column, func, literal_column, select, table
from sqlalchemy.engine import Connection

from forum.search.backends import MARK_END, MARK_START, docs, tagged, top_questions, visible
from forum.search.parse import Query

TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
SNIPPET_TOKENS = 32

TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.post_id, new.title, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.post_id, old.title, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.post_id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.post_id, new.title, new.body); END",
]
CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body, content='search_documents', "
    "content_rowid='post_id', tokenize='porter unicode61 remove_diacritics 2')",
    *TRIGGERS,
]
# The triggers go with search_documents itself.
DROP = ["DROP TABLE IF EXISTS search_fts"]

fts = table("search_fts", column("rowid", Integer))
FTS = literal_column("search_fts")


def _phrase(words: tuple[str, ...]) -> str:
    # Words are letters and digits only (parse.WORD), so a double-quoted FTS5 string can't be broken out of.
    return '"' + " ".join(words) + '"'


def match_text(query: Query) -> str:
    """The FTS5 MATCH expression for a parsed query: every term a quoted string, operators only ours."""
    groups = []
    for group in query.groups:
        wanted = " AND ".join(_phrase(t.words) for t in group if not t.excluded)
        unwanted = [_phrase(t.words) for t in group if t.excluded]
        groups.append(f"({wanted}) NOT ({' OR '.join(unwanted)})" if unwanted else f"({wanted})")
    return " OR ".join(groups)


def _rank():
    return (-func.bm25(FTS, TITLE_WEIGHT, BODY_WEIGHT)).label("rank")


def hits(query: Query, tag_id: int | None) -> Select:
    statement = (
        select(docs.c.question_id, docs.c.post_id, _rank())
        .select_from(fts)
        .join(docs, docs.c.post_id == fts.c.rowid)
        .where(FTS.match(match_text(query)), visible(docs.c.post_id), visible(docs.c.question_id))
    )
    return statement.where(tagged(tag_id)) if tag_id is not None else statement


def marked(connection: Connection, query: Query, post_ids: list[int]) -> dict[int, tuple[str, str]]:
    """{post_id: (title, body fragment)} for those of `post_ids` that match, the query's words marked."""
    rows = connection.execute(
        select(
            fts.c.rowid,
            func.highlight(FTS, 0, MARK_START, MARK_END),
            func.snippet(FTS, 1, MARK_START, MARK_END, "…", SNIPPET_TOKENS),
        ).where(FTS.match(match_text(query)), fts.c.rowid.in_(post_ids))
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def similar(words: list[str], limit: int) -> Select:
    """Published questions whose title shares any of `words`, best first: (id, title, answer_count, rank)."""
    match = "title : (" + " OR ".join(_phrase((w,)) for w in words) + ")"
    ranked = (
        select(docs.c.post_id, _rank())
        .select_from(fts)
        .join(docs, docs.c.post_id == fts.c.rowid)
        .where(FTS.match(match), docs.c.post_id == docs.c.question_id, visible(docs.c.post_id))
    )
    return top_questions(ranked, limit)


def begin_bulk(connection: Connection) -> None:
    """Before a full reindex: make sure the index exists, and stop the per-row triggers (rebuilt at the end)."""
    for statement in CREATE:
        connection.exec_driver_sql(statement)
    for name in ("search_documents_ai", "search_documents_ad", "search_documents_au"):
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    connection.execute(docs.delete())


def end_bulk(connection: Connection) -> None:
    """Build the whole FTS index from search_documents in one pass, then bring the triggers back."""
    connection.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    for statement in TRIGGERS:
        connection.exec_driver_sql(statement)
