"""Sensitive topics a member can keep collapsed, and which posts fall under them: the one mapping.

A post is collapsed for a reader when it carries a content note (for everyone), or when the reader
chose a topic that the post matches: by a keyword in its content note, by its question's tags, or by
a category of its safety verdict (only categories of hits that acted: the stored verdict's
"categories" already leaves out log-only and negated hits). Pure Python over data already loaded
with the post, so lists and threads run no extra query.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    tags: frozenset[str]
    categories: frozenset[str] = frozenset()
    # Regular expressions matched, case-insensitively and at a word start, against a content note.
    keywords: tuple[str, ...] = ()

    def note_pattern(self) -> re.Pattern | None:
        if not self.keywords:
            return None
        return re.compile(r"\b(?:" + "|".join(self.keywords) + r")", re.IGNORECASE)


def _topic(key, label, tags, categories=(), keywords=()) -> Topic:
    return Topic(key, label, frozenset(tags), frozenset(categories), tuple(keywords))


TOPICS: dict[str, Topic] = {
    t.key: t
    for t in (
        _topic(
            "self_harm",
            "Self-harm",
            ("self-harm", "selfharm", "self-injury", "cutting"),
            ("self_harm",),
            (r"self[- ]?harm", r"self[- ]?injur", r"cutting", r"hurting (?:my|them|him|her)sel"),
        ),
        _topic(
            "suicide",
            "Suicide",
            ("suicide", "suicidal", "suicidal-thoughts", "suicide-loss", "suicide-prevention"),
            ("suicide",),
            (r"suicid", r"ending (?:my|their|his|her) life", r"taking (?:my|their|his|her) own life"),
        ),
        _topic(
            "eating_disorders",
            "Eating disorders",
            ("eating-disorders", "eating-disorder", "anorexia", "bulimia", "binge-eating", "arfid"),
            ("eating_disorder",),
            (r"eating disorder", r"anorexi", r"bulimi", r"binge", r"purg", r"calorie", r"weight"),
        ),
        _topic(
            "abuse",
            "Abuse",
            ("abuse", "domestic-violence", "domestic-abuse", "sexual-abuse", "child-abuse", "sexual-assault"),
            ("abuse",),
            (r"abus", r"domestic violence", r"sexual assault", r"assault", r"rape", r"coercive"),
        ),
        _topic(
            "violence",
            "Violence and threats",
            ("violence", "harm-to-others"),
            ("harm_to_others",),
            (r"violen", r"threat", r"hurting (?:someone|others|people)", r"weapon"),
        ),
        _topic(
            "substance_use",
            "Substance use",
            ("substance-use", "addiction", "alcohol", "drugs", "drinking", "sobriety", "relapse"),
            (),
            (r"substance", r"addict", r"alcohol", r"drinking", r"drugs?\b", r"relapse", r"withdrawal"),
        ),
        _topic(
            "overdose",
            "Overdose and medical emergencies",
            ("overdose", "poisoning"),
            ("medical_emergency",),
            (r"overdos", r"poison", r"medical emergenc"),
        ),
        _topic(
            "grief",
            "Grief and loss",
            ("grief", "bereavement", "loss", "death", "dying"),
            (),
            (r"grie", r"bereave", r"death", r"dying", r"passed away", r"lost (?:my|our|a) "),
        ),
        _topic(
            "pregnancy_loss",
            "Pregnancy loss and infertility",
            ("miscarriage", "pregnancy-loss", "stillbirth", "infertility", "abortion"),
            (),
            (r"miscarr", r"stillbirth", r"pregnancy loss", r"infertil", r"abortion"),
        ),
        _topic(
            "trauma",
            "Trauma and PTSD",
            ("trauma", "ptsd", "cptsd", "flashbacks"),
            (),
            (r"trauma", r"c?ptsd", r"flashback"),
        ),
    )
}
_NOTE_PATTERNS = {key: topic.note_pattern() for key, topic in TOPICS.items()}


def choices() -> list[tuple[str, str]]:
    """(key, label) pairs for the settings form, in a stable order."""
    return [(t.key, t.label) for t in TOPICS.values()]


def clean_choice(keys) -> list[str]:
    """Known topic keys from `keys`, de-duplicated, in the table's order; unknown keys are dropped."""
    wanted = set(keys or ())
    return [key for key in TOPICS if key in wanted]


def chosen_by(viewer) -> list[str]:
    """The topics a reader keeps collapsed; none for guests."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    return list(getattr(viewer, "collapsed_topics", None) or ())


def _tag_names(post, question) -> set[str]:
    """The thread's tags: a question's own, or for an answer or comment its question's (when given)."""
    source = post if post.is_question else question
    if source is None:
        return set()
    return {tag.name for tag in source.tags}


def matching_topics(post, chosen, question=None) -> list[Topic]:
    """The chosen topics this post falls under (by its note, its question's tags or its verdict)."""
    if not chosen:
        return []
    categories = set((post.safety or {}).get("categories") or ())
    note = post.content_note or ""
    tags = None
    found = []
    for key in chosen:
        topic = TOPICS.get(key)
        if topic is None:
            continue
        if categories & topic.categories or (note and _NOTE_PATTERNS[key] and _NOTE_PATTERNS[key].search(note)):
            found.append(topic)
            continue
        if tags is None:
            tags = _tag_names(post, question)
        if tags & topic.tags:
            found.append(topic)
    return found


@dataclass(frozen=True)
class ReaderNote:
    """Why a post is collapsed for this reader: its own note, or the reader's topics it falls under."""

    text: str
    topics: tuple[str, ...] = ()
    by_settings: bool = False

    @property
    def label(self) -> str:
        """What the summary says: the note, and which of the reader's own topics it falls under."""
        if self.by_settings:
            return f"{self.text} (a topic you keep collapsed)"
        if self.topics:
            return f"{self.text} (your collapsed topics: {', '.join(self.topics)})"
        return self.text


def reader_note(post, viewer, question=None) -> ReaderNote | None:
    """The note a reader sees in place of the post, or None when the post is shown open."""
    topics = tuple(t.label for t in matching_topics(post, chosen_by(viewer), question))
    if post.content_note:
        return ReaderNote(post.content_note, topics)
    if topics:
        return ReaderNote(", ".join(topics), topics, by_settings=True)
    return None
