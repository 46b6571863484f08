"""Where the answering articles disagree, and how the answer states it over its quotes."""

from __future__ import annotations

from bot.core import caveats
from bot.core.conflicts.detect import Disagreement, stance_disagreement, value_disagreement
from bot.core.conflicts.stance import default_stance_model
from bot.core.models import Conflict, Quote
from bot.core.reader.features import Pool


def disagreements(found: Pool, answering: list[int]) -> list[Disagreement]:
    """The figures and the stances on which the answering sentences differ."""
    question = found.question
    each = [
        value_disagreement(question, found, answering),
        stance_disagreement(question, found, answering, default_stance_model()),
    ]
    return [d for d in each if d is not None]


def with_sides(
    found: Pool, chosen: list[int], disagreements: list[Disagreement], compare: bool
) -> list[int]:
    """The chosen sentences, and after them each side's sentence that no quote shows yet."""
    chosen = list(chosen)
    for disagreement in disagreements:
        for side in disagreement.sides:
            if _quoted(found, chosen, side.candidate, _by_article(disagreement, compare)) is None:
                chosen.append(side.candidate)
    return chosen


def conflicts(
    found: Pool,
    chosen: list[int],
    disagreements: list[Disagreement],
    quotes: list[Quote],
    compare: bool,
) -> tuple[Conflict, ...]:
    """Each disagreement as the answer states it, over the quotes of `chosen` that show it."""
    return tuple(
        _conflict(
            d,
            [_quoted(found, chosen, s.candidate, _by_article(d, compare)) for s in d.sides],
            quotes,
        )
        for d in disagreements
    )


def _by_article(disagreement: Disagreement, compare: bool) -> bool:
    """Whether any quote of a side's article shows that side: when comparing (one quote an
    article), and for a stance, which is the whole article's."""
    return compare or disagreement.kind == "stance"


def _quoted(found: Pool, chosen: list[int], candidate: int, by_article: bool) -> int | None:
    """Where a side's sentence is among the quotes; `by_article`, its article's quote."""
    if candidate in chosen:
        return chosen.index(candidate)
    if by_article:
        article = found.candidates[candidate].hit.article.id
        return next(
            (n for n, i in enumerate(chosen) if found.candidates[i].hit.article.id == article),
            None,
        )
    return None


def _conflict(disagreement: Disagreement, at: list[int | None], quotes: list[Quote]) -> Conflict:
    """A disagreement as the answer states it, over the quotes (`at`) that show each side."""
    places = [n for n in at if n is not None]
    values = tuple(side.said for side in disagreement.sides)
    cited = [quotes[n].citation for n in places]
    if disagreement.kind == "stance":
        note = caveats.reports_conflict(cited[0], cited[1], disagreement.says)
    else:
        note = caveats.disagree(list(zip(cited, values, strict=True)))
    return Conflict(disagreement.kind, values, tuple(places), note)
