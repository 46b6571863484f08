"""Cut article text into paragraph passages that keep sentence offsets for quoting."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from index.models import Chunk, Span

TokenCounter = Callable[[str], int]

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WORD = re.compile(r"\w+|[^\w\s]")


def approximate_tokens(text: str) -> int:
    """Word-piece count estimate for when no tokenizer is at hand."""
    return len(_WORD.findall(text))


@cache
def _segmenter():  # type: ignore[no-untyped-def]
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of `text`, located in the original so offsets stay exact.

    pysbd's `segment` finds each sentence again with a regular expression compiled for it,
    a third of its time; a forward `str.find` from the previous sentence does the same job.
    """
    spans: list[Span] = []
    cursor = 0
    for piece in _segmenter().processor(text).process() if text else []:
        stripped = piece.strip()
        if not stripped:
            continue
        start = text.find(stripped, cursor)
        if start < 0:  # the segmenter altered the text; fall back to the rest as one sentence
            rest = text[cursor:].strip()
            if rest:
                start = text.index(rest, cursor)
                spans.append(Span(start, start + len(rest)))
            break
        spans.append(Span(start, start + len(stripped)))
        cursor = start + len(stripped)
    return spans


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each non-blank paragraph; paragraphs are separated by blank lines."""
    cursor = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        yield from _trimmed(text, cursor, match.start())
        cursor = match.end()
    yield from _trimmed(text, cursor, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    segment = text[start:end]
    if segment.strip():
        lead = len(segment) - len(segment.lstrip())
        yield start + lead, start + len(segment.rstrip())


def chunk_text(
    text: str, max_tokens: int = 200, count_tokens: TokenCounter = approximate_tokens
) -> list[Chunk]:
    """One chunk a paragraph; a paragraph over `max_tokens` is cut between sentences."""
    chunks: list[Chunk] = []
    for number, (start, end) in enumerate(paragraphs(text), start=1):
        body = text[start:end]
        for group in _pack(body, split_sentences(body), max_tokens, count_tokens):
            first, last = group[0].start, group[-1].end
            chunks.append(
                Chunk(
                    paragraph=number,
                    text=body[first:last],
                    sentences=tuple(Span(s.start - first, s.end - first) for s in group),
                )
            )
    return chunks


def _pack(
    body: str, sentences: list[Span], max_tokens: int, count_tokens: TokenCounter
) -> Iterator[list[Span]]:
    """Greedy groups of consecutive sentences within the budget; a long sentence stands alone."""
    group: list[Span] = []
    used = 0
    for span in sentences:
        cost = count_tokens(body[span.start : span.end])
        if group and used + cost > max_tokens:
            yield group
            group, used = [], 0
        group.append(span)
        used += cost
    if group:
        yield group
