"""ConText-style reading of each rule hit: cues around it lower it (negation, idiom, resource, history) or
raise it (intent, immediacy, timing, means, plan), and weak indicators only count in company.

Cues are looked for only around hits (the hit's sentence and its neighbours), so clean posts cost nothing.
All positions are in the matching stream (Normalised.match_text).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from .normalise import match_form
from .patterns import Tokens
from .rules import SEVERITIES, Rule
from .ruleset import Ruleset

CRISIS_CATEGORIES = frozenset({"suicide", "self_harm", "harm_to_others", "abuse", "medical_emergency"})
ESCALATORS = ("immediacy", "timing", "means", "plan")
_NEGATABLE = frozenset(ESCALATORS) | {"intent", "current", "now"}
_NEUTRALISING = frozenset({"negated", "idiom", "resource"})
_REPORTED_KIND = {"now": "immediacy", "negated_after": "negated", "framing": "resource", "speaker": "resource",
                  "accident": "idiom", "recovered": "historical"}
_FRAMED_CATEGORIES = CRISIS_CATEGORIES | {"eating_disorder"}  # spam and personal details stay what they are
_ABUSE_CATEGORIES = frozenset({"abuse", "harm_to_others"})
_INJURY_CATEGORIES = frozenset({"self_harm", "medical_emergency"})  # what an accident in the sentence explains
_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}
NEGATION_REACH = 4  # words between a negation and the hit it negates
NEGATION_AFTER_REACH = 8
INTENT_REACH = 3
WINDOW = 2  # sentences either side of a hit's own that escalators, history and framing are read from

_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)|\n+|;")
_WORD = re.compile(r"[\w*]+")
_LETTER = re.compile(r"[a-z]")
_CLAUSE_PUNCTUATION = re.compile(r"[,.;:!?\n()\"]")  # a spaced dash is a comma in the stream


def _words(*words: str) -> frozenset[str]:
    """A word list in matching-stream form, as _WORD finds the words there."""
    return frozenset(match_form(word) for word in words)


_CLAUSE_WORDS = _words("but", "however", "though", "although", "yet", "except", "unless", "until", "and", "so",
                       "because", "cause", "cuz", "bc", "while", "whereas", "then", "if", "or")
_SUBJECT_RESTART = _words("i", "i'm", "i've", "i'll", "i'd")
_REPORTING_VERBS = _words("think", "thought", "believe", "say", "said", "saying", "mean", "know", "guess", "feel",
                          "felt", "that", "suppose", "wish", "sure")
_FIRST_PERSON = _words("i", "i'm", "me", "my", "myself", "mine", "we", "us", "our", "ourselves", "i've", "i'll",
                       "i'd")
_REFLEXIVE = _words("himself", "herself", "themselves", "themself")
_THIRD_PERSON = _words("he", "she", "they", "him", "her", "them", "his", "hers", "their", "himself", "herself",
                       "themselves", "themself", "he's", "she's", "they're")


@dataclass(frozen=True)
class CueMatch:
    """A cue found in the matching stream."""

    kind: str
    start: int
    end: int


@dataclass
class Assessment:
    """A rule hit read in context: its final severity and the cues that were applied to it."""

    rule: Rule
    start: int
    end: int
    severity: str
    log_only: bool
    cues: list[str] = field(default_factory=list)
    evidence: list[CueMatch] = field(default_factory=list)

    def apply(self, cues: Iterable[CueMatch], severity: str | None = None) -> None:
        """Record cues as applied (reported under their public kind), optionally setting the severity."""
        for cue in cues:
            kind = _REPORTED_KIND.get(cue.kind, cue.kind)
            if kind not in self.cues:
                self.cues.append(kind)
            self.evidence.append(cue)
        if severity is not None:
            self.severity = severity


def assess(text: str, ruleset: Ruleset) -> list[Assessment]:
    """Find every rule hit in the matching stream and read it in context."""
    tokens = Tokens(text)
    active = _outermost(ruleset.active.find(tokens))
    shadow = _outermost(ruleset.shadow.find(tokens))
    if not active and not shadow:
        return []
    reader = _Reader(tokens, ruleset, [hit[:2] for hit in active + shadow])
    results = [reader.assess(rule, start, end, log_only=False) for start, end, rules in active for rule in rules]
    indicators = [result for result in results
                  if result.rule.severity == "none" and not _NEUTRALISING.intersection(result.cues)]
    _corroborate(indicators)
    for result in indicators:
        reader.converge(result)
    results += [reader.assess(rule, start, end, log_only=True) for start, end, rules in shadow for rule in rules]
    return results


def _outermost(hits: list[tuple[int, int, tuple[Rule, ...]]]) -> list[tuple[int, int, tuple[Rule, ...]]]:
    """Drop hits lying inside a longer hit of their category: the longer phrase ("survived an overdose")
    says more, unless the longer one is only an indicator or the inner one is urgent and more severe
    ("the gun is loaded" inside a long indicator must not be lost). Another category's hit stays: a
    phone number inside "whatsapp me on ..." is still personal information.

    Hits come ordered by start, so a hit can only lie inside one that starts earlier."""
    kept: list[tuple[int, int, tuple[Rule, ...]]] = []
    furthest: dict[str, tuple[int, int]] = {}  # category -> (end of the longest hit so far, its rank)
    for start, end, rules in hits:
        by_category: dict[str, list[Rule]] = {}
        for rule in rules:
            by_category.setdefault(rule.category, []).append(rule)
        for category, group in by_category.items():
            rank = max(_RANK[rule.severity] for rule in group)
            reach, reach_rank = furthest.get(category, (-1, -1))
            inside = end <= reach
            more_severe = rank > reach_rank and (reach_rank == 0 or rank >= _RANK["high"])
            if inside and not more_severe:
                continue
            kept.append((start, end, tuple(group)))
            if not inside:
                furthest[category] = (end, rank)
    return kept


def _corroborate(indicators: list[Assessment]) -> None:
    """Indicator rules (base severity none) flag only in company: two distinct ones in a category, on
    different words, make each of them routine, e.g. a price and "DM me" in one post."""
    by_category: dict[str, list[Assessment]] = {}
    for result in indicators:
        by_category.setdefault(result.rule.category, []).append(result)
    for group in by_category.values():
        for result in group:
            if any(other.rule.id != result.rule.id and (other.end <= result.start or result.end <= other.start)
                   for other in group):
                result.severity = "routine"


class _Reader:
    """Sentences and cues of one text, found once and shared by all its hits."""

    def __init__(self, tokens: Tokens, ruleset: Ruleset, spans: list[tuple[int, int]]) -> None:
        text = self.text = tokens.text
        self.hotlines = ruleset.hotlines
        self.sentences = _sentences(text)
        self.sentence_starts = [start for start, _ in self.sentences]
        pseudo: list[CueMatch] = []
        self.cues: dict[str, list[CueMatch]] = {}
        for low, high in self._windows(spans):  # cues are only read near hits, so only looked for there
            for start, end, kinds in ruleset.cues.find(tokens, low, high):
                for kind in kinds:
                    cue = CueMatch(kind, start, end)
                    (pseudo if kind == "pseudo" else self.cues.setdefault(kind, [])).append(cue)
        self._drop_pseudo_and_negated(pseudo)
        self.cue_starts = {kind: [cue.start for cue in cues] for kind, cues in self.cues.items()}

    def _windows(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The windows around the hits, overlapping ones merged, in order."""
        merged: list[tuple[int, int]] = []
        for low, high in sorted(self._window(start) for start, _ in spans):
            if merged and low <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], high))
            else:
                merged.append((low, high))
        return merged

    def _sentence(self, position: int) -> tuple[int, int]:
        return self.sentences[max(bisect_right(self.sentence_starts, position) - 1, 0)]

    def _window(self, position: int) -> tuple[int, int]:
        """The sentence holding `position` with WINDOW sentences on either side."""
        index = max(bisect_right(self.sentence_starts, position) - 1, 0)
        last = len(self.sentences) - 1
        return self.sentences[max(index - WINDOW, 0)][0], self.sentences[min(index + WINDOW, last)][1]

    def _drop_pseudo_and_negated(self, pseudo: list[CueMatch]) -> None:
        """Drop cues inside pseudo-cues ("not only", "no one", "I'm 34 now"), and escalators that are
        themselves negated ("not planning anything", "no plan")."""
        negation_ends = sorted(cue.end for cue in self.cues.get("negated", []) if not _inside_any(cue, pseudo))

        def negated(cue: CueMatch) -> bool:
            before = bisect_right(negation_ends, cue.start)
            return before > 0 and self._near(negation_ends[before - 1], cue.start, 2)

        for kind, cues in self.cues.items():
            self.cues[kind] = [cue for cue in cues if not _inside_any(cue, pseudo)
                               and not (kind in _NEGATABLE and negated(cue))]

    def _find(self, kind: str, low: int, high: int, start: int, end: int) -> list[CueMatch]:
        """Cues of `kind` within [low, high) that do not overlap the hit span [start, end); an empty span
        excludes nothing, for cues that may share the hit's words ("used to cut")."""
        cues = self.cues.get(kind)
        if not cues:
            return []
        starts = self.cue_starts[kind]
        return [cue for cue in cues[bisect_left(starts, low):bisect_left(starts, high)]
                if cue.end <= high and (start == end or cue.end <= start or cue.start >= end)]

    def _overlapping(self, kind: str, start: int, end: int) -> list[CueMatch]:
        starts = self.cue_starts.get(kind, [])
        return [cue for cue in self.cues.get(kind, [])[:bisect_left(starts, end)] if cue.end > start]

    def _signals(self, start: int, end: int) -> tuple[list[CueMatch], bool]:
        """Escalating cues around a hit, and whether a protective factor is there too."""
        low, high = self._window(start)
        signals = [cue for kind in ESCALATORS for cue in self._find(kind, low, high, start, end)]
        return signals, self._protected(start, end)

    def _protected(self, start: int, end: int) -> bool:
        """Whether a protective factor (a safety plan, an appointment) is near a hit."""
        return bool(self._find("protective", *self._window(start), start, end))

    def converge(self, result: Assessment) -> None:
        """An indicator in a crisis category (corroborated or not), read against the signals around it."""
        if result.rule.category in CRISIS_CATEGORIES and "historical" not in result.cues:
            _converge(result, *self._signals(result.start, result.end))
            self._happening_now(result)

    def _happening_now(self, result: Assessment) -> None:
        """Abuse or a threat still below high that its own sentence says is happening at this moment ("he's
        drunk and throwing stuff around the kitchen right now") is current abuse: high. Not when it is in
        the past or a protective factor is near ("my counsellor is with me")."""
        if (result.rule.category in _ABUSE_CATEGORIES and result.severity in ("routine", "elevated")
                and "historical" not in result.cues):
            now = self._find("now", *self._sentence(result.start), result.start, result.end)
            if now and not self._protected(result.start, result.end):
                result.apply(now[:1], "high")

    def _idioms(self, start: int, end: int) -> list[CueMatch]:
        """Idioms overlapping a hit, except those the rule deliberately spells out around more words
        ("wouldn't care if I got hit by a bus" holds the idiom "hit by a bus")."""
        return [cue for cue in self._overlapping("idiom", start, end)
                if not (start <= cue.start and cue.end <= end and end - start > cue.end - cue.start)]

    def _subject(self, start: int, words: int = 2) -> set[str]:
        """The last few words before a position in its clause (where "I" would sit in "I want to die")."""
        clause = _CLAUSE_PUNCTUATION.split(self.text[max(start - 60, 0):start])[-1]
        return set(_WORD.findall(clause)[-words:])

    def _near(self, start: int, end: int, words: int) -> bool:
        """True when at most `words` words separate the two positions, all in one clause."""
        between = self.text[start:end]
        if _CLAUSE_PUNCTUATION.search(between):
            return False
        tokens = _WORD.findall(between)
        if len(tokens) > words:
            return False
        for index, token in enumerate(tokens):
            if token in _CLAUSE_WORDS:
                return False
            if token in _SUBJECT_RESTART and index and tokens[index - 1] not in _REPORTING_VERBS:
                return False
        return True

    def _number_inside(self, cue: CueMatch, start: int, end: int) -> bool:
        """Whether a cue is only a number lying inside the longer span [start, end)."""
        return (start <= cue.start and cue.end <= end and cue.end - cue.start < end - start
                and not _LETTER.search(self.text, cue.start, cue.end))

    def assess(self, rule: Rule, start: int, end: int, log_only: bool) -> Assessment:
        """Read one hit: idioms, resources and negation first, then history and who it is about, then
        general framing, and last escalation."""
        result = Assessment(rule, start, end, rule.severity, log_only)
        resources = self._overlapping("resource", start, end)
        if rule.category == "personal_info":
            # A hotline is a resource, but one inside a longer number or an address ("112 Larkspur Avenue")
            # is not the whole of it.
            if re.sub(r"\D", "", self.text[start:end]) in self.hotlines and not _LETTER.search(self.text, start, end):
                result.apply([CueMatch("resource", start, end)], "none")
                return result
            resources = [cue for cue in resources if not self._number_inside(cue, start, end)]
        sentence_start, sentence_end = self._sentence(start)
        window_start, window_end = self._window(start)
        neutralisers = (
            self._idioms(start, end) + resources
            + (self._find("accident", sentence_start, sentence_end, start, end)
               if rule.category in _INJURY_CATEGORIES else [])
            + [cue for cue in self._find("negated", sentence_start, start, start, end)
               if self._near(cue.end, start, NEGATION_REACH)]
            + [cue for cue in self._find("negated_after", end, sentence_end, start, end)
               if len(_WORD.findall(self.text[end:cue.start])) <= NEGATION_AFTER_REACH])
        if neutralisers:
            result.apply(neutralisers[:1], "none")
            return result

        tokens = _WORD.findall(self.text[start:end])
        words = set(tokens)
        others = self._find("other_person", sentence_start, start, start, end)
        # Who it is about: the subject before the hit, its first word or a reflexive ("kill herself"),
        # not an object inside it ("take them").
        about = self._subject(start) | set(tokens[:1]) | (words & _REFLEXIVE)
        other_person = not words & _FIRST_PERSON and bool(others or about & _THIRD_PERSON)
        if other_person:
            result.apply(others[:1] or [CueMatch("other_person", start, end)])
        # The past: someone else's, or one the writer says they have recovered from, no longer needs
        # review; one's own lowers a tier. Current struggle ("lately", "again", urges) keeps it as it is.
        past = (self._find("recovered", window_start, window_end, start, start)
                + self._find("historical", sentence_start, sentence_end, start, start))  # "used to" counts inside
        if past and not self._find("current", window_start, window_end, start, end):
            gone = other_person or past[0].kind == "recovered"
            result.apply(past[:1], "none" if gone else _lower(result.severity))

        # Speaking in general terms ("if someone tells you they have a plan") is not a report of risk, so
        # it is read before the signals that would escalate a report; it never hides an urgent phrase.
        speaking_for_self = bool(words & _FIRST_PERSON or self._subject(start, 4) & _SUBJECT_RESTART)
        framable = rule.category in _FRAMED_CATEGORIES and not speaking_for_self
        if framable and _RANK[result.severity] <= _RANK["elevated"]:
            framing = (self._find("framing", sentence_start, sentence_end, start, start)  # may include the hit
                       + self._find("speaker", window_start, window_end, start, end))
            if framing:
                result.apply(framing[:1], "none")
                return result

        if rule.category in CRISIS_CATEGORIES and result.severity in ("elevated", "high"):
            intents = [cue for cue in self._find("intent", sentence_start, start, start, end)
                       if self._near(cue.end, start, INTENT_REACH)]
            signals, protected = self._signals(start, end)
            _escalate(result, intents[-1:], signals, (sentence_start, sentence_end), protected)
        self._happening_now(result)
        return result


def _converge(result: Assessment, signals: list[CueMatch], protected: bool) -> None:
    """Warning signs that each say little ("I've given my guitar away", "I'm at peace with it") are high
    when they meet two kinds of signal, a plan and a date, say: alone or with another sign, since two
    signals are company enough ("written the letters", the gun cabinet open, "tonight")."""
    if not protected and len({cue.kind for cue in signals}) >= 2:
        result.apply(signals, "high")


def _escalate(result: Assessment, intent: list[CueMatch], signals: list[CueMatch], sentence: tuple[int, int],
              protected: bool) -> None:
    """Intent right before a hit raises it a tier. A high hit with a plan, means or time frame around it
    is imminent. Ideation (elevated) becomes high with an immediate time or a plan, a time frame in its
    own sentence, or two kinds of signal; protective factors nearby (a safety plan, an appointment)
    keep it where it is."""
    if intent and result.severity == "elevated":
        result.apply(intent, "high")
    kinds = {cue.kind for cue in signals}
    if result.severity == "high" and kinds:
        result.apply(signals, "imminent")
        return
    if result.severity != "elevated" or protected:
        return
    timing_here = any(cue.kind == "timing" and sentence[0] <= cue.start < sentence[1] for cue in signals)
    if "immediacy" in kinds or "plan" in kinds or timing_here or len(kinds) >= 2:
        result.apply(signals, "high")


def _inside_any(cue: CueMatch, spans: list[CueMatch]) -> bool:
    return any(span.start <= cue.start and cue.end <= span.end for span in spans)


def _lower(severity: str) -> str:
    return SEVERITIES[max(_RANK[severity] - 1, 0)]


def _sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    return spans
