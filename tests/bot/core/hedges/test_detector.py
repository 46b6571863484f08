"""The trained detector on hand-written news sentences and the seed article."""

import gzip
from pathlib import Path

import pytest

from bot.core.hedges import HedgeModelError, default_detector, load_detector
from bot.core.hedges.attribution import attributed_to
from bot.core.hedges.detector import Detector
from bot.core.hedges.model import HedgeModel

SEED = next((Path(__file__).parents[4] / "seeds").glob("*.txt")).read_text()


def cues(sentence: str) -> list[tuple[str, str]]:
    return [(c.text, c.kind) for c in default_detector().detect(sentence).cues]


@pytest.mark.parametrize(
    ("sentence", "cue", "kind"),
    [
        ("The rebels may have seized the airport overnight.", "may", "speculation"),
        ("The minister reportedly resigned on Friday.", "reportedly", "speculation"),
        ("The ship probably sank within minutes.", "probably", "speculation"),
        ("Investigators believe the fire was started deliberately.", "believe", "belief"),
        ("It is thought that 20 people were inside.", "It is thought", "belief"),
        ("The strike will go ahead if talks fail.", "if", "condition"),
        ("Police are examining whether the driver was drunk.", "whether", "investigation"),
        ("The toll rose to 40, according to local officials.", "according to", "attribution"),
        ("The army claimed it had retaken the town.", "claimed", "attribution"),
        (
            "The video could not be independently verified.",
            "could not be independently verified",
            "unconfirmed",
        ),
        (
            "Officials have not confirmed the number of casualties.",
            "Officials have not confirmed",
            "unconfirmed",
        ),
        ("An unverified photo showed tanks in the square.", "unverified", "unconfirmed"),
        ("Neighbours dismissed the story as gossip.", "gossip", "speculation"),
        ("Maybe the talks will resume next week.", "Maybe", "speculation"),
        ("The footage was impossible to verify.", "impossible to verify", "unconfirmed"),
        ("The claims have yet to be verified by police.", "yet to be verified", "unconfirmed"),
    ],
)
def test_each_kind_is_found(sentence, cue, kind):
    assert (cue, kind) in cues(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The summit was held in May 2017.",
        "Talks resumed on 3 May in Geneva.",
        "The film “If Beale Street Could Talk” opened the festival.",
        "She said goodbye to her colleagues on Friday.",
        "The bridge opened in 1932 and carries six lanes.",
        "He could not find his keys after the match.",
    ],
)
def test_look_alikes_are_not_hedges(sentence):
    found = default_detector().detect(sentence)
    assert [c for c in found.cues if c.kind != "attribution"] == []
    assert not found.uncertain
    assert ("said", "attribution") not in cues(sentence)


@pytest.mark.parametrize(
    ("sentence", "hedges"),
    [
        ("The toll may rise, the mayor warned.", ["may"]),
        ("Oil prices could double by winter, analysts warned.", ["could"]),
        ("The company expects sales to grow next year.", ["expects"]),
        ("Prices are likely to fall next month.", ["likely"]),
        ("The plant would close if the sale fell through.", ["would", "if"]),
    ],
)
def test_news_forecasts_and_conditions_make_a_sentence_uncertain(sentence, hedges):
    found = default_detector().detect(sentence)
    assert found.uncertain
    assert [c.text for c in found.cues if c.kind != "attribution"] == hedges


def test_a_narrative_would_is_no_hedge():
    found = default_detector().detect("He would later become mayor of the city.")
    assert not found.uncertain and found.cues == ()


def test_certain_and_uncertain_sentences_get_probabilities_either_side():
    hedged = default_detector().detect("The rebels may have seized the airport.")
    plain = default_detector().detect("The rebels seized the airport on Monday.")
    assert hedged.uncertain and hedged.probability > 0.5
    assert not plain.uncertain and plain.probability < 0.5


@pytest.mark.parametrize(
    "phrase",
    [
        "It appears",
        "reports emerged suggesting",
        "purporting",
        "officials have not confirmed",
        "It is thought",
    ],
)
def test_the_seed_articles_hedges_are_all_found(phrase):
    sentence = next(s for s in SEED.split("\n") if phrase in s)
    found = [c.text for c in default_detector().detect(sentence).cues]
    assert any(phrase in c or c in phrase for c in found), found


def test_offsets_are_exact_on_every_seed_sentence():
    for line in SEED.split("\n"):
        for cue in default_detector().detect(line).cues:
            assert line[cue.start : cue.end] == cue.text


@pytest.mark.parametrize(
    ("sentence", "source"),
    [
        ("U.S. officials said the missile exploded seconds after launch.", "U.S. officials"),
        (
            "The missile exploded, according to South Korean military officials.",
            "South Korean military officials",
        ),
        ("The plan was approved, said Maria Lopez, a spokeswoman.", "Maria Lopez"),
        ("He said the talks would resume.", None),
        ("The bridge opened in 1932.", None),
    ],
)
def test_attribution_names_the_source_in_the_sentences_words(sentence, source):
    assert attributed_to(sentence, default_detector().detect(sentence).cues) == source


def test_missing_model_file_is_a_clear_error(tmp_path):
    with pytest.raises(HedgeModelError, match="missing; run `make train-hedges`"):
        load_detector(tmp_path / "absent.json.gz")


@pytest.mark.parametrize(
    "content", [b"not gzip at all", gzip.compress(b"{not json"), gzip.compress(b'{"classes": []}')]
)
def test_corrupt_model_file_is_a_clear_error(tmp_path, content):
    path = tmp_path / "weights.json.gz"
    path.write_bytes(content)
    with pytest.raises(HedgeModelError, match="unreadable"):
        load_detector(path)


def test_a_modal_below_its_bar_is_shown_only_beside_another_hedge():
    # "could" scores 0.5 and "if" 0.9: between the lexicon bar and the modal bar, "could"
    # joins the hedge "if" sets but does not make a sentence uncertain alone.
    off = -20.0
    model = HedgeModel(
        classes=("none", "speculation", "belief", "condition", "investigation"),
        bias=(0.0, off, off, off, off),
        weights={"w=could": (0.0, -off, 0.0, 0.0, 0.0), "w=if": (0.0, 0.0, 0.0, 2.2 - off, 0.0)},
        candidates=frozenset({"could", "if"}),
        threshold=0.5,
        lexicon_threshold=0.4,
        modal_threshold=0.76,
    )
    alone = Detector(model).detect("The toll could rise.")
    beside = Detector(model).detect("The toll could rise if the river floods.")
    assert not alone.uncertain and alone.cues == ()
    assert beside.uncertain
    assert [(c.text, c.kind) for c in beside.cues] == [
        ("could", "speculation"),
        ("if", "condition"),
    ]
