"""The near-duplicate decision made from counts of equal slots is the one comparing the whole
signatures makes: the share of equal slots at or above the threshold."""

from __future__ import annotations

import numpy as np
import pytest

from index.neardup import PERMUTATIONS, similar, slots_needed


@pytest.mark.parametrize("threshold", [0.01, 0.3, 0.5, 0.505, 0.51, 0.75, 0.999, 1.0, 1.01])
def test_slots_needed_is_where_the_share_of_equal_slots_reaches_the_threshold(
    threshold: float,
) -> None:
    needed = slots_needed(threshold)
    for equal in range(PERMUTATIONS + 1):
        share = float((np.arange(PERMUTATIONS) < equal).mean())  # as a whole comparison
        assert (equal >= needed) == (share >= threshold), equal


def test_articles_sharing_no_slot_are_never_linked() -> None:
    assert slots_needed(0.0) == slots_needed(-1.0) == 1


def test_similar_scores_by_share_best_first_without_the_article_itself() -> None:
    found = similar({9: 80, 3: 64, 5: 128, 4: 64}, exclude=5)
    assert found == [(9, 0.625), (3, 0.5), (4, 0.5)]
