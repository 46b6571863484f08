"""Hand-kept lexicon of hedge and attribution phrases, for the kinds no training data labels."""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal, get_args

CueKind = Literal[
    "speculation", "belief", "condition", "investigation", "attribution", "unconfirmed"
]
CUE_KINDS: tuple[CueKind, ...] = get_args(CueKind)


@dataclass(frozen=True)
class Cue:
    """A verbatim span of the text; exact offsets let callers quote or highlight it safely.

    `scope_start`/`scope_end` bound the part of the sentence the cue governs (see scope.py);
    the detector sets them, and None means the whole sentence.
    """

    start: int
    end: int
    text: str
    kind: CueKind
    scope_start: int | None = None
    scope_end: int | None = None

    def covers(self, start: int, end: int) -> bool:
        """Whether this cue's scope reaches text[start:end]."""
        if self.scope_start is None or self.scope_end is None:
            return True
        return self.scope_start < end and start < self.scope_end


# Hand-kept lexicon. Spaces match any whitespace, ' matches ' or U+2019, and "X not" also matches
# "Xn't". Overlaps between entries are fine: the longest match wins, so keep phrases specific.
_LEXICON: dict[str, tuple[str, ...]] = {
    "unconfirmed": (
        "has not been confirmed",
        "have not been confirmed",
        "had not been confirmed",
        "was not confirmed",
        "has not confirmed",
        "have not confirmed",
        "officials have not confirmed",
        "not been independently verified",
        "not independently verified",
        "could not be independently verified",
        "cannot be independently verified",
        "could not be verified",
        "could not be confirmed",
        "unverified",
        "unconfirmed",
        "unsourced",
        "not been evidenced",
        "purported",
        "purporting",
        "purportedly",
        "yet to confirm",
        "declined to confirm",
        "no official confirmation",
        "no official notification",
        "yet to be verified",
        "yet to be confirmed",
        "impossible to verify",
        "no way to verify",
        "no immediate way to verify",
        "no actual proof",
        "no evidence",
        "not based on any first-hand knowledge",
        "questions remain unanswered",
        "withdrew that report",
        "withdrew the report",
        "purports",
        "unsubstantiated",
    ),
    "speculation": (
        "may",
        "might",
        "could",
        "possibly",
        "possible",
        "possibility",
        "probably",
        "likely",
        "unlikely",
        "perhaps",
        "apparently",
        "it appears",
        "appears to",
        "appear to",
        "what appears to be",
        "it seems",
        "seems",
        "seem to",
        "reportedly",
        "allegedly",
        "alleged",
        "reports suggest",
        "reports emerged suggesting",
        "suggesting",
        "suggests",
        "rumoured",
        "rumored",
        "rumours",
        "rumors",
        "supposedly",
        "arguably",
        "hopefully",
        "likelihood",
        "sounds like",
        "looks as though",
        "not clear",
        "not sure",
        "potential",
        "potentially",
        "speculation",
        "unclear",
        "cast doubt",
        "casts doubt",
        "casting doubt",
        "maybe",
        "chances",
        "gossip",
        "doubt",
        "improbable",
        "uncertain",
        "anyone's guess",
        "difficult to determine",
        "speculated",
        "apparent",
    ),
    "belief": (
        "it is thought",
        "it's thought",
        "is thought to",
        "thought to be",
        "it is believed",
        "is believed",
        "are believed",
        "believed to",
        "believe",
        "believes",
        "think",
        "thinks",
        "suspected",
        "expected to",
        "expects",
        "estimated",
        "estimating",
        "anticipate",
        "anticipates",
        "anticipated",
        "projection",
        "assume",
        "considered",
        "forecast",
        "forecasts",
        "predicts",
        "predicted",
        "predicting",
        "is said to",
        "are said to",
        "is reported to",
        "are reported to",
        "is understood to",
        "are understood to",
        "it has been claimed",
        "it is claimed",
    ),
    "condition": ("if", "unless", "in case", "depending on"),
    "investigation": (
        "whether",
        "to examine",
        "investigate",
        "investigating",
        "under investigation",
        "being investigated",
        "to determine",
        "under consideration",
    ),
    "attribution": (
        "according to",
        "said",
        "says",
        "told",
        "claimed",
        "claims",
        "reported",
        "reports",
        "sources",
        "officials said",
        "a spokesperson",
        "a spokesman",
        "a spokeswoman",
    ),
}

_CURLY_APOSTROPHE = "\u2019"
_APOSTROPHE = f"['{_CURLY_APOSTROPHE}]"

# Capitalised "May" is the month (or Theresa May) after these words or a day ("1 May"),
# or before a day or year ("May 3", "May 2017").
_MONTH_BEFORE = re.compile(
    r"(?<!\w)(?:in|of|on|since|until|last|next|early|late|mid|by|during|from|through|this"
    r"|Theresa|Mrs\.?|Ms\.?|\d{1,2}(?:st|nd|rd|th)?)[\s-]*$",
    re.IGNORECASE,
)
_MONTH_AFTER = re.compile(r",?\s+(?:\d{1,2}(?:st|nd|rd|th)?|\d{4})(?!\w)")

# Characters after which a capitalised word starts a (quoted) sentence rather than a title.
_SENTENCE_OPENERS = ".!?:,"


def _phrase_pattern(phrase: str) -> str:
    """Regex for one lexicon phrase, lenient about whitespace, apostrophes and n't."""
    pattern = ""
    for word in phrase.split():
        if word == "not" and pattern:
            pattern += rf"(?:\s+not|n{_APOSTROPHE}t)"
        else:
            escaped = re.escape(word).replace("'", _APOSTROPHE)
            pattern = rf"{pattern}\s+{escaped}" if pattern else escaped
    return pattern


def _kind_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    """One regex per kind; the lookahead reports a match at every start, even overlapping ones."""
    alternatives = "|".join(_phrase_pattern(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?=(?<!\w)({alternatives})(?!\w))", re.IGNORECASE)


_REGEXES = {kind: _kind_regex(_LEXICON[kind]) for kind in CUE_KINDS}


def _candidates(text: str) -> Iterator[tuple[int, int, str]]:
    """Every lexicon match, overlapping or not, as (start, end, kind)."""
    for kind, regex in _REGEXES.items():
        for match in regex.finditer(text):
            yield match.start(1), match.end(1), kind


def _is_month_may(text: str, start: int, end: int) -> bool:
    """'in May', 'May 3', 'May 2017' name a month, not a possibility."""
    if text[start:end] != "May":
        return False
    return bool(_MONTH_AFTER.match(text, end) or _MONTH_BEFORE.search(text[:start]))


def _in_quoted_title(text: str, start: int) -> bool:
    """A capitalised cue inside quotes that does not open a sentence is a title word.

    So the film “If Beale Street Could Talk” yields nothing, while
    he said: “If we lose, ...” keeps its "If". Straight quotes count by parity.
    """
    if not text[start].isupper():
        return False
    before = text[:start]
    inside = before.rfind("“") > before.rfind("”") or before.count('"') % 2 == 1
    lead = before.rstrip().rstrip('“"').rstrip()
    return inside and bool(lead) and lead[-1] not in _SENTENCE_OPENERS


# "said" that reports no claim: greetings, prayers, silence.
_NO_CLAIM_AFTER = re.compile(
    r"\s+(?:goodbye|good-bye|hello|farewell|grace|nothing|a prayer|prayers|yes|no)\b", re.I
)


def _reports_no_claim(text: str, end: int, kind: str) -> bool:
    """'She said goodbye' attributes nothing to anyone."""
    return kind == "attribution" and bool(_NO_CLAIM_AFTER.match(text, end))


def is_false_cue(text: str, start: int, end: int, kind: str) -> bool:
    """A match that reads like a cue but is not one in this sentence."""
    return (
        _is_month_may(text, start, end)
        or _in_quoted_title(text, start)
        or _reports_no_claim(text, end, kind)
    )


def _longest_first(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Keep the longest spans (earliest on ties) that overlap nothing already kept."""
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= k_start or start >= k_end for k_start, k_end, _ in kept):
            kept.append((start, end, kind))
    return sorted(kept)


def find_cues(text: str) -> list[Cue]:
    """Hedge and attribution cues in text, sorted by start, non-overlapping, longest match wins."""
    spans = (
        (start, end, kind)
        for start, end, kind in _candidates(text)
        if not is_false_cue(text, start, end, kind)
    )
    return [Cue(start, end, text[start:end], kind) for start, end, kind in _longest_first(spans)]


def hedge_phrases(cues: list[Cue], kinds: Iterable[CueKind] | None = None) -> list[str]:
    """Distinct cue texts of the given kinds (all when None), first spelling kept, in order.

    Unknown kinds raise ValueError, so a typo cannot silently drop every caveat.
    """
    wanted = set(CUE_KINDS if kinds is None else kinds)
    unknown = wanted.difference(CUE_KINDS)
    if unknown:
        raise ValueError(f"unknown cue kinds: {sorted(unknown)}")
    seen: set[str] = set()
    phrases: list[str] = []
    for cue in cues:
        key = " ".join(cue.text.replace(_CURLY_APOSTROPHE, "'").split()).casefold()
        if cue.kind in wanted and key not in seen:
            seen.add(key)
            phrases.append(cue.text)
    return phrases
