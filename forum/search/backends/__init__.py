"""What the two search backends share: the tables they read, the visibility rule, and paging by question.

A backend module (`sqlite`, `postgresql`) provides CREATE / DROP (its DDL, every statement idempotent),
`hits(query, tag_id)` (one row per matching visible post: question_id, post_id, rank, higher is better),
`marked(query, post_ids)` (title and body fragments with MARK_START / MARK_END around matched words),
`similar(words, limit)`, and `begin_bulk` / `end_bulk` around a full reindex.
"""

from types import ModuleType

from sqlalchemy import Select, func, select, text

from forum.qa.models import Post, post_tags
from forum.search.models import HIDDEN_POSTS, SearchDocument

# Control characters never reach the index (see documents.plain_text), so these can't come from a post.
MARK_START = "\x02"
MARK_END = "\x03"

posts = Post.__table__
docs = SearchDocument.__table__


def visible(post_id):
    """Readers may see the post with this id: published and not deleted. Checked on every query, not only
    when indexing. Written as "not one of the hidden posts": those are few and the partial index
    ix_posts_hidden holds exactly them, so this reads a few thousand ids once instead of joining every
    matching post to the wide posts table (at 100,000 posts: 30 ms instead of 175 ms on PostgreSQL)."""
    return post_id.not_in(select(posts.c.id).where(text(HIDDEN_POSTS)))


def tagged(tag_id: int):
    """The matched post's question carries the tag: one primary-key probe of post_tags per match."""
    return (
        select(post_tags.c.post_id)
        .where(post_tags.c.post_id == docs.c.question_id, post_tags.c.tag_id == tag_id)
        .exists()
    )


def best_per_question(hits: Select, limit: int, offset: int) -> Select:
    """One row per question (its best-ranked post), best first, one page of them, with the total on every row."""
    h = hits.subquery("hits")
    # Ties go to the lowest post id: the question before its answers.
    order = func.row_number().over(partition_by=h.c.question_id, order_by=(h.c.rank.desc(), h.c.post_id))
    ranked = select(h.c.question_id, h.c.post_id, h.c.rank, order.label("n")).subquery("ranked")
    return (
        select(ranked.c.question_id, ranked.c.post_id, ranked.c.rank, func.count().over().label("total"))
        .where(ranked.c.n == 1)
        .order_by(ranked.c.rank.desc(), ranked.c.question_id.desc())
        .limit(limit)
        .offset(offset)
    )


def top_questions(ranked: Select, limit: int) -> Select:
    """The `limit` best of `ranked` (visible question documents: post_id, rank), with what a link shows.

    Ranks first, then reads the few winning rows of `posts` for their title and answer count.
    """
    top = ranked.order_by(ranked.selected_columns.rank.desc(), ranked.selected_columns.post_id.desc())
    top = top.limit(limit).subquery("top")
    return (
        select(posts.c.id, posts.c.title, posts.c.answer_count, top.c.rank)
        .join(top, top.c.post_id == posts.c.id)
        .order_by(top.c.rank.desc(), posts.c.id.desc())
    )


def backend_for(dialect_name: str) -> ModuleType:
    if dialect_name == "sqlite":
        from forum.search.backends import sqlite

        return sqlite
    if dialect_name == "postgresql":
        from forum.search.backends import postgresql

        return postgresql
    raise RuntimeError(f"Search has no backend for {dialect_name!r}: use SQLite or PostgreSQL.")
