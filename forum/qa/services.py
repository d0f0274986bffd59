"""Actions on questions, answers, comments and votes. Each checks permissions and commits once."""

import re
import unicodedata

from sqlalchemy import select

from forum import audit, content, safety
from forum.admin.queries import effective_ruleset
from forum.admin.services import count_hits
from forum.auth.models import User
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation import services as moderation
from forum.moderation.models import ReasonKind
from forum.permissions import require
from forum.qa.models import Post, PostKind, PostStatus, Revision, Tag, Vote

MAX_TAGS = 5
TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,28}[a-z0-9]$")
# Reputation for a vote on a post, by (kind, vote value); askers never lose reputation.
VOTE_REPUTATION = {
    (PostKind.ANSWER, 1): 10,
    (PostKind.ANSWER, -1): -2,
    (PostKind.QUESTION, 1): 5,
    (PostKind.QUESTION, -1): 0,
}
ACCEPT_REPUTATION = 15
CRISIS_SEVERITIES = frozenset({"imminent", "high", "elevated"})


class DomainError(ValueError):
    """The request made sense as a form but not as an action; the message is shown to the user."""


def slugify(title: str, max_length: int = 80) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "question"


def parse_tags(raw: str) -> list[str]:
    """Split "depression, Therapy anxiety" into unique lower-case names, keeping their order."""
    names = []
    for name in re.split(r"[\s,]+", raw.strip().lower()):
        if name and name not in names:
            names.append(name)
    if not names:
        raise DomainError("Add at least one tag, such as depression or relationships.")
    if len(names) > MAX_TAGS:
        raise DomainError(f"Use at most {MAX_TAGS} tags.")
    for name in names:
        if not TAG_PATTERN.match(name):
            raise DomainError(f"“{name}” is not a valid tag: use 2–30 lower-case letters, digits or hyphens.")
    return names


def _tags_for(names: list[str]) -> list[Tag]:
    existing = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    tags = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
        tags.append(tag)
    return tags


def scan_text(post: Post) -> str:
    """The text the safety engine reads for a post; hit offsets point into it."""
    return f"{post.title}\n\n{post.body_md}" if post.title else post.body_md


def _screen(post: Post, editor: User) -> None:
    """Scan the saved text, keep the verdict with the post, count the hits per rule, and route it.

    Routing may hold the post and opens or joins its review item. A moderator's own edit is
    scanned but not routed: the reviewer is already looking at it.
    """
    ruleset = effective_ruleset()
    verdict = safety.scan(scan_text(post), ruleset)
    post.safety = verdict.to_dict() | {"ruleset": ruleset.fingerprint, "revision": post.revision_count}
    count_hits(verdict)
    if editor.id == post.author_id:
        kind = ReasonKind.SAFETY if post.revision_count == 1 else ReasonKind.EDIT
        moderation.route(post, post.author, kind)


def needs_crisis_resources(post: Post) -> bool:
    """Whether the author should be shown crisis resources now: a verdict of urgent, or elevated risk."""
    verdict = post.safety or {}
    return verdict.get("severity") in CRISIS_SEVERITIES and bool(
        set(verdict.get("categories", ())) - {"spam", "personal_info"}
    )


def _add_revision(post: Post, editor: User, comment: str = "") -> None:
    """Keep a snapshot of what was just saved, and screen it: every save is scanned."""
    _screen(post, editor)
    db.session.add(
        Revision(
            post_id=post.id,
            number=post.revision_count,
            editor_id=editor.id,
            title=post.title,
            body_md=post.body_md,
            tags=" ".join(sorted(t.name for t in post.tags)) if post.is_question else "",
            comment=comment,
        )
    )


def _new_post(author: User, kind: PostKind, body: str, **fields) -> Post:
    post = Post(
        kind=kind,
        author_id=author.id,
        body_md=body,
        body_html=content.render(body),
        status=PostStatus.PUBLISHED,
        **fields,
    )
    post.author = author
    db.session.add(post)
    return post


def ask_question(author: User, title: str, body: str, tags: str, anonymous: bool = False) -> Post:
    require(author, "question.ask")
    title = title.strip()
    tag_names = parse_tags(tags)
    post = _new_post(author, PostKind.QUESTION, body, title=title, anonymous=anonymous, tags=_tags_for(tag_names))
    db.session.flush()
    _add_revision(post, author)
    db.session.commit()
    return post


def post_answer(author: User, question: Post, body: str, anonymous: bool = False) -> Post:
    require(author, "answer.post", question)
    answer = _new_post(
        author, PostKind.ANSWER, body, question_id=question.id, parent_id=question.id, anonymous=anonymous
    )
    db.session.flush()
    _add_revision(answer, author)
    if answer.is_public:
        question.last_activity_at = answer.created_at
    question.refresh_answer_stats()
    db.session.commit()
    return answer


def post_comment(author: User, parent: Post, body: str) -> Post:
    """Comment under a question or answer. In a thread where the commenter posted anonymously (the question
    or the post replied to), the comment is anonymous too, so a reply can't give the author away."""
    require(author, "comment.post", parent)
    if parent.kind == PostKind.COMMENT:
        raise DomainError("Comments go under a question or an answer.")
    question = parent if parent.is_question else db.session.get(Post, parent.question_id)
    anonymous = any(p.anonymous and p.author_id == author.id for p in (parent, question))
    comment = _new_post(
        author, PostKind.COMMENT, body, question_id=parent.thread_id, parent_id=parent.id, anonymous=anonymous
    )
    db.session.flush()
    _add_revision(comment, author)
    question.last_activity_at = comment.created_at
    db.session.commit()
    return comment


def edit_post(
    editor: User, post: Post, body: str, title: str | None = None, tags: str | None = None, comment: str = ""
) -> Post:
    """Save a new revision; the post shows the latest text and every earlier one stays viewable."""
    require(editor, "post.edit", post)
    changed = body != post.body_md
    if post.is_question:
        title = (title or "").strip()
        tag_names = parse_tags(tags or "")
        changed = changed or title != post.title or sorted(tag_names) != sorted(t.name for t in post.tags)
        post.title = title
        post.tags = _tags_for(tag_names)
    if not changed:
        raise DomainError("Nothing changed: edit the text before saving.")
    post.body_md = body
    post.body_html = content.render(body)
    post.edited_at = utcnow()
    post.revision_count += 1
    _add_revision(post, editor, comment.strip())
    if editor.id != post.author_id:
        audit.record(editor, "post.edit", "post", post.id, revision=post.revision_count)
    db.session.commit()
    return post


def delete_post(actor: User, post: Post) -> None:
    """Soft delete: the row and its revisions stay; an answer keeps counting nowhere."""
    require(actor, "post.delete", post)
    post.deleted_at = utcnow()
    if post.kind == PostKind.ANSWER:
        question = db.session.get(Post, post.question_id)
        if question.accepted_answer_id == post.id:
            _set_accepted(question, None)
        question.refresh_answer_stats()
    if actor.id != post.author_id:
        audit.record(actor, "post.delete", "post", post.id)
    db.session.commit()


def _adjust_reputation(post: Post, delta: int) -> None:
    """Credit the post's author. Anonymous posts earn nothing: a visible reputation change right
    after a vote on an anonymous post would tell anyone watching who wrote it."""
    if delta and not post.anonymous:
        db.session.execute(
            User.__table__.update().where(User.id == post.author_id).values(reputation=User.reputation + delta)
        )


def vote(voter: User, post: Post, value: int) -> int:
    """Cast, switch or undo (same value again) a vote; returns the voter's vote now (1, -1 or 0)."""
    if post.kind == PostKind.COMMENT:
        raise DomainError("Comments can't be voted on.")
    require(voter, "post.vote", post)
    if value not in (1, -1):
        raise DomainError("A vote is up or down.")
    existing = db.session.scalar(select(Vote).where(Vote.post_id == post.id, Vote.user_id == voter.id))
    old = existing.value if existing else 0
    new = 0 if old == value else value
    if existing and new == 0:
        db.session.delete(existing)
    elif existing:
        existing.value = new
    else:
        db.session.add(Vote(post_id=post.id, user_id=voter.id, value=new))
    post.score += new - old
    delta = VOTE_REPUTATION.get((post.kind, new), 0) - VOTE_REPUTATION.get((post.kind, old), 0)
    _adjust_reputation(post, delta)
    db.session.commit()
    return new


def _set_accepted(question: Post, answer: Post | None) -> None:
    if question.accepted_answer_id is not None:
        previous = db.session.get(Post, question.accepted_answer_id)
        if previous.author_id != question.author_id:
            _adjust_reputation(previous, -ACCEPT_REPUTATION)
    question.accepted_answer_id = answer.id if answer else None
    if answer is not None and answer.author_id != question.author_id:
        _adjust_reputation(answer, ACCEPT_REPUTATION)


def accept_answer(actor: User, answer: Post) -> bool:
    """Accept an answer, or un-accept it if it already is; returns whether it is accepted now."""
    if answer.kind != PostKind.ANSWER or not answer.is_public:
        raise DomainError("Only a published answer can be accepted.")
    question = db.session.get(Post, answer.question_id)
    require(actor, "answer.accept", question)
    accepted = question.accepted_answer_id != answer.id
    _set_accepted(question, answer if accepted else None)
    db.session.commit()
    return accepted
