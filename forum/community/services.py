"""Follow and bookmark actions, and the notices Q&A activity sends (answers, comments, accepts, @mentions).

The `after_*` hooks are called by forum.qa.services (and by moderation on approval) inside their
transaction; they never commit. Two rules hold for every notice:

- a post that is not public (held, rejected, deleted, or in a hidden thread) tells nobody anything;
  its notices go out when a moderator approves it (`after_approve`), once;
- a notice about an anonymous post never names its author ("Anonymous member ..."), and nobody is
  ever notified of their own post.
"""

import re

from flask import current_app, has_request_context, url_for
from sqlalchemy import delete, select

from forum.auth.models import INACTIVE_STATUSES, AccountStatus, User
from forum.community.models import Announcement, Bookmark, Follow, Mention
from forum.extensions import db
from forum.notifications.models import Notification
from forum.notifications.services import notify
from forum.permissions import require
from forum.qa.models import Post, PostKind

MAX_MENTIONS = 10  # people told per post, however many names it holds
MAX_MENTION_CANDIDATES = 50  # distinct @names looked up per save
# @username as written in a post: not part of an e-mail address or a longer word.
MENTION_PATTERN = re.compile(r"(?<![\w@/])@([a-z0-9_]{3,32})(?![\w@])", re.IGNORECASE)

NEW_ANSWER = "new_answer"
FOLLOWED_ANSWER = "followed_answer"
NEW_COMMENT = "new_comment"
MENTION = "mention"
ANSWER_ACCEPTED = "answer_accepted"
# The kinds this module sends. Their messages name at most a person (or "Anonymous member") and the
# kind of post, never its text, so the daily digest may quote them.
KINDS = (NEW_ANSWER, FOLLOWED_ANSWER, NEW_COMMENT, MENTION, ANSWER_ACCEPTED)


# --- follows and bookmarks ---------------------------------------------------------------------------


def is_following(user: User, question: Post) -> bool:
    return db.session.get(Follow, (question.id, user.id)) is not None


def follow(user: User, question: Post) -> None:
    """Follow a visible question: its new answers become notifications. Following twice is a no-op."""
    require(user, "question.follow", question)
    if not is_following(user, question):
        db.session.add(Follow(question_id=question.id, user_id=user.id))
    db.session.commit()


def unfollow(user: User, question: Post) -> None:
    """Stop notices about a question's new answers; for the asker too (it mutes their own question)."""
    require(user, "account.settings")
    db.session.execute(delete(Follow).where(Follow.question_id == question.id, Follow.user_id == user.id))
    db.session.commit()


def toggle_bookmark(user: User, post: Post) -> bool:
    """Bookmark a visible question or answer, or remove the bookmark; returns whether it is bookmarked now.

    Removing needs no more than being signed in, so a bookmark of a post that was since hidden can go too.
    """
    existing = db.session.get(Bookmark, (user.id, post.id))
    if existing is not None:
        require(user, "account.settings")
        db.session.delete(existing)
    else:
        require(user, "post.bookmark", post)
        db.session.add(Bookmark(user_id=user.id, post_id=post.id))
    db.session.commit()
    return existing is None


def set_digest(user: User, enabled: bool) -> None:
    """Turn the daily e-mail digest of unread notifications on or off."""
    require(user, "account.settings")
    user.digest_opt_in = enabled
    db.session.commit()


# --- hooks called by Q&A and moderation (no commit) ----------------------------------------------------


def after_ask(question: Post) -> None:
    """The asker follows their own question (held or not); its @mentions go out once it is public."""
    db.session.add(Follow(question_id=question.id, user_id=question.author_id))
    _announce(question)


def after_answer(answer: Post) -> None:
    """Tell the asker and the question's followers about a new public answer, and whoever it @mentions."""
    _announce(answer)


def after_comment(comment: Post) -> None:
    """Tell the author of the post commented on, and whoever the comment @mentions."""
    _announce(comment)


def after_edit(post: Post, editor: User) -> None:
    """An author's edit may @mention someone new: tell only them. Someone else's edit (a moderator's)
    is not the author's voice, so it mentions nobody on their behalf."""
    if editor.id == post.author_id:
        _announce(post)


def after_approve(post: Post) -> None:
    """A moderator published a held post: send the notices it was holding back (once)."""
    _announce(post)


def after_accept(actor: User, answer: Post, question: Post, accepted: bool) -> None:
    """Tell an answer's author the asker accepted it: once per answer, however often it is toggled."""
    recipient = answer.author_id
    if not accepted or recipient == actor.id or not (answer.is_public and question.is_public):
        return
    told = select(Notification.id).where(
        Notification.user_id == recipient, Notification.kind == ANSWER_ACCEPTED, Notification.post_id == answer.id
    )
    if db.session.scalar(select(told.exists())) or not _reachable({recipient}):
        return
    notify(recipient, ANSWER_ACCEPTED, "The asker accepted your answer.", _post_path(answer.id), post_id=answer.id)


# --- how a post's notices are worked out ---------------------------------------------------------------


def _announce(post: Post) -> None:
    """Send a public post's notices: the first time, to the people its kind concerns; every time, to
    people it @mentions who were not told yet. Each person gets one notice per post, the most specific."""
    question = post if post.is_question else db.session.get(Post, post.question_id)
    parent = question if post.parent_id in (None, question.id) else db.session.get(Post, post.parent_id)
    if not (post.is_public and question.is_public and parent.is_public):
        return
    actor = _actor(post)
    notices: dict[int, tuple[str, str]] = {}
    if db.session.get(Announcement, post.id) is None:
        db.session.add(Announcement(post_id=post.id))
        if post.kind == PostKind.ANSWER:
            for user_id in db.session.scalars(select(Follow.user_id).where(Follow.question_id == question.id)):
                if user_id == question.author_id:
                    notices[user_id] = (NEW_ANSWER, f"{actor} answered your question.")
                else:
                    notices[user_id] = (FOLLOWED_ANSWER, f"{actor} answered a question you follow.")
        elif post.kind == PostKind.COMMENT:
            notices[parent.author_id] = (NEW_COMMENT, f"{actor} commented on your {parent.kind.value}.")
    for user_id in _new_mentions(post):
        notices.setdefault(user_id, (MENTION, f"{actor} mentioned you in {_a(post.kind)}."))
    notices.pop(post.author_id, None)
    if not notices:
        return
    link = _post_path(post.id)
    for user_id in sorted(_reachable(set(notices))):
        kind, message = notices[user_id]
        notify(user_id, kind, message, link, post_id=post.id)


def mentioned_names(text: str) -> list[str]:
    """Distinct @usernames in a text, lower-case, in the order they first appear (at most 50)."""
    names: list[str] = []
    for match in MENTION_PATTERN.finditer(text):
        name = match.group(1).lower()
        if name not in names:
            names.append(name)
            if len(names) == MAX_MENTION_CANDIDATES:
                break
    return names


def _new_mentions(post: Post) -> list[int]:
    """Active members the post @mentions and who were not told before; recorded so no edit tells them twice.

    At most MAX_MENTIONS people per post, the first named first; the author mentioning themselves counts
    for nothing.
    """
    names = mentioned_names(post.body_md)
    if not names:
        return []
    told = set(db.session.scalars(select(Mention.user_id).where(Mention.post_id == post.id)))
    room = MAX_MENTIONS - len(told)
    if room <= 0:
        return []
    ids = dict(
        db.session.execute(
            select(User.username, User.id).where(User.username.in_(names), User.status == AccountStatus.ACTIVE)
        ).all()
    )
    new = [ids[n] for n in names if n in ids and ids[n] not in told and ids[n] != post.author_id][:room]
    db.session.add_all(Mention(post_id=post.id, user_id=user_id) for user_id in new)
    return new


def _reachable(user_ids: set[int]) -> set[int]:
    """Of these accounts, the ones that still exist (a deleted account is told nothing)."""
    return set(
        db.session.scalars(select(User.id).where(User.id.in_(user_ids), User.status.not_in(INACTIVE_STATUSES)))
    )


def _actor(post: Post) -> str:
    """Who to name as the post's author in a notice: never the person behind an anonymous post."""
    if post.anonymous:
        return "Anonymous member"
    return db.session.get(User, post.author_id).display_name


def _a(kind: PostKind) -> str:
    return {PostKind.QUESTION: "a question", PostKind.ANSWER: "an answer", PostKind.COMMENT: "a comment"}[kind]


def _post_path(post_id: int) -> str:
    """The post's site-relative link, in a request or not (seeding and the CLI run outside one)."""
    if has_request_context():
        return url_for("qa.post_link", post_id=post_id)
    adapter = current_app.url_map.bind("localhost", script_name=current_app.config["APPLICATION_ROOT"])
    return adapter.build("qa.post_link", {"post_id": post_id})
