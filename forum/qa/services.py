"""Actions on questions, answers, comments and votes. Each checks permissions and commits once."""

import re
import unicodedata

from sqlalchemy import or_, select

from forum import audit, content, safety
from forum.admin.queries import effective_ruleset
from forum.admin.services import count_hits
from forum.auth.models import User
from forum.community import services as community
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation import services as moderation
from forum.moderation.models import ReasonKind, ReviewItem
from forum.permissions import require
from forum.practitioners import services as practitioners
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


def _screen(post: Post, editor: User) -> None:
    """Scan the saved text, keep the verdict with the post, count the hits per rule, and route it.

    Routing may hold the post and opens or joins its review item. A moderator's own edit is
    scanned but not routed: the reviewer is already looking at it.
    """
    ruleset = effective_ruleset()
    verdict = safety.scan(post.scan_text, ruleset)
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


def _clean_note(note: str | None) -> str | None:
    """A content note as stored: trimmed, None when empty."""
    return (note or "").strip() or None


def _no_practice_links(author_id: int, body: str) -> None:
    """Answers and comments can't advertise the author's own practice (see practitioners.own_site_problem)."""
    problem = practitioners.own_site_problem(author_id, body)
    if problem:
        raise DomainError(problem)


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


def ask_question(
    author: User,
    title: str,
    body: str,
    tags: str,
    anonymous: bool = False,
    content_note: str = "",
    noindex: bool = False,
    practitioner_requested: bool = False,
) -> Post:
    """Ask; with `practitioner_requested`, practitioners whose specialties match the tags are told once
    the question is public (here, or when a moderator approves it)."""
    require(author, "question.ask")
    title = title.strip()
    tag_names = parse_tags(tags)
    post = _new_post(
        author,
        PostKind.QUESTION,
        body,
        title=title,
        anonymous=anonymous,
        tags=_tags_for(tag_names),
        content_note=_clean_note(content_note),
        noindex=noindex,
        practitioner_requested=practitioner_requested,
    )
    db.session.flush()
    _add_revision(post, author)
    community.after_ask(post)
    if practitioner_requested and post.is_public:
        practitioners.notify_matching(post)
    db.session.commit()
    return post


def post_answer(author: User, question: Post, body: str, anonymous: bool = False, content_note: str = "") -> Post:
    require(author, "answer.post", question)
    _no_practice_links(author.id, body)
    answer = _new_post(
        author,
        PostKind.ANSWER,
        body,
        question_id=question.id,
        parent_id=question.id,
        anonymous=anonymous,
        content_note=_clean_note(content_note),
    )
    db.session.flush()
    _add_revision(answer, author)
    if answer.is_public:
        question.last_activity_at = answer.created_at
    question.refresh_answer_stats()
    community.after_answer(answer)
    db.session.commit()
    return answer


def post_comment(author: User, parent: Post, body: str) -> Post:
    """Comment under a question or answer. In a thread where the commenter posted anonymously (the question
    or the post replied to), the comment is anonymous too, so a reply can't give the author away."""
    require(author, "comment.post", parent)
    if parent.kind == PostKind.COMMENT:
        raise DomainError("Comments go under a question or an answer.")
    _no_practice_links(author.id, body)
    question = parent if parent.is_question else db.session.get(Post, parent.question_id)
    anonymous = any(p.anonymous and p.author_id == author.id for p in (parent, question))
    comment = _new_post(
        author, PostKind.COMMENT, body, question_id=parent.thread_id, parent_id=parent.id, anonymous=anonymous
    )
    db.session.flush()
    _add_revision(comment, author)
    question.last_activity_at = comment.created_at
    community.after_comment(comment)
    db.session.commit()
    return comment


def note_locked(post: Post) -> bool:
    """Whether a moderator set the post's content note (approve-with-note, or an edit of someone else's
    post): its author may then not change or remove it. One query."""
    if not post.content_note:
        return False
    by_review = select(ReviewItem.id).where(
        ReviewItem.target_type == "post", ReviewItem.target_id == post.id, ReviewItem.decision == "approve_with_note"
    )
    by_edit = select(audit.AuditEntry.id).where(
        audit.AuditEntry.target_type == "post",
        audit.AuditEntry.target_id == post.id,
        audit.AuditEntry.action == "post.content_note",
    )
    return bool(db.session.scalar(select(or_(by_review.exists(), by_edit.exists()))))


def edit_post(
    editor: User,
    post: Post,
    body: str,
    title: str | None = None,
    tags: str | None = None,
    comment: str = "",
    content_note: str | None = None,
    noindex: bool | None = None,
) -> Post:
    """Save a new revision; the post shows the latest text and every earlier one stays viewable.

    `content_note` and `noindex` are left as they are when None. A change to them alone is saved
    without a new revision (the text is unchanged, so there is nothing new to scan or keep).
    """
    require(editor, "post.edit", post)
    changed = body != post.body_md
    if changed and not post.is_question:
        _no_practice_links(post.author_id, body)
    if post.is_question:
        title = (title or "").strip()
        tag_names = parse_tags(tags or "")
        changed = changed or title != post.title or sorted(tag_names) != sorted(t.name for t in post.tags)
        post.title = title
        post.tags = _tags_for(tag_names)
    settings_changed = False
    if content_note is not None and _clean_note(content_note) != post.content_note:
        if editor.id == post.author_id and not editor.is_staff and note_locked(post):
            raise DomainError("A moderator added this content note; only a moderator can change it.")
        post.content_note = _clean_note(content_note)
        settings_changed = True
        if editor.id != post.author_id:
            audit.record(editor, "post.content_note", "post", post.id, note=post.content_note or "")
    if noindex is not None and post.is_question and noindex != post.noindex:
        post.noindex = noindex
        settings_changed = True
    if not changed and settings_changed:
        db.session.commit()
        return post
    if not changed:
        raise DomainError("Nothing changed: edit the text before saving.")
    post.body_md = body
    post.body_html = content.render(body)
    post.edited_at = utcnow()
    post.revision_count += 1
    _add_revision(post, editor, comment.strip())
    if editor.id != post.author_id:
        audit.record(editor, "post.edit", "post", post.id, revision=post.revision_count)
    community.after_edit(post, editor)
    db.session.commit()
    return post


def soft_delete(post: Post) -> None:
    """Mark a post deleted: the row and its revisions stay; an answer keeps counting nowhere.

    No permission check and no commit: delete_post and account removal (forum.privacy) call it.
    """
    post.deleted_at = utcnow()
    if post.kind == PostKind.ANSWER:
        question = db.session.get(Post, post.question_id)
        if question.accepted_answer_id == post.id:
            _set_accepted(question, None)
        question.refresh_answer_stats()


def delete_post(actor: User, post: Post) -> None:
    """Soft delete: the row and its revisions stay; an answer keeps counting nowhere."""
    require(actor, "post.delete", post)
    soft_delete(post)
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
    community.after_accept(actor, answer, question, accepted)
    db.session.commit()
    return accepted
