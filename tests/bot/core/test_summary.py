from pathlib import Path

from bot.core.summary import summarize
from bot.render_text import summary_text
from tests.support import updates

SEED_TEXT = next((Path(__file__).parents[3] / "seeds").glob("*.txt")).read_text()


def test_summary_is_verbatim_in_article_order(seeded):
    article = seeded.article("putin troops")
    summary = summarize(seeded, article, sentences=4)
    assert len(summary.quotes) == 4
    positions = [SEED_TEXT.index(q.text) for q in summary.quotes]
    assert positions == sorted(positions)


def test_summary_caveats_say_the_claims_are_the_articles(seeded):
    summary = summarize(seeded, seeded.article("1"), sentences=3)
    assert summary.caveats[0].startswith("The 3 sentences below are quoted verbatim")
    assert "the article's own" in summary.caveats[0]
    assert summary.caveats[1].startswith("According to the article “Putin Sends Troops")


def test_summary_skips_link_lines_and_headings(seeded):
    summary = summarize(seeded, seeded.article("1"), sentences=20)
    texts = [q.text for q in summary.quotes]
    assert "You May Also Like" not in texts
    assert all("More Stories From" not in t for t in texts)


def test_summary_of_one_sentence_uses_the_singular(seeded):
    summary = summarize(seeded, seeded.article("1"), sentences=1)
    assert summary.caveats[0].startswith("The sentence below is quoted verbatim")


def test_summary_prefers_central_sentences_over_asides(make_library):
    library = make_library(
        {
            "flood.txt": "River floods town\n\n"
            "The river burst its banks on Sunday and flooded the town centre. "
            "Flood water filled shops and homes in the town centre by Sunday night. "
            "The local bakery won a prize for its bread last year. "
            "Emergency crews pumped flood water from the flooded town centre on Monday.\n",
        }
    )
    summary = summarize(library, library.article("river floods"), sentences=2)
    assert all("bakery" not in q.text for q in summary.quotes)


def test_summary_of_an_updated_article_says_so_and_offers_what_the_update_added(story):
    story(1)
    library = story(2)
    summary = summarize(library, library.article("bridge repair"), sentences=2)
    update = summary.update
    assert update is not None and update.since == "2017-05-03"
    assert [q.text for q in update.added] == [updates.SECOND_BILL, updates.FERRIES]
    assert [q.citation.paragraph for q in update.added] == [1, 5]
    assert update.count == 2
    assert summary.caveats[-1] == (
        "This article was updated on 3 May 2017; the 2 sentences that update added are quoted "
        "after the summary."
    )
    assert summary.to_dict()["update"]["added_count"] == 2
    text = summary_text(summary)
    assert text.index("Added in the update of 3 May 2017:") < text.index(updates.FERRIES)

    fewer = summarize(library, library.article("bridge repair"), sentences=1)
    assert [q.text for q in fewer.update.added] == [updates.SECOND_BILL]
    assert fewer.caveats[-1] == (
        "This article was updated on 3 May 2017; that update added 2 sentences, and the first "
        "is quoted after the summary."
    )


def test_summary_of_an_article_never_updated_says_nothing_of_updates(story):
    library = story(1)
    summary = summarize(library, library.article("bridge repair"), sentences=2)
    assert summary.update is None and summary.to_dict()["update"] is None
    assert not any("updated" in note for note in summary.caveats)
