"""Articles that disagree, and articles that only seem to: troop figures from two outlets, one
figure written three ways, a figure about another country or another year, near-duplicates, a
claim and its debunking, and reports that agree. Each set is written as Markdown files with
front matter, as `newsbot ingest` reads them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TROOPS = "How many troops has China sent to the border?"
CROCODILE = "Was a crocodile found living in the Millbrook reservoir?"
INQUIRY = "Who will lead the inquiry into the Millbrook flooding?"
REOPENING = "When will the Harbour Bridge reopen?"


@dataclass(frozen=True)
class Story:
    key: str
    title: str
    outlet: str
    published: str
    paragraphs: tuple[str, ...]


def _troops(key: str, outlet: str, published: str, figure: str, country: str = "China") -> Story:
    """One outlet's report of troops at the border, in words of its own but for the figure;
    another country's troops are sent to its border with China."""
    border = "the border" if country == "China" else "the border with China"
    leads = {
        "herald": f"{country} has sent {figure} troops to {border}, officials said on Monday.",
        "post": f"Military sources say {country} has moved {figure} troops to {border}.",
        "wire": f"Satellite images suggest {country} has sent {figure} troops to {border}.",
    }
    other = {
        "herald": (
            "Residents of the frontier towns described long convoys of lorries on the main "
            "road overnight, and several schools closed early.",
            "The foreign ministry declined to comment on the movements when asked at its "
            "weekly briefing in the capital.",
        ),
        "post": (
            "Diplomats at the United Nations called for calm and urged both governments to "
            "return to talks that stalled last winter.",
            "Analysts said the deployment was the largest since the crisis began and warned "
            "that a misstep could escalate quickly.",
        ),
        "wire": (
            "Commercial flights over the region were rerouted on Tuesday as a precaution, "
            "airline officials confirmed.",
            "Markets in the region fell sharply at the opening bell before recovering some "
            "of their losses by the afternoon.",
        ),
    }
    kind = key.split("-")[0]
    title = f"{country} masses troops at the border ({outlet})"
    return Story(key, title, outlet, published, (leads[kind], *other[kind]))


DISAGREEING_FIGURES = (
    _troops("herald-150", "Northern Herald", "2017-04-03", "150,000"),
    _troops("post-100", "Eastern Post", "2017-04-04", "100,000"),
)
# The same two reports, one undated (so of any day), then seven weeks apart (a count that may
# have changed meanwhile).
ONE_UNDATED = (
    _troops("herald-150", "Northern Herald", "2017-04-03", "150,000"),
    _troops("post-100", "Eastern Post", "", "100,000"),
)
WEEKS_APART = (
    _troops("herald-150", "Northern Herald", "2017-04-03", "150,000"),
    _troops("post-100", "Eastern Post", "2017-05-22", "100,000"),
)
SAME_FIGURE_THREE_WAYS = (
    _troops("herald-150", "Northern Herald", "2017-04-03", "150,000"),
    _troops("post-150", "Eastern Post", "2017-04-04", "150 000"),
    _troops("wire-150", "Daily Wire", "2017-04-04", "150k"),
)
ANOTHER_COUNTRY = (
    _troops("herald-150", "Northern Herald", "2017-04-03", "150,000"),
    _troops("post-100", "Eastern Post", "2017-04-04", "100,000", country="India"),
)
# An approximation and the figure it rounds, one in words: one figure.
APPROXIMATE_AND_EXACT = (
    _troops("herald-150", "Northern Herald", "2017-04-03", "about 150,000"),
    _troops("post-150", "Eastern Post", "2017-04-04", "150 thousand"),
)
# Figures with a bound each that cannot both be true: the caveat gives each as written.
BOUNDS_APART = (
    _troops("herald-150", "Northern Herald", "2017-04-03", "more than 150,000"),
    _troops("post-100", "Eastern Post", "2017-04-04", "about 100,000"),
)
# One wire report run by two outlets, the second with another figure: linked near-duplicates,
# one story, never set against each other.
NEAR_DUPLICATES = (
    _troops("herald-150", "Northern Herald", "2017-04-03", "150,000"),
    _troops("herald-100", "Eastern Post", "2017-04-03", "100,000"),
)

_REPORT = (
    "A crocodile was found living in the Millbrook reservoir, residents told reporters on Tuesday.",
    "Photographs shared online appeared to show the animal basking on the bank near the "
    "pumping station, and anglers said they had seen it several times this month.",
    "Water company workers closed the footpath around the reservoir while they waited for "
    "wildlife officers to arrive.",
)
_SECOND_REPORT = (
    "Anglers say a crocodile has been found living in the Millbrook reservoir, and the "
    "footpath around it is closed.",
    "One fisherman said the animal was nearly two metres long and had taken a duck from the "
    "water in front of him.",
    "Wildlife officers are expected to try to catch it with a baited trap later this week.",
)
_DEBUNKING = (
    "The story that a crocodile was found living in the Millbrook reservoir is a hoax, the "
    "water company said on Wednesday.",
    "The photographs were fake: they were taken at a zoo abroad years ago and doctored to "
    "look like the reservoir, and the claim has been debunked by wildlife officers.",
    "A spokesman denied that any crocodile had ever been found, said the rumour was not true "
    "and that there was no evidence of any animal in the water.",
)
CLAIM_AND_DEBUNKING = (
    Story(
        "report", "Crocodile found in Millbrook reservoir", "Millbrook Echo", "2017-05-02", _REPORT
    ),
    Story(
        "debunk",
        "Millbrook reservoir crocodile is a hoax, says water company",
        "County Times",
        "2017-05-03",
        _DEBUNKING,
    ),
)
AGREEING_REPORTS = (
    CLAIM_AND_DEBUNKING[0],
    Story(
        "second-report",
        "Anglers spot crocodile at reservoir",
        "Valley Gazette",
        "2017-05-02",
        _SECOND_REPORT,
    ),
)


def _short(key: str, outlet: str, published: str, lead: str, *more: str) -> Story:
    return Story(key, f"{lead.split(',')[0]} ({outlet})", outlet, published, (lead, *more))


DISAGREEING_NAMES = (
    _short(
        "echo-inquiry",
        "Millbrook Echo",
        "2017-06-01",
        "Judge Mary Hughes will lead the inquiry into the Millbrook flooding, the council said.",
        "The inquiry is expected to report by the end of the year.",
    ),
    _short(
        "times-inquiry",
        "County Times",
        "2017-06-02",
        "Peter Grant will lead the inquiry into the Millbrook flooding, ministers announced.",
        "Residents have demanded answers about the failed flood defences.",
    ),
)
# The second report names the person who announced the inquiry as well as its leader, the
# first's.
ONE_LEADER_TWO_NAMES = (
    DISAGREEING_NAMES[0],
    _short(
        "times-inquiry",
        "County Times",
        "2017-06-02",
        "Council leader Peter Grant announced that Judge Hughes will lead the inquiry into the "
        "Millbrook flooding.",
        "Residents have demanded answers about the failed flood defences.",
    ),
)
DISAGREEING_DATES = (
    _short(
        "echo-bridge",
        "Millbrook Echo",
        "2017-05-20",
        "The Harbour Bridge will reopen on 3 June 2017, the city council said.",
        "Engineers have replaced the corroded cables over the winter.",
    ),
    _short(
        "times-bridge",
        "County Times",
        "2017-05-21",
        "The Harbour Bridge will reopen on 10 June 2017, according to the contractors.",
        "Drivers have faced long diversions since the closure in January.",
    ),
)


# A count of another thing, to a question that does not say what it counts.
SENT = "How many has China sent to the border?"
ANOTHER_THING = (
    _troops("herald-150", "Northern Herald", "2017-04-03", "150,000"),
    _short(
        "post-tanks",
        "Eastern Post",
        "2017-04-04",
        "China has sent 2,000 tanks to the border, satellite images show.",
        "Diplomats at the United Nations called for calm and urged both governments to return "
        "to talks.",
    ),
)


def another_year(lead: str) -> tuple[Story, ...]:
    """A figure of another year, in an article of this one: another time, not another count."""
    return (
        _troops("herald-150", "Northern Herald", "2017-04-03", "150,000"),
        _short(
            "post-2015",
            "Eastern Post",
            "2017-04-04",
            lead,
            "Diplomats at the United Nations called for calm and urged both governments to "
            "return to talks.",
        ),
    )


def write_stories(folder: Path, stories: tuple[Story, ...]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for story in stories:
        text = "\n\n".join(story.paragraphs)
        (folder / f"{story.key}.md").write_text(
            f"---\ntitle: {story.title}\nsource: {story.outlet}\npublished: {story.published}\n"
            f"---\n{text}\n",
            encoding="utf-8",
        )
    return folder
