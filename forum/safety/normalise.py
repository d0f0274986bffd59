"""Normalisation: folds a post into lower-case Latin text for matching, with a map back to original offsets.

Two streams come out of one pass. `text` is the readable form (repeats of three or more squeezed to
two). `match_text` is what rules see: it also squeezes double letters to one, drops apostrophes and
turns runs of spaces, hyphens and quotes into one space, so "kiiill", "kill" and "kil" meet and rule
patterns (folded the same way, see match_form) need no allowance for them. Steps are str.translate and
compiled regexes, and offset maps are kept per edit rather than per character, so plain text costs little.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import cached_property

# Cyrillic, Greek and Armenian letters that look like Latin ones once case-folded (a hand-picked subset of
# Unicode TR39 confusables). They are folded only inside words that also contain Latin letters.
CONFUSABLES: dict[str, str] = {
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "һ": "h", "н": "h", "і": "i", "ј": "j", "к": "k",
    "ӏ": "l", "м": "m", "п": "n", "о": "o", "р": "p", "ԛ": "q", "г": "r", "ѕ": "s", "т": "t", "у": "y",
    "ү": "y", "ԝ": "w", "х": "x", "ь": "b",
    "α": "a", "β": "b", "ϲ": "c", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w", "γ": "y", "μ": "u",
    "օ": "o", "ս": "u", "ı": "i", "ɑ": "a", "ɡ": "g", "ɩ": "i",
    "σ": "c",  # the lunate sigma "ϲ" (a "c" lookalike) case-folds to "σ"
}
_CONFUSABLE_TABLE = str.maketrans(CONFUSABLES)

_PUNCTUATION = {"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'", "“": '"', "”": '"',
                "„": '"', "‟": '"', "″": '"', "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-",
                "−": "-"}
_PUNCTUATION_TABLE = str.maketrans(_PUNCTUATION)
# Blank-looking characters outside category Cf that are used to hide words.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
_DROPPED_CATEGORIES = frozenset({"Mn", "Me", "Cf"})
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")

# Leetspeak. "1", "!" and "|" all become "i"; phrase rules accept "i" wherever they expect "l", which
# covers "k1ll" and "1ife" alike.
LEET_SYMBOLS = "013457@$!|"
_LEET_TABLE = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                             "@": "a", "$": "s", "!": "i", "|": "i"})
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@$!|")
_LEET_HINT = re.compile(r"[013457@$!|](?:(?<=[a-z].)|(?=[a-z]))")
_NUMBER_WITH_UNIT = re.compile(r"\d{2,}[a-z]*|\d[a-z]{1,2}|\d(?:kg|lbs|cal|cals|kcal|mins|hrs|yrs|ish)")
_POSTCODE_OUTWARD = re.compile(r"[a-z]{1,2}\d{1,2}[a-z]?")
_POSTCODE_INWARD = re.compile(r" \d[a-z]{2}\b")
_DOMAIN_AFTER = re.compile(r"\.[a-z]")
_LETTER_RUN = re.compile(r"([a-z])\1+")  # after folding, letters worth squeezing are ASCII
_SEPARATORS = frozenset(' \t\r\f\v"-')
_SEPARATOR_HINT = re.compile(r'[\t\r\f\v"-]|  ')  # a lone space is already right

# Letters split by single spaces (three or more of them) or by dots, dashes or asterisks (two or more).
_SPACED_RUN = re.compile(r" ([a-z0-9](?: [a-z0-9]){2,})(?![\w']|[.*_~/-][a-z0-9])")
_SPLIT_HINT = re.compile(r"[.*_~/-](?<=[a-z0-9][.*_~/-])(?=[a-z0-9])")
# Words of spaced-out letters set apart by wider gaps: "e n d  i t", "i  w a n t  t o  d i e".
_SPACED_WORDS = re.compile(r"(?<![\w'])[a-z0-9](?: [a-z0-9])*(?: {2,}[a-z0-9](?: [a-z0-9])*)+(?![\w'])")
_WIDE_GAP = re.compile(r" {2,}")


# Latin letters NFKC leaves alone: small capitals ("ᴋɪʟʟ") and regional-indicator symbols ("🇰🇮🇱🇱").
_LATIN_FORMS: dict[str, str] = {
    **dict(zip("ᴀʙᴄᴅᴇꜰғɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡʏᴢ", "abcdeffghijklmnopqrstuvwyz", strict=True)),
    **{chr(0x1F1E6 + index): chr(ord("a") + index) for index in range(26)},
}


def _fold_char(char: str) -> str:
    """One character as the matcher sees it: NFKC, case-folded, without accents and invisible characters."""
    if char in _LATIN_FORMS:
        return _LATIN_FORMS[char]
    if char in _PUNCTUATION:
        return _PUNCTUATION[char]
    if char in _INVISIBLE:
        return ""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", char).casefold())
    kept = "".join(c for c in decomposed if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    return unicodedata.normalize("NFC", kept).translate(_PUNCTUATION_TABLE)


class _FoldTable(dict):
    """str.translate table filled on first use; remembers which characters do not fold one to one."""

    def __init__(self) -> None:
        super().__init__()
        self.irregular: set[str] = set()

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if len(folded) != 1:
            self.irregular.add(chr(code))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


class OffsetMap:
    """Maps positions of a derived stream to the stream it was made from. Stored piecewise, one segment per
    unchanged stretch (or per expanded character), so building it costs O(edits), not O(length)."""

    __slots__ = ("starts", "sources", "flat")

    def __init__(self) -> None:
        self.starts: list[int] = []  # where each segment begins in the derived stream
        self.sources: list[int] = []  # where it begins in the source stream
        self.flat: list[bool] = []  # True when the whole segment came from one source character

    def add(self, start: int, source: int, flat: bool = False) -> None:
        self.starts.append(start)
        self.sources.append(source)
        self.flat.append(flat)

    def __call__(self, position: int) -> int:
        segment = bisect_right(self.starts, position) - 1
        return self.sources[segment] + (0 if self.flat[segment] else position - self.starts[segment])


def _deletion_map(spans: list[tuple[int, int]]) -> OffsetMap:
    """The map for a stream with sorted, non-overlapping spans removed."""
    mapping = OffsetMap()
    position = derived = 0
    for start, end in spans:
        if start > position:
            mapping.add(derived, position)
            derived += start - position
        position = end
    mapping.add(derived, position)
    return mapping


def _delete(text: str, spans: list[tuple[int, int]]) -> tuple[str, OffsetMap | None]:
    """Remove sorted, non-overlapping spans; returns the new text and its map (None if nothing changed)."""
    if not spans:
        return text, None
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts.append(text[position:start])
        position = end
    parts.append(text[position:])
    return "".join(parts), _deletion_map(spans)


class Normalised:
    """Both streams for one text, with maps back to the original. The readable `text` is only built when
    asked for, since scanning needs just the matching stream."""

    def __init__(self, original: str, joined: str, maps: list[OffsetMap | None]) -> None:
        self.original = original
        self._joined = joined
        self._maps = maps  # original -> folded -> joined, applied in reverse to map back
        runs = letter_runs(joined)
        self._runs = runs
        drops = sorted(_squeezed(runs, keep=1) + [(i, i + 1) for i in _positions(joined, "'")])
        squeezed, squeeze_map = _delete(joined, drops)
        unleeted, leet_map = undo_leetspeak(squeezed, collapse=True)
        resqueeze_map = None
        if unleeted is not squeezed:
            # "bl0od" only now reads "blood", which the stream spells "blod". Runs of "i" stay: one of
            # them may be a "1" standing for "l" ("fee1ing").
            runs = [run for run in letter_runs(unleeted) if unleeted[run[0]] != "i"]
            unleeted, resqueeze_map = _delete(unleeted, _squeezed(runs, keep=1))
        self.match_text, space_map = single_spaced(unleeted)
        self._match_maps = [*maps, squeeze_map, leet_map, resqueeze_map, space_map]

    @cached_property
    def _readable(self) -> tuple[str, list[OffsetMap | None]]:
        readable, _ = undo_leetspeak(self._joined)
        readable, squeeze_map = _delete(readable, _squeezed(self._runs, keep=2))
        return readable, [*self._maps, squeeze_map]

    @property
    def text(self) -> str:
        """The readable stream: folded like match_text, but repeats squeezed only to two and apostrophes kept."""
        return self._readable[0]

    @property
    def offsets(self) -> list[int]:
        """offsets[i] is the index in `original` that produced text[i]."""
        return [self._locate(self._readable[1], i) for i in range(len(self.text))]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that produced text[start:end]."""
        return self._span(self._readable[1], start, end)

    def match_to_original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that produced match_text[start:end]."""
        return self._span(self._match_maps, start, end)

    @staticmethod
    def _locate(maps: list[OffsetMap | None], position: int) -> int:
        for mapping in reversed(maps):
            if mapping is not None:
                position = mapping(position)
        return position

    def _span(self, maps: list[OffsetMap | None], start: int, end: int) -> tuple[int, int]:
        if start >= end:
            position = self._locate(maps, start)
            return position, position
        original = self.original
        original_end = self._locate(maps, end - 1) + 1
        # Take in what folded into the last character: repeats squeezed away ("KiLLLL"), combining marks
        # and variation selectors.
        while original_end < len(original) and (
                unicodedata.category(original[original_end]) in ("Mn", "Me")
                or (original[original_end].isalpha()
                    and original[original_end].casefold() == original[original_end - 1].casefold())):
            original_end += 1
        return self._locate(maps, start), original_end


def normalise(text: str) -> Normalised:
    """Fold `text` for matching; see the module docstring and each step for what it guards against."""
    folded, fold_map = fold(text)
    if not folded.isascii():
        folded = fold_confusables(folded)
    joined, join_map = join_split_letters(folded)
    return Normalised(text, joined, [fold_map, join_map])


def match_form(word: str) -> str:
    """A plain word as it appears in match_text (for word lists compared against the stream)."""
    return normalise(word).match_text


def fold(text: str) -> tuple[str, OffsetMap | None]:
    """NFKC, case-fold, strip accents and invisible format characters (category Cf, soft hyphen, ...)."""
    if text.isascii():
        return text.lower(), None
    parts: list[str] = []
    irregular: list[int] = []
    position = 0
    for match in _NON_ASCII_RUN.finditer(text):
        start, end = match.span()
        parts.append(text[position:start].lower())
        parts.append(match.group().translate(_FOLD))
        if not _FOLD.irregular.isdisjoint(match.group()):
            irregular += [index for index in range(start, end) if text[index] in _FOLD.irregular]
        position = end
    parts.append(text[position:].lower())
    folded = "".join(parts)
    if not irregular:
        return folded, None
    mapping = OffsetMap()
    position = derived = 0
    for index in irregular:
        if index > position:
            mapping.add(derived, position)
            derived += index - position
        width = len(_FOLD[ord(text[index])])
        if width:
            mapping.add(derived, index, flat=True)
            derived += width
        position = index + 1
    mapping.add(derived, position)
    return folded, mapping


def fold_confusables(text: str) -> str:
    """Fold Cyrillic/Greek lookalikes to Latin inside words that also hold Latin letters.

    A word written wholly in another script (a Russian phrase) is left alone. One to one, so offsets hold.
    """
    pieces: list[str] = []
    position = scanned = 0
    for match in _NON_ASCII.finditer(text):
        if match.start() < scanned or not match.group().isalpha():
            continue
        start, end = match.start(), match.end()
        while start > 0 and text[start - 1].isalpha():
            start -= 1
        while end < len(text) and text[end].isalpha():
            end += 1
        scanned = end
        word = text[start:end]
        if any("a" <= c <= "z" for c in word) and all(c.isascii() or c in CONFUSABLES for c in word):
            pieces.append(text[position:start])
            pieces.append(word.translate(_CONFUSABLE_TABLE))
            position = end
    if not pieces:
        return text
    pieces.append(text[position:])
    return "".join(pieces)


def join_split_letters(text: str) -> tuple[str, OffsetMap | None]:
    """Join "s u i c i d e", "k.i.l.l" and "e-n-d"; ordinary words ("I", "a") are never joined.

    Spaced runs need three single letters, runs split by dots, dashes, asterisks, underscores, tildes or
    slashes two; a run needs at
    least two letters (digits may take part, so "s u 1 c 1 d e" joins before leetspeak is undone). A
    spaced run keeps a final "i" apart, as English words rarely end in one and "I" starts many clauses.
    """
    drops: list[int] = []
    phrases: list[tuple[int, int]] = []
    for match in _SPACED_WORDS.finditer(text) if "  " in text else ():
        letters = [len(word.replace(" ", "")) for word in _WIDE_GAP.split(match.group())]
        if max(letters) >= 3 and sum(letters) >= 4:
            phrases.append(match.span())
            start = match.start()
            for gap in _WIDE_GAP.finditer(match.group()):  # one space stays between words
                drops += range(start + gap.start() + 1, start + gap.end())
            drops += [index for index in range(*match.span()) if text[index] == " "  # inside a word
                      and text[index - 1] != " " and text[index + 1] != " "]
    for match in _SPACED_RUN.finditer(" " + text):
        if any(low <= match.start() < high for low, high in phrases):
            continue
        start, end = match.span(1)
        if end - start >= 7 and match.group(1).endswith(" i"):  # "t o m o r r o w I won't": "I" is a word
            end -= 2
        if sum(c.isalpha() for c in text[start - 1:end - 1]) >= 2:
            drops.extend(range(start, end - 1, 2))  # in `text` the run starts one earlier
    scanned = 0
    for hint in _SPLIT_HINT.finditer(text):
        separator = hint.start()
        start = separator - 1
        if start < scanned or (start and (text[start - 1].isalnum() or text[start - 1] in "'_")):
            continue
        end = separator + 2
        while end + 1 < len(text) and text[end] == text[separator] and text[end + 1].isalnum():
            end += 2
        scanned = end
        if end < len(text) and (text[end].isalnum() or text[end] in "'_"):
            continue
        # Two letters around one asterisk are a censored word ("g*n"), not a split one ("k*i*l*l").
        if sum(c.isalpha() for c in text[start:end]) >= (3 if text[separator] == "*" else 2):
            drops.extend(range(start + 1, end, 2))
            if end < len(text) and text[end] == text[separator] and text[end] != "." or (
                    text[end:end + 1] == "." and text[end + 1:end + 2] in ("", " ")):
                drops.append(end)  # the closing separator too: "k.i.l.l. myself", "k*i*l*l*"
    drops.sort()
    return _delete(text, [(p, p + 1) for p in drops])


def undo_leetspeak(text: str, collapse: bool = False) -> tuple[str, OffsetMap | None]:
    """Turn digits and symbols back into letters inside tokens that mix them with letters ("su1c1de").

    Numbers ("988", "2 years"), numbers with units ("48kg", "3am"), postcodes, e-mail addresses and
    handles keep their characters. With `collapse`, runs of one symbol shrink to one ("ki11" -> "kil").
    """
    if not _LEET_HINT.search(text):
        return text, None
    pieces: list[str] = []
    drops: list[tuple[int, int]] = []
    position = 0
    for start, end in _leet_tokens(text):
        pieces.append(text[position:start])
        pieces.append(text[start:end].translate(_LEET_TABLE))
        position = end
        if collapse:
            drops += [(s + 1, e) for s, e in _runs(text, start, end, LEET_SYMBOLS)]
    if not pieces:
        return text, None
    pieces.append(text[position:])
    return _delete("".join(pieces), sorted(drops))


def _leet_tokens(text: str) -> list[tuple[int, int]]:
    """Spans of word-like tokens that read as leetspeak."""
    spans: list[tuple[int, int]] = []
    last_end = -1
    for hint in _LEET_HINT.finditer(text):
        if hint.start() < last_end:
            continue
        start, end = hint.start(), hint.end()
        while start > 0 and text[start - 1] in _TOKEN_CHARS:
            start -= 1
        while end < len(text) and text[end] in _TOKEN_CHARS:
            end += 1
        last_end = end
        while start < end and text[start] in "!@":
            start += 1
        while end > start and text[end - 1] == "!":  # "help!" ends a sentence; "thought$" is leetspeak
            end -= 1
        if not _keeps_symbols(text, start, end):
            spans.append((start, end))
    return spans


def _keeps_symbols(text: str, start: int, end: int) -> bool:
    """True when a token's digits and symbols carry meaning of their own (units, codes, addresses)."""
    token = text[start:end]
    if not any("a" <= c <= "z" for c in token) or not any(c in LEET_SYMBOLS for c in token):
        return True
    if _NUMBER_WITH_UNIT.fullmatch(token):
        return True
    if _POSTCODE_OUTWARD.fullmatch(token) and _POSTCODE_INWARD.match(text, end):
        return True
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return before in "/:_." or after in "/:_@" or ("@" in token and bool(_DOMAIN_AFTER.match(text, end)))


def letter_runs(text: str) -> list[tuple[int, int]]:
    """Spans of two or more of the same letter, in order."""
    return [match.span() for match in _LETTER_RUN.finditer(text)]


def _runs(text: str, start: int, end: int, chars: str) -> list[tuple[int, int]]:
    """Spans of two or more of one of `chars` within text[start:end]."""
    runs: list[tuple[int, int]] = []
    for char in chars:
        found = text.find(char + char, start, end)
        while found != -1:
            stop = found + 2
            while stop < end and text[stop] == char:
                stop += 1
            runs.append((found, stop))
            found = text.find(char + char, stop, end)
    runs.sort()
    return runs


def single_spaced(text: str) -> tuple[str, OffsetMap | None]:
    """Turn each run of spaces, hyphens and double quotes into one space (a spaced dash into a comma, as
    it breaks a clause), so phrase rules need only allow a single space between words."""
    runs: list[tuple[int, int]] = []
    for match in _SEPARATOR_HINT.finditer(text):  # a run holds one of these, or two spaces
        start, end = match.span()
        if runs and start < runs[-1][1]:
            continue
        while start > 0 and text[start - 1] in _SEPARATORS:
            start -= 1
        while end < len(text) and text[end] in _SEPARATORS:
            end += 1
        runs.append((start, end))
    if not runs:
        return text, None
    pieces: list[str] = []
    position = 0
    for start, end in runs:
        run = text[start:end]
        pieces += [text[position:start], "," if "-" in run and " " in run else " "]
        position = end
    pieces.append(text[position:])
    return "".join(pieces), _deletion_map([(start + 1, end) for start, end in runs if end - start > 1])


def squeeze_repeats(text: str, keep: int = 2) -> tuple[str, OffsetMap | None]:
    """Squeeze runs of one letter to at most `keep` ("dieeee" -> "diee" with 2, "die" with 1)."""
    return _delete(text, _squeezed(letter_runs(text), keep))


def _squeezed(runs: list[tuple[int, int]], keep: int) -> list[tuple[int, int]]:
    return [(start + keep, end) for start, end in runs if end - start > keep]


def _positions(text: str, char: str) -> list[int]:
    positions: list[int] = []
    found = text.find(char)
    while found != -1:
        positions.append(found)
        found = text.find(char, found + 1)
    return positions
