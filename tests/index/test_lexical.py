"""Text analysis for keyword search: lower case, no stop words, stems; the same for every caller."""

from __future__ import annotations

from index.lexical import STOP_WORDS, stems, tokenize, word_stems


def test_tokenize_lowercases_stems_and_drops_stop_words() -> None:
    assert tokenize(["The Troops and the running"]) == [["troop", "run"]]
    assert stems("troop TROOPS troops'") == {"troop"}


def test_word_stems_analyse_text_exactly_as_bm25_does():
    texts = [
        "The U.S. sent 12,000 troops; officials didn't confirm it.",
        "Ünïcode naïve café, running runners RAN",
        "",
        "a b",
    ]
    assert word_stems(texts) == tokenize(texts)


def test_the_stop_words_are_bm25s_own() -> None:
    from bm25s.tokenization import _infer_stopwords

    assert frozenset(_infer_stopwords("en")) == STOP_WORDS
