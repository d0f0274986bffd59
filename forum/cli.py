"""Command-line tasks: `flask --app wsgi create-user | seed-demo | notifications send | notifications digest`."""

import json
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import func, select

from forum.auth.models import Role, User
from forum.extensions import db

DEMO_FILE = Path(__file__).with_name("demo_content.json")
CURATED_TAGS = {
    "depression": "Low mood, loss of interest, and living with depression.",
    "relationships": "Partners, dating, breakups and staying close.",
    "transference": "Strong feelings toward a therapist, and what they can mean.",
    "therapy": "Finding, starting and getting the most from therapy.",
    "anxiety": "Worry, panic and avoidance.",
    "grief": "Loss, mourning and what comes after.",
    "loneliness": "Feeling alone, including beside other people.",
    "intimacy": "Emotional closeness and what gets in its way.",
    "attachment": "How early bonds shape how we connect.",
    "medication": "Questions about medication and side effects (not medical advice).",
    "family": "Parents, children, siblings.",
    "self-esteem": "How we see and treat ourselves.",
}


def register_cli(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(notifications_group)
    app.cli.add_command(safety_group)
    app.cli.add_command(moderation_group)
    app.cli.add_command(practitioners_group)


@click.command("create-user")
@click.option("--username", prompt=True)
@click.option("--email", prompt=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.MEMBER.value, show_default=True)
@click.option("--crisis-reviewer", is_flag=True, help="Moderators only: may work the crisis queue.")
@click.option("--on-call", is_flag=True, help="Crisis reviewers: receive e-mail alerts for imminent items.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(username, email, role, crisis_reviewer, on_call, password):
    """Create an account of any role."""
    from forum.auth.services import AccountError, create_user

    try:
        user = create_user(username, email, password, Role(role), crisis_reviewer, on_call=on_call)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {user.role.value} {user.username} (id {user.id}).")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the forum already has accounts.")
def seed_demo_command(if_empty):
    """Fill the forum with demo members and threads; prints the demo passwords once."""
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("The forum already has content; demo content not loaded.")
        return
    credentials = seed_demo(json.loads(DEMO_FILE.read_text(encoding="utf-8")))
    click.echo("Demo accounts (shown once; change them before real use):")
    for username, role, password in credentials:
        click.echo(f"  {role:<13} {username:<20} {password}")


def seed_demo(data: dict) -> list[tuple[str, str, str]]:
    """Create the demo's users, tags and threads through the same services members use."""
    from forum.auth.services import create_user
    from forum.dbtypes import utcnow
    from forum.qa import services
    from forum.qa.models import Tag

    for name, description in CURATED_TAGS.items():
        if db.session.scalar(select(Tag).where(Tag.name == name)) is None:
            db.session.add(Tag(name=name, description=description, curated=True))
    db.session.commit()

    users, credentials = {}, []
    for spec in data["users"]:
        password = "-".join(secrets.token_hex(3) for _ in range(3))
        role = Role(spec["role"])
        users[spec["username"]] = user = create_user(
            spec["username"],
            f"{spec['username']}@example.com",
            password,
            role,
            crisis_reviewer=role == Role.MODERATOR,
            on_call=role == Role.MODERATOR,
            about=spec.get("about", ""),
        )
        # Demo members joined months ago, so new-member pre-moderation doesn't hold their posts.
        user.created_at = utcnow() - timedelta(days=120)
        if spec.get("practitioner"):
            from forum.practitioners.services import seed_profile

            seed_profile(user, **spec["practitioner"])
        credentials.append((spec["username"], role.value, password))
    db.session.commit()

    def cast_votes(post, spec):
        for name in spec.get("upvoters", []):
            services.vote(users[name], post, 1)
        for name in spec.get("downvoters", []):
            services.vote(users[name], post, -1)

    def backdate(post, when):
        post.created_at = post.last_activity_at = when

    for spec in data["threads"]:
        asked_at = utcnow() - timedelta(days=float(spec.get("days_ago", 0)))
        question = services.ask_question(
            users[spec["asker"]], spec["title"], spec["body"], ",".join(spec["tags"]), spec.get("anonymous", False)
        )
        backdate(question, asked_at)
        cast_votes(question, spec)
        for i, comment in enumerate(spec.get("comments", [])):
            c = services.post_comment(users[comment["author"]], question, comment["body"])
            backdate(c, asked_at + timedelta(hours=1 + i))
        for i, answer_spec in enumerate(spec.get("answers", [])):
            answer = services.post_answer(
                users[answer_spec["author"]], question, answer_spec["body"], answer_spec.get("anonymous", False)
            )
            backdate(answer, asked_at + timedelta(hours=3 + 5 * i))
            question.last_activity_at = answer.created_at
            cast_votes(answer, answer_spec)
            for j, comment in enumerate(answer_spec.get("comments", [])):
                c = services.post_comment(users[comment["author"]], answer, comment["body"])
                backdate(c, answer.created_at + timedelta(hours=1 + j))
            if answer_spec.get("accepted"):
                services.accept_answer(users[spec["asker"]], answer)
        db.session.commit()
    return credentials


@click.group("notifications")
def notifications_group():
    """E-mail outbox."""


@notifications_group.command("send")
def send_notifications_command():
    """Send due e-mail from the outbox; failures stay queued with back-off (run every minute)."""
    from forum.notifications.services import send_pending

    sent, failed = send_pending()
    click.echo(f"sent {sent}, failed {failed}")
    if failed:
        raise SystemExit(1)


@notifications_group.command("outbox")
@click.option("--last", default=5, show_default=True, type=click.IntRange(min=1),
              help="How many of the newest unsent messages to show.")
def outbox_command(last):
    """Print the newest unsent messages in full: sign-up and reset links on a machine without SMTP."""
    from forum.notifications.services import unsent

    messages = unsent(last)
    for email in messages:
        click.echo(f"To: {email.recipient}\nSubject: {email.subject}\nQueued: {email.created_at:%Y-%m-%d %H:%M} UTC"
                   f"\n\n{email.body}\n{'-' * 72}")
    if not messages:
        click.echo("The outbox has no unsent messages.")


@notifications_group.command("digest")
def digest_command():
    """Queue the daily e-mail digest for members who opted in (run once a day from cron).

    Each member gets at most one digest per UTC day, with their unread notifications of the last
    24 hours; `notifications send` then delivers it.
    """
    from forum.community.digest import send_digests

    click.echo(f"queued {send_digests()} digest(s)")


@click.group("safety")
def safety_group():
    """The safety engine, with the rules in force (shipped plus database)."""


def _ruleset_in_force():
    """The effective ruleset; the shipped rules alone, with a note, when the database is not set up yet."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from forum.admin.queries import compile_rules, effective_ruleset

    try:
        return effective_ruleset()
    except (OperationalError, ProgrammingError):
        db.session.rollback()
        click.echo("note: the database has no rule tables yet (run `flask db upgrade`); "
                   "scanning with the shipped rules only", err=True)
        return compile_rules([])


@safety_group.command("scan")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
def safety_scan_command(file):
    """Scan JSON Lines ({"text": ..., "id": ...}) from FILE or standard input; one JSON verdict per line.

    A bad line is reported with its line number on standard error, the rest are still scanned,
    and the exit status is then 1.
    """
    from forum.safety import scan_jsonl

    status = scan_jsonl(file, sys.stdout, sys.stderr, _ruleset_in_force())
    raise SystemExit(status)


@safety_group.command("explain")
@click.argument("text")
def safety_explain_command(text):
    """Print how the engine reads TEXT: the normalised text, each hit, each cue, the verdict."""
    from forum.safety import explain

    click.echo(explain(text, _ruleset_in_force()))


@click.group("moderation")
def moderation_group():
    """Review queue upkeep."""


@moderation_group.command("sweep")
def moderation_sweep_command():
    """Escalate overdue review items (run every minute from cron or a systemd timer).

    Raises their priority and alerts admins and on-call crisis reviewers; items never expire.
    """
    from forum.moderation.services import sweep

    click.echo(f"escalated {sweep()} overdue item(s)")


@click.group("practitioners")
def practitioners_group():
    """Practitioner verification upkeep."""


@practitioners_group.command("sweep")
def practitioners_sweep_command():
    """Remind practitioners to renew 30 days ahead, and tell those whose verification lapsed (run daily)."""
    from forum.practitioners.services import sweep

    reminded, lapsed = sweep()
    click.echo(f"reminded {reminded}, lapsed {lapsed}")
