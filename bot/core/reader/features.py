"""What the reader sees of a question and one candidate sentence: a row of numbers.

The signals are the ones a careful reader checks: does the sentence use the question's rarer
words, does it hold the kind of thing asked for, does it name the question's people and places,
does it agree on numbers and negation, and how strongly did retrieval rank its passage.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np

from bot.core.models import Highlight
from bot.core.questions import QUESTION_KINDS, Question, mentions
from bot.core.spans import find_span
from index.lexical import stems, word_stems
from index.models import Hit, Passage

_TERMINAL = re.compile(r"[.!?…][”’\"')\]]*$")
_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without)\b|n[’']t\b", re.I
)
_DIGITS = re.compile(r"\d[\d,.]*")
# Words that narrow what is asked: "the largest", "the first", "fewer than"; a sentence that
# lacks the question's qualifier often answers a neighbouring question.
_QUALIFIER = re.compile(
    r"\b(?:most|least|more|less|fewer|first|last|only|best|worst|top|\w{3,}est|\w{3,}er than)\b",
    re.I,
)
_WH = ("what", "which", "who", "when", "where", "why", "how")


def quotable(sentence: str) -> bool:
    """A real sentence, not a heading or a 'You May Also Like' link line."""
    words = len(sentence.split())
    return words >= 4 and (bool(_TERMINAL.search(sentence)) or words >= 12)


@dataclass(frozen=True)
class Candidate:
    """A quotable sentence of a retrieved passage, with what the answer core needs of it."""

    hit: Hit
    rank: int  # the passage's place in retrieval's ranking, 0 first
    index: int  # the sentence's place in its passage
    text: str
    similarity: float  # dense similarity of the question to the sentence
    overlap: float  # share of the question's words it uses, weighted by their rarity
    named: frozenset[str]  # the question's names and places that it or its paragraph names
    span: Highlight | None  # what the question asks for (a figure, a date, a name, a place)
    entities: int  # how many names and places the question uses

    @property
    def names_ok(self) -> bool:
        """It or its paragraph names every place and name the question does."""
        return len(self.named) == self.entities


@dataclass(frozen=True)
class Pool:
    """Every candidate of one question, with the features the reader scores them by."""

    question: Question
    candidates: tuple[Candidate, ...]
    features: np.ndarray  # one row a candidate, SENTENCE_FEATURES columns
    absent_entities: tuple[str, ...]  # names the question uses that no retrieved article does
    missing_terms: tuple[str, ...]  # other question words that no retrieved article uses
    passages: Mapping[int, Sequence[Passage]]  # each retrieved article's passages, in order


def pool(question: Question, hits: list[Hit], passages: Mapping[int, Sequence[Passage]]) -> Pool:
    """The sentences of the retrieved passages, and a feature row for each.

    `passages` holds every passage of each hit's article: a sentence that answers often
    names no one ("he said") while its article does.
    """
    sentences, seen = [], set()
    for rank, hit in enumerate(hits):
        for i in range(len(hit.passage.sentences)):
            text = hit.passage.sentence_text(i)
            # A sentence printed twice (a page that repeats itself, a wire story on two
            # sites) is one candidate, from the better-ranked passage.
            key = " ".join(text.split()).lower()
            if quotable(text) and key not in seen:
                seen.add(key)
                sentences.append((rank, hit, i, text))
    terms = _question_stems(question)
    sentence_tokens = [list(_tokens(text)) for *_, text in sentences]
    sentence_named = [_named(text, question) for *_, text in sentences]
    sentence_stems = [
        _with_names(set(tokens), named)
        for tokens, named in zip(sentence_tokens, sentence_named, strict=True)
    ]
    weights = _term_weights(terms, sentence_stems)
    total = sum(weights.values())
    in_passage = {id(hit): _named(hit.passage.text, question) for hit in hits}
    passage_stems = {
        id(hit): _with_names(set(_stems_cached(hit.passage.text)), in_passage[id(hit)])
        for hit in hits
    }
    found = []
    for (rank, hit, i, text), words, named in zip(
        sentences, sentence_stems, sentence_named, strict=True
    ):
        overlap = sum(w for t, w in weights.items() if t in words) / total if total else 0.0
        found.append(
            Candidate(
                hit,
                rank,
                i,
                text,
                hit.sentence_scores[i],
                overlap,
                in_passage[id(hit)] | named,
                find_span(question, text),
                len({e.asked for e in question.entities}),
            )
        )
    articles = {
        hit.article.id: "\n".join([hit.article.title, *(p.text for p in passages[hit.article.id])])
        for hit in hits
        if hit.article.id in passages
    }
    article_named = {a: _named(t, question) for a, t in articles.items()}
    article_stems = {
        hit.article.id: _with_names(
            _article_stems(hit.article.title, passages[hit.article.id]),
            article_named[hit.article.id],
        )
        for hit in hits
        if hit.article.id in passages
    }
    rows = _rows(
        question,
        found,
        sentence_tokens,
        sentence_stems,
        sentence_named,
        passage_stems,
        weights,
        terms,
    )
    _article_columns(question, found, rows, article_named, article_stems, weights)
    named = set().union(*article_named.values(), *in_passage.values())
    seen = set().union(*article_stems.values(), *passage_stems.values())
    absent = _absent(question, named, seen)
    return Pool(question, tuple(found), rows, *absent, passages)


def _absent(
    question: Question, named: set[str], seen: set[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The question's names that none of the retrieved articles names, and its other words
    that none uses (`seen`: their stems)."""
    entities = tuple(e.asked for e in question.entities if e.asked not in named)
    named = {w.lower() for e in question.entities for w in e.asked.split()}
    terms = tuple(
        t
        for t in question.terms
        if t not in named and _stems_cached(t) and not _stems_cached(t) <= seen
    )
    return entities, terms


def _named(text: str, question: Question) -> frozenset[str]:
    """The question's entities that `text` names, in any of their forms."""
    return frozenset(e.asked for e in question.entities if mentions(text, e))


def _with_names(words: set[str], named: frozenset[str]) -> set[str]:
    """A text that names a question's entity in any of its forms ("Beijing" for "Chinese")
    counts as using the question's word for it."""
    for name in named:
        words = words | _stems_cached(name)
    return words


# Enough for the passages and sentences of many warm asks, small beside the index: a few MB.
@lru_cache(maxsize=4096)
def _stems_cached(text: str) -> frozenset[str]:
    """The stems of a name or a passage, worked out once however often it is retrieved."""
    return frozenset(stems(text))


@lru_cache(maxsize=16384)
def _tokens(sentence: str) -> tuple[str, ...]:
    return tuple(word_stems([sentence])[0])


def _article_stems(title: str, passages: Sequence[Passage]) -> set[str]:
    """The stems of an article's title and passages: no word spans two of them, so these are
    the stems of its whole text."""
    return set(_stems_cached(title)).union(*(_stems_cached(p.text) for p in passages))


def _question_stems(question: Question) -> set[str]:
    return stems(" ".join(question.terms))


def _term_weights(terms: set[str], sentences: list[set[str]]) -> dict[str, float]:
    """Inverse document frequency of each question term among the candidate sentences.

    A word the question shares with one sentence ("provocation") says more about which
    sentence answers than one that most candidates share ("missile").
    """
    count = len(sentences)
    return {
        term: math.log(1.0 + count / (1 + sum(term in words for words in sentences)))
        for term in terms
    }


SENTENCE_FEATURES = (
    "similarity",
    "similarity_gap",
    "similarity_rank",
    "passage_score",
    "passage_score_gap",
    "passage_rank",
    "passage_dense",
    "passage_lexical",
    "overlap",
    "overlap_gap",
    "overlap_window",
    "overlap_passage",
    "overlap_plain",
    "missing_weight",
    "bigrams",
    "names_ok",
    "entities",
    "entities_in_sentence",
    "span",
    *(f"kind_{k}" for k in QUESTION_KINDS),
    *(f"span_{k}" for k in QUESTION_KINDS),
    *(f"wh_{w}" for w in (*_WH, "other")),
    "numbers_asked",
    "numbers_agree",
    "negation_question",
    "negation_sentence",
    "sentence_words",
    "sentence_first",
    "terms",
    "names_article",
    "overlap_article",
    "missing_article_weight",
    "negation_added",
    "qualifier_missing",
    "missing_window_weight",
    "rarest_in_sentence",
)


def _rows(
    question: Question,
    found: list[Candidate],
    sentence_tokens: list[list[str]],
    sentence_stems: list[set[str]],
    sentence_named: list[frozenset[str]],
    passage_stems: dict[int, set[str]],
    weights: dict[str, float],
    terms: set[str],
) -> np.ndarray:
    rows = np.zeros((len(found), len(SENTENCE_FEATURES)), dtype=np.float32)
    if not found:
        return rows
    total = sum(weights.values()) or 1.0
    top_similarity = max(c.similarity for c in found)
    top_overlap = max(c.overlap for c in found)
    top_score = found[0].hit.score
    order = sorted(range(len(found)), key=lambda n: -found[n].similarity)
    similarity_rank = {n: r for r, n in enumerate(order)}
    wh = _wh_word(question.text)
    kind = question.kind
    asked_numbers = set(_DIGITS.findall(question.text))
    negated = bool(_NEGATION.search(question.text))
    qualifiers = {m.lower() for m in _QUALIFIER.findall(question.text)}
    rarest = max(sorted(weights), key=weights.get) if weights else None
    bigrams = _bigrams(word_stems([question.text])[0])
    index_of = {(id(c.hit), c.index): n for n, c in enumerate(found)}
    for n, c in enumerate(found):
        words = sentence_stems[n]
        window = set(words)
        for step in (-1, 1):
            other = index_of.get((id(c.hit), c.index + step))
            if other is not None:
                window |= sentence_stems[other]
        in_passage = passage_stems[id(c.hit)]
        missing = [w for t, w in weights.items() if t not in in_passage]
        sentence_bigrams = _bigrams(sentence_tokens[n])
        in_sentence = sum(e.asked in sentence_named[n] for e in question.entities)
        sentence_negated = bool(_NEGATION.search(c.text))
        lower = c.text.lower()
        values = {
            "negation_added": float(negated and not sentence_negated),
            "qualifier_missing": float(any(q not in lower for q in qualifiers)),
            "missing_window_weight": max(
                (w for t, w in weights.items() if t not in window), default=0.0
            ),
            "rarest_in_sentence": float(rarest in words) if rarest else 1.0,
            "similarity": c.similarity,
            "similarity_gap": c.similarity - top_similarity,
            "similarity_rank": math.log1p(similarity_rank[n]),
            "passage_score": c.hit.score,
            "passage_score_gap": c.hit.score - top_score,
            "passage_rank": math.log1p(c.rank),
            "passage_dense": c.hit.dense,
            "passage_lexical": c.hit.lexical,
            "overlap": c.overlap,
            "overlap_gap": c.overlap - top_overlap,
            "overlap_window": sum(w for t, w in weights.items() if t in window) / total,
            "overlap_passage": sum(w for t, w in weights.items() if t in in_passage) / total,
            "overlap_plain": len(terms & words) / len(terms) if terms else 0.0,
            "missing_weight": max(missing, default=0.0),
            "bigrams": len(bigrams & sentence_bigrams) / len(bigrams) if bigrams else 0.0,
            "names_ok": float(c.names_ok),
            "entities": float(len(question.entities)),
            "entities_in_sentence": in_sentence / len(question.entities)
            if question.entities
            else 1.0,
            "span": float(c.span is not None),
            f"kind_{kind}": 1.0,
            f"span_{kind}": float(c.span is not None),
            f"wh_{wh}": 1.0,
            "numbers_asked": float(bool(asked_numbers)),
            "numbers_agree": float(asked_numbers <= set(_DIGITS.findall(c.text)))
            if asked_numbers
            else 0.0,
            "negation_question": float(negated),
            "negation_sentence": float(sentence_negated),
            "sentence_words": math.log(len(c.text.split())),
            "sentence_first": float(c.index == 0),
            "terms": math.log1p(len(terms)),
        }
        for name, value in values.items():
            rows[n, _COLUMN[name]] = value
    return rows


_COLUMN = {name: n for n, name in enumerate(SENTENCE_FEATURES)}


def _article_columns(
    question: Question,
    found: list[Candidate],
    rows: np.ndarray,
    article_named: dict[int, frozenset[str]],
    article_stems: dict[int, set[str]],
    weights: dict[str, float],
) -> None:
    """How much of the question the sentence's whole article covers: an article that never
    uses the asked-for word cannot answer, whatever its best sentence looks like."""
    total = sum(weights.values()) or 1.0
    entities = question.entities
    for n, c in enumerate(found):
        article = c.hit.article.id
        words = article_stems.get(article, set())
        named = article_named.get(article, frozenset())
        rows[n, _COLUMN["names_article"]] = (
            sum(e.asked in named for e in entities) / len(entities) if entities else 1.0
        )
        rows[n, _COLUMN["overlap_article"]] = (
            sum(w for t, w in weights.items() if t in words) / total
        )
        rows[n, _COLUMN["missing_article_weight"]] = max(
            (w for t, w in weights.items() if t not in words), default=0.0
        )


def _wh_word(text: str) -> str:
    words = re.findall(r"[a-z]+", text.lower())
    return next((w for w in words[:3] if w in _WH), "other")


def _bigrams(tokens: list[str]) -> set[tuple[str, str]]:
    return set(pairwise(tokens))
