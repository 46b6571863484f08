"""robots.txt rules: matching, missing and unreachable files, and how long rules are kept."""

from __future__ import annotations

import pytest

from index.sources.robots import (
    RETRY_SECONDS,
    RULES_SECONDS,
    RobotsRules,
    RobotsUnavailable,
    robots_url,
)

AGENT = "newsbot/0.1 (answers questions about news articles)"
RULES = """
User-agent: *
Disallow: /news/
Allow: /news/public/
Disallow: /*?print=
Crawl-delay: 2

User-agent: newsbot
Disallow: /drafts/
"""


class Site:
    """A fake reader: robots.txt texts by URL, counting reads; None stands for unreachable."""

    def __init__(self, texts: dict[str, str | None]):
        self.texts = texts
        self.reads: list[str] = []

    def __call__(self, url: str) -> str:
        self.reads.append(url)
        text = self.texts[url]
        if text is None:
            raise RobotsUnavailable(f"{url}: HTTP 503 Service Unavailable")
        return text


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_group_naming_newsbot_applies_to_it_and_the_star_group_to_others() -> None:
    rules = RobotsRules(Site({"https://example.com/robots.txt": RULES}), AGENT)
    assert not rules.allows("https://example.com/drafts/budget.html")
    assert rules.allows("https://example.com/news/budget.html")  # only * disallows /news/
    other = RobotsRules(Site({"https://example.com/robots.txt": RULES}), "otherbot/2.0")
    assert other.allows("https://example.com/drafts/budget.html")
    assert not other.allows("https://example.com/news/budget.html")


def test_the_most_specific_rule_wins_and_patterns_match() -> None:
    rules = RobotsRules(Site({"https://example.com/robots.txt": RULES}), "otherbot/2.0")
    assert rules.allows("https://example.com/news/public/budget.html")
    assert not rules.allows("https://example.com/story.html?print=1")
    assert rules.allows("https://example.com/story.html?page=2")
    assert rules.crawl_delay("https://example.com/story.html") == 2.0


def test_a_site_without_robots_txt_allows_everything_and_asks_no_delay() -> None:
    rules = RobotsRules(Site({"http://example.org/robots.txt": ""}), AGENT)
    assert rules.allows("http://example.org/anything?at=all")
    assert rules.readable("http://example.org/")
    assert rules.crawl_delay("http://example.org/") == 0.0


def test_an_unreachable_robots_txt_allows_nothing_until_it_is_read_again() -> None:
    site = Site({"https://example.com/robots.txt": None})
    clock = Clock()
    rules = RobotsRules(site, AGENT, clock=clock)
    assert not rules.allows("https://example.com/news/a.html")
    assert not rules.readable("https://example.com/news/b.html")
    assert len(site.reads) == 1  # the failure is kept for a while too
    site.texts["https://example.com/robots.txt"] = ""
    clock.now += RETRY_SECONDS - 1
    assert not rules.allows("https://example.com/news/a.html")
    clock.now += 1
    assert rules.allows("https://example.com/news/a.html")
    assert len(site.reads) == 2


def test_rules_are_read_once_a_day_for_each_site() -> None:
    site = Site(
        {
            "https://example.com/robots.txt": "User-agent: *\nDisallow: /a\n",
            "https://example.com:8443/robots.txt": "",
            "http://example.com/robots.txt": "",
        }
    )
    clock = Clock()
    rules = RobotsRules(site, AGENT, clock=clock)
    for path in ("/a", "/b", "/c"):
        rules.allows(f"https://example.com{path}")
    rules.allows("https://EXAMPLE.com:8443/a")
    rules.allows("http://example.com/a")
    assert len(site.reads) == 3
    site.texts["https://example.com/robots.txt"] = ""
    clock.now += RULES_SECONDS - 1
    assert not rules.allows("https://example.com/a")
    clock.now += 1
    assert rules.allows("https://example.com/a")
    assert site.reads.count("https://example.com/robots.txt") == 2


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Example.com/news/a.html?x=1#top", "https://example.com/robots.txt"),
        ("http://example.com:8080/a", "http://example.com:8080/robots.txt"),
    ],
)
def test_robots_url_is_one_per_scheme_host_and_port(url: str, expected: str) -> None:
    assert robots_url(url) == expected
