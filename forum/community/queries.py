"""Read side of follows and bookmarks: the viewer's marks on a thread, the bookmarks and following lists.

Each is a fixed number of queries whatever the number of rows; lists show only posts the viewer may see.
"""

from dataclasses import dataclass, field

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, literal_column, or_, select
from sqlalchemy.orm import aliased, joinedload

from forum.community.models import Bookmark, Follow
from forum.extensions import db
from forum.permissions import can
from forum.qa.models import Post, PostStatus, Vote

PER_PAGE = 30


@dataclass
class ThreadMarks:
    """What the viewer has done in a thread: their votes, whether they follow the question, their bookmarks."""

    votes: dict[int, int] = field(default_factory=dict)
    following: bool = False
    bookmarked: set[int] = field(default_factory=set)


def thread_marks(viewer, question_id: int, post_ids: list[int]) -> ThreadMarks:
    """The viewer's votes on, and bookmarks of, these posts and their follow of the question: one query.

    One UNION keeps the thread page at the query count it had before follows and bookmarks existed.
    """
    votes = select(literal_column("'vote'").label("mark"), Vote.post_id.label("post_id"), Vote.value.label("value"))
    votes = votes.where(Vote.user_id == viewer.id, Vote.post_id.in_(post_ids))
    bookmarks = select(literal_column("'bookmark'"), Bookmark.post_id, literal_column("0")).where(
        Bookmark.user_id == viewer.id, Bookmark.post_id.in_(post_ids)
    )
    follows = select(literal_column("'follow'"), Follow.question_id, literal_column("0")).where(
        Follow.user_id == viewer.id, Follow.question_id == question_id
    )
    marks = ThreadMarks()
    for mark, post_id, value in db.session.execute(votes.union_all(bookmarks, follows)):
        if mark == "vote":
            marks.votes[post_id] = value
        elif mark == "bookmark":
            marks.bookmarked.add(post_id)
        else:
            marks.following = True
    return marks


def _visible(post, viewer):
    """SQL: `post` (an alias) is not deleted and the viewer may see it (published, theirs, or staff)."""
    condition = post.deleted_at.is_(None)
    if can(viewer, "moderation.view"):
        return condition
    return and_(condition, or_(post.status == PostStatus.PUBLISHED, post.author_id == viewer.id))


def bookmarks(viewer, page: int) -> Pagination:
    """The viewer's bookmarks, newest first, of posts they may still see (in a thread they may see).

    Rows carry the post, its author and its question already loaded: two queries per page.
    """
    post, question = aliased(Post), aliased(Post)
    query = (
        select(Bookmark)
        .join(post, post.id == Bookmark.post_id)
        .outerjoin(question, question.id == post.question_id)
        .where(
            Bookmark.user_id == viewer.id,
            _visible(post, viewer),
            or_(post.question_id.is_(None), _visible(question, viewer)),
        )
        .options(joinedload(Bookmark.post).joinedload(Post.author), joinedload(Bookmark.post).joinedload(Post.question))
        .order_by(Bookmark.created_at.desc(), Bookmark.post_id.desc())
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def following(viewer, page: int) -> Pagination:
    """Questions the viewer follows and may still see, most recently active first; two queries per page."""
    question = aliased(Post)
    query = (
        select(Follow)
        .join(question, question.id == Follow.question_id)
        .where(Follow.user_id == viewer.id, _visible(question, viewer))
        .options(joinedload(Follow.question).joinedload(Post.author))
        .order_by(question.last_activity_at.desc(), question.id.desc())
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
