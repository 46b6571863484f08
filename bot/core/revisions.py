"""How an article's latest update touched the sentences newsbot quotes from it.

Answers quote an article as it is now. A quote that the latest update added, or reworded from
an earlier sentence, carries a `Revision`, so its caveats can say so and quote how it read
before; a summary of an updated article offers what that update added. Older updates are in
the article's history (`index.revisions.history`), not in answers.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from bot.core.models import Quote, Revision
from index.models import ArticleVersion
from index.revisions import Change, history


class Versions(Protocol):
    def versions(self, article_id: int) -> list[ArticleVersion]: ...


def latest_change(corpus: Versions, article_id: int) -> Change | None:
    """What the article's latest update changed; None when it was never updated."""
    versions = corpus.versions(article_id)
    return history(versions[-2:])[-1] if len(versions) > 1 else None


def revision(change: Change | None, sentence: str) -> Revision | None:
    """How `change` touched `sentence`: added it, changed it from an earlier one, or neither."""
    if change is None or not change.touched(sentence):
        return None
    before = change.earlier(sentence)
    return Revision("changed" if before else "added", change.since, before)


def revised(corpus: Versions, quotes: list[Quote]) -> list[Quote]:
    """The quotes, each with how its article's latest update touched it."""
    changes: dict[int, Change | None] = {}
    marked = []
    for quote in quotes:
        article_id = quote.citation.article_id
        if article_id not in changes:
            changes[article_id] = latest_change(corpus, article_id)
        marked.append(replace(quote, revision=revision(changes[article_id], quote.text)))
    return marked
