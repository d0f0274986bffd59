"""Accounts end to end: register, sign in and out, settings, password reset, deletion, the CLI and safe `next`."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from sqlalchemy import func, select

from forum.auth.models import AccountStatus, Role, User
from forum.extensions import db
from forum.notifications.models import OutboxEmail
from forum.qa.models import Post
from forum.qa.services import slugify
from tests.conftest import PASSWORD, login

NEW_PASSWORD = "purple kettle morning"
EVIL_TARGETS = ["http://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]


def _register(client, username="rowan", email="rowan@example.com", next_=None):
    url = "/register" + (f"?next={next_}" if next_ else "")
    return client.post(url, data={"username": username, "email": email})


def _user(username: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def _form_errors(html: str) -> str:
    match = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', html, re.S)
    assert match, "no form error shown"
    return match.group(1)


def _in_own_request(app, client, url: str):
    """GET as a separate server request would: its own app context, so no user is cached from other clients."""
    with app.app_context():
        return client.get(url)


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def _mails_to(address: str) -> list[OutboxEmail]:
    db.session.expire_all()
    query = select(OutboxEmail).where(OutboxEmail.recipient == address).order_by(OutboxEmail.id)
    return db.session.scalars(query).all()


def _link_in(email: OutboxEmail) -> str:
    """The path (and query) of the site link in a message."""
    match = re.search(r"http://[^/\s]+(/(?:confirm|settings/email)/\S*)", email.body)
    assert match, email.body
    return match.group(1)


def _signup_link(address: str = "rowan@example.com") -> str:
    return _link_in(_mails_to(address)[-1])


def _open(client, link: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    """Choose the password on a sign-up link's page."""
    return client.post(link, data={"password": password, "confirm": password if confirm is None else confirm})


def _can_sign_in(app, login_name: str, password: str) -> bool:
    return app.test_client().post("/login", data={"login": login_name, "password": password}).status_code == 302


# Joining ------------------------------------------------------------------------------------------------------


def test_joining_mails_a_link_where_the_password_is_chosen_and_the_account_opens(app, client):
    response = _register(client, username="Rowan")
    assert response.headers["Location"] == "/register/sent"
    sent = client.get("/register/sent").get_data(as_text=True)
    assert "Check your e-mail" in sent and "rowan@example.com" in sent
    user = _user("rowan")
    assert user.status == AccountStatus.PENDING and user.email == "rowan@example.com" and user.role == Role.MEMBER
    assert client.get("/settings").status_code == 302  # not signed in
    assert client.get("/users/rowan").status_code == 404  # and shown nowhere
    [mail] = _mails_to("rowan@example.com")
    assert mail.subject == "Confirm your Hearth account"

    page = client.get(_link_in(mail)).get_data(as_text=True)
    assert "Open your account" in page and "<strong>rowan</strong>" in page
    assert _user("rowan").status == AccountStatus.PENDING  # opening the page changes nothing
    opened = _open(client, _link_in(mail))
    assert opened.headers["Location"] == "/"
    assert "Welcome to Hearth, rowan." in client.get("/").get_data(as_text=True)
    assert client.get("/settings").status_code == 200
    user = _user("rowan")
    assert user.status == AccountStatus.ACTIVE and user.password_hash != NEW_PASSWORD
    assert _can_sign_in(app, "rowan@example.com", NEW_PASSWORD)


def test_a_sign_up_link_works_once(app, client):
    _register(client)
    link = _signup_link()
    _open(client, link)
    again = app.test_client().get(link)
    assert again.headers["Location"] == "/register"
    assert _open(app.test_client(), link, password="another long password").headers["Location"] == "/register"
    assert _can_sign_in(app, "rowan", NEW_PASSWORD) and not _can_sign_in(app, "rowan", "another long password")


def test_a_tampered_sign_up_link_opens_nothing(client):
    _register(client)
    response = _open(client, _signup_link()[:-3] + "abc")
    assert response.headers["Location"] == "/register"
    assert _user("rowan").status == AccountStatus.PENDING


def test_a_link_opened_in_another_browser_opens_the_account_but_signs_in_no_one(app, client):
    _register(client, next_="/tags")
    elsewhere = app.test_client()
    response = _open(elsewhere, _signup_link())
    assert response.headers["Location"].startswith("/login")
    assert "next=/tags" in unquote(response.headers["Location"])
    assert elsewhere.get("/settings").status_code == 302
    assert _user("rowan").status == AccountStatus.ACTIVE and _can_sign_in(app, "rowan", NEW_PASSWORD)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "Use at least 10 characters"),
        ("password123", "too easy to guess"),
        ("aaaaaaaaaaaa", "too easy to guess"),
        ("rowan-is-my-name", "shouldn&#39;t contain your username"),
    ],
)
def test_a_weak_password_is_refused_and_the_sign_up_stays_unopened(client, password, message):
    _register(client)
    response = _open(client, _signup_link(), password=password)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _user("rowan").status == AccountStatus.PENDING


def test_mismatched_password_confirmation_is_refused(client):
    _register(client)
    response = _open(client, _signup_link(), confirm="something else entirely")
    assert response.status_code == 400
    assert "The passwords don&#39;t match." in response.get_data(as_text=True)
    assert _user("rowan").status == AccountStatus.PENDING


def test_joining_with_a_registered_address_looks_the_same_and_only_tells_its_owner(client, member):
    response = _register(client, username="fresh_name", email="Mina@Example.com")
    assert response.headers["Location"] == "/register/sent"
    assert "mina@example.com" in client.get("/register/sent").get_data(as_text=True)
    assert _user("fresh_name") is None and _users() == 1
    [mail] = _mails_to("mina@example.com")
    assert mail.subject == "Someone tried to join Hearth with your address"
    assert "mina" in mail.body and "/reset" in mail.body and "/confirm/" not in mail.body


def test_an_unopened_sign_up_cannot_be_signed_in_to(app, client):
    _register(client)
    response = client.post("/login", data={"login": "rowan", "password": NEW_PASSWORD})
    assert "don&#39;t match an account" in response.get_data(as_text=True)
    assert client.get("/settings").status_code == 302


def test_signing_up_someone_elses_pending_address_gives_no_way_in(app, client):
    _register(client, username="sam", email="sam@example.com")  # the owner of the address
    attacker = app.test_client()
    response = _register(attacker, username="sam", email="sam@example.com")
    assert response.headers["Location"] == "/register/sent"  # the same page, and nothing to follow
    assert not _can_sign_in(app, "sam", NEW_PASSWORD)
    assert _open(client, _signup_link("sam@example.com")).headers["Location"] == "/"
    assert _can_sign_in(app, "sam", NEW_PASSWORD)


def test_joining_again_from_the_same_address_renames_the_sign_up_and_sends_the_link_again(client):
    _register(client, username="rowan")
    _register(client, username="rowan_b")
    assert _user("rowan") is None and _user("rowan_b").status == AccountStatus.PENDING
    first, second = _mails_to("rowan@example.com")
    assert _open(client, _link_in(second)).headers["Location"] == "/"
    assert _user("rowan_b").status == AccountStatus.ACTIVE


def test_an_expired_sign_up_no_longer_holds_its_username(client):
    _register(client, username="rowan", email="first@example.com")
    pending = _user("rowan")
    pending.created_at = pending.created_at - timedelta(days=3)
    db.session.commit()
    response = _register(client, username="rowan", email="second@example.com")
    assert response.headers["Location"] == "/register/sent"
    assert _user("rowan").email == "second@example.com"


def test_a_pending_sign_up_holds_its_username_against_others(client):
    _register(client, username="rowan", email="first@example.com")
    response = _register(client, username="rowan", email="second@example.com")
    assert "That username is taken" in response.get_data(as_text=True)


def test_a_reset_request_for_a_pending_address_sends_the_sign_up_link_again(app, client):
    _register(client)
    client.post("/reset", data={"email": "rowan@example.com"})
    first, second = _mails_to("rowan@example.com")
    assert second.subject == "Confirm your Hearth account"
    assert _open(client, _link_in(second)).headers["Location"] == "/"


def test_the_sign_up_link_returns_to_the_page_the_member_came_from(client):
    _register(client, next_="/tags")
    assert _open(client, _signup_link()).headers["Location"] == "/tags"


def test_the_outbox_command_prints_the_newest_unsent_messages(app, client):
    _register(client)
    result = app.test_cli_runner().invoke(args=["notifications", "outbox"])
    assert result.exit_code == 0
    assert "To: rowan@example.com" in result.output and "/confirm/" in result.output
    assert app.test_cli_runner().invoke(args=["notifications", "outbox", "--last", "0"]).exit_code == 2


def test_a_username_taken_at_the_same_moment_gets_a_message_not_an_error(client, member, monkeypatch):
    from forum.auth import services

    real_check = services._check_username
    calls = []

    def check_too_late(username, email=""):  # the other sign-up commits between this check and ours
        calls.append(username)
        if len(calls) > 1:
            real_check(username, email)

    monkeypatch.setattr(services, "_check_username", check_too_late)
    response = _register(client, username="mina", email="new@example.com")
    assert response.status_code == 400
    assert "That username is taken" in response.get_data(as_text=True)
    assert _users() == 1 and _mails_to("new@example.com") == []


def test_taken_username_is_refused(client, member):
    taken_name = _register(client, username="MINA", email="new@example.com")
    assert "That username is taken" in taken_name.get_data(as_text=True)
    assert _users() == 1 and _mails_to("new@example.com") == []


# Signing in and out -----------------------------------------------------------------------------------------


def test_login_by_username_or_email_reaches_member_pages(app, client, member):
    assert client.post("/login", data={"login": "MINA", "password": PASSWORD}).status_code == 302
    assert client.get("/settings").status_code == 200
    client.post("/logout")
    assert client.post("/login", data={"login": "mina@example.com", "password": PASSWORD}).status_code == 302
    assert client.get("/settings").status_code == 200


def test_remember_me_sets_a_long_lived_cookie_and_plain_login_does_not(app, client, member):
    client.post("/login", data={"login": "mina", "password": PASSWORD})
    assert client.get_cookie("remember_token") is None
    client.post("/logout")

    client.post("/login", data={"login": "mina", "password": PASSWORD, "remember": "y"})
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only
    assert cookie.value.startswith(f"{member.id}:")


def test_remember_cookie_alone_signs_the_member_back_in(app, client, member):
    client.post("/login", data={"login": "mina", "password": PASSWORD, "remember": "y"})
    client.delete_cookie("session")
    assert _in_own_request(app, client, "/settings").status_code == 200


def test_login_failure_says_the_same_for_unknown_user_and_wrong_password(client, member):
    unknown = client.post("/login", data={"login": "nobody_here", "password": PASSWORD})
    wrong = client.post("/login", data={"login": "mina", "password": "not the password"})
    assert unknown.status_code == wrong.status_code == 400
    assert _form_errors(unknown.get_data(as_text=True)) == _form_errors(wrong.get_data(as_text=True))
    assert "don&#39;t match an account" in _form_errors(wrong.get_data(as_text=True))
    assert client.get("/settings").status_code == 302


def test_logout_is_a_post_and_ends_the_session_and_remember_cookie(client, member):
    client.post("/login", data={"login": "mina", "password": PASSWORD, "remember": "y"})
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get_cookie("remember_token") is None
    assert client.get("/settings").headers["Location"].startswith("/login")


# Settings ---------------------------------------------------------------------------------------------------


def _change_password(client, current=PASSWORD, new=NEW_PASSWORD):
    return client.post(
        "/settings",
        data={"pw-current": current, "pw-password": new, "pw-confirm": new, "pw-submit": "Change password"},
    )


def test_changing_password_signs_out_other_clients_but_keeps_this_one(app, client, member):
    other_device = app.test_client()
    with app.app_context():
        login(other_device, member, remember=True)
    client.post("/login", data={"login": "mina", "password": PASSWORD})

    response = _change_password(client)
    assert response.status_code == 302
    assert client.get_cookie("remember_token") is None

    assert _in_own_request(app, client, "/settings").status_code == 200
    kicked_out = _in_own_request(app, other_device, "/settings")
    assert kicked_out.status_code == 302
    assert kicked_out.headers["Location"].startswith("/login")
    client.post("/logout")
    assert client.post("/login", data={"login": "mina", "password": PASSWORD}).status_code == 400
    assert client.post("/login", data={"login": "mina", "password": NEW_PASSWORD}).status_code == 302


def test_changing_password_keeps_remember_me_on_this_device(app, client, member):
    client.post("/login", data={"login": "mina", "password": PASSWORD, "remember": "y"})
    _change_password(client)
    client.delete_cookie("session")
    assert _in_own_request(app, client, "/settings").status_code == 200


def test_changing_password_needs_the_current_one_and_a_strong_new_one(client, member):
    token = member.session_token
    login(client, member)
    wrong_current = _change_password(client, current="not my password")
    assert wrong_current.status_code == 400
    assert "Your current password is not right." in wrong_current.get_data(as_text=True)
    weak = _change_password(client, new="short")
    assert weak.status_code == 400
    assert "Use at least 10 characters" in weak.get_data(as_text=True)
    assert _user("mina").session_token == token


def _change_email(client, address: str, password: str = PASSWORD):
    return client.post("/settings", data={"em-email": address, "em-password": password, "em-submit": "Change e-mail"})


def test_changing_email_takes_effect_when_the_link_mailed_to_the_new_address_is_confirmed(client, member):
    login(client, member)
    response = _change_email(client, "Mina.New@Example.com")
    assert response.status_code == 302
    assert "We sent a link to mina.new@example.com" in client.get("/settings").get_data(as_text=True)
    assert _user("mina").email == "mina@example.com"
    [asked] = _mails_to("mina@example.com")  # the old address hears of the request at once
    assert "mina.new@example.com" in asked.body and "/reset" in asked.body
    link = _link_in(_mails_to("mina.new@example.com")[0])

    page = client.get(link).get_data(as_text=True)  # a mail scanner opening the link changes nothing
    assert "Use this address" in page and _user("mina").email == "mina@example.com"
    client.post(link)
    assert _user("mina").email == "mina.new@example.com"
    asked, changed = _mails_to("mina@example.com")
    assert changed.subject == "Your Hearth e-mail address was changed"
    assert "Now: mina.new@example.com" in client.get("/settings").get_data(as_text=True)


def test_changing_to_another_accounts_address_looks_the_same_and_changes_nothing(client, member, other_member):
    login(client, member)
    response = _change_email(client, "otto@example.com")
    assert response.status_code == 302
    assert "We sent a link to otto@example.com" in client.get("/settings").get_data(as_text=True)
    [note] = _mails_to("otto@example.com")
    assert "/settings/email/" not in note.body
    assert _user("mina").email == "mina@example.com"


def test_an_email_change_link_works_once(client, member):
    login(client, member)
    _change_email(client, "mina.new@example.com")
    link = _link_in(_mails_to("mina.new@example.com")[0])
    client.post(link)
    assert client.get(link).headers["Location"] == "/settings"
    assert "expired or was already used" in client.get("/settings").get_data(as_text=True)
    assert len(_mails_to("mina@example.com")) == 2  # asked, then changed: once


def test_a_password_reset_cancels_an_email_change_asked_with_the_old_password(app, client, member):
    thief = app.test_client()
    login(thief, member)
    _change_email(thief, "thief@example.com")
    link = _link_in(_mails_to("thief@example.com")[0])
    client.post("/reset", data={"email": "mina@example.com"})
    reset = re.search(r"http://[^/\s]+(/reset/\S+)", _mails_to("mina@example.com")[-1].body).group(1)
    client.post(reset, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    thief.post(link)
    assert _user("mina").email == "mina@example.com"


def test_an_address_held_only_by_an_unopened_sign_up_can_be_moved_to(app, client, member):
    _register(app.test_client(), username="squatter", email="wanted@example.com")
    login(client, member)
    _change_email(client, "wanted@example.com")
    link = _link_in(_mails_to("wanted@example.com")[-1])
    client.post(link)
    assert _user("mina").email == "wanted@example.com" and _user("squatter") is None


def test_changing_email_with_a_wrong_password_changes_nothing(client, member):
    login(client, member)
    response = _change_email(client, "mina2@example.com", password="wrong password")
    assert response.status_code == 400
    assert _user("mina").email == "mina@example.com"
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 0


# Password reset ---------------------------------------------------------------------------------------------


def _reset_link() -> str:
    mail = db.session.scalar(select(OutboxEmail).order_by(OutboxEmail.id.desc()))
    assert mail is not None, "no reset e-mail in the outbox"
    match = re.search(r"https?://\S+(/reset/\S+)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_password_reset_mails_a_link_that_sets_a_new_password_once(client, member):
    response = client.post("/reset", data={"email": "MINA@example.com"})
    assert response.status_code == 302
    mail = db.session.scalar(select(OutboxEmail))
    assert mail.recipient == "mina@example.com" and mail.subject == "Reset your Hearth password"
    link = _reset_link()

    assert client.get(link).status_code == 200
    done = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert client.post("/login", data={"login": "mina", "password": PASSWORD}).status_code == 400
    assert client.post("/login", data={"login": "mina", "password": NEW_PASSWORD}).status_code == 302
    client.post("/logout")

    again = client.get(link)
    assert again.status_code == 302 and again.headers["Location"] == "/reset"
    assert "expired or was already used" in client.get("/reset").get_data(as_text=True)
    reuse = client.post(link, data={"password": "another fine password", "confirm": "another fine password"})
    assert reuse.status_code == 302
    assert client.post("/login", data={"login": "mina", "password": NEW_PASSWORD}).status_code == 302


def test_password_reset_refuses_a_weak_new_password_and_keeps_the_link_usable(client, member):
    client.post("/reset", data={"email": "mina@example.com"})
    link = _reset_link()
    weak = client.post(link, data={"password": "short", "confirm": "short"})
    assert weak.status_code == 400
    assert "Use at least 10 characters" in weak.get_data(as_text=True)
    assert client.get(link).status_code == 200


def test_forged_reset_token_is_refused(client, member):
    response = client.get("/reset/not-a-real-token")
    assert response.status_code == 302 and response.headers["Location"] == "/reset"


def test_reset_request_says_the_same_for_known_and_unknown_addresses(client, member):
    known = client.post("/reset", data={"email": "mina@example.com"}, follow_redirects=True)
    unknown = client.post("/reset", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert "If that address has an account" in known.get_data(as_text=True)
    assert [m.recipient for m in db.session.scalars(select(OutboxEmail))] == ["mina@example.com"]


# Deleting an account ----------------------------------------------------------------------------------------


def test_deleted_account_keeps_its_posts_as_deleted_member_and_cannot_sign_in(
    client, make_user, make_question, make_answer
):
    leaver = make_user(Role.MEMBER, "leaving_lou")
    reader = make_user(Role.MEMBER, "reader_ray")
    question = make_question(leaver, title="What helps on the first day of therapy?")
    make_answer(leaver, make_question(reader, title="How do I find a therapist nearby?"))
    url = f"/questions/{question.id}/{slugify(question.title)}"
    login(client, leaver)

    refused = client.post("/settings/delete", data={"password": "wrong password", "confirm": "y"})
    assert refused.status_code == 400 and _user("leaving_lou") is not None

    response = client.post("/settings/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    assert client.get("/settings").headers["Location"].startswith("/login")

    db.session.expire_all()
    gone = db.session.get(User, leaver.id)
    assert gone.status == AccountStatus.DELETED and gone.email is None and gone.deleted_at is not None
    assert db.session.scalar(select(func.count()).select_from(Post).where(Post.author_id == leaver.id)) == 2
    thread = client.get(url).get_data(as_text=True)
    assert "What helps on the first day of therapy?" in thread
    assert "Deleted member" in thread
    assert "leaving_lou" not in thread
    assert "leaving_lou" not in client.get("/").get_data(as_text=True)
    assert client.get("/users/leaving_lou").status_code == 404
    assert client.get(f"/users/{gone.username}").status_code == 404
    for name in ("leaving_lou", "leaving_lou@example.com", gone.username):
        assert client.post("/login", data={"login": name, "password": PASSWORD}).status_code == 400


def test_account_deletion_needs_the_confirmation_box(client, member):
    login(client, member)
    response = client.post("/settings/delete", data={"password": PASSWORD})
    assert response.status_code == 400
    assert "Tick the box to confirm." in response.get_data(as_text=True)
    assert _user("mina").status == AccountStatus.ACTIVE


# The create-user command ------------------------------------------------------------------------------------


def _create_user_cli(app, *extra, username="cli_person", password=NEW_PASSWORD):
    args = ["create-user", "--username", username, "--email", f"{username}@example.com", "--password", password]
    return app.test_cli_runner().invoke(args=args + list(extra))


@pytest.mark.parametrize("role", list(Role))
def test_create_user_command_makes_an_account_of_any_role(app, client, role):
    result = _create_user_cli(app, "--role", role.value)
    assert result.exit_code == 0, result.output
    assert f"Created {role.value} cli_person" in result.output
    user = _user("cli_person")
    assert user.role == role and user.email == "cli_person@example.com"
    assert client.post("/login", data={"login": "cli_person", "password": NEW_PASSWORD}).status_code == 302


def test_create_user_command_can_make_a_crisis_reviewer_moderator(app):
    result = _create_user_cli(app, "--role", "moderator", "--crisis-reviewer")
    assert result.exit_code == 0, result.output
    assert _user("cli_person").crisis_reviewer is True


def test_create_user_command_refuses_an_unknown_role_and_creates_nothing(app):
    result = _create_user_cli(app, "--role", "superuser")
    assert result.exit_code != 0
    assert "Invalid value for '--role'" in result.output
    assert _users() == 0


def test_create_user_command_refuses_a_weak_password_and_creates_nothing(app):
    result = _create_user_cli(app, "--role", "admin", password="admin")
    assert result.exit_code == 1
    assert "Error: Use at least 10 characters" in result.output
    assert _users() == 0


def test_create_user_command_refuses_a_taken_username(app, member):
    result = _create_user_cli(app, username="mina")
    assert result.exit_code == 1
    assert "That username is taken" in result.output
    assert _users() == 1


# Where sign-in sends people ---------------------------------------------------------------------------------


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_login_ignores_a_next_that_leaves_the_site(client, member, target):
    response = client.post("/login", query_string={"next": target}, data={"login": "mina", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_register_ignores_a_next_that_leaves_the_site(client, target):
    client.post("/register", query_string={"next": target}, data={"username": "rowan", "email": "r@example.com"})
    link = _signup_link("r@example.com")
    assert "next" not in link
    assert _open(client, link).headers["Location"] == "/"


def test_login_follows_a_next_on_this_site(client, member):
    response = client.post(
        "/login", query_string={"next": "/tags?x=1"}, data={"login": "mina", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/tags?x=1"


def _next_of(response) -> str:
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    return parse_qs(location.query)["next"][0]


def test_guest_reads_lists_threads_tags_and_profiles(client, member, make_question):
    question = make_question(member)
    assert "How do I talk to my partner" in client.get("/").get_data(as_text=True)
    thread = client.get(f"/questions/{question.id}/{slugify(question.title)}")
    assert thread.status_code == 200 and "Lately I have been feeling flat" in thread.get_data(as_text=True)
    assert client.get("/tags").status_code == 200
    assert client.get("/tags/depression").status_code == 200
    assert client.get("/users/mina").status_code == 200


def test_guest_asking_is_sent_to_sign_in_and_back(client, member):
    response = client.get("/questions/ask")
    assert _next_of(response) == "/questions/ask"
    assert "Please sign in to continue" in client.get(response.headers["Location"]).get_data(as_text=True)
    back = client.post(response.headers["Location"], data={"login": "mina", "password": PASSWORD})
    assert back.headers["Location"] == "/questions/ask"


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/questions/{q}/answers", {"body": "An answer a guest tried to post here."}),
        ("/posts/{q}/vote", {"value": "up"}),
        ("/posts/{q}/comments", {"body": "A comment from a guest."}),
    ],
    ids=["answer", "vote", "comment"],
)
def test_guest_writes_are_sent_to_sign_in_and_back_to_the_page_they_came_from(
    client, member, other_member, make_question, path, data
):
    question = make_question(member)
    thread = f"/questions/{question.id}/{slugify(question.title)}"
    response = client.post(
        path.format(q=question.id), data=data, headers={"Referer": f"http://localhost{thread}?answers=newest"}
    )
    assert _next_of(response) == f"{thread}?answers=newest"
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1
    back = client.post(response.headers["Location"], data={"login": "otto", "password": PASSWORD})
    assert back.headers["Location"] == f"{thread}?answers=newest"


def test_guest_write_from_another_site_is_sent_to_sign_in_then_home(client, member, make_question):
    question = make_question(member)
    response = client.post(
        f"/posts/{question.id}/vote", data={"value": "up"}, headers={"Referer": "http://evil.example/page"}
    )
    assert _next_of(response) == "/"
