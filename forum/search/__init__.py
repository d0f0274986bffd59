"""Full-text search over question titles and the bodies of questions and answers, one interface for both databases.

    index_post(post)              index a post, or drop it when readers can't see it (no commit)
    remove_post(post_id)          drop a post from the index (no commit)
    reindex_all() -> int          rebuild the whole index from the posts (commits)
    search(text, tag=None, page=1, per_page=20) -> Results
    similar(title, limit=5) -> list[Similar]

Results are questions: an answer's match ranks its question. Only published, non-deleted posts are
found, and that is checked at query time too, so a post held after it was indexed is never found.
SQLite uses FTS5 (backends/sqlite.py), PostgreSQL a tsvector column (backends/postgresql.py). The
index follows every post change by itself (documents.py); nothing else needs to call index_post.
"""

import math
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload, selectinload

from forum.extensions import db
from forum.qa.models import Post, PostKind, PostStatus, Tag
from forum.search import documents
from forum.search.backends import MARK_END, MARK_START, backend_for, best_per_question
from forum.search.models import SearchDocument
from forum.search.parse import Query, parse, similar_words

__all__ = ["Hit", "Results", "Similar", "index_post", "reindex_all", "remove_post", "search", "similar"]

REINDEX_BATCH = 2000
MAX_PAGE = 500


def _backend():
    return backend_for(db.session.get_bind().dialect.name)


def highlighted(marked_text: str) -> Markup:
    """Escape text from the index, then turn the backend's markers into <mark> elements."""
    escaped = str(escape(marked_text))
    return Markup(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


@dataclass
class Hit:
    """One question in the results, found through its own text or through one of its answers."""

    question: Post
    post: Post  # the best-matching post: the question itself or one of its answers
    title: Markup  # escaped, matched words in <mark>
    snippet: Markup  # escaped, from the best-matching post, matched words in <mark>
    rank: float

    @property
    def via_answer(self) -> bool:
        return self.post.id != self.question.id


@dataclass
class Results:
    """One page of hits, paged like flask_sqlalchemy's Pagination (page, pages, has_prev, has_next, ...)."""

    query: Query
    items: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 20
    tag: str | None = None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


@dataclass(frozen=True)
class Similar:
    id: int
    title: str
    answer_count: int


def index_post(post: Post) -> None:
    """Index `post` as it is now (dropping it if readers can't see it). Joins the caller's transaction."""
    documents.write(db.session.connection(), [post])


def remove_post(post_id: int) -> None:
    db.session.execute(delete(SearchDocument).where(SearchDocument.post_id == post_id))


def reindex_all(batch: int = REINDEX_BATCH) -> int:
    """Rebuild the index from every public question and answer, in one transaction; returns how many.

    Writers to search_documents wait until it commits (SQLite's write lock, PostgreSQL's TRUNCATE lock).
    """
    backend = _backend()
    connection = db.session.connection()
    backend.begin_bulk(connection)
    posts = Post.__table__
    public = select(posts.c.id, posts.c.kind, posts.c.question_id, posts.c.title, posts.c.body_html).where(
        posts.c.kind.in_([PostKind.QUESTION, PostKind.ANSWER]),
        posts.c.status == PostStatus.PUBLISHED,
        posts.c.deleted_at.is_(None),
    )
    total, last_id = 0, 0
    while True:
        # Keyset batches: no cursor stays open while the batch is written.
        chunk = connection.execute(public.where(posts.c.id > last_id).order_by(posts.c.id).limit(batch)).all()
        if not chunk:
            break
        documents.insert_many(connection, [documents.document(*row) for row in chunk])
        total += len(chunk)
        last_id = chunk[-1].id
    backend.end_bulk(connection)
    db.session.commit()
    return total


def _tag_id(tag: str) -> int | None:
    return db.session.scalar(select(Tag.id).where(Tag.name == tag))


def search(text: str | None, tag: str | None = None, page: int = 1, per_page: int = 20) -> Results:
    """One page of questions matching `text` (optionally only those tagged `tag`), best first.

    A fixed number of queries whatever the page size: the tag's id, the ranked page, the marked
    fragments, the questions and matched answers with their authors, and their tags.
    """
    query = parse(text)
    page = min(max(page, 1), MAX_PAGE)
    results = Results(query=query, page=page, per_page=per_page, tag=tag or None)
    if query.is_empty:
        return results
    tag_id = None
    if tag:
        tag_id = _tag_id(tag)
        if tag_id is None:
            return results
    backend = _backend()
    connection = db.session.connection()
    rows = connection.execute(best_per_question(backend.hits(query, tag_id), per_page, (page - 1) * per_page)).all()
    if not rows:
        return results
    results.total = rows[0].total
    post_ids = sorted({*(row.question_id for row in rows), *(row.post_id for row in rows)})
    marks = backend.marked(connection, query, post_ids)
    # Questions and the matched answers in one go; answers need no tags, but loading them costs nothing extra.
    loaded = {
        post.id: post
        for post in db.session.scalars(
            select(Post).where(Post.id.in_(post_ids)).options(joinedload(Post.author), selectinload(Post.tags))
        )
    }
    for row in rows:
        question, post = loaded.get(row.question_id), loaded.get(row.post_id)
        if question is None or post is None:
            continue
        title_marks = marks.get(question.id, ("", ""))[0]
        results.items.append(
            Hit(
                question=question,
                post=post,
                title=highlighted(title_marks) if title_marks else escape(question.title),
                snippet=highlighted(marks.get(post.id, ("", ""))[1]),
                rank=float(row.rank),
            )
        )
    return results


def similar(title: str | None, limit: int = 5) -> list[Similar]:
    """Published questions whose titles share words with `title`, most alike first (one query)."""
    words = similar_words(title)
    if not words:
        return []
    rows = db.session.execute(_backend().similar(words, limit)).all()
    return [Similar(id=row.id, title=row.title, answer_count=row.answer_count) for row in rows]
