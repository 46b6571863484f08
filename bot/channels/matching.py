"""Whether a new article is one a channel or a person asked for: a feed's keywords, an alert.

Keywords are plain words: an article matches when its title or text contains any of them as a
word (any case). An alert scores each quotable sentence of the article by meaning and by words:
`dense` × the cosine similarity of the alert's words to the sentence, plus (1 − `dense`) × the
share of the alert's words the sentence contains; the best sentence at or above `threshold`
is the match, quoted in the alert. With the defaults (0.6 and 0.5) a sentence holding every
word of the alert needs a similarity of 0.17, and one holding none needs 0.83: a paraphrase
close enough to say the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from bot.core.answer import citation
from bot.core.hedges.stored import sentence_cues
from bot.core.models import Quote
from bot.core.reader.features import quotable
from index.models import Article, Passage

_WORD = re.compile(r"\w+")


def words_of(text: str) -> list[str]:
    return list(dict.fromkeys(w.casefold() for w in _WORD.findall(text)))


def has_keyword(article: Article, passages: list[Passage], keywords: tuple[str, ...]) -> bool:
    """Whether the article says any of `keywords`; every article does when there are none."""
    if not keywords:
        return True
    said = set(words_of(article.title)).union(*(words_of(p.text) for p in passages))
    return any(set(words_of(keyword)) <= said for keyword in keywords)


@dataclass(frozen=True)
class Match:
    quote: Quote
    score: float


def best_match(
    article: Article,
    passages: list[Passage],
    vectors: dict[int, np.ndarray],
    query: np.ndarray,
    words: str,
    threshold: float,
    dense: float,
) -> Match | None:
    """The article's sentence that best matches the alert's `words` (embedded as `query`),
    if it scores at least `threshold`."""
    wanted = words_of(words)
    best: Match | None = None
    for passage in passages:
        similarities = vectors[passage.id] @ query
        for i in range(len(passage.sentences)):
            text = passage.sentence_text(i)
            if not quotable(text):
                continue
            said = set(words_of(text))
            share = sum(w in said for w in wanted) / len(wanted) if wanted else 0.0
            score = dense * float(similarities[i]) + (1 - dense) * share
            if score >= threshold and (best is None or score > best.score):
                quote = Quote(
                    text,
                    citation(article, passage.paragraph),
                    score,
                    hedges=sentence_cues(passage, i),
                )
                best = Match(quote, score)
    return best
