"""One article's passages as a corpus, so a follow-up can be asked of the article just quoted.

A follow-up ("and Russia?") is most often answered by the article the conversation is about;
asking it of that article first, and of everything only when that article does not answer,
keeps the conversation on its story without keeping other stories out.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.answer import Corpus
from index.models import Article, ArticleVersion, Filters, Hit, Passage, Scope

# How many of the corpus's best passages are searched for the article's own, per one wanted.
_WIDER = 4


class OneArticle:
    """`corpus` seen through one article: searches find only its passages."""

    def __init__(self, corpus: Corpus, article_id: int):
        self._corpus = corpus
        self.article_id = article_id

    def is_empty(self) -> bool:
        return self._corpus.is_empty()

    def search(
        self, query: str, k: int = 5, scope: Scope = None, filters: Filters | None = None
    ) -> list[Hit]:
        hits = self._corpus.search(query, k=k * _WIDER, scope=scope, filters=filters)
        return [hit for hit in hits if hit.article.id == self.article_id][:k]

    def passages_of_articles(self, article_ids: Iterable[int]) -> dict[int, list[Passage]]:
        return self._corpus.passages_of_articles(article_ids)

    def also_reported(self, article_id: int, scope: Scope = None) -> list[Article]:
        return self._corpus.also_reported(article_id, scope)

    def versions(self, article_id: int) -> list[ArticleVersion]:
        return self._corpus.versions(article_id)
