"""Account actions: registration, sign-in checks, password and e-mail changes, resets and deletion."""

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from forum import audit
from forum.auth.models import AccountStatus, Role, User
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.notifications.services import queue_email
from forum.privacy import topics as topics_module
from forum.privacy.services import remove_posts

USERNAME_PATTERN = re.compile(r"^[a-z0-9_]{3,32}$")
RESET_MAX_AGE = 60 * 60
CONFIRM_MAX_AGE = 2 * 24 * 60 * 60  # seconds a sign-up's confirmation link works; then the pending account goes
COMMON_PASSWORDS = frozenset(
    [
        "password",
        "password1",
        "password123",
        "1234567890",
        "12345678910",
        "qwertyuiop",
        "qwerty1234",
        "iloveyou123",
        "letmein123",
        "welcome123",
        "abc1234567",
        "passw0rd123",
        "1q2w3e4r5t",
        "0987654321",
        "football123",
        "monkey12345",
        "sunshine123",
        "princess123",
        "dragon12345",
        "trustno1234",
        "changeme123",
        "administrator",
    ]
)


class AccountError(ValueError):
    """A request about an account that can't be carried out; the message is safe to show."""


def _hash(password: str) -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def password_problem(password: str, username: str = "") -> str | None:
    """Why a password is too weak, or None. Length matters most, so that is the main rule."""
    minimum = current_app.config["MIN_PASSWORD_LENGTH"]
    if len(password) < minimum:
        return f"Use at least {minimum} characters; a few words strung together work well."
    if len(password) > 256:
        return "Use at most 256 characters."
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 5:
        return "That password is too easy to guess; try a few unrelated words."
    if username and username.lower() in password.lower():
        return "Your password shouldn't contain your username."
    return None


def normalise_username(username: str) -> str:
    return username.strip().lower()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _email_taken(email: str) -> bool:
    """Whether an opened account has the address (an unconfirmed sign-up does not hold it)."""
    return db.session.scalar(
        select(func.count()).where(User.email == email, User.status != AccountStatus.PENDING)
    ) > 0


def _release_pending(email: str) -> None:
    """Drop an unconfirmed sign-up holding an address that someone has just proved or vouched is theirs."""
    db.session.execute(delete(User).where(User.email == email, User.status == AccountStatus.PENDING))


def _check_username(username: str, email: str = "") -> None:
    """Refuse a malformed or taken username. Usernames are public, so saying one is taken gives nothing
    away; an unconfirmed sign-up from `email` does not hold its name against a new sign-up from it."""
    if not USERNAME_PATTERN.match(username):
        raise AccountError("Usernames are 3–32 characters: letters, digits and underscores.")
    holder = select(func.count()).where(User.username == username)
    if email:
        holder = holder.where(~((User.status == AccountStatus.PENDING) & (User.email == email)))
    if username.startswith("deleted-") or db.session.scalar(holder):
        raise AccountError("That username is taken; please choose another.")


def create_user(
    username: str,
    email: str,
    password: str,
    role: Role = Role.MEMBER,
    crisis_reviewer: bool = False,
    about: str = "",
    on_call: bool = False,
) -> User:
    """Make an account at once (the CLI, an admin, demo content) after checking the name, address and
    password; commits. People joining through the site use register()."""
    username, email = normalise_username(username), normalise_email(email)
    _check_username(username)
    if _email_taken(email):
        raise AccountError("That e-mail address can't be used here. If it is yours, reset your password.")
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem)
    _release_pending(email)
    user = User(
        username=username,
        email=email,
        password_hash=_hash(password),
        role=role,
        crisis_reviewer=crisis_reviewer,
        about=about,
        on_call=on_call,
    )
    if role == Role.PRACTITIONER:
        # Whoever creates a practitioner account directly (the CLI, an admin) vouches for it: 12 months.
        user.mark_verified(utcnow())
    db.session.add(user)
    db.session.commit()
    return user


def register(username: str, email: str, next_path: str = "/") -> str:
    """Start joining: check the username, then write to the address. A new address gets a link where its
    reader chooses the password and opens the account (confirm_registration), so only whoever reads the
    inbox can ever sign in to it; an address that already has an account gets a note saying so instead.
    The page, and the work done, are the same either way, so nobody learns from signing up whether an
    address (a partner's, say) is registered. Signing up again from a pending address renames the sign-up
    and sends its link again. The link returns to `next_path` (a path on this site). Commits; returns the
    address as stored."""
    username, email = normalise_username(username), normalise_email(email)
    # Unconfirmed sign-ups expire, so a name taken with an address nobody reads comes free again.
    cutoff = utcnow() - timedelta(seconds=CONFIRM_MAX_AGE)
    db.session.execute(delete(User).where(User.status == AccountStatus.PENDING, User.created_at < cutoff))
    _check_username(username, email)
    holder = db.session.scalar(select(User).where(User.email == email))
    try:
        if holder is not None and not holder.is_pending:
            queue_email(
                email,
                "Someone tried to join Hearth with your address",
                f"Someone tried to make a new Hearth account with this e-mail address, which already belongs to "
                f"the account {holder.username}.\n\nIf it was you, sign in instead, or reset your password: "
                f"{_site_link('auth.reset_request')}\n\nIf it wasn't you, ignore this message; nothing changes.",
            )
        else:
            user = holder or User(email=email, status=AccountStatus.PENDING)
            user.username = username
            # Not a password hash, so nothing signs in to it; unique, so its link opens this sign-up only.
            user.password_hash = user.password_hash or f"!pending-{secrets.token_hex(16)}"
            user.created_at = utcnow()
            db.session.add(user)
            db.session.flush()  # for the id the link names
            _send_confirmation(user, next_path)
        db.session.commit()
    except IntegrityError:  # the same username or address signed up at the same moment
        db.session.rollback()
        _check_username(username, email)
        # Otherwise the address was signed up at that moment, and its reader has that sign-up's link.
    return email


def _send_confirmation(user: User, next_path: str = "/") -> None:
    """Queue the link that opens a pending account (no commit)."""
    token = _confirm_serializer().dumps({"id": user.id, "h": _password_fingerprint(user)})
    link = _site_link("auth.confirm", token=token, **({"next": next_path} if next_path != "/" else {}))
    queue_email(
        user.email,
        "Confirm your Hearth account",
        f"Welcome to Hearth, {user.username}.\n\nTo choose your password and open your account, follow this "
        f"link within two days:\n{link}\n\nIf you didn't sign up, ignore this message; the account is never "
        "opened.",
    )


def _signed_link(serializer: URLSafeTimedSerializer, token: str, max_age: int) -> tuple[User, dict] | None:
    """The account a signed link names, with the link's data, while the account's password (or sign-up)
    is the one the link was made for; None when the link is bad, expired or used."""
    try:
        data = serializer.loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("id"))
    if user is None or _password_fingerprint(user) != data.get("h"):
        return None
    return user, data


def pending_for_token(token: str) -> User | None:
    """The unconfirmed sign-up a confirmation link names, or None when the link is bad, expired or used."""
    found = _signed_link(_confirm_serializer(), token, CONFIRM_MAX_AGE)
    return found[0] if found and found[0].is_pending else None


def confirm_registration(token: str, password: str) -> User:
    """Set the password a confirmation link's reader chose and open the account; commits."""
    user = pending_for_token(token)
    if user is None:
        raise AccountError("This link has expired or was already used. Join again to get a new one.")
    problem = password_problem(password, user.username)
    if problem:
        raise AccountError(problem)
    user.password_hash = _hash(password)
    user.status = AccountStatus.ACTIVE
    user.created_at = utcnow()  # a member from the day the account opened
    db.session.commit()
    return user


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="confirm-email")


def _site_link(endpoint: str, **values: str) -> str:
    return current_app.config["SITE_URL"].rstrip("/") + url_for(endpoint, **values)


_DUMMY_HASH: dict[str, str] = {}


def authenticate(login: str, password: str) -> User | None:
    """The account for these credentials, or None; a missing, deleted or unconfirmed account costs the same
    hashing time."""
    login = login.strip().lower()
    column = User.email if "@" in login else User.username
    user = db.session.scalar(select(User).where(column == login))
    if user is None or not user.is_active:  # deleted, or a sign-up not yet confirmed
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        dummy = _DUMMY_HASH.setdefault(method, _hash(secrets.token_hex(8)))
        check_password_hash(dummy, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password and end every other session (the session token rotates)."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("Your current password is not right.")
    _set_password(user, new)


def _set_password(user: User, new: str) -> None:
    """Check and store a new password, and end every other session (the session token rotates); commits."""
    problem = password_problem(new, user.username)
    if problem:
        raise AccountError(problem)
    user.password_hash = _hash(new)
    user.rotate_session_token()
    db.session.commit()


EMAIL_CHANGE_MAX_AGE = 24 * 60 * 60


def request_email_change(user: User, password: str, new_email: str) -> str:
    """Mail the new address a link that moves the account to it (confirm_email_change). An address that
    belongs to another account gets a note instead, and the member is told the same either way, so this
    form cannot be used to find out whose address is registered. Commits; returns the address as stored."""
    if not check_password_hash(user.password_hash, password):
        raise AccountError("Your current password is not right.")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise AccountError("That is already your address.")
    if _email_taken(new_email):
        queue_email(
            new_email,
            "Someone tried to move a Hearth account to your address",
            "Someone asked to move another Hearth account to this e-mail address, which already has an "
            "account of its own. Nothing changed, and nothing will.",
        )
    else:
        # The token names the password's fingerprint: a password reset (say, after a stolen password was
        # used to ask for this) makes it worthless.
        token = _email_serializer().dumps(
            {"id": user.id, "h": _password_fingerprint(user), "from": user.email, "to": new_email}
        )
        queue_email(
            new_email,
            "Confirm your new Hearth e-mail address",
            f"To make this the e-mail address of your Hearth account {user.username}, follow this link within "
            f"a day:\n{_site_link('auth.confirm_email', token=token)}\n\n"
            "If you didn't ask for this, ignore this message; nothing changes.",
        )
    queue_email(
        user.email,
        "A change of your Hearth e-mail address was asked for",
        f"Someone signed in to your Hearth account {user.username} and asked to move it to {new_email}. It "
        "moves only when the link sent there is followed.\n\nIf it wasn't you, reset your password now: "
        f"that cancels the move. {_site_link('auth.reset_request')}",
    )
    db.session.commit()
    return new_email


def email_change_for_token(token: str) -> tuple[User, str]:
    """The account an e-mail-change link names and the address it moves to; AccountError when the link is
    bad, expired or used."""
    found = _signed_link(_email_serializer(), token, EMAIL_CHANGE_MAX_AGE)
    if found is None or not found[0].is_active or found[0].email != found[1].get("from"):
        raise AccountError("This link has expired or was already used. Ask for a new one in your settings.")
    return found[0], found[1]["to"]


def confirm_email_change(token: str) -> User:
    """Move the account a link names to its new address and tell the old one; commits."""
    user, address = email_change_for_token(token)
    taken = "That e-mail address now belongs to another account, so it can't be used here."
    if _email_taken(address):  # taken since the link was sent; its reader owns the address, so may know
        raise AccountError(taken)
    _release_pending(address)  # following the link proved the address is this member's
    old, user.email = user.email, address
    queue_email(
        old,
        "Your Hearth e-mail address was changed",
        f"The e-mail address of your Hearth account {user.username} is now {address}.\n"
        "If you did not do this, reset your password at once.",
    )
    try:
        db.session.commit()
    except IntegrityError:  # another account moved to the address at the same moment
        db.session.rollback()
        raise AccountError(taken) from None
    return user


def _email_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="change-email")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does, so a used reset link stops working; reveals nothing of the hash."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def request_password_reset(email: str) -> None:
    """Mail a one-hour reset link if the address has an account (an unconfirmed sign-up gets its link
    again); the caller says the same either way."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or user.is_deleted:
        return
    if user.is_pending:  # no password yet: the sign-up link, fresh for two more days, is where to choose one
        user.created_at = utcnow()
        _send_confirmation(user)
        db.session.commit()
        return
    # The token names the current hash, so it stops working once the password changes.
    token = _serializer().dumps({"id": user.id, "h": _password_fingerprint(user)})
    link = _site_link("auth.reset_password", token=token)
    queue_email(
        user.email,
        "Reset your Hearth password",
        f"Someone asked to reset the password of {user.username} on Hearth.\n\n"
        f"To choose a new password, open this link within an hour:\n{link}\n\n"
        "If it wasn't you, ignore this message; nothing changes.",
    )
    db.session.commit()


def user_for_reset_token(token: str) -> User | None:
    found = _signed_link(_serializer(), token, RESET_MAX_AGE)
    return found[0] if found and found[0].is_active else None


def reset_password(token: str, new: str) -> User:
    user = user_for_reset_token(token)
    if user is None:
        raise AccountError("This reset link has expired or was already used. Ask for a new one.")
    _set_password(user, new)
    return user


DELETE_MODES = ("anonymise", "remove")


def set_collapsed_topics(user: User, topics: list[str]) -> None:
    """Keep these content-note topics collapsed for the member (unknown keys are dropped); commits."""
    user.collapsed_topics = topics_module.clean_choice(topics)
    db.session.commit()


def delete_account(user: User, password: str, mode: str = "anonymise") -> None:
    """Anonymise the account: its posts stay and show as from a deleted member; with mode "remove"
    every post of theirs is soft-deleted as well. Audited as "account.delete" with the mode only."""
    if not check_password_hash(user.password_hash, password):
        raise AccountError("Your password is not right.")
    if mode not in DELETE_MODES:
        raise AccountError("Choose what happens to your posts.")
    removed = remove_posts(user) if mode == "remove" else 0
    audit.record(user, "account.delete", "user", user.id, mode=mode, posts_removed=removed)
    user.status = AccountStatus.DELETED
    user.username = f"deleted-{user.id}"
    user.email = None
    user.about = ""
    user.collapsed_topics = []
    user.password_hash = _hash(secrets.token_urlsafe(32))
    user.rotate_session_token()
    user.deleted_at = utcnow()
    db.session.commit()
