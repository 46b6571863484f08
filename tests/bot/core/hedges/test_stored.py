"""Cues are detected at ingest and stored, so answering runs no detector; reindex refreshes them."""

from pathlib import Path

import pytest

import bot.core.hedges.stored as stored
from bot.core.answer import ask
from bot.core.hedges.stored import CueAnnotator, detector_version
from index.library import Library
from index.settings import IndexSettings

SEEDS = Path(__file__).parents[4] / "seeds"


@pytest.fixture
def annotated(tmp_path, embedder) -> Library:
    library = Library(tmp_path / "data", IndexSettings(), embedder, annotator=CueAnnotator())
    library.ingest_paths([SEEDS])
    return library


def passages(library: Library):
    (article,) = library.articles()
    return library.article_passages(article.id)


def test_every_sentence_has_stored_cues_of_this_detector_version(annotated):
    for passage in passages(annotated):
        assert passage.notes_version == detector_version()
        assert len(passage.notes) == len(passage.sentences)
    seventh = next(p for p in passages(annotated) if "purporting" in p.text)
    (note,) = seventh.notes
    kinds = {cue[2] for cue in note["cues"]}
    assert "unconfirmed" in kinds and note["uncertain"] is True


def test_answering_reads_stored_cues_without_running_the_detector(annotated, monkeypatch):
    def no_detector():
        raise AssertionError("the detector ran while answering")

    monkeypatch.setattr(stored, "default_detector", no_detector)
    answer = ask(annotated, "Have officials confirmed why Russian troops are moving?")
    assert answer.answered
    texts = [c.text for c in answer.quotes[0].hedges]
    assert "officials have not confirmed" in texts


def test_cues_from_another_detector_version_are_not_trusted(annotated, monkeypatch):
    monkeypatch.setattr(stored, "detector_version", lambda: "another-version")
    calls = []
    real = stored.default_detector

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(stored, "default_detector", counting)
    answer = ask(annotated, "Have officials confirmed why Russian troops are moving?")
    assert calls, "stale cues were used instead of the detector"
    assert "officials have not confirmed" in [c.text for c in answer.quotes[0].hedges]


def test_reindex_refreshes_stale_cues_without_re_embedding(annotated):
    (first, *_) = passages(annotated)
    annotated.store.set_notes(first.id, "old", [{"cues": []}] * len(first.sentences))
    vectors_before = annotated.sentence_vectors([first.id])[first.id]
    count = annotated.reindex(embed=False)
    assert count == len(passages(annotated))
    refreshed = next(p for p in passages(annotated) if p.id == first.id)
    assert refreshed.notes_version == detector_version()
    assert (annotated.sentence_vectors([first.id])[first.id] == vectors_before).all()
