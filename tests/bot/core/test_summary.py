from pathlib import Path

from bot.core.summary import summarize

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
