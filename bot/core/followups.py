"""Follow-up questions: how a question is read with the conversation's last answer.

People ask "how many Chinese troops?", then "and Russia?", then "who says so?". The rules, in
order (README, "Conversations"):

1. With no earlier answer (none yet, or it expired), a question is its own.
2. "who says so?", "according to whom?", "says who?" ask who the last quote's claim is from;
   "when?", "when was that?" when it is from; "where?", "where was that?" where it places it;
   "is that confirmed?", "is it true?" how firmly the article states it. They are answered
   from that quote itself, never by a new search.
3. "and Russia?", "what about Japan?" (a short question that only names something) take the
   last question with the new name in place of the old: "how many Russian troops?".
4. "it", "that", "they", "them", "the figure" in a question that names nothing of its own
   point to the last answer: "the figure" to its highlighted words, "they" to the last
   question's name, "them", "it" and "that" to the last question's subject or else the
   highlighted words; a bare "how many?" takes the last question's subject.
5. "what does it say about refugees?" ("it", "that", "the article", "the story") asks the
   last answer's article alone about what follows "about".
6. Anything else has a subject of its own and starts afresh.

Rules 3 and 4 ask the last answer's article first, and the whole corpus when it does not
answer. Everything said here is a fixed template filled with the question's and the article's
own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from bot.core import caveats
from bot.core.hedges.attribution import attributed_to
from bot.core.models import Answer, Confidence, Highlight, Quote
from bot.core.questions import Entity, analyse, place_names
from bot.core.spans import find_span

ReadingKind = Literal[
    "fresh", "substituted", "refers", "in_article", "attribution", "date", "place", "certainty"
]
# The follow-ups answered from the last quote itself.
AboutQuote = Literal["attribution", "date", "place", "certainty"]
ABOUT_QUOTE: tuple[AboutQuote, ...] = ("attribution", "date", "place", "certainty")

# How each follow-up about the last quote is shown as understood.
ABOUT_QUOTE_READ_AS: dict[AboutQuote, str] = {
    "attribution": "who is the source of the last quote?",
    "date": "when is the last quote from?",
    "place": "where does the last quote place it?",
    "certainty": "how firmly does the article state the last quote?",
}
NOTHING_BEFORE = (
    "There is no earlier quote in this conversation to ask that about; ask the whole question."
)
NO_SOURCE = "The quoted sentence names no source of its own: the claim is the article's."
NO_TIME = "The quoted sentence gives no time of its own."
NO_PLACE = "newsbot finds no country or city named in the quoted sentence."
PLAIN = "The article states the quoted sentence plainly: it hedges none of its words."
NEAR_MISS = "The last quote was the closest passage to the last question, not an answer to it."
SAME_QUOTE = "This reads the last quote again: its confidence is that of the answer it came from."

_ATTRIBUTION = re.compile(
    r"(?:and |but )?(?:"
    r"(?:who|whom) (?:says|said|say|claims|claimed|claim|reports|reported|told|stated)"
    r"(?: (?:so|that|this|it))?"
    r"|says who|according to whom|according to who|who(?:'s|’s| is) (?:saying|claiming)"
    r"(?: (?:so|that|this|it))?|(?:what|which|who) (?:is|was|'s|’s) (?:the|their|its) source"
    r"|whose (?:claim|words|figure) (?:is|was) (?:that|this|it)|source)"
)
_DATE = re.compile(
    r"(?:and |but )?(?:when|since when|what (?:date|day|time|year))"
    r"(?: (?:was|is|did|does|were|are))?(?: (?:that|this|it|they))?"
    r"(?: (?:said|say|reported|report|published|written|happen|happened|announced))?"
)
_PLACE = re.compile(
    r"(?:and |but )?(?:where|in which (?:country|city|place)|what (?:country|city|place))"
    r"(?: (?:was|is|did|does|were|are))?(?: (?:that|this|it|they))?"
    r"(?: (?:said|reported|happen|happened|happening|go|going|headed|heading|based|sent))?"
)
# Longest first: "and in Russia" is "and in" and a name, not "and" and "in Russia".
_CERTAINTY = re.compile(
    r"(?:and |but )?(?:(?:is|was|are|were) (?:that|it|this|they|the figure|the number) "
    r"(?:really )?(?:true|confirmed|certain|sure|official|verified|correct|accurate|right)"
    r"|(?:how )?(?:sure|certain|reliable) is (?:that|it|this)|is that so|really)"
)
_ONLY_NAMES = re.compile(
    r"(?:and what about|and how about|and also|and for|and in|and|but|or|also|what about"
    r"|how about|what of|same for) (?P<name>.+)"
)
# "what does it say about refugees": the last article, asked about what follows "about".
_IN_ARTICLE = re.compile(
    r"(?:and |but |so )?(?:what|what else) (?:does|did|do) (?:it|that|this|the (?:article|story"
    r"|report|piece)) (?:say|says|tell us|report|write|mention) (?:about|of|on) (?P<topic>.+)"
)
_MAX_NAME_WORDS = 4
_FIGURE = re.compile(r"\b(?:the|that|this) (?:figure|number|amount|total)\b", re.I)
_THEY = re.compile(r"\bthey\b", re.I)
_THEM = re.compile(r"\bthem\b", re.I)
# A bare question of quantity ("how many?") asks it of the last question's subject.
_BARE_QUANTITY = re.compile(r"(?:and )?(?:how (?:many|much)|what (?:number|figure))", re.I)
_THEIR = re.compile(r"\btheir\b", re.I)
_SINGULAR = re.compile(r"\b(?:it|that|this)\b", re.I)
_WORD = re.compile(r"[\w’'-]+")
# How a question without its question mark starts: "who says so", "how many", "is it true".
_ASKING = re.compile(
    r"(?:who|whom|whose|what|which|when|where|why|how|is|are|was|were|do|does|did|can|could"
    r"|will|would|should|has|have|had|tell me|according to)(?:’s|'s)?\b",
    re.I,
)


@dataclass(frozen=True)
class Turn:
    """What a conversation keeps of its last answer: the question as newsbot read it, and the
    quote it showed first (the answer's, or the near miss when it had none)."""

    question: str
    quote: Quote | None = None
    answered: bool = False
    confidence: Confidence = "none"
    probability: float = 0.0


@dataclass(frozen=True)
class Reading:
    """How a question is read: its `kind`, the question as understood, and the article the
    last answer quoted, asked first (None: the whole corpus only)."""

    kind: ReadingKind
    question: str
    article_id: int | None = None
    shown: str | None = None  # how it is shown as understood, when not as `question`

    @property
    def about_quote(self) -> bool:
        return self.kind in ABOUT_QUOTE

    def read_as(self) -> str | None:
        """The question as understood, to show beside the answer; None when it is as typed."""
        if self.kind == "fresh":
            return None
        if self.kind in ABOUT_QUOTE:
            return ABOUT_QUOTE_READ_AS[self.kind]  # type: ignore[index]
        return self.shown or self.question


def is_question(text: str) -> bool:
    """Whether a message that does not mention newsbot asks it something: it ends with a
    question mark or starts as a question does. A "thanks!" in a thread is left alone."""
    typed = " ".join(analyse(text).text.split())
    return typed.endswith("?") or bool(_ASKING.match(typed))


def read(text: str, previous: Turn | None) -> Reading:
    """How `text` is read after `previous` (None: no conversation before it)."""
    typed = " ".join(analyse(text).text.split())
    if previous is None:
        return Reading("fresh", typed)
    bare = typed.lower().rstrip("?!. ")
    for kind, pattern in (
        ("attribution", _ATTRIBUTION),
        ("date", _DATE),
        ("place", _PLACE),
        ("certainty", _CERTAINTY),
    ):
        if pattern.fullmatch(bare):
            return Reading(kind, typed)  # type: ignore[arg-type]
    article = previous.quote.citation.article_id if previous.quote else None
    in_article = _IN_ARTICLE.fullmatch(bare)
    if in_article is not None:
        return _in_article(typed[in_article.start("topic") :].rstrip("?!. "), previous)
    named = _only_names(typed)
    if named is not None:
        return Reading("substituted", _substituted(previous.question, named), article)
    if not analyse(typed).entities:
        referred = _referred(typed, previous)
        if referred is not None:
            return Reading("refers", referred, article)
    return Reading("fresh", typed)


def _in_article(topic: str, previous: Turn) -> Reading:
    """ "what does it say about `topic`?": the last quote's article alone, asked "what about
    `topic`?"; with no last quote, the whole corpus."""
    question = f"what about {topic}?"
    if previous.quote is None:
        return Reading("refers", question)
    citation = previous.quote.citation
    shown = f"what does “{citation.title}” say about {topic}?" if citation.title else None
    return Reading("in_article", question, citation.article_id, shown)


def _only_names(text: str) -> Entity | None:
    """The name a short question only names ("and Russia?", "what about Japan?", "Russia?")."""
    bare = text.rstrip("?!. ")
    match = _ONLY_NAMES.fullmatch(bare.lower())
    rest = bare[match.start("name") :] if match else bare
    if len(rest.split()) > _MAX_NAME_WORDS:
        return None
    entities = analyse(f"Of {rest}").entities  # a first word is never taken for a name
    if len(entities) != 1:
        return None
    words = [w for w in _WORD.findall(rest) if w.lower() not in ("the",)]
    if len(words) != len(entities[0].asked.split()):
        return None  # the rest says more than a name: its own question
    return entities[0]


def _substituted(question: str, new: Entity) -> str:
    """`question` with its first name replaced by `new`, in the same form: a people's name for
    a people's name ("Chinese" to "Russian"), a country's for a country's."""
    old = next(iter(analyse(question).entities), None)
    bare = question.rstrip("?!. ")
    if old is None:
        return f"{bare} ({_name(new)})?"
    form = _demonym(new) if _is_demonym(old) else _name(new)
    at = re.search(rf"(?<!\w){re.escape(old.asked)}(?!\w)", bare)
    if at is None:
        return f"{bare} ({form})?"
    return f"{bare[: at.start()]}{form}{bare[at.end() :]}?"


def _name(entity: Entity) -> str:
    """A place by its own name ("russia" is asked as "Russia"); other names as typed."""
    forms = place_names().get(entity.asked.lower())
    return forms[0] if forms else entity.asked


def _demonyms(forms: tuple[str, ...]) -> list[str]:
    """A country's other names and demonyms (its cities have entries of their own)."""
    table = place_names()
    return [f for f in forms[1:] if table.get(f.lower()) == forms]


def _is_demonym(entity: Entity) -> bool:
    forms = place_names().get(entity.asked.lower())
    return forms is not None and entity.asked.lower() in {f.lower() for f in _demonyms(forms)}


def _demonym(entity: Entity) -> str:
    forms = place_names().get(entity.asked.lower())
    if not forms:
        return entity.asked
    return next(iter(_demonyms(forms)), forms[0])


def _referred(text: str, previous: Turn) -> str | None:
    """`text` with what its "it", "they" or "the figure" points to; None when it points to
    nothing (a question of its own without names, such as "what is a missile?")."""
    marked = previous.quote.highlight if previous.quote else None
    highlight = marked.text if marked else None
    name = next((_name(e) for e in analyse(previous.question).entities), None)
    subject = _subject(previous.question) or highlight
    bare = text.rstrip("?!. ")
    if _FIGURE.search(bare) and highlight:
        found = _FIGURE.search(bare)
        assert found is not None
        return f"{bare[: found.end()]} “{highlight}”{bare[found.end() :]}?"
    if _THEY.search(bare) and name:
        return _THEY.sub(name, bare, count=1) + "?"
    if _THEIR.search(bare) and name:
        return _THEIR.sub(f"{name}’s", bare, count=1) + "?"
    for pronoun in (_THEM, _SINGULAR):
        if pronoun.search(bare) and subject:
            return pronoun.sub(subject, bare, count=1) + "?"
    if _BARE_QUANTITY.fullmatch(bare) and subject:
        return f"{bare} {subject}?"  # "how many?"
    return None


def _subject(question: str) -> str:
    """The last question's own words, in its order: "Chinese troops" of "how many Chinese
    troops?"."""
    terms = set(analyse(question).terms)
    words = [w.strip(".'’-") for w in _WORD.findall(question)]
    return " ".join(w for w in words if w and w.lower() in terms)


def understood(reading: Reading, previous: Turn | None) -> str:
    """The question as understood, on its own: what feedback records. A follow-up about the
    last quote names that quote ("who is the source of “…”?"), one about the last article
    names that article."""
    if not reading.about_quote or previous is None or previous.quote is None:
        return reading.shown or reading.question
    asked = ABOUT_QUOTE_READ_AS[reading.kind]  # type: ignore[index]
    return asked.replace("the last quote", f"“{previous.quote.text}”")


def about_quote(reading: Reading, typed: str, previous: Turn | None) -> Answer:
    """The answer to "who says so?", "when?" or "where?": the last quote again, its answering
    words marked, with what the article and the sentence say of its source, time or place."""
    if previous is None or previous.quote is None:
        return Answer(typed, False, "none", (), (NOTHING_BEFORE,))
    quote = previous.quote
    if reading.kind == "attribution":
        highlight, notes = _source(quote)
    elif reading.kind == "date":
        highlight = find_span(analyse("When?"), quote.text)
        told = (
            f"The quoted sentence itself says when: “{highlight.text}”." if highlight else NO_TIME
        )
        notes = [caveats.as_of(quote.citation), told]
    elif reading.kind == "place":
        highlight = find_span(analyse("Where?"), quote.text) or _gazetteer_place(quote.text)
        told = f"The quoted sentence itself says where: “{highlight.text}”." if highlight else None
        notes = [told or NO_PLACE, caveats.attribution(quote.citation)]
    else:
        highlight = quote.highlight
        hedged = caveats.hedging(
            list(quote.hedges),
            [],
            source=attributed_to(quote.text, quote.hedges),
            highlight=highlight,
        )
        notes = [caveats.attribution(quote.citation), *(hedged or [PLAIN])]
    if not previous.answered:
        notes.append(NEAR_MISS)
    notes.append(SAME_QUOTE)
    confidence: Confidence = previous.confidence if previous.answered else "low"
    return Answer(
        typed,
        True,
        confidence,
        (replace(quote, highlight=highlight),),
        tuple(dict.fromkeys(notes)),
        probability=previous.probability,
    )


def _source(quote: Quote) -> tuple[Highlight | None, list[str]]:
    """Whom the sentence credits, in its own words and marked in it, and the article's
    attribution and hedges."""
    source = attributed_to(quote.text, quote.hedges)
    at = quote.text.find(source) if source else -1
    highlight = Highlight(at, at + len(source), source) if source and at >= 0 else None
    notes = [caveats.attribution(quote.citation)]
    if not source and not any(cue.kind == "attribution" for cue in quote.hedges):
        notes.append(NO_SOURCE)
    return highlight, notes + caveats.hedging(list(quote.hedges), [], source=source)


def _gazetteer_place(sentence: str) -> Highlight | None:
    """The first country or city of newsbot's list the sentence names by its own name; a
    people's name ("Russian troops") says whose, not where."""
    places = place_names()
    for match in _WORD.finditer(sentence):
        word = re.sub(r"[’']s$", "", match.group()).strip("’'-")  # "China’s": China
        forms = places.get(word.lower())
        if forms and word[:1].isupper() and word.lower() == forms[0].lower():
            start = match.start() + match.group().index(word)
            return Highlight(start, start + len(word), word)
    return None


def turn_after(answer: Answer, reading: Reading, previous: Turn | None) -> Turn:
    """What the conversation keeps after `answer`: a follow-up about the last quote keeps the
    turn it was about, so "and when?" after "who says so?" asks of the same quote."""
    if reading.about_quote and previous is not None:
        return previous
    shown = (answer.quotes or answer.related)[:1]
    return Turn(
        reading.question,
        shown[0] if shown else None,
        answer.answered,
        answer.confidence,
        answer.probability,
    )
