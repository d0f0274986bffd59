"""Practitioner actions: apply (or renew), the reviewer's decision, revocation, the lapse sweep,
notifying practitioners about questions that ask for them, and the no-solicitation check.

Badge data is written to the users row (label, verified_at, verified_until) so bylines need no join;
the full profile goes to practitioner_profiles. Every step writes the audit log.
"""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select, union
from sqlalchemy.exc import IntegrityError

from forum import audit
from forum.auth.models import AccountStatus, Role, User
from forum.dbtypes import utcnow
from forum.extensions import db
from forum.moderation import services as moderation
from forum.moderation.models import Queue, ReasonKind, ReviewItem
from forum.notifications.models import Notification
from forum.notifications.services import notify
from forum.permissions import require
from forum.practitioners.models import (
    ApplicationStatus,
    PractitionerApplication,
    PractitionerProfile,
    PractitionerSpecialty,
    Profession,
)
from forum.qa.models import Post, PostKind, Tag, post_tags

MAX_SPECIALTIES = 8
SPECIALTY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,28}[a-z0-9]$")
APPLICATION_PRIORITY = 10
APPLICATION_DEADLINE = timedelta(days=3)
RENEWAL_NOTICE = timedelta(days=30)
LAPSED_KIND = "practitioner_lapsed"
REMINDER_KIND = "practitioner_renew_soon"


class PractitionerError(ValueError):
    """The request can't be carried out; the message is safe to show next to the form field it names."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- shapes with meaning -----------------------------------------------------------------------------


def parse_specialties(raw: str) -> list[str]:
    """Split "Grief, couples therapy; anxiety" into ["grief", "couples-therapy", "anxiety"]: named like
    tags, so a question's tags can be matched to them."""
    names = []
    for part in re.split(r"[,;\n]+", raw.strip().lower()):
        name = re.sub(r"\s+", "-", part.strip())
        if name and name not in names:
            names.append(name)
    if not names:
        raise PractitionerError("Name at least one specialty, such as depression or grief.", "specialties")
    if len(names) > MAX_SPECIALTIES:
        raise PractitionerError(f"Name at most {MAX_SPECIALTIES} specialties.", "specialties")
    for name in names:
        if not SPECIALTY_PATTERN.match(name):
            raise PractitionerError(
                f"“{name}” can't be a specialty: use 2–30 letters, digits or hyphens.", "specialties"
            )
    return names


def normalise_website(raw: str) -> str:
    """An http(s) address with a real host name, or "" when none was given."""
    raw = raw.strip()
    if not raw:
        return ""
    if "://" not in raw:
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
        host = parts.hostname or ""
    except ValueError:
        host, parts = "", None
    if parts is None or parts.scheme not in ("http", "https") or "." not in host or parts.username or " " in raw:
        raise PractitionerError("Give the website as an address like https://example.com.", "website")
    return raw


def site_domain(url: str) -> str:
    """The host name a website lives on, without "www." ("https://www.Calm.org/x" -> "calm.org")."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def own_site_problem(author_id: int, body: str) -> str | None:
    """Why an answer or comment can't be posted as written: it links to, or names, the author's own practice
    website (from their profile or any application). None when it is fine. One query.

    The rule follows the person, not the badge: it holds while an application waits and after a lapse.
    Matching is by host name, so any page of the practice's site counts.
    """
    sites = db.session.scalars(
        union(
            select(PractitionerProfile.website).where(
                PractitionerProfile.user_id == author_id, PractitionerProfile.website != ""
            ),
            select(PractitionerApplication.website).where(
                PractitionerApplication.user_id == author_id, PractitionerApplication.website != ""
            ),
        )
    ).all()
    for domain in sorted({site_domain(site) for site in sites} - {""}):
        if re.search(rf"(?<![a-z0-9-]){re.escape(domain)}(?![a-z0-9-])", body, re.IGNORECASE):
            return (
                f"Please remove the link to your practice’s website ({domain}). Answers here can’t point to "
                "your own practice or carry contact details; your practitioner profile already shows your website."
            )
    return None


# --- applying ----------------------------------------------------------------------------------------


def apply(
    user: User,
    *,
    profession: str,
    licence_number: str,
    jurisdiction: str,
    specialties: str,
    region: str,
    statement: str,
    website: str = "",
    profession_other: str = "",
    now: datetime | None = None,
) -> PractitionerApplication:
    """File an application (a renewal when the member is, or was, a practitioner) and put it in the
    general review queue. Raises PractitionerError for a bad field or an application already waiting."""
    require(user, "practitioner.apply")
    now = now or utcnow()
    try:
        profession_ = Profession(profession)
    except ValueError:
        raise PractitionerError("Choose your profession from the list.", "profession") from None
    profession_other = profession_other.strip() if profession_ == Profession.OTHER else ""
    if profession_ == Profession.OTHER and not profession_other:
        raise PractitionerError("Say which profession you practise.", "profession_other")
    names = parse_specialties(specialties)
    website = normalise_website(website)
    pending = db.session.scalar(
        select(PractitionerApplication.id).where(
            PractitionerApplication.user_id == user.id, PractitionerApplication.status == ApplicationStatus.PENDING
        )
    )
    if pending:
        raise PractitionerError("Your application is already with the moderators; they will let you know.")
    application = PractitionerApplication(
        user_id=user.id,
        profession=profession_,
        profession_other=profession_other,
        licence_number=licence_number.strip(),
        jurisdiction=jurisdiction.strip(),
        specialties=",".join(names),
        region=region.strip(),
        website=website,
        statement=statement.strip(),
        renewal=user.role == Role.PRACTITIONER,
        created_at=now,
    )
    db.session.add(application)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise PractitionerError("Your application is already with the moderators; they will let you know.") from None
    moderation.open_or_join(
        "application",
        application.id,
        queue=Queue.GENERAL,
        priority=APPLICATION_PRIORITY,
        deadline=APPLICATION_DEADLINE,
        kind=ReasonKind.APPLICATION,
        details={
            "application_id": application.id,
            "text": f"{'Renewal' if application.renewal else 'Application'}: {application.badge_label}, "
            f"licence {application.licence_number}, {application.region}. Specialties: {', '.join(names)}.",
        },
        user_id=user.id,
        subject_user_id=user.id,
        now=now,
    )
    audit.record(user, "practitioner.apply", "practitioner_application", application.id, renewal=application.renewal)
    db.session.commit()
    return application


# --- deciding (called by moderation.services.decide, inside its transaction) ---------------------------


def apply_decision(reviewer: User, item: ReviewItem, decision: str, *, reason: str, now: datetime) -> None:
    """Carry out a reviewer's approve or reject on an application whose item `decide` has just closed with
    its guarded update. Approval grants the practitioner role, verified for 12 months from now. No commit;
    on a refusal the whole transaction (the item's closing too) is rolled back."""
    application = db.session.get(PractitionerApplication, item.target_id)
    applicant = db.session.get(User, application.user_id) if application else None
    problem = None
    if application is None or application.status != ApplicationStatus.PENDING:
        problem = "This application was already decided."
    elif decision == "approve" and (applicant.is_deleted or applicant.is_staff):
        problem = "This account can't become a practitioner (it is deleted or a staff account)."
    if problem:
        db.session.rollback()
        raise moderation.ModerationError(problem)
    application.status = ApplicationStatus.APPROVED if decision == "approve" else ApplicationStatus.REJECTED
    application.decided_at = now
    application.decided_by_id = reviewer.id
    application.decision_reason = reason.strip()
    if decision == "approve":
        _verify(applicant, application, now)
        notify(
            applicant.id,
            "practitioner_approved",
            f"Your practitioner application was approved. Your answers now show “{applicant.practitioner_badge}”. "
            f"The verification holds until {applicant.verified_until:%d %B %Y}; we'll remind you to renew.",
            moderation._path("practitioners.profile", username=applicant.username),
        )
        audit.record(
            reviewer,
            "practitioner.approve",
            "user",
            applicant.id,
            application=application.id,
            label=applicant.practitioner_label,
            until=applicant.verified_until.isoformat(),
        )
    else:
        notify(
            applicant.id,
            "practitioner_rejected",
            f"Your practitioner application was not approved: {reason.strip()}\n\nYou can correct it and apply again.",
            moderation._path("practitioners.apply"),
        )
        audit.record(reviewer, "practitioner.reject", "user", applicant.id, application=application.id)


def _credentials(source) -> dict:
    return {
        "profession": source.profession,
        "profession_other": source.profession_other,
        "licence_number": source.licence_number,
        "jurisdiction": source.jurisdiction,
        "region": source.region,
        "website": source.website,
        "statement": source.statement,
    }


def _install_profile(user: User, fields: dict, specialties: list[str], application_id: int | None, now) -> None:
    """Write (or rewrite) the profile and its specialties, and the badge data on the users row."""
    profile = db.session.get(PractitionerProfile, user.id)
    if profile is None:
        profile = PractitionerProfile(user_id=user.id)
        db.session.add(profile)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.application_id = application_id
    profile.revoked_at = None
    profile.revoke_reason = ""
    profile.updated_at = now
    db.session.flush()
    db.session.execute(delete(PractitionerSpecialty).where(PractitionerSpecialty.user_id == user.id))
    db.session.add_all(PractitionerSpecialty(user_id=user.id, name=name) for name in specialties)
    user.role = Role.PRACTITIONER
    user.mark_verified(now, profile.badge_label)
    _refresh_markers(user.id)


def _verify(user: User, application: PractitionerApplication, now: datetime) -> None:
    _install_profile(user, _credentials(application), application.specialty_list, application.id, now)


def seed_profile(user: User, *, specialties: list[str], now: datetime | None = None, **fields) -> None:
    """Give an account a verified profile directly (demo content, tests); audited as the system. No commit."""
    now = now or utcnow()
    fields = {"profession_other": "", "website": "", "statement": user.about} | fields
    fields["profession"] = Profession(fields["profession"])
    _install_profile(user, fields, parse_specialties(",".join(specialties)), None, now)
    audit.record(None, "practitioner.seed", "user", user.id, label=user.practitioner_label)


def _refresh_markers(user_id: int) -> None:
    """Recount "Practitioner answered" on every question this person answered, after their verification
    began, lapsed or was revoked (see qa.models.Post.refresh_answer_stats for the rule)."""
    db.session.flush()
    question_ids = select(Post.question_id).where(Post.author_id == user_id, Post.kind == PostKind.ANSWER)
    for question in db.session.scalars(select(Post).where(Post.id.in_(question_ids))):
        question.refresh_answer_stats()


# --- revocation and lapse ------------------------------------------------------------------------------


def revoke(admin: User, user: User, reason: str, now: datetime | None = None) -> None:
    """An admin withdraws a practitioner's verification: back to member, badge gone, profile hidden."""
    require(admin, "practitioner.revoke", user)
    if not reason.strip():
        raise PractitionerError("Say why, in words the practitioner will read.", "reason")
    if user.role != Role.PRACTITIONER:
        raise PractitionerError("This account is not a practitioner.")
    now = now or utcnow()
    label = user.practitioner_label
    user.role = Role.MEMBER
    user.practitioner_label = ""
    user.verified_at = user.verified_until = None
    profile = db.session.get(PractitionerProfile, user.id)
    if profile is not None:
        profile.revoked_at = now
        profile.revoke_reason = reason.strip()
    _refresh_markers(user.id)
    notify(
        user.id,
        "practitioner_revoked",
        f"An administrator withdrew your practitioner verification: {reason.strip()}\n\n"
        "Your answers no longer carry the practitioner badge. You can apply again.",
        moderation._path("practitioners.apply"),
    )
    audit.record(admin, "practitioner.revoke", "user", user.id, label=label, reason=reason.strip())
    db.session.commit()


def sweep(now: datetime | None = None) -> tuple[int, int]:
    """Remind practitioners RENEWAL_NOTICE before their verification ends, and tell those whose verification
    lapsed that the badge is gone until they renew (recounting the questions they answered).

    Each is told once per verification period (a renewal starts a new one). Returns (reminded, lapsed).
    Run it daily, like `moderation sweep`.
    """
    now = now or utcnow()
    users = db.session.scalars(
        select(User).where(
            User.role == Role.PRACTITIONER,
            User.status != AccountStatus.DELETED,
            User.verified_until.is_not(None),
            User.verified_until <= now + RENEWAL_NOTICE,
        )
    ).all()
    if not users:
        return 0, 0
    told = {
        (user_id, kind): when
        for user_id, kind, when in db.session.execute(
            select(Notification.user_id, Notification.kind, func.max(Notification.created_at))
            .where(Notification.user_id.in_([u.id for u in users]), Notification.kind.in_([LAPSED_KIND, REMINDER_KIND]))
            .group_by(Notification.user_id, Notification.kind)
        )
    }
    renew_link = moderation._path("practitioners.apply")
    reminded = lapsed = 0
    for user in users:
        until = user.verified_until
        if until <= now:
            last = told.get((user.id, LAPSED_KIND))
            if last is not None and last >= until:
                continue
            message = (
                f"Your practitioner verification ended on {until:%d %B %Y}, so your answers no longer show the "
                "practitioner badge. Renew it by sending your current licence details."
            )
            notify(user.id, LAPSED_KIND, message, renew_link).created_at = now
            audit.record(None, "practitioner.lapse", "user", user.id, until=until.isoformat())
            _refresh_markers(user.id)
            lapsed += 1
        else:
            last = told.get((user.id, REMINDER_KIND))
            if last is not None and last >= until - RENEWAL_NOTICE:
                continue
            message = (
                f"Your practitioner verification ends on {until:%d %B %Y}. Renew it before then to keep the badge "
                "on your answers."
            )
            notify(user.id, REMINDER_KIND, message, renew_link).created_at = now
            audit.record(None, "practitioner.renewal_reminder", "user", user.id, until=until.isoformat())
            reminded += 1
    db.session.commit()
    return reminded, lapsed


# --- questions that ask for practitioners ------------------------------------------------------------


def notify_matching(question: Post, now: datetime | None = None) -> int:
    """Tell verified practitioners whose specialties match the question's tags that it asks for them.

    Called when such a question becomes public (asked, or approved by a moderator). No commit; returns
    how many were told. Two queries whatever the number of practitioners.
    """
    now = now or utcnow()
    tag_names = select(Tag.name).join(post_tags, post_tags.c.tag_id == Tag.id).where(post_tags.c.post_id == question.id)
    rows = db.session.execute(
        select(User.id, PractitionerSpecialty.name)
        .join(PractitionerSpecialty, PractitionerSpecialty.user_id == User.id)
        .where(
            PractitionerSpecialty.name.in_(tag_names),
            User.role == Role.PRACTITIONER,
            User.verified_until > now,
            User.status == AccountStatus.ACTIVE,
            User.id != question.author_id,
        )
        .order_by(User.id, PractitionerSpecialty.name)
    ).all()
    matches: dict[int, list[str]] = {}
    for user_id, name in rows:
        matches.setdefault(user_id, []).append(name)
    link = moderation._path("qa.post_link", post_id=question.id)
    for user_id, names in matches.items():
        notify(
            user_id,
            "practitioner_request",
            f"A member asks for a practitioner's answer to a question tagged {', '.join(names)}: “{question.title}”",
            link,
        )
    return len(matches)
