"""Training's folds: thresholds are picked on sentences whose document or story was unseen."""

from bot.core.hedges.train import FOLDS, folds


def test_folds_keep_each_story_whole_and_cover_every_sentence():
    rows = [{"story": f"s{i % 9}", "n": i} for i in range(60)]
    groups = folds(rows, "story")
    assert len(groups) == FOLDS
    assert sorted(r["n"] for g in groups for r in g) == list(range(60))
    stories = [{r["story"] for r in g} for g in groups]
    assert all(a.isdisjoint(b) for i, a in enumerate(stories) for b in stories[i + 1 :])
    assert all(stories)
