"""What a version of an article changed: sentences added, removed and reworded, and when."""

from __future__ import annotations

from index.models import ArticleVersion
from index.revisions import compare, history


def version(number: int, *sentences: str, updated: str | None = None) -> ArticleVersion:
    return ArticleVersion(number, f"2017-05-0{number} 09:00:00", "2017-05-01", updated, sentences)


def test_added_and_removed_sentences_keep_their_order_and_moves_are_neither() -> None:
    before = ["One.", "Two.", "Three.", "Four."]
    after = ["Four.", "One.", "Two  and a half.", "Three.", "Five."]
    assert compare(before, after) == (("Two  and a half.", "Five."), ("Two.",))
    assert compare(before, before) == ((), ())
    assert compare([], ["One."]) == (("One.",), ())


def test_whitespace_alone_changes_nothing() -> None:
    assert compare(["The bridge  closed."], ["The bridge\nclosed."]) == ((), ())


def test_a_sentence_close_to_a_removed_one_rewords_it() -> None:
    first = "The repair bill has reached 35 million pounds, the council said on Monday."
    second = "The repair bill has reached 40 million pounds, the council said on Wednesday."
    other = "Ferry operators have added extra sailings for commuters during the closure."
    start, update = history(
        [version(1, first, "Kept."), version(2, second, "Kept.", other, updated="2017-05-03")]
    )
    assert (start.since, start.added, start.removed) == ("2017-05-01", (first, "Kept."), ())
    assert update.since == "2017-05-03"
    assert update.added == (second, other) and update.removed == (first,)
    assert update.reworded == ((second, first),)
    assert update.touched(second) and update.touched(" ".join(other.split()))
    assert not update.touched("Kept.")
    assert update.earlier(second) == first
    assert update.earlier(other) is None


def test_an_update_is_dated_by_the_article_when_its_date_moved_else_when_it_was_seen() -> None:
    # Version 2 is seen on 2 May; the article says it was updated late on 1 May.
    dated = history([version(1, "A."), version(2, "B.", updated="2017-05-01T22:00:00")])
    assert dated[1].since == "2017-05-01"
    stale = history(
        [version(1, "A.", updated="2017-04-30"), version(3, "B.", updated="2017-04-30")]
    )
    assert stale[1].since == "2017-05-03"  # the article's date did not move: the day seen
