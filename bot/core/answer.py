"""The answer core: from a question and the corpus to verbatim quotes and honest caveats."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core import caveats, comparing, conflicting
from bot.core.filters import dated_within
from bot.core.hedges import Cue
from bot.core.hedges.attribution import attributed_to
from bot.core.hedges.stored import sentence_cues
from bot.core.looking import Looking, look, no_day, search
from bot.core.models import Answer, Citation, Confidence, Quote, Window
from bot.core.questions import Question
from bot.core.reader.features import Candidate, Pool, pool
from bot.core.reader.model import Reading, default_reader, load_reader
from bot.core.reader.similarity import SimilarityReader
from bot.core.recency import newest_answer
from bot.core.revisions import revised
from bot.core.timewords import time_words
from index.errors import UserError
from index.models import Article, ArticleVersion, Filters, Hit, Passage, Scope


class QuestionError(UserError):
    """The question cannot be asked as it stands (empty, too long); the asker can fix it."""


class Corpus(Protocol):
    """What the answer core needs from the index; `scope` is where the question is asked."""

    def is_empty(self) -> bool: ...
    def search(
        self, query: str, k: int = 5, scope: Scope = None, filters: Filters | None = None
    ) -> list[Hit]: ...
    def passages_of_articles(self, article_ids: Iterable[int]) -> dict[int, list[Passage]]: ...
    def also_reported(self, article_id: int, scope: Scope = None) -> list[Article]: ...
    def versions(self, article_id: int) -> list[ArticleVersion]: ...


class Reader(Protocol):
    def read(self, pool: Pool) -> Reading: ...


@dataclass(frozen=True)
class AnswerSettings:
    top_k: int = 5
    max_quotes: int = 2
    # Below this probability that the best sentence answers, newsbot abstains.
    min_probability: float = 0.4
    # The reported confidence: "high" from high_probability, "medium" from medium_probability,
    # "low" from min_probability up to medium_probability.
    high_probability: float = 0.9
    medium_probability: float = 0.5
    # A further quote must be this likely itself, and within quote_margin of the first.
    quote_margin: float = 0.2
    max_question_chars: int = 1000
    # "trained": the shipped reader; "similarity": the earlier hand-weighted scorer.
    reader: Literal["trained", "similarity"] = "trained"
    # A weights file written by the reader's training; empty for the one in the package.
    reader_model: str = ""
    # Used by the similarity reader only: below this, with few shared words, it abstains.
    min_similarity: float = 0.35
    # The IANA time zone whose calendar "today", "yesterday" and "this week" follow.
    timezone: str = "UTC"
    source_ratings: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        zone(self.timezone)
        if self.reader not in ("trained", "similarity"):
            raise ValueError(f'reader must be "trained" or "similarity", not {self.reader!r}')
        if not 0.0 <= self.min_probability <= 1.0:
            raise ValueError("min_probability must be between 0 and 1")


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name` ("Europe/London"), or a ValueError saying it is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder, say "Europe"
        raise ValueError(
            f'timezone must be an IANA time zone name such as "Europe/London", not {name!r}'
        ) from None


def reader_for(settings: AnswerSettings) -> Reader:
    """The configured reader; its files are read once per process."""
    if settings.reader == "similarity":
        return SimilarityReader(settings.min_similarity)
    if settings.reader_model:
        return _reader_in(settings.reader_model)
    return default_reader()


@cache
def _reader_in(path: str) -> Reader:
    return load_reader(Path(path).expanduser())


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


def ask(
    corpus: Corpus,
    text: str,
    settings: AnswerSettings | None = None,
    reader: Reader | None = None,
    scope: Scope = None,
    filters: Filters | None = None,
    now: datetime | None = None,
    compare: bool = False,
) -> Answer:
    """The answer from the articles visible from `scope` (the shared corpus, and that server's
    or workspace's own) that pass the asker's `filters` and the question's own time words,
    read as of `now` (None: the system clock, in UTC). With `compare`, what each article
    says: one quote an article, the newest first."""
    settings = settings or AnswerSettings()
    text = check_question(text, settings)
    reader = reader or reader_for(settings)
    asked = filters or Filters()
    if corpus.is_empty():
        window = Window(asked.since, asked.until)
        return _unanswered(text, [caveats.EMPTY_INDEX], window=window)
    timing = time_words(text, now or datetime.now(UTC))
    found_at = look(corpus, timing, asked, settings.top_k, scope)
    if found_at is None:
        raise QuestionError(no_day(timing, asked))
    looking, hits = found_at
    found, reading = _read(corpus, looking, hits, reader, settings, scope)
    notes = list(looking.notes)
    if not hits and (looking.window.since or looking.window.until):
        notes.append(caveats.none_in(looking.window, looking.filters.source))
    if not reading.order:
        return _unanswered(text, [caveats.NOT_FOUND, *notes], window=looking.window)
    best = found.candidates[reading.order[0]]
    if reading.probability < settings.min_probability:
        # The near miss is worth showing only when it is about what the question names.
        near = _quote(best, reading.scores[reading.order[0]], reading.probability)
        related = () if found.absent_entities else (near,)
        notes = [caveats.NOT_FOUND, _missing(found, best), *notes]
        return _unanswered(text, notes, related, reading.probability, looking.window)
    choice = _Choice(corpus, found, reading, reader, settings, scope)
    answer = _answered(text, corpus, choice, compare, settings, scope, looking.filters)
    return replace(answer, caveats=(*answer.caveats, *notes), window=looking.window)


def _read(
    corpus: Corpus,
    looking: Looking,
    hits: list[Hit],
    reader: Reader,
    settings: AnswerSettings,
    scope: Scope,
) -> tuple[Pool, Reading]:
    """The reader's verdict on what was found; for "latest", on the newest that answers."""
    found = _pool(corpus, looking.question, hits)
    reading = reader.read(found)
    if looking.window.prefer != "newest":
        return found, reading

    def among(limits: Filters) -> tuple[Pool, Reading]:
        hits = search(corpus, looking, settings.top_k, scope, limits)
        newer = _pool(corpus, looking.question, hits)
        return newer, reader.read(newer)

    return newest_answer(among, looking.filters, found, reading, settings.min_probability)


def _pool(corpus: Corpus, question: Question, hits: list[Hit]) -> Pool:
    found = corpus.passages_of_articles(hit.article.id for hit in hits)
    passages = {hit.article.id: found.get(hit.article.id, []) for hit in hits}
    return pool(question, hits, passages)


def candidate_pool(
    corpus: Corpus,
    question: Question,
    settings: AnswerSettings,
    scope: Scope = None,
    filters: Filters | None = None,
) -> Pool:
    """The sentences of the best passages, with what the reader reads of each."""
    hits = corpus.search(question.text, k=settings.top_k, scope=scope, filters=filters)
    return _pool(corpus, question, hits)


def _missing(found: Pool, best: Candidate) -> str:
    """What the closest passages lack, in newsbot's fixed words."""
    question = found.question
    if found.absent_entities:
        return caveats.missing_entities(list(found.absent_entities))
    named = [e.asked for e in question.entities]
    if question.kind == "quantity" and best.span is None:
        return caveats.no_figure(named)
    return caveats.not_said(named, list(found.missing_terms))


@dataclass(frozen=True)
class _Choice:
    """Which sentences an answer quotes, and where the articles they come from disagree."""

    corpus: Corpus
    found: Pool
    reading: Reading
    reader: Reader
    settings: AnswerSettings
    scope: Scope

    def best(self) -> list[int]:
        """The reader's best sentence, and up to `max_quotes` as likely from other stories."""
        reading, settings, found = self.reading, self.settings, self.found
        chosen = [reading.order[0]]
        for i in reading.order[1:]:
            if len(chosen) >= settings.max_quotes:
                break
            p = reading.probabilities.get(i)
            if (
                p is not None
                and p >= settings.min_probability
                and p >= reading.probability - settings.quote_margin
                and not self.same_story(found.candidates[i], *(found.candidates[c] for c in chosen))
            ):
                chosen.append(i)
        return chosen

    def same_story(self, candidate: Candidate, *chosen: Candidate) -> bool:
        return _same_story(self.corpus, candidate, list(chosen), self.scope)

    def quote(self, i: int, probability: float | None = None) -> Quote:
        """Candidate i quoted; `probability` is its article's reading of it, when it was read
        among that article's sentences alone."""
        p = self.reading.probabilities.get(i) if probability is None else probability
        return _quote(self.found.candidates[i], self.reading.scores[i], p)


def _answered(
    text: str,
    corpus: Corpus,
    choice: _Choice,
    compare: bool,
    settings: AnswerSettings,
    scope: Scope,
    limits: Filters,
) -> Answer:
    found, reading = choice.found, choice.reading
    answering = comparing.answering(
        found, reading, choice.reader.read, choice.same_story, settings.min_probability
    )
    likely = dict(answering)
    chosen = comparing.newest_first(found, answering) if compare else choice.best()
    disagreements = conflicting.disagreements(found, [i for i, _ in answering])
    chosen = conflicting.with_sides(found, chosen, disagreements, compare)
    first = reading.order[0]
    quotes = [choice.quote(i, None if i == first else likely.get(i)) for i in chosen]
    quotes = revised(corpus, quotes)
    conflicts = conflicting.conflicts(found, chosen, disagreements, quotes, compare)
    confidence = confidence_band(reading.probability, settings)
    notes: list[str] = []
    for position, (quote, i) in enumerate(zip(quotes, chosen, strict=True)):
        notes += [
            caveats.attribution(quote.citation),
            caveats.as_of(quote.citation),
            caveats.source_rating(quote.citation, settings.source_ratings),
        ]
        notes += caveats.revision(quote.revision, position)
        # Other reports of the story, from the dates the answer looked within.
        others = corpus.also_reported(quote.citation.article_id, scope)
        notes += caveats.also_reported([a for a in others if dated_within(limits, a)])
        notes += caveats.hedging(
            list(quote.hedges),
            _nearby_cues(found, found.candidates[i]),
            position,
            source=attributed_to(quote.text, quote.hedges),
            figure=found.question.kind == "quantity",
            highlight=quote.highlight,
            answer=caveats.ANSWER_NOUNS.get(found.question.kind, "answer"),
        )
    if confidence == "low":
        notes.append(caveats.LOW_CONFIDENCE)
    return Answer(
        text,
        True,
        confidence,
        tuple(quotes),
        tuple(dict.fromkeys(notes)),
        probability=reading.probability,
        conflicts=conflicts,
    )


def _same_story(
    corpus: Corpus, candidate: Candidate, chosen: list[Candidate], scope: Scope
) -> bool:
    """The same sentence again, or a sentence of a linked near-duplicate article: the answer
    says "also reported by" instead of quoting it twice."""
    for other in chosen:
        if " ".join(candidate.text.split()) == " ".join(other.text.split()):
            return True
        if candidate.hit.article.id != other.hit.article.id and candidate.hit.article.id in {
            a.id for a in corpus.also_reported(other.hit.article.id, scope)
        }:
            return True
    return False


def _unanswered(
    text: str,
    notes: list[str],
    related: tuple[Quote, ...] = (),
    probability: float = 0.0,
    window: Window | None = None,
) -> Answer:
    return Answer(text, False, "none", (), tuple(notes), related, probability, window or Window())


def confidence_band(probability: float, settings: AnswerSettings) -> Confidence:
    if probability >= settings.high_probability:
        return "high"
    if probability >= settings.medium_probability:
        return "medium"
    return "low"


def _quote(candidate: Candidate, score: float, probability: float) -> Quote:
    return Quote(
        text=candidate.text,
        citation=citation(candidate.hit.article, candidate.hit.passage.paragraph),
        score=score,
        highlight=candidate.span,
        hedges=sentence_cues(candidate.hit.passage, candidate.index),
        probability=probability,
    )


def citation(article: Article, paragraph: int) -> Citation:
    return Citation(
        article.id,
        article.title,
        article.source,
        article.url,
        article.published,
        paragraph,
        caveats.uploaded(article.added_by, article.added_at),
        article.updated,
    )


def _nearby_cues(found: Pool, candidate: Candidate) -> list[Cue]:
    """Hedge cues in the sentences just before and after the quoted one, in article order."""
    sentences = [
        (p, i) for p in found.passages[candidate.hit.article.id] for i in range(len(p.sentences))
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
