"""Who may do what: one table of rules, used by services, views and templates (as `can`).

Each rule takes the acting user (an anonymous Flask-Login user for guests) and an optional
object, and answers True or False. Services call `require`, which raises PermissionDenied.
"""

from collections.abc import Callable

from forum.auth.models import AccountStatus, Role


class PermissionDenied(Exception):
    """The acting user may not do this; views turn it into a 403 page."""


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not user.is_deleted


def _can_write(user) -> bool:
    """Active and silenced members post (a silenced member's posts wait for review); suspended don't."""
    return _signed_in(user) and user.status in (AccountStatus.ACTIVE, AccountStatus.SILENCED)


def _staff(user) -> bool:
    return _signed_in(user) and user.role in (Role.MODERATOR, Role.ADMIN)


def _queue_reviewer(user, queue) -> bool:
    """The crisis queue is for crisis reviewers and admins; the general queue for all moderators."""
    if _admin(user):
        return True
    return _staff(user) and (str(queue) != "crisis" or user.crisis_reviewer)


def _admin(user) -> bool:
    return _signed_in(user) and user.role == Role.ADMIN


def _author(user, post) -> bool:
    return _signed_in(user) and post is not None and post.author_id == user.id


def _post_visible(user, post) -> bool:
    from forum.qa.models import PostStatus

    return post.status == PostStatus.PUBLISHED or _author(user, post) or _staff(user)


RULES: dict[str, Callable[..., bool]] = {
    "question.ask": lambda u, o=None: _can_write(u),
    "answer.post": lambda u, q=None: _can_write(u) and (q is None or not q.is_deleted),
    "comment.post": lambda u, p=None: _can_write(u) and (p is None or not p.is_deleted),
    "post.view": lambda u, p: _post_visible(u, p),
    "post.edit": lambda u, p: not p.is_deleted and ((_can_write(u) and _author(u, p)) or _staff(u)),
    "post.delete": lambda u, p: not p.is_deleted and (_author(u, p) or _staff(u)),
    "post.vote": lambda u, p=None: _can_write(u) and (p is None or (not _author(u, p) and p.is_public)),
    "answer.accept": lambda u, q: _can_write(u) and _author(u, q) and not q.is_deleted,
    "post.see_anonymous_author": lambda u, p=None: _staff(u),
    "account.settings": lambda u, o=None: _signed_in(u),
    "post.flag": lambda u, p: _can_write(u) and not _author(u, p) and p.is_public,
    "moderation.view": lambda u, o=None: _staff(u),
    "moderation.queue": lambda u, q: _queue_reviewer(u, q),
    "moderation.contact": lambda u, o=None: _signed_in(u),
    # Following and bookmarking are reading, so a silenced or suspended member may do them too.
    "question.follow": lambda u, q: _signed_in(u) and q.is_question and not q.is_deleted and _post_visible(u, q),
    "post.bookmark": lambda u, p: _signed_in(u) and p.kind != "comment" and not p.is_deleted and _post_visible(u, p),
    "admin.access": lambda u, o=None: _admin(u),
    # Members apply and practitioners renew; staff don't (approval would replace their role).
    "practitioner.apply": lambda u, o=None: _can_write(u) and u.role in (Role.MEMBER, Role.PRACTITIONER),
    "practitioner.revoke": lambda u, o=None: _admin(u),
}


def can(user, action: str, obj=None) -> bool:
    rule = RULES[action]
    return rule(user, obj) if obj is not None else rule(user)


def require(user, action: str, obj=None) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(action)
