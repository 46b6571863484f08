"""The newest first among the candidates that answer; undated ones last."""

from __future__ import annotations

from pathlib import Path

from bot.core.answer import AnswerSettings, candidate_pool
from bot.core.questions import analyse
from bot.core.reader.model import Reading
from bot.core.recency import dated, newest_first
from index.embedding import Embedder
from index.library import Library
from index.settings import IndexSettings
from tests.support.dated import QUESTION, dated_documents


def test_answering_candidates_come_newest_first_and_the_rest_keep_their_place(
    tmp_path: Path, embedder: Embedder
) -> None:
    library = Library(tmp_path, IndexSettings(), embedder)
    library.ingest(dated_documents())
    found = candidate_pool(library, analyse(QUESTION), AnswerSettings())
    figure = {i: c.text for i, c in enumerate(found.candidates) if "reached" in c.text}
    by_day = {dated(found.candidates[i]): i for i in figure}
    assert set(by_day) == {None, "2017-03-20", "2017-04-10", "2017-04-24"}
    undated, march, april, late = (
        by_day[d] for d in (None, "2017-03-20", "2017-04-10", "2017-04-24")
    )
    others = [i for i in range(len(found.candidates)) if i not in figure]
    # The reader's order, with the March figure too unlikely to count as an answer.
    order = (undated, march, april, late, *others)
    reading = Reading(
        order,
        tuple(0.5 for _ in found.candidates),
        {undated: 0.9, march: 0.2, april: 0.6, late: 0.45},
    )
    ranked = newest_first(found, reading, min_probability=0.4)
    assert ranked.order == (late, april, undated, march, *others)
    assert ranked.probability == 0.45  # the newest answer's own probability, not the best one's
