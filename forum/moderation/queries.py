"""Read side of moderation: queue pages, an item with its context, in a fixed number of queries."""

from dataclasses import dataclass, field

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import joinedload, selectinload

from forum.auth.models import User
from forum.content import highlighted_excerpt
from forum.extensions import db
from forum.moderation.models import Flag, ItemStatus, Queue, ReviewItem
from forum.qa.models import Post

PAGE_SIZE = 50


@dataclass
class Row:
    item: ReviewItem
    post: Post | None
    excerpt: object
    earlier_items: int
    reasons: list[str] = field(default_factory=list)


def _spans(post: Post) -> list[tuple[int, int]]:
    return [(h["start"], h["end"]) for h in (post.safety or {}).get("hits", ())]


def queue_rows(
    queue: Queue, status: ItemStatus = ItemStatus.OPEN, category: str = "", page: int = 1, per_page: int = PAGE_SIZE
):
    """One page of a queue, most urgent first: priority, then deadline. Five queries whatever its size."""
    query = (
        select(ReviewItem)
        .where(ReviewItem.queue == queue, ReviewItem.status == status)
        .options(
            selectinload(ReviewItem.reasons), joinedload(ReviewItem.claimed_by), joinedload(ReviewItem.subject_user)
        )
    )
    if status == ItemStatus.OPEN:
        query = query.order_by(ReviewItem.priority.desc(), ReviewItem.deadline_at, ReviewItem.id)
    else:
        query = query.order_by(ReviewItem.decided_at.desc(), ReviewItem.id.desc())
    if category:
        # Items list their categories in a JSON array; match the quoted name inside it.
        query = query.where(cast(ReviewItem.categories, String).like(f'%"{category}"%'))
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    items = pagination.items
    post_ids = [i.target_id for i in items if i.target_type == "post"]
    posts = {p.id: p for p in db.session.scalars(select(Post).where(Post.id.in_(post_ids)))} if post_ids else {}
    earlier = _earlier_item_counts(items)
    rows = []
    for item in items:
        post = posts.get(item.target_id) if item.target_type == "post" else None
        if post is not None:
            excerpt = highlighted_excerpt(post.scan_text, _spans(post))
        else:
            texts = [r.details.get("text", "") for r in item.reasons if r.details.get("text")]
            excerpt = highlighted_excerpt(texts[-1] if texts else "", [])
        rows.append(Row(item, post, excerpt, earlier.get(item.id, 0), sorted({r.kind.value for r in item.reasons})))
    return pagination, rows


def _earlier_item_counts(items: list[ReviewItem]) -> dict[int, int]:
    """For each item, how many earlier items its author had (one grouped query)."""
    authors = {i.subject_user_id for i in items if i.subject_user_id}
    if not authors:
        return {}
    rows = db.session.execute(
        select(ReviewItem.subject_user_id, ReviewItem.id).where(ReviewItem.subject_user_id.in_(authors))
    ).all()
    by_author: dict[int, list[int]] = {}
    for author_id, item_id in rows:
        by_author.setdefault(author_id, []).append(item_id)
    return {i.id: sum(1 for other in by_author.get(i.subject_user_id, []) if other < i.id) for i in items}


def get_item(item_id: int) -> ReviewItem | None:
    return db.session.scalar(
        select(ReviewItem)
        .where(ReviewItem.id == item_id)
        .options(
            selectinload(ReviewItem.reasons), joinedload(ReviewItem.claimed_by), joinedload(ReviewItem.subject_user)
        )
    )


@dataclass
class ItemContext:
    item: ReviewItem
    post: Post | None
    question: Post | None
    highlighted: object
    history: list[ReviewItem]
    flaggers: dict[int, User]
    rules: list[dict]
    application: object = None  # a practitioner application, with its applicant


def item_context(item: ReviewItem) -> ItemContext:
    post = question = None
    highlighted = ""
    if item.target_type == "post":
        post = db.session.scalar(select(Post).where(Post.id == item.target_id).options(joinedload(Post.author)))
        question = post if post.is_question else db.session.get(Post, post.question_id)
        text = post.scan_text
        highlighted = highlighted_excerpt(text, _spans(post), width=max(len(text), 1))
    history = []
    if item.subject_user_id:
        history = db.session.scalars(
            select(ReviewItem)
            .where(ReviewItem.subject_user_id == item.subject_user_id, ReviewItem.id != item.id)
            .order_by(ReviewItem.id.desc())
            .limit(20)
        ).all()
    flagger_ids = {r.user_id for r in item.reasons if r.user_id}
    flaggers = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(flagger_ids)))} if flagger_ids else {}
    )
    fired: dict[str, dict] = {}
    for reason in item.reasons:
        for hit in (reason.details or {}).get("verdict", {}).get("hits", ()):
            fired.setdefault(hit["rule"], hit)
    context = ItemContext(
        item, post, question, highlighted, history, flaggers, sorted(fired.values(), key=lambda h: h["rule"])
    )
    if item.target_type == "application":
        from forum.practitioners.queries import get_application

        context.application = get_application(item.target_id)
    return context


def flags_on(post_id: int) -> list[Flag]:
    return db.session.scalars(select(Flag).where(Flag.post_id == post_id)).all()


def open_counts() -> dict[str, int]:
    """Open items per queue, for the navigation badge."""
    rows = db.session.execute(
        select(ReviewItem.queue, func.count()).where(ReviewItem.status == ItemStatus.OPEN).group_by(ReviewItem.queue)
    ).all()
    return {queue.value: n for queue, n in rows}
