"""Extractive summaries: an article's most central sentences, verbatim and in its order, and
for an updated article the sentences its latest update added."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from bot.core import caveats
from bot.core.answer import citation
from bot.core.hedges.stored import sentence_cues
from bot.core.models import Quote, Summary, Update
from bot.core.reader.features import quotable
from bot.core.revisions import latest_change
from index.models import Article, ArticleVersion, Passage

# News puts its key facts first; a small lead bonus breaks ties in favour of early sentences.
LEAD_WEIGHT = 0.1


class Articles(Protocol):
    def article_passages(self, article_id: int) -> list[Passage]: ...
    def sentence_vectors(self, passage_ids: list[int]) -> dict[int, np.ndarray]: ...
    def versions(self, article_id: int) -> list[ArticleVersion]: ...


def summarize(
    corpus: Articles, article: Article, sentences: int = 4, ratings: dict[str, str] | None = None
) -> Summary:
    """The `sentences` most central sentences: those most similar to the rest of the article."""
    passages = corpus.article_passages(article.id)
    vectors = corpus.sentence_vectors([p.id for p in passages])
    items = [
        (p, i, vectors[p.id][i])
        for p in passages
        for i in range(len(p.sentences))
        if quotable(p.sentence_text(i))
    ]
    head = citation(article, passages[0].paragraph if passages else 0)
    if not items:
        return Summary(head, (), (caveats.NOTHING_TO_SUMMARISE,))
    matrix = np.stack([v for _, _, v in items])
    similarity = matrix @ matrix.T
    centrality = (similarity.sum(axis=1) - 1.0) / max(len(items) - 1, 1)
    lead = LEAD_WEIGHT / (1.0 + np.arange(len(items)) / 3.0)
    chosen = sorted(np.argsort(-(centrality + lead))[:sentences].tolist())
    quotes = tuple(
        Quote(
            text=passage.sentence_text(i),
            citation=citation(article, passage.paragraph),
            score=float(centrality[k]),
            hedges=sentence_cues(passage, i),
        )
        for k in chosen
        for passage, i, _ in [items[k]]
    )
    notes = (
        caveats.summary_header(len(quotes)),
        caveats.attribution(head),
        caveats.source_rating(head, ratings or {}),
    )
    update = latest_update(corpus, article, passages, sentences)
    if update is not None:
        notes += (caveats.updated_article(update),)
    return Summary(head, quotes, notes, update)


def latest_update(
    corpus: Articles, article: Article, passages: list[Passage], limit: int
) -> Update | None:
    """The sentences the article's latest update added (the first `limit`), as it has them
    now; None for an article never updated."""
    change = latest_change(corpus, article.id)
    if change is None:
        return None
    added = [
        Quote(
            text=passage.sentence_text(i),
            citation=citation(article, passage.paragraph),
            score=0.0,
            hedges=sentence_cues(passage, i),
        )
        for passage in passages
        for i in range(len(passage.sentences))
        if change.touched(passage.sentence_text(i))
    ]
    return Update(change.since, tuple(added[:limit]), len(added))
