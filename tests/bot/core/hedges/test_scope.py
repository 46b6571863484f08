"""Each cue's scope: the clause it governs, so caveats can tell the answer's hedges apart."""

from pathlib import Path

import pytest

from bot.core.hedges import default_detector
from bot.core.hedges.scope import scope

SEED = next((Path(__file__).parents[4] / "seeds").glob("*.txt")).read_text()
TROOPS = next(line for line in SEED.split("\n") if "150,000 troops" in line)


def scoped(sentence: str, cue: str, kind: str) -> str:
    start = sentence.index(cue)
    lo, hi = scope(sentence, start, start + len(cue), kind)
    return sentence[lo:hi]


@pytest.mark.parametrize(
    ("sentence", "cue", "kind", "governed"),
    [
        (
            "The rebels may have seized the airport overnight.",
            "may",
            "speculation",
            "The rebels may have seized the airport overnight",
        ),
        (
            "Investigators believe the fire was started deliberately, but the owner says it "
            "may have been an accident.",
            "may",
            "speculation",
            "the owner says it may have been an accident",
        ),
        (
            "Investigators believe the fire was started deliberately, but the owner says it "
            "may have been an accident.",
            "believe",
            "belief",
            "Investigators believe the fire was started deliberately",
        ),
        (
            "If talks fail, the strike will go ahead.",
            "If",
            "condition",
            "If talks fail, the strike will go ahead",
        ),
        (
            "Police are examining whether the driver was drunk.",
            "whether",
            "investigation",
            "whether the driver was drunk",
        ),
        (
            "The toll rose to 40, according to local officials.",
            "according to",
            "attribution",
            "The toll rose to 40, according to local officials",
        ),
        (
            "Missiles destroyed a suspected terrorist compound near the port, officials said.",
            "suspected",
            "belief",
            "suspected terrorist compound near the port",
        ),
        (
            "Ten people died in the blast; the death toll could rise, the mayor warned.",
            "could",
            "speculation",
            "the death toll could rise, the mayor warned",
        ),
        (
            "The company sold 2 million phones (analysts had expected far fewer).",
            "expected",
            "belief",
            "analysts had expected far fewer",
        ),
        (
            "Officials said the ship, which may have been carrying 300 people, sank.",
            "may",
            "speculation",
            "may have been carrying 300 people",
        ),
    ],
)
def test_a_cue_governs_its_clause(sentence, cue, kind, governed):
    assert scoped(sentence, cue, kind) == governed


def test_the_seed_troops_sentence_hedges_the_refugees_not_the_figure():
    cues = {c.text: c for c in default_detector().detect(TROOPS).cues}
    figure = TROOPS.index("150,000")
    for word in ("would", "if"):
        cue = cues[word]
        assert TROOPS[cue.scope_start : cue.scope_end].startswith("many would attempt to flee")
        assert not cue.covers(figure, figure + len("150,000"))
    if "potential" in cues:  # a hedge on the influx of refugees, not on the troops either
        assert not cues["potential"].covers(figure, figure + len("150,000"))


def test_every_cue_lies_inside_its_own_scope():
    for line in SEED.split("\n"):
        for cue in default_detector().detect(line).cues:
            assert cue.scope_start <= cue.start < cue.end <= cue.scope_end
            assert cue.scope_end <= len(line)


def test_a_cue_without_a_scope_covers_the_whole_sentence():
    (cue,) = [c for c in default_detector().detect("It may rain.").cues]
    assert cue.covers(0, 2)
    bare = type(cue)(cue.start, cue.end, cue.text, cue.kind)
    assert bare.scope_start is None and bare.covers(0, 1)
