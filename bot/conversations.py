"""Questions asked in a conversation: read with its last answer, which is kept for the next.

`converse` is one exchange: the question read by the follow-up rules (`bot.core.followups`),
answered from the last quote or by the service (the last answer's article first), and what the
conversation keeps afterwards. `Contexts` keeps that per place (platform, workspace or guild,
channel, thread) in `chat.sqlite3`, so a conversation survives a restart, and forgets it after
`[chat] context_minutes`. `newsbot chat` keeps it in memory for one terminal session.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.chat_state import ChatState
from bot.core.followups import Reading, Turn, about_quote, read, turn_after, understood
from bot.core.hedges import Cue
from bot.core.models import Answer, Citation, Highlight, Quote
from bot.feedback import FeedbackStore
from bot.service import NewsService
from index.models import Filters, Scope

Platform = Literal["slack", "discord"]
# Where a conversation was last active is kept this long, so newsbot knows the threads it is
# part of; its last answer is read with a follow-up for `[chat] context_minutes` only.
KEEP_DAYS = 90


@dataclass(frozen=True)
class Exchange:
    """One question in a conversation: the answer (its question as typed), the question as
    newsbot understood it, and the turn the conversation keeps afterwards. `about_quote`: a
    follow-up answered from the last quote ("who says so?"), not by a search."""

    answer: Answer
    understood: str
    read_as: str | None
    turn: Turn
    about_quote: bool = False


def converse(
    service: NewsService,
    text: str,
    previous: Turn | None,
    scope: Scope = None,
    filters: Filters | None = None,
    compare: bool = False,
) -> Exchange:
    """Answer `text` after the conversation's last turn (None: it starts here); with
    `compare`, with what each article says about it."""
    reading = read(text, previous)
    answer = _answer(service, reading, previous, scope, filters, compare)
    shown = replace(answer, question=" ".join(text.split()))
    return Exchange(
        shown,
        understood(reading, previous),
        reading.read_as(),
        turn_after(answer, reading, previous),
        reading.about_quote,
    )


def _answer(
    service: NewsService,
    reading: Reading,
    previous: Turn | None,
    scope: Scope,
    filters: Filters | None,
    compare: bool = False,
) -> Answer:
    if reading.about_quote:
        return about_quote(reading, reading.question, previous)
    if compare:
        return service.compare(reading.question, scope, filters)
    if reading.kind == "in_article" and reading.article_id is not None:
        return service.ask_within(reading.question, reading.article_id, scope, filters)
    if reading.article_id is not None:
        within = service.ask_within(reading.question, reading.article_id, scope, filters)
        if within.answered:
            return within
    return service.ask(reading.question, scope, filters)


@dataclass(frozen=True)
class Where:
    """A conversation's place: a thread (Slack's thread_ts; in Discord a thread's id, or the
    newsbot message a reply chain continues) in a channel of a workspace or guild."""

    platform: Platform
    workspace: str
    channel: str
    thread: str


class Contexts:
    """Each place's last turn, in `chat.sqlite3`; `clock` is the config's (NEWSBOT_NOW)."""

    def __init__(self, state: ChatState, minutes: int, clock: Callable[[], datetime]):
        self._state = state
        self._ttl = timedelta(minutes=minutes)
        self._clock = clock

    def previous(self, where: Where) -> Turn | None:
        """The place's last turn, unless it is older than `[chat] context_minutes`."""
        row = self._row(where)
        if row is None or datetime.fromisoformat(row[1]) + self._ttl < self._clock():
            return None
        return turn_from(json.loads(row[0]))

    def part_of(self, where: Where) -> bool:
        """Whether newsbot has answered in this thread (however long ago, up to KEEP_DAYS)."""
        return self._row(where) is not None

    def remember(self, where: Where, turn: Turn) -> None:
        now = self._clock()
        with self._state.connect() as connection:
            connection.execute(
                "INSERT INTO contexts (platform, workspace, channel, thread, turn, at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, workspace, channel, thread) "
                "DO UPDATE SET turn = excluded.turn, at = excluded.at",
                (*_key(where), json.dumps(turn_dict(turn)), now.isoformat()),
            )
            old = (now - timedelta(days=KEEP_DAYS)).isoformat()
            connection.execute("DELETE FROM contexts WHERE at < ?", (old,))

    def adopt(self, source: Where, target: Where) -> bool:
        """Give `target`, a place with no turn yet, the last turn of `source` in the same
        channel, with its time; False when `source` has none."""
        with self._state.connect() as connection:
            moved = connection.execute(
                "INSERT INTO contexts (platform, workspace, channel, thread, turn, at) "
                "SELECT platform, workspace, channel, ?, turn, at FROM contexts "
                "WHERE platform = ? AND workspace = ? AND channel = ? AND thread = ? "
                "ON CONFLICT (platform, workspace, channel, thread) DO NOTHING",
                (target.thread, *_key(source)),
            ).rowcount
        return moved > 0

    def _row(self, where: Where) -> tuple[str, str] | None:
        with self._state.connect() as connection:
            return connection.execute(
                "SELECT turn, at FROM contexts "
                "WHERE platform = ? AND workspace = ? AND channel = ? AND thread = ?",
                _key(where),
            ).fetchone()


def _key(where: Where) -> tuple[str, str, str, str]:
    return where.platform, where.workspace, where.channel, where.thread


class Conversations:
    """What a chat front end holds: exchanges read in their place's context, each answer
    registered for its feedback buttons."""

    def __init__(self, service: NewsService, state: ChatState | None = None):
        self.service = service
        state = state or ChatState(service.config.data_dir)
        config = service.config
        self.contexts = Contexts(state, config.chat.context_minutes, config.now)
        self.feedback = FeedbackStore(state, config.now)

    def ask(
        self, text: str, where: Where, scope: Scope = None, filters: Filters | None = None
    ) -> tuple[Exchange, int]:
        """The exchange at `where`, and the id its feedback buttons carry. The front end keeps
        its turn with `remember` before posting it, under the place a reply to it will name."""
        exchange = converse(self.service, text, self.contexts.previous(where), scope, filters)
        return exchange, self._shown(exchange, where.platform)

    def answer_only(
        self,
        text: str,
        platform: Platform,
        scope: Scope = None,
        filters: Filters | None = None,
        compare: bool = False,
    ) -> tuple[Exchange, int]:
        """A question outside any thread (a slash command): read on its own, with buttons;
        with `compare`, answered with what each article says."""
        exchange = converse(self.service, text, None, scope, filters, compare)
        return exchange, self._shown(exchange, platform)

    def _shown(self, exchange: Exchange, platform: Platform) -> int:
        return self.feedback.shown(
            exchange.answer, exchange.understood, platform, exchange.about_quote
        )

    def remember(self, where: Where, turn: Turn) -> None:
        self.contexts.remember(where, turn)

    def part_of(self, where: Where) -> bool:
        return self.contexts.part_of(where)

    def adopt(self, source: Where, target: Where) -> bool:
        return self.contexts.adopt(source, target)


# -- turns as JSON ---------------------------------------------------------------------------


def turn_dict(turn: Turn) -> dict[str, Any]:
    quote = turn.quote
    return {
        "question": turn.question,
        "answered": turn.answered,
        "confidence": turn.confidence,
        "probability": turn.probability,
        "quote": None
        if quote is None
        else {
            "text": quote.text,
            "citation": asdict(quote.citation),
            "score": quote.score,
            "highlight": asdict(quote.highlight) if quote.highlight else None,
            "hedges": [asdict(cue) for cue in quote.hedges],
            "probability": quote.probability,
        },
    }


def turn_from(data: dict[str, Any]) -> Turn:
    """The turn `turn_dict` wrote. A quote's revision note is not kept: a follow-up about the
    quote reads its words, source, time and place."""
    quoted = data["quote"]
    quote = None
    if quoted is not None:
        marked = quoted["highlight"]
        quote = Quote(
            text=quoted["text"],
            citation=Citation(**quoted["citation"]),
            score=quoted["score"],
            highlight=Highlight(**marked) if marked else None,
            hedges=tuple(Cue(**cue) for cue in quoted["hedges"]),
            probability=quoted["probability"],
        )
    return Turn(data["question"], quote, data["answered"], data["confidence"], data["probability"])
