"""PostgreSQL: a generated tsvector column (title weighted A, body B) with a GIN index, ranked by ts_rank.

The columns (that one, and a title-only one for similar questions) are computed by the database from
`search_documents.title` and `.body`, so writing a row is all the sync needs. Queries go through
websearch_to_tsquery, which accepts any text without a syntax error, and are built from the parsed query
(parse.Query) so they mean what they mean on SQLite.
"""

from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.engine import Connection

from forum.search.backends import MARK_END, MARK_START, docs, tagged, top_questions, visible
from forum.search.parse import Query

CREATE = [
    "ALTER TABLE search_documents ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('english'::regconfig, title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, body), 'B')) STORED",
    "ALTER TABLE search_documents ADD COLUMN IF NOT EXISTS title_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('english'::regconfig, title)) STORED",
    "CREATE INDEX IF NOT EXISTS ix_search_documents_search_vector ON search_documents USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS ix_search_documents_title_vector ON search_documents USING gin (title_vector)",
]
# The columns and their indexes go with search_documents itself.
DROP: list[str] = []

CONFIG = literal_column("'english'::regconfig")
VECTOR = literal_column("search_documents.search_vector")
# Titles alone (empty for answers), for similar questions: a small index, and no weights to recheck.
TITLE_VECTOR = literal_column("search_documents.title_vector")
# Weights for D, C, B, A: a title word counts five times a body word. Normalisation 1 divides by the
# log of the document's length, so a long answer doesn't win on length alone.
WEIGHTS = literal_column("'{0.05, 0.1, 0.2, 1.0}'::float4[]")
TITLE_OPTIONS = f"HighlightAll=true, StartSel={MARK_START}, StopSel={MARK_END}"
BODY_OPTIONS = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=20, ShortWord=3"


def websearch_text(query: Query) -> str:
    """The parsed query written back in websearch_to_tsquery's syntax, from words that are letters and digits."""
    groups = []
    for group in query.groups:
        terms = []
        for term in group:
            text = term.words[0] if len(term.words) == 1 else '"' + " ".join(term.words) + '"'
            terms.append(("-" if term.excluded else "") + text)
        groups.append(" ".join(terms))
    return " or ".join(groups)


def _tsquery(query: Query):
    return func.websearch_to_tsquery(CONFIG, websearch_text(query))


def _rank(tsquery, vector=VECTOR):
    return func.ts_rank(WEIGHTS, vector, tsquery, 1)


def hits(query: Query, tag_id: int | None) -> Select:
    tsquery = _tsquery(query)
    statement = select(docs.c.question_id, docs.c.post_id, _rank(tsquery).label("rank")).where(
        VECTOR.bool_op("@@")(tsquery), visible(docs.c.post_id), visible(docs.c.question_id)
    )
    return statement.where(tagged(tag_id)) if tag_id is not None else statement


def _with_ellipses(fragment: str, body: str) -> str:
    plain = fragment.replace(MARK_START, "").replace(MARK_END, "")
    at = body.find(plain) if plain else -1
    before = "…" if at != 0 else ""
    after = "…" if at == -1 or at + len(plain) < len(body) else ""
    return before + fragment + after


def marked(connection: Connection, query: Query, post_ids: list[int]) -> dict[int, tuple[str, str]]:
    """{post_id: (title, body fragment)} for `post_ids`, the query's words marked."""
    tsquery = _tsquery(query)
    rows = connection.execute(
        select(
            docs.c.post_id,
            func.ts_headline(CONFIG, docs.c.title, tsquery, TITLE_OPTIONS),
            func.ts_headline(CONFIG, docs.c.body, tsquery, BODY_OPTIONS),
            docs.c.body,
        ).where(docs.c.post_id.in_(post_ids))
    )
    return {row[0]: (row[1], _with_ellipses(row[2], row[3])) for row in rows}


def similar(words: list[str], limit: int) -> Select:
    """Published questions whose title shares any of `words`, best first: (id, title, answer_count, rank)."""
    # Words are letters and digits (parse.WORD), so joined with | they are a valid tsquery: no operators of theirs.
    tsquery = func.to_tsquery(CONFIG, " | ".join(words))
    ranked = select(docs.c.post_id, _rank(tsquery, TITLE_VECTOR).label("rank")).where(
        TITLE_VECTOR.bool_op("@@")(tsquery), docs.c.post_id == docs.c.question_id, visible(docs.c.post_id)
    )
    return top_questions(ranked, limit)


def begin_bulk(connection: Connection) -> None:
    """Before a full reindex: make sure the columns exist, empty the table, and drop the GIN indexes
    (building them once at the end is much faster than updating them row by row)."""
    for statement in CREATE[:2]:
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql("TRUNCATE search_documents")
    for name in ("ix_search_documents_search_vector", "ix_search_documents_title_vector"):
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def end_bulk(connection: Connection) -> None:
    for statement in CREATE:
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql("ANALYZE search_documents")
