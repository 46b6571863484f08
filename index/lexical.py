"""How text is cut into words for keyword search: lower-cased, stop words out, Snowball stems.

The lexical index (`index.storage.tantivy`) and the answer core's word checks use the same analysis, so a word
counts as shared in one exactly when it does in the other.
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


@cache
def _stop_words() -> frozenset[str]:
    from bm25s.tokenization import _infer_stopwords

    return frozenset(_infer_stopwords("en"))


# Word -> stem, for every word seen: a language's vocabulary is small, and stemming the same
# words for every question is most of the work.
_STEMS: dict[str, str] = {}


def word_stems(texts: list[str]) -> list[list[str]]:
    """Each text's stemmed content words in order, exactly as `tokenize` gives them."""
    stop = _stop_words()
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
