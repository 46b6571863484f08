"""Outlets publishing on a loopback news site: articles appear in their RSS feeds as tests (and
bench/channel_posts.py) publish them, for the channel posting tests."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from tests.support.newssite import NewsSite, article_html, rss

FERRY = (
    "Ferry strike called off after late-night talks",
    [
        "A strike by ferry crews that would have halted crossings to the islands over the "
        "holiday weekend was called off early on Thursday after talks ran past midnight.",
        "The union said the operator had agreed to a pay rise of 6 percent this year and a "
        "review of rest periods between shifts, which crews say have been cut too short.",
        "Island businesses had warned that a weekend without ferries would cost them "
        "hundreds of thousands of pounds at the start of the tourist season.",
    ],
)
SCHOOL = (
    "New school to open on former hospital site",
    [
        "A primary school for 420 pupils will open on the site of the former general "
        "hospital in September next year, the education authority confirmed on Monday.",
        "The old hospital buildings were demolished in 2021. Parents in the north of the "
        "city have campaigned for a new school for almost a decade as classes grew.",
        "The authority said the building would be heated by ground-source heat pumps and "
        "would have a public library open to residents in the evenings and at weekends.",
    ],
)
RAIL = (
    "Rail line reopens a month early",
    [
        "The coastal railway reopened on Saturday a month ahead of schedule, after engineers "
        "finished rebuilding the embankment that collapsed during the winter storms.",
        "Network officials said 90,000 tonnes of rock had been placed to protect the line, "
        "and that trains would run at full speed from the first day of service.",
        "Commuters had faced replacement buses adding up to an hour to each journey.",
    ],
)
# The ferry story as another outlet runs it: its own headline and sign-off, the wire's words.
FERRY_AGAIN = (
    "Islands ferry walkout averted",
    [*FERRY[1], "The operator thanked passengers for their patience during the dispute."],
)

# A story whose words would ping a whole channel, a group or a person if passed on as markup.
PINGS = (
    "@everyone <!channel> Ferry timetable changes from Monday",
    [
        "<!here> Passengers were told by <@U0ADMIN> on Friday that the first crossing of the "
        "day will leave from the north pier at half past six from Monday onwards.",
        "@here The operator said <!subteam^S0CREW> crews had asked for the change, which "
        "moves the first sailing away from the harbour works on the south side.",
        "@everyone Timetables at the terminal and on the website <@&1234567890> will be "
        "updated over the weekend, the operator's spokesperson added in a statement.",
    ],
)

_VOCABULARY = (
    "harbour council budget river bridge museum festival market station tunnel airport "
    "library hospital school stadium orchard vineyard glacier forest valley canal lighthouse "
    "factory bakery brewery quarry mill farm garden theatre cinema gallery studio workshop "
    "engineers nurses teachers farmers drivers fishermen builders students volunteers "
    "residents officials planners surveyors inspectors auditors judges ministers mayors "
    "approved delayed opened closed repaired rebuilt expanded flooded inspected funded "
    "announced postponed cancelled extended reviewed measured surveyed painted restored "
    "northern southern eastern western coastal rural urban ancient modern wooden granite "
    "copper silver golden crimson amber violet emerald scarlet quiet busy narrow wide "
)
_WORDS = _VOCABULARY.split()


def made_up_story(number: int) -> tuple[str, list[str]]:
    """A story of its own words, sharing no run of five words with another's (so never a
    near-duplicate of one), long enough to be read as an article."""
    pick = random.Random(number)
    paragraphs = []
    for _ in range(3):
        words = [pick.choice(_WORDS) for _ in range(24)]
        paragraphs.append(f"Report {number}: " + " ".join(words) + ".")
    return f"Story {number}: {pick.choice(_WORDS)} {pick.choice(_WORDS)}", paragraphs


@dataclass
class Outlet:
    """One outlet's site section and RSS feed on `site`; `publish` adds an article to both."""

    site: NewsSite
    name: str
    slug: str
    items: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._serve_feed()

    @property
    def feed_url(self) -> str:
        return self.site.url(f"/{self.slug}/rss.xml")

    def publish(self, story: tuple[str, list[str]], path: str | None = None) -> str:
        title, paragraphs = story
        where = path or f"/{self.slug}/{len(self.items) + 1}.html"
        url = self.site.serve(
            where,
            article_html(title, paragraphs, outlet=self.name, published="2024-05-03T08:00:00Z"),
        )
        self.items.insert(0, (title, url))
        self._serve_feed()
        return url

    def fail(self) -> None:
        self.site.serve(f"/{self.slug}/rss.xml", "Server error", status=500)

    def _serve_feed(self) -> None:
        body = rss(self.name, self.site.url(f"/{self.slug}/"), self.items)
        etag = f'"{len(self.items)}"'
        self.site.serve(
            f"/{self.slug}/rss.xml", body, content_type="application/rss+xml", etag=etag
        )
