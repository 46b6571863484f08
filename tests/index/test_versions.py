"""An article ingested again keeps each text it has had: a new version when its words change,
none (and no new embedding) when only its dates do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from index.library import Library
from index.revisions import history
from index.settings import IndexSettings
from tests.support.encoder import HashingEncoder
from tests.support.updates import (
    CABLES,
    CAFES,
    FERRIES,
    FIRST_BILL,
    INQUIRY,
    PUBLISHED,
    REOPENING,
    SECOND_BILL,
    TITLE,
    write_version,
)

OpenLibrary = Callable[..., Library]


class CountingEncoder(HashingEncoder):
    """The stand-in encoder, counting the sentences it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.sentences = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.sentences += len(texts)
        return super().encode(texts)


def test_three_ingests_of_a_changing_file_keep_three_versions(
    open_library: OpenLibrary, tmp_path: Path
) -> None:
    library = open_library()
    path = tmp_path / "articles" / "bridge.md"
    assert library.ingest_paths([write_version(path, 1)]).added == [TITLE]
    (article,) = library.articles()
    for number in (2, 3):
        report = library.ingest_paths([write_version(path, number)])
        assert report.updated == [TITLE]
    assert library.ingest_paths([path]).unchanged == [TITLE]  # the same again: no version

    versions = library.versions(article.id)
    assert [(v.number, v.published, v.updated) for v in versions] == [
        (1, PUBLISHED, None),
        (2, PUBLISHED, "2017-05-03"),
        (3, PUBLISHED, "2017-05-08"),
    ]
    assert versions[0].sentences == (FIRST_BILL, CABLES, CAFES, REOPENING)
    current = [
        p.sentence_text(i)
        for p in library.article_passages(article.id)
        for i in range(len(p.sentences))
    ]
    assert list(versions[-1].sentences) == current == [SECOND_BILL, CABLES, CAFES, FERRIES, INQUIRY]
    _, second, third = history(versions)
    assert (second.since, second.added, second.removed) == (
        "2017-05-03",
        (SECOND_BILL, FERRIES),
        (FIRST_BILL,),
    )
    assert second.earlier(SECOND_BILL) == FIRST_BILL
    assert (third.since, third.added, third.removed) == ("2017-05-08", (INQUIRY,), (REOPENING,))
    assert third.reworded == ()


def test_a_new_date_on_the_same_text_updates_the_article_without_a_version_or_embedding(
    open_library: OpenLibrary, tmp_path: Path
) -> None:
    encoder = CountingEncoder()
    library = open_library(embedder=encoder)
    path = tmp_path / "articles" / "bridge.md"
    library.ingest_paths([write_version(path, 2)])
    (article,) = library.articles()
    passages = library.article_passages(article.id)
    embedded = encoder.sentences

    report = library.ingest_paths([write_version(path, 2, updated="2017-05-04")])
    assert report.updated == [TITLE] and report.passages == 0
    assert encoder.sentences == embedded
    assert library.article_passages(article.id) == passages  # the same ids, text and cues
    assert library.articles()[0].updated == "2017-05-04"
    (version,) = library.versions(article.id)
    assert version.updated == "2017-05-03"  # as the text was first seen
    assert library.search("ferry sailings commuters", k=1)[0].passage.id in {p.id for p in passages}


def test_the_same_sentences_in_new_passages_are_no_new_version(
    open_library: OpenLibrary, tmp_path: Path
) -> None:
    path = tmp_path / "articles" / "bridge.md"
    wide = open_library()
    wide.ingest_paths([write_version(path, 2)])
    wide.close()
    # One paragraph now, under a budget that cuts it between sentences.
    text = path.read_text(encoding="utf-8").replace("\n\n" + CABLES, " " + CABLES)
    path.write_text(text, encoding="utf-8")
    narrow = open_library(IndexSettings(chunk_tokens=20))
    assert narrow.ingest_paths([path]).updated == [TITLE]
    (article,) = narrow.articles()
    assert [p.paragraph for p in narrow.article_passages(article.id)][:2] == [1, 1]
    assert [v.number for v in narrow.versions(article.id)] == [1]
