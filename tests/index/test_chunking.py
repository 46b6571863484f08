"""Chunking: paragraphs, exact sentence offsets, the token budget, and awkward text."""

from __future__ import annotations

import re

import pytest

from index.chunking import approximate_tokens, chunk_text, paragraphs, split_sentences
from index.embedding import Embedder
from index.models import Chunk


def sentence_texts(chunk: Chunk) -> list[str]:
    return [chunk.text[s.start : s.end] for s in chunk.sentences]


def assert_exact_spans(chunk: Chunk) -> None:
    """Every span is a non-empty, stripped slice; spans are in order and do not overlap."""
    end = 0
    for span in chunk.sentences:
        piece = chunk.text[span.start : span.end]
        assert piece, chunk
        assert piece == piece.strip(), piece
        assert span.start >= end
        end = span.end
    assert chunk.sentences[0].start == 0
    assert chunk.sentences[-1].end == len(chunk.text)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_paragraphs_split_on_blank_lines_only() -> None:
    text = (
        "  First line of one.\nSecond line of the same paragraph.\n"
        "\n \t\n\n"
        "Second paragraph.   \n"
        "\n"
        "Third paragraph."
    )
    found = [text[start:end] for start, end in paragraphs(text)]
    assert found == [
        "First line of one.\nSecond line of the same paragraph.",
        "Second paragraph.",
        "Third paragraph.",
    ]


def test_blank_text_gives_no_chunks() -> None:
    assert list(paragraphs("\n \n\t\n")) == []
    assert chunk_text("   \n\n  ") == []


def test_one_chunk_per_paragraph_with_exact_sentence_spans() -> None:
    text = (
        "The council met on Monday. It voted to close the library.\n\n"
        "Residents protested outside. Nobody was hurt.\n\n"
        "A decision is due in May."
    )
    chunks = chunk_text(text)
    assert [c.paragraph for c in chunks] == [1, 2, 3]
    assert [sentence_texts(c) for c in chunks] == [
        ["The council met on Monday.", "It voted to close the library."],
        ["Residents protested outside.", "Nobody was hurt."],
        ["A decision is due in May."],
    ]
    for chunk in chunks:
        assert_exact_spans(chunk)
        assert chunk.text in text


def test_abbreviations_do_not_end_a_sentence() -> None:
    text = (
        "U.S. officials said the talks had failed. Dr. Smith arrived at 3 p.m. on Monday. "
        "Mr. Jones of St. Louis disagreed."
    )
    (chunk,) = chunk_text(text)
    assert sentence_texts(chunk) == [
        "U.S. officials said the talks had failed.",
        "Dr. Smith arrived at 3 p.m. on Monday.",
        "Mr. Jones of St. Louis disagreed.",
    ]


def test_offsets_survive_curly_quotes_and_unicode() -> None:
    text = (
        "\u201cWe won\u2019t go,\u201d she said \u2014 caf\u00e9 owners agreed. "
        "Na\u00efve r\u00e9sum\u00e9s\u2026 were filed in Z\u00fcrich? Yes! "
        "The \U0001f389 party cost \u20ac5,000.\u00a0Officials declined to comment.\n\n"
        "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3002 Another sentence here."
    )
    chunks = chunk_text(text)
    assert [c.paragraph for c in chunks] == [1, 2]
    first = sentence_texts(chunks[0])
    assert first[0] == "\u201cWe won\u2019t go,\u201d she said \u2014 caf\u00e9 owners agreed."
    assert "Officials declined to comment." in first
    for chunk in chunks:
        assert_exact_spans(chunk)
        # No character is lost: the sentences rebuild the paragraph up to whitespace.
        assert squash("".join(sentence_texts(chunk))) == squash(chunk.text)
    assert squash("".join(c.text for c in chunks)) == squash(text)


def test_split_sentences_spans_index_the_original_text() -> None:
    text = '  He said: "Stop."  Then   left.\tThe U.K. agreed.  '
    spans = split_sentences(text)
    assert [text[s.start : s.end] for s in spans] == [
        'He said: "Stop."  Then   left.',
        "The U.K. agreed.",
    ]


def test_repeated_sentences_get_their_own_spans() -> None:
    text = "No. 10 said nothing. Yes. Yes. Yes."
    spans = split_sentences(text)
    found = [text[s.start : s.end] for s in spans]
    assert found == ["No. 10 said nothing.", "Yes.", "Yes.", "Yes."]
    assert len({s.start for s in spans}) == 4


def long_paragraph(sentences: int) -> str:
    return " ".join(
        f"Sentence number {i} reports that the committee met again today." for i in range(sentences)
    )


def test_long_paragraph_is_split_between_sentences_under_the_budget() -> None:
    body = long_paragraph(12)
    text = "Short opening paragraph.\n\n" + body + "\n\nClosing paragraph."
    budget = 30
    chunks = chunk_text(text, max_tokens=budget)

    middle = [c for c in chunks if c.paragraph == 2]
    assert len(middle) > 1
    assert [c.paragraph for c in chunks] == [1] + [2] * len(middle) + [3]
    for chunk in middle:
        assert_exact_spans(chunk)
        assert approximate_tokens(chunk.text) <= budget
        assert chunk.text in body
    # Cuts fall between sentences: every sentence survives whole, in order, exactly once.
    expected = [s.strip() + "." for s in body.split(".") if s.strip()]
    assert [s for c in middle for s in sentence_texts(c)] == expected
    assert " ".join(c.text for c in middle) == body


def test_a_sentence_longer_than_the_budget_stands_alone() -> None:
    long_sentence = "The " + "very " * 40 + "long sentence ends here."
    text = f"A short one. {long_sentence} Another short one."
    chunks = chunk_text(text, max_tokens=10)
    assert [sentence_texts(c) for c in chunks] == [
        ["A short one."],
        [long_sentence],
        ["Another short one."],
    ]


def test_budget_counts_with_the_models_tokenizer(embedder: Embedder) -> None:
    text = long_paragraph(10)
    budget = 40
    chunks = chunk_text(text, max_tokens=budget, count_tokens=embedder.count_tokens)
    assert len(chunks) > 1
    for chunk in chunks:
        assert sum(embedder.count_tokens(s) for s in sentence_texts(chunk)) <= budget


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Hello world.", 3), ("", 0), ("150,000 troops", 4)],
)
def test_approximate_tokens_counts_words_and_punctuation(text: str, expected: int) -> None:
    assert approximate_tokens(text) == expected
