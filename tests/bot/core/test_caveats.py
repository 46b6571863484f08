"""The hedging caveats: what hedges the answer itself, and what hedges another part."""

from bot.core.caveats import hedging
from bot.core.hedges import default_detector
from bot.core.models import Highlight

SENTENCE = (
    "The storm killed 12 people on Tuesday, and officials warned that the toll could rise "
    "if the river bursts its banks."
)


def notes(sentence: str, words: str | None, **options) -> list[str]:
    cues = list(default_detector().detect(sentence).cues)
    span = None
    if words:
        start = sentence.index(words)
        span = Highlight(start, start + len(words), words)
    return hedging(cues, [], highlight=span, **options)


def test_hedges_of_another_clause_leave_the_figure_stated_plainly():
    (note,) = [n for n in notes(SENTENCE, "12", answer="figure") if "hedge" in n]
    assert note == (
        "The figure itself is stated plainly; the article hedges another part of this "
        "sentence: “could”, “if”."
    )


def test_the_wording_follows_what_the_answer_is():
    (note,) = [n for n in notes(SENTENCE, "Tuesday", answer="date") if "hedge" in n]
    assert note.startswith("The date itself is stated plainly;")


def test_a_hedge_on_the_answer_and_one_elsewhere_are_both_said():
    sentence = (
        "The fire may have killed 40 people, but the cause is unclear; if rain falls, it could end."
    )
    hedged = notes(sentence, "40", answer="figure")
    assert "The article hedges this: “may”." in hedged
    assert any(
        n.startswith("The article also hedges another part of this sentence:") for n in hedged
    )


def test_without_a_highlight_every_hedge_is_on_the_quote():
    assert "The article hedges this: “could”, “if”." in notes(SENTENCE, None)


def test_a_second_quote_is_named_as_such():
    hedged = notes(SENTENCE, "12", answer="figure", position=1)
    assert any("another part of the second quote:" in n for n in hedged)
