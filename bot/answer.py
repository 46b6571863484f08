"""The answer core: from a question and the corpus to verbatim quotes and honest caveats."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from bot import caveats
from bot.hedges import Cue
from bot.hedges.attribution import attributed_to
from bot.hedges.stored import sentence_cues
from bot.models import Answer, Citation, Highlight, Quote
from bot.questions import Entity, Question, analyse, mentions
from bot.spans import find_span
from index.lexical import stems
from index.models import Article, Hit, Passage

# Sharing the question's own words is strong evidence in news text, where the dense model alone
# often prefers a sentence on the same topic over the one that answers.
OVERLAP_WEIGHT = 0.4
# A sentence holding what the question asks for (a figure, a name, a date, a place).
SPAN_BONUS = 0.2


class QuestionError(ValueError):
    """The question cannot be asked as it stands (empty, too long)."""


class Corpus(Protocol):
    """What the answer core needs from the index."""

    def is_empty(self) -> bool: ...
    def search(self, query: str, k: int = 5) -> list[Hit]: ...
    def article_passages(self, article_id: int) -> list[Passage]: ...
    def also_reported(self, article_id: int) -> list[Article]: ...


@dataclass(frozen=True)
class AnswerSettings:
    top_k: int = 5
    max_quotes: int = 2
    # A best sentence below this similarity, sharing few words with the question, is no answer.
    min_similarity: float = 0.35
    high_confidence: float = 0.65
    medium_confidence: float = 0.5
    # Further quotes must score within this much of the best one.
    quote_margin: float = 0.05
    max_question_chars: int = 1000
    source_ratings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    index: int
    text: str
    similarity: float
    overlap: float
    names_ok: bool
    span: Highlight | None

    @property
    def score(self) -> float:
        """Dense similarity, plus credit for the question's words and an answer-shaped span."""
        bonus = SPAN_BONUS if self.span else 0.0
        return self.similarity + OVERLAP_WEIGHT * self.overlap + bonus


def check_question(text: str, settings: AnswerSettings) -> str:
    question = " ".join(text.split())
    if not question:
        raise QuestionError("the question is empty")
    if len(question) > settings.max_question_chars:
        raise QuestionError(
            f"the question is {len(question):,} characters long; "
            f"the limit is {settings.max_question_chars:,}"
        )
    return question


def ask(corpus: Corpus, text: str, settings: AnswerSettings | None = None) -> Answer:
    settings = settings or AnswerSettings()
    text = check_question(text, settings)
    if corpus.is_empty():
        return _unanswered(text, [caveats.EMPTY_INDEX])
    question = analyse(text)
    candidates = _candidates(question, corpus.search(text, k=settings.top_k))
    if not candidates:
        return _unanswered(text, [caveats.NOT_FOUND])
    best = candidates[0]
    if best.similarity < settings.min_similarity and best.overlap < 0.5:
        return _unanswered(text, [caveats.NOT_FOUND])
    if not best.names_ok:
        missing = [e.asked for e in question.entities if not _names(best, e)]
        return _unanswered(text, [caveats.NOT_FOUND, caveats.missing_entities(missing)])
    if question.kind == "quantity" and best.span is None:
        names = [e.asked for e in question.entities]
        related = (_quote(corpus, best, settings),)
        return _unanswered(text, [caveats.NOT_FOUND, caveats.no_figure(names)], related)
    return _answered(corpus, text, question, candidates, settings)


def _answered(
    corpus: Corpus,
    text: str,
    question: Question,
    candidates: list[_Candidate],
    settings: AnswerSettings,
) -> Answer:
    best = candidates[0]
    chosen = [best]
    for c in candidates[1:]:
        if len(chosen) >= settings.max_quotes:
            break
        if (
            c.score >= best.score - settings.quote_margin
            and c.names_ok
            and c.similarity >= settings.min_similarity
            and (question.kind != "quantity" or c.span is not None)
            and not _same_story(corpus, c, chosen)
        ):
            chosen.append(c)
    chosen = chosen[: settings.max_quotes]
    quotes = [_quote(corpus, c, settings) for c in chosen]
    confidence = _confidence(best, settings)
    notes: list[str] = []
    for position, (quote, candidate) in enumerate(zip(quotes, chosen, strict=True)):
        notes += [
            caveats.attribution(quote.citation),
            caveats.source_rating(quote.citation, settings.source_ratings),
        ]
        others = corpus.also_reported(quote.citation.article_id)
        if others:
            notes.append(caveats.also_reported([(a.source, a.title) for a in others]))
        notes += caveats.hedging(
            list(quote.hedges),
            _nearby_cues(corpus, candidate),
            position,
            source=attributed_to(quote.text, quote.hedges),
            figure=question.kind == "quantity",
        )
    if confidence == "low":
        notes.append(caveats.LOW_CONFIDENCE)
    return Answer(text, True, confidence, tuple(quotes), tuple(dict.fromkeys(notes)))


def _same_story(corpus: Corpus, candidate: _Candidate, chosen: list[_Candidate]) -> bool:
    """The same sentence again, or a sentence of a linked near-duplicate article: the answer
    says "also reported by" instead of quoting it twice."""
    for other in chosen:
        if " ".join(candidate.text.split()) == " ".join(other.text.split()):
            return True
        if candidate.hit.article.id != other.hit.article.id and candidate.hit.article.id in {
            a.id for a in corpus.also_reported(other.hit.article.id)
        }:
            return True
    return False


def _unanswered(text: str, notes: list[str], related: tuple[Quote, ...] = ()) -> Answer:
    return Answer(text, False, "none", (), tuple(notes), related)


def _confidence(best: _Candidate, settings: AnswerSettings) -> str:
    if best.score >= settings.high_confidence:
        return "high"
    if best.score >= settings.medium_confidence:
        return "medium"
    return "low"


def _candidates(question: Question, hits: list[Hit]) -> list[_Candidate]:
    """Every quotable sentence of the retrieved passages, best first.

    Sentences that name what the question names come first, then (for "how many") those that
    give a figure, then by score: a close paraphrase about the wrong country is no answer.
    """
    sentences = [
        (hit, i, hit.passage.sentence_text(i))
        for hit in hits
        for i in range(len(hit.passage.sentences))
        if quotable(hit.passage.sentence_text(i))
    ]
    sentence_stems = [stems(text) for _, _, text in sentences]
    weights = _term_weights(stems(" ".join(question.terms)), sentence_stems)
    total = sum(weights.values())
    found = []
    for (hit, i, text), words in zip(sentences, sentence_stems, strict=True):
        overlap = sum(w for term, w in weights.items() if term in words) / total if total else 0.0
        candidate = _Candidate(
            hit, i, text, hit.sentence_scores[i], overlap, True, find_span(question, text)
        )
        names_ok = all(_names(candidate, e) for e in question.entities)
        found.append(_replace_names(candidate, names_ok))
    found.sort(
        key=lambda c: (c.names_ok, question.kind != "quantity" or c.span is not None, c.score),
        reverse=True,
    )
    return found


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


def _replace_names(candidate: _Candidate, names_ok: bool) -> _Candidate:
    return _Candidate(
        candidate.hit,
        candidate.index,
        candidate.text,
        candidate.similarity,
        candidate.overlap,
        names_ok,
        candidate.span,
    )


def _names(candidate: _Candidate, entity: Entity) -> bool:
    """The sentence or its paragraph names the entity (a pronoun may stand for it)."""
    return mentions(candidate.text, entity) or mentions(candidate.hit.passage.text, entity)


_TERMINAL = re.compile(r"[.!?…][”’\"')\]]*$")


def quotable(sentence: str) -> bool:
    """A real sentence, not a heading or a 'You May Also Like' link line."""
    words = len(sentence.split())
    return words >= 4 and (bool(_TERMINAL.search(sentence)) or words >= 12)


def _quote(corpus: Corpus, candidate: _Candidate, settings: AnswerSettings) -> Quote:
    return Quote(
        text=candidate.text,
        citation=citation(candidate.hit.article, candidate.hit.passage.paragraph),
        score=candidate.score,
        highlight=candidate.span,
        hedges=sentence_cues(candidate.hit.passage, candidate.index),
    )


def citation(article: Article, paragraph: int) -> Citation:
    return Citation(
        article.id, article.title, article.source, article.url, article.published, paragraph
    )


def _nearby_cues(corpus: Corpus, candidate: _Candidate) -> list[Cue]:
    """Hedge cues in the sentences just before and after the quoted one, in article order."""
    sentences = [
        (p, i)
        for p in corpus.article_passages(candidate.hit.article.id)
        for i in range(len(p.sentences))
    ]
    at = next(
        (
            n
            for n, (p, i) in enumerate(sentences)
            if p.id == candidate.hit.passage.id and i == candidate.index
        ),
        None,
    )
    if at is None:
        return []
    cues: list[Cue] = []
    for passage, i in (*sentences[max(at - 1, 0) : at], *sentences[at + 1 : at + 2]):
        cues += sentence_cues(passage, i)
    return cues
