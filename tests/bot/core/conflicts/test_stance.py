"""The stance model in the package: trained on FNC-1's training files alone, it says an article
that calls a claim a hoax denies it, and one that reports it does not."""

from __future__ import annotations

import gzip
import json
import math
from importlib import resources

import pytest

from bot.core.conflicts.stance import (
    StanceModel,
    StanceModelError,
    _cue_counts,
    default_stance_model,
    features,
    sentences_of,
    strongest_denial,
)
from bot.core.conflicts.stance_training import Pair, held_out_figures, split
from tests.support.conflicts import AGREEING_REPORTS, CLAIM_AND_DEBUNKING, CROCODILE


def _sentences(story) -> list[str]:  # type: ignore[no-untyped-def]
    return [story.title, *(s for p in story.paragraphs for s in sentences_of(p))]


def test_the_shipped_weights_name_their_source_and_its_training_files_only():
    source = resources.files("bot.core.conflicts").joinpath("stance.json.gz")
    with source.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        trained_on = json.load(text)["trained_on"]
    assert trained_on["source"].startswith("FakeNewsChallenge/fnc-1, commit ")
    assert trained_on["files"] == ["train_bodies.csv", "train_stances.csv"]
    claims = trained_on["held_out"]["claims"]
    assert claims["disagreeing_flagged"] > claims["agreeing_wrongly_flagged"]


def test_a_debunking_denies_the_claim_in_its_own_word():
    model = default_stance_model()
    debunking = CLAIM_AND_DEBUNKING[1]
    assert model.denial(CROCODILE, _sentences(debunking)) == ("hoax", "hoax")


@pytest.mark.parametrize("story", [*AGREEING_REPORTS], ids=lambda s: s.key)
def test_a_report_does_not_deny_the_claim(story):
    assert default_stance_model().denial(CROCODILE, _sentences(story)) is None


def test_a_high_score_without_a_denying_word_is_no_denial():
    model = StanceModel({"overlap": 0.0}, {"overlap": 0.0}, {"overlap": 1.0}, 10.0, 0.5)
    report = ["A crocodile was found living in the Millbrook reservoir."]
    assert model.probability(CROCODILE, report) > 0.99
    assert model.denial(CROCODILE, report) is None
    assert strongest_denial(CROCODILE, ["Officials denied the crocodile story."]) == (
        "deny",
        "denied",
    )


def test_pairs_are_split_by_story_so_no_claim_or_body_is_in_two_parts():
    # 30 stories of two claims and three bodies each, every claim told by every body.
    pairs = [
        Pair(f"claim {story}-{c}", 3 * story + b, "agree")
        for story in range(30)
        for c in range(2)
        for b in range(3)
    ]
    parts = split(pairs)
    assert all(parts) and sum(map(len, parts)) == len(pairs)
    for kind in ("claim", "body"):
        seen = [{getattr(p, kind) for p in part} for part in parts]
        assert not (seen[0] & seen[1] or seen[0] & seen[2] or seen[1] & seen[2]), kind
    assert len(parts[0]) > len(parts[2]) > len(parts[1])


def test_held_out_figures_count_claim_pairs_that_would_be_said_to_conflict():
    pairs = [
        Pair("X happened", 1, "agree"),
        Pair("X happened", 2, "disagree"),
        Pair("X happened", 3, "agree"),
    ]
    figures = held_out_figures([False, True, True], pairs)
    # (1, 2) disagree and are flagged; (2, 3) disagree and are not; (1, 3) agree and are.
    assert figures["claims"]["disagreeing_pairs"] == 2
    assert figures["claims"]["disagreeing_flagged"] == 0.5
    assert figures["claims"]["agreeing_pairs"] == 1
    assert figures["claims"]["agreeing_wrongly_flagged"] == 1.0
    assert figures["bodies"]["disagree"] == {"pairs": 1, "flagged": 1.0}
    # One headline, a body of which disagrees: two of its bodies would be said to conflict.
    assert figures["claims"]["disputed_claims"] == 1
    assert figures["claims"]["disputed_claims_flagged"] == 1.0
    assert figures["claims"]["undisputed_claims"] == 0


def test_a_headline_no_body_disagrees_with_is_wrongly_flagged_when_one_is_said_to_deny_it():
    pairs = [Pair("Y happened", 1, "agree"), Pair("Y happened", 2, "discuss")]
    pairs += [Pair("Z happened", 3, "agree"), Pair("Z happened", 4, "agree")]
    figures = held_out_figures([True, False, False, False], pairs)["claims"]
    assert figures["undisputed_claims"] == 2
    assert figures["undisputed_claims_wrongly_flagged"] == 0.5


def test_a_missing_weights_file_says_how_to_rebuild_it(tmp_path):
    with pytest.raises(StanceModelError, match="make train-stance"):
        StanceModel.load(tmp_path / "nothing.json.gz")


def test_cue_counts_summed_over_sentences_are_those_of_the_text_read_whole():
    sentences = [
        *_sentences(CLAIM_AND_DEBUNKING[1]),
        "It is not",  # "not" and "true" on two lines are no "not true"
        "true that it was denied?",
    ]
    row = features(CROCODILE, sentences)
    whole = _cue_counts("\n".join(sentences))
    assert whole  # the text has cues to count
    for group, count in whole.items():
        assert row[f"all:{group}"] == pytest.approx(math.log1p(count))
    assert {k for k in row if k.startswith("all:")} == {f"all:{g}" for g in whole}
    assert features(CROCODILE, sentences) == row  # read again from what was counted before
