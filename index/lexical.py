"""How text is cut into words for keyword search: lower-cased, stop words out, Snowball stems.

The lexical indexes (`index.storage.tantivy` and the PostgreSQL one) and the answer core's word
checks use the same analysis, so a word counts as shared in one exactly when it does in the
other.
"""

from __future__ import annotations

import re
from functools import cache


@cache
def load_bm25s():  # type: ignore[no-untyped-def]
    """The bm25s module, imported on first use and told to log quietly."""
    import logging

    import bm25s

    # bm25s sets its own logger to DEBUG on import, which would print every index build.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


@cache
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stop-word-free, stemmed tokens: the same analysis for passages and queries."""
    return load_bm25s().tokenize(
        texts, stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False
    )


# bm25s's own analysis (its default token pattern, English stop words, Snowball stems), for the
# many short texts the answer core compares: bm25s.tokenize builds progress bars and a
# vocabulary on every call, which costs more than the words themselves.
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


# bm25s's English stop words (`stopwords="en"`, the Lucene list), written out here: importing
# bm25s imports scipy, a fifth of a second of every `newsbot ask`, for these 33 words.
# tests/index/test_lexical.py checks they are still bm25s's.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "if",
        "in",
        "into",
        "is",
        "it",
        "no",
        "not",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "will",
        "with",
    ]
)


# Word -> stem, for every word seen: a language's vocabulary is small, and stemming the same
# words for every question is most of the work.
_STEMS: dict[str, str] = {}


def word_stems(texts: list[str]) -> list[list[str]]:
    """Each text's stemmed content words in order, exactly as `tokenize` gives them."""
    stop = STOP_WORDS
    words = [[w for w in _TOKEN.findall(text.lower()) if w not in stop] for text in texts]
    stemmed = {w: _STEMS.get(w) for text in words for w in text}
    new = [w for w, stem in stemmed.items() if stem is None]
    if new:
        found = dict(zip(new, _stemmer().stemWords(new), strict=True))
        stemmed.update(found)
        if len(_STEMS) > 500_000:
            _STEMS.clear()
        _STEMS.update(found)
    return [[stemmed[w] for w in text] for text in words]


def stems(text: str) -> set[str]:
    """The stemmed content words of `text`, as BM25 sees them."""
    return set(word_stems([text])[0])
