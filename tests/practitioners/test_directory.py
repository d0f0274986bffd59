"""The practitioner directory (by specialty and region), public profiles, their query counts, and the demo data."""

import json
import re

import pytest

from forum.auth.models import Role, User
from forum.cli import DEMO_FILE, seed_demo
from forum.extensions import db
from forum.qa import services as qa
from forum.qa.models import Post
from tests.conftest import count_queries
from tests.moderation import signed_in, text_of
from tests.practitioners import ANSWER, expected_badge, lapse, verified


def _listed(html: str) -> list[str]:
    return re.findall(r'class="practitioner-name"><a href="/practitioners/([a-z0-9_]+)"', html)


@pytest.fixture
def people(make_user):
    """Practitioners in Atlanta and Dublin with different specialties, one lapsed, and a plain member."""
    return {
        "ana": verified(make_user(Role.PRACTITIONER, "ana_grief"), specialties=["grief", "depression"]),
        "ben": verified(
            make_user(Role.PRACTITIONER, "ben_anxiety"), specialties=["anxiety"], region="Atlanta, GA", profession="lpc"
        ),
        "cat": verified(
            make_user(Role.PRACTITIONER, "cat_dublin"),
            specialties=["grief"],
            region="Dublin",
            jurisdiction="Ireland",
            profession="psychologist",
        ),
        "dov": verified(make_user(Role.PRACTITIONER, "dov_lapsed"), specialties=["grief"]),
        "eve": make_user(Role.MEMBER, "eve_member"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["ana_grief", "ben_anxiety", "cat_dublin"]),
        ("?specialty=grief", ["ana_grief", "cat_dublin"]),
        ("?region=atlanta", ["ana_grief", "ben_anxiety"]),
        ("?specialty=grief&region=ATLANTA", ["ana_grief"]),
        ("?region=Georgia", ["ana_grief", "ben_anxiety"]),  # the licensing jurisdiction counts too
        ("?region=ireland", ["cat_dublin"]),
        ("?specialty=anxiety&region=dublin", []),
        ("?region=%25", []),  # "%" is a character to look for, not a wildcard
    ],
)
def test_the_directory_lists_verified_practitioners_by_specialty_and_region(client, people, query, expected):
    lapse(people["dov"])
    html = text_of(client.get(f"/practitioners{query}"))
    assert _listed(html) == expected
    if not expected:
        assert "No verified practitioners match this search." in html


def test_a_directory_card_shows_the_badge_region_and_specialties(client, people):
    html = text_of(client.get("/practitioners?specialty=anxiety"))
    card = html[html.index('class="practitioner-card"') :]
    card = card[: card.index("</li>\n")]
    assert expected_badge("LPC · Georgia") in card
    assert "Atlanta, GA" in card and 'href="/practitioners?specialty=anxiety"' in card
    assert '<option value="grief">grief (3)</option>' in html and '<option value="anxiety" selected>' in html


def test_a_profile_shows_credentials_specialties_region_website_and_signed_answers(client, make_user):
    pro = verified(make_user(Role.PRACTITIONER, "dr_rosa"), website="https://www.calmharbor-therapy.com")
    asker = make_user(Role.MEMBER, "asker_ann")
    signed = qa.ask_question(
        asker, "Is it normal to feel numb weeks after a funeral?", "I expected to cry more.", "grief"
    )
    hidden = qa.ask_question(asker, "Can grief come back years later, stronger?", "It came back this month.", "grief")
    qa.post_answer(pro, signed, ANSWER)
    qa.post_answer(pro, hidden, ANSWER, anonymous=True)
    html = text_of(client.get("/practitioners/dr_rosa"))
    assert expected_badge() in html
    for shown in (
        "LCSW",
        "LIC-1, issued in Georgia",
        'href="/practitioners?region=Atlanta,+Georgia"',
        'href="/practitioners?specialty=depression"',
        'href="/practitioners?specialty=grief"',
        '<a href="https://www.calmharbor-therapy.com" rel="nofollow ugc noopener noreferrer">',
    ):
        assert shown in html, shown
    assert signed.title in html and 'Answers <span class="muted">(1)</span>' in html
    assert hidden.title not in html  # an anonymous answer never appears on the profile


def test_profiles_of_members_and_lapsed_practitioners_are_not_found_except_by_their_owner_and_staff(
    app, client, people, moderator
):
    lapse(people["dov"])
    assert client.get("/practitioners/eve_member").status_code == 404
    assert client.get("/practitioners/dov_lapsed").status_code == 404
    assert client.get("/practitioners/nobody_here").status_code == 404
    own = text_of(signed_in(app, people["dov"]).get("/practitioners/dov_lapsed"))
    assert "Your practitioner verification ended on" in own and "hidden from the directory" in own
    assert signed_in(app, moderator).get("/practitioners/dov_lapsed").status_code == 200


def _queries_for(client, url: str) -> int:
    db.session.expunge_all()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def _practitioners(make_user, start: int, n: int) -> None:
    for i in range(start, start + n):
        verified(
            make_user(Role.PRACTITIONER, f"pro_{i:03d}"),
            specialties=["grief", f"topic{i % 6}", "anxiety"],
            region="Atlanta, Georgia" if i % 2 else "Savannah, Georgia",
        )


@pytest.mark.parametrize("url", ["/practitioners", "/practitioners?specialty=grief&region=atlanta"])
@pytest.mark.parametrize("signed_in_as", [None, Role.MEMBER])
def test_the_directory_costs_the_same_queries_with_5_or_40_practitioners(app, client, make_user, url, signed_in_as):
    if signed_in_as:
        from tests.conftest import login

        login(client, make_user(signed_in_as))
    _practitioners(make_user, 0, 5)
    five = _queries_for(client, url)
    _practitioners(make_user, 5, 35)
    html = text_of(client.get(url))
    assert len(_listed(html)) >= 20  # the forty are on the page being measured
    forty = _queries_for(client, url)
    assert forty == five
    assert five <= (6 if signed_in_as else 4)


def test_a_profile_costs_the_same_queries_with_5_or_40_answers(app, client, make_user):
    pro = verified(make_user(Role.PRACTITIONER, "dr_rosa"))
    asker = make_user(Role.MEMBER, "asker_ann")
    pro_id, asker_id = pro.id, asker.id

    def answer_questions(start: int, n: int) -> None:
        for i in range(start, start + n):
            question = qa.ask_question(
                db.session.get(User, asker_id),
                f"Question number {i} about a hard week",
                "Some days are heavier than others lately.",
                "grief",
            )
            qa.post_answer(db.session.get(User, pro_id), question, f"{ANSWER} ({i})")

    answer_questions(0, 5)
    five = _queries_for(client, "/practitioners/dr_rosa")
    answer_questions(5, 35)
    assert db.session.query(Post).filter(Post.author_id == pro_id).count() == 40
    forty = _queries_for(client, "/practitioners/dr_rosa")
    assert forty == five
    assert five <= 5


def test_seed_demo_gives_the_two_demo_practitioners_verified_profiles(app, client):
    seed_demo(json.loads(DEMO_FILE.read_text(encoding="utf-8")))
    html = text_of(client.get("/practitioners"))
    assert _listed(html) == ["dr_amara_lcsw", "sam_okafor_lpc"]
    assert expected_badge("LCSW · Georgia") in html and expected_badge("LPC · Ohio") in html
    assert _listed(text_of(client.get("/practitioners?region=atlanta"))) == ["dr_amara_lcsw"]
    assert _listed(text_of(client.get("/practitioners?specialty=attachment"))) == ["sam_okafor_lpc"]
    profile = text_of(client.get("/practitioners/dr_amara_lcsw"))
    assert "Licensed clinical social worker" in profile  # the statement, from the demo account's about text
    assert "Practitioner answered" in text_of(client.get("/?practitioner=1"))
