"""The `[channels]` table of the config: how feed posts, alerts and digests behave."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Config
from bot.tables import read_table


@dataclass(frozen=True)
class ChannelSettings:
    # Sentences of an article quoted in its post (its most central, in its order).
    summary_sentences: int = 3
    # Most articles one followed feed posts into a channel in any hour, unless /follow gives
    # its own cap; the rest are counted in one line and not posted.
    posts_per_hour: int = 10
    # Least time between two posts into one channel, in seconds (Slack allows about one a
    # second per channel, Discord five in five seconds); both clients also wait out a 429.
    post_interval_seconds: float = 1.0
    # How often a running bot looks for something to post besides right after a feed poll.
    check_interval_seconds: float = 60.0
    # An alert matches a sentence whose score is at least alert_threshold, where the score is
    # alert_dense × (cosine similarity of the alert's words to the sentence) plus
    # (1 − alert_dense) × (the share of the alert's words the sentence contains).
    alert_threshold: float = 0.5
    alert_dense: float = 0.6
    # Stories in a digest.
    digest_stories: int = 5
    # A failing feed is said in its channels at most once in this many hours.
    failure_notice_hours: float = 24.0

    def __post_init__(self) -> None:
        if not 1 <= self.summary_sentences <= 5:
            raise ValueError("summary_sentences must be from 1 to 5")
        if self.posts_per_hour < 1:
            raise ValueError("posts_per_hour must be 1 or more")
        if self.post_interval_seconds < 0 or self.check_interval_seconds <= 0:
            raise ValueError("post_interval_seconds must be 0 or more, check_interval_seconds more")
        if not 0 < self.alert_threshold <= 1 or not 0 <= self.alert_dense <= 1:
            raise ValueError("alert_threshold must be in (0, 1] and alert_dense in [0, 1]")
        if not 1 <= self.digest_stories <= 10:
            raise ValueError("digest_stories must be from 1 to 10")
        if self.failure_notice_hours <= 0:
            raise ValueError("failure_notice_hours must be more than 0")


def load_settings(config: Config) -> ChannelSettings:
    return read_table(ChannelSettings, config.channels, "channels")
