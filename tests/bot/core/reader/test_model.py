"""The shipped reader loads and reads a real pool; a broken weights file says how to fix it."""

import gzip
import json

import numpy as np
import pytest

from bot.core.answer import AnswerSettings, candidate_pool
from bot.core.questions import analyse
from bot.core.reader.features import SENTENCE_FEATURES
from bot.core.reader.model import WEIGHTS, ReaderError, default_reader, load_reader


def test_the_shipped_weights_load_and_match_the_features():
    reader = default_reader()
    assert reader.sentence.coef.shape == (len(SENTENCE_FEATURES),)


def test_the_answering_sentence_ranks_first_and_is_likely(seeded):
    found = candidate_pool(seeded, analyse("How many Chinese troops?"), AnswerSettings())
    reading = default_reader().read(found)
    assert "150,000" in found.candidates[reading.order[0]].text
    assert reading.probability > 0.6
    assert all(0.0 <= p <= 1.0 for p in reading.scores)
    assert set(reading.probabilities) == set(reading.order[:3])


def test_a_detail_the_article_never_gives_is_unlikely(seeded):
    found = candidate_pool(seeded, analyse("How old is Mike Pence?"), AnswerSettings())
    assert default_reader().read(found).probability < 0.5


def test_a_missing_weights_file_names_the_make_target(tmp_path):
    with pytest.raises(ReaderError, match=r"missing; rebuild it with `make train-answers`"):
        load_reader(tmp_path / WEIGHTS)


@pytest.mark.parametrize(
    "content",
    [b"not gzip at all", gzip.compress(b"{not json"), gzip.compress(b'{"sentence": {}}')],
)
def test_a_corrupt_weights_file_names_the_make_target(tmp_path, content):
    path = tmp_path / WEIGHTS
    path.write_bytes(content)
    with pytest.raises(ReaderError, match=r"unreadable .*; rebuild it with `make train-answers`"):
        load_reader(path)


def test_weights_for_other_features_are_refused(tmp_path):
    data = default_reader().to_dict({})
    data["sentence_features"] = data["sentence_features"][:-1]
    path = tmp_path / WEIGHTS
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    with pytest.raises(ReaderError, match="trained for other features"):
        load_reader(path)


def test_saved_weights_read_back_the_same(tmp_path):
    reader = default_reader()
    reader.save(tmp_path / WEIGHTS, {"questions": 1})
    again = load_reader(tmp_path / WEIGHTS)
    assert np.array_equal(again.sentence.coef, reader.sentence.coef)
    assert again.answer.intercept == reader.answer.intercept
