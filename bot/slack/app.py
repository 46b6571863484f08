"""The bolt App: Slack commands and mentions in, NewsService calls out, Block Kit back.

Every listener acks at once and answers from a lazy listener, so Slack's 3-second limit holds
however slow the answer. With `process_before_response`, the ack runs on the request's own
thread and never queues behind answers in the worker pool. Cheap refusals (usage, rate limit,
not an admin) are checks run as listener middleware: the `UserError` a check raises is the ack.
A request that fails later shows the asker a `UserError`'s message and logs anything else.

Each workspace has a corpus of its own beside the shared one: what is ingested in a workspace
is answered, listed and summarised there alone (`scope_of`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse, Respond, Say
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.chat import NotPermitted, RateLimiter
from bot.conversations import Conversations, Exchange, Where
from bot.core.filters import filters
from bot.core.followups import is_question
from bot.feedback import THANKS
from bot.service import NewsService, member_of
from bot.slack.blocks import (
    Message,
    answer_messages,
    ingest_message,
    notice,
    sources_messages,
    summary_messages,
)
from bot.slack.channel_commands import register_channel_commands
from bot.slack.conversation import ACTIONS, answer_id, clicked, conversation_messages
from bot.slack.mrkdwn import from_slack
from bot.slack.replays import RecentRequests, once_only
from bot.slack.settings import SlackSettings
from index.errors import UserError
from index.models import Filters

log = logging.getLogger(__name__)

USAGE = {
    "/ask": (
        "Usage: `/ask [--private|--public] [--compare] question [since:DATE] [until:DATE] "
        '[source:"Outlet"]`, e.g. `/ask how many Chinese troops? since:2017-04-01`; '
        "`--compare` shows what each outlet says"
    ),
    "/summarize": "Usage: `/summarize [--private|--public] article`, by number or part of title",
    "/ingest": "Usage: `/ingest text`, with the article's title on the first line",
}
MENTION_USAGE = "Ask me after the mention, e.g. `@newsbot how many Chinese troops?`"
NOT_ADMIN = "Sorry, only newsbot's admins can add articles. Ask one of them to add it for you."
SOURCES_HINT = "`/sources` lists the indexed articles."
FAILED = "Sorry, something went wrong on newsbot's side. The error is in its log."
NOT_HERE = "newsbot does not answer in this channel; its admins chose the channels it listens in."

_FLAG = re.compile(r"\s*--(private|public)(?:\s+|$)")


def options(text: str) -> tuple[str, bool | None]:
    """Leading `--private` / `--public` and the rest; None when neither was given."""
    private = None
    while match := _FLAG.match(text):
        private = match[1] == "private"
        text = text[match.end() :]
    return text.strip(), private


_COMPARE = re.compile(r"(?<!\S)--compare(?!\S)")


def comparing(text: str) -> tuple[str, bool]:
    """The text without a `--compare` flag (anywhere in it), and whether it had one."""
    return " ".join(_COMPARE.sub(" ", text).split()), bool(_COMPARE.search(text))


# `since:2017-04-01`, `until:…`, `source:"Viral Thread"` anywhere in an /ask's text; Slack may
# turn straight quotes into curly ones.
_FILTER = re.compile(r'(?<!\S)(since|until|source):(?:["“]([^"”]*)["”]|(\S+))')


def asked_with_filters(text: str) -> tuple[str, Filters]:
    """The question without its `name:value` filters, and the filters they give."""
    given = {m[1]: m[2] if m[2] is not None else m[3] for m in _FILTER.finditer(text)}
    question = " ".join(_FILTER.sub(" ", text).split())
    return question, filters(given.get("since"), given.get("until"), given.get("source"))


def scope_of(request: dict) -> str:
    """The corpus a command or event reads and adds to: its workspace's."""
    return f"slack:{request['team_id']}"


def build_app(
    service: NewsService,
    settings: SlackSettings,
    client: WebClient,
    signing_secret: str | None,
    *,
    token_verification: bool = True,
    executor: Executor | None = None,
    limiter: RateLimiter | None = None,
    conversations: Conversations | None = None,
) -> App:
    """The app with every listener registered; `signing_secret` is None in Socket Mode.

    Socket Mode requests arrive over an authenticated websocket, not as signed HTTP, so only
    HTTP mode verifies signatures. `token_verification` calls auth.test once at start-up.
    """
    app = App(
        name="newsbot",
        client=client,
        signing_secret=signing_secret or "",
        request_verification_enabled=signing_secret is not None,
        token_verification_enabled=token_verification,
        process_before_response=True,
        listener_executor=executor or ThreadPoolExecutor(8, thread_name_prefix="newsbot-slack"),
    )
    app.use(once_only(RecentRequests()))  # after bolt's own middleware: the signature check
    window = settings.rate_window_seconds
    listeners = Listeners(
        service,
        settings,
        limiter or RateLimiter(settings.rate_limit, window),
        conversations or Conversations(service),
    )
    needs_text = _refusing(listeners.needs_text)
    within_rate_limit = _refusing(listeners.within_rate_limit)
    asking = [needs_text, within_rate_limit]
    app.command("/ask", middleware=asking)(ack=_ack, lazy=[listeners.ask])
    app.command("/summarize", middleware=asking)(ack=_ack, lazy=[listeners.summarize])
    app.command("/sources", middleware=[within_rate_limit])(ack=_ack, lazy=[listeners.sources])
    admin = [_refusing(listeners.only_admins), needs_text]
    app.command("/ingest", middleware=admin)(ack=_ack, lazy=[listeners.ingest])
    register_channel_commands(app, service, settings)
    app.event("app_mention")(ack=_ack, lazy=[listeners.mention])
    # Every message newsbot can see arrives; only replies in its own threads are answered.
    app.event("message")(ack=_ack, lazy=[listeners.thread_reply])
    app.action(ACTIONS)(ack=_ack, lazy=[listeners.feedback])
    return app


def _ack(ack: Ack) -> None:
    ack()


def _refusing(check: Callable[[dict], None]) -> Callable[..., BoltResponse | None]:
    """Listener middleware from a check: the `UserError` it raises is the ack itself, shown to
    the user alone, and no listener runs."""

    def middleware(ack: Ack, command: dict, next: Callable[[], None]) -> BoltResponse | None:
        try:
            check(command)
        except UserError as refusal:
            return ack(text=str(refusal), response_type="ephemeral")
        next()
        return None

    return middleware


class Listeners:
    """What each command does, a few lines each: parse, call the service, post the blocks."""

    def __init__(
        self,
        service: NewsService,
        settings: SlackSettings,
        limiter: RateLimiter,
        conversations: Conversations,
    ):
        self.service = service
        self.settings = settings
        self.limiter = limiter
        self.conversations = conversations

    # -- checks: refused in the ack itself, nothing queued ------------------------------------

    def needs_text(self, command: dict) -> None:
        if not options(from_slack(command.get("text", "")))[0]:
            raise UserError(USAGE.get(command["command"], "This command needs some text."))

    def within_rate_limit(self, command: dict) -> None:
        self.limiter.check(command["user_id"])

    def only_admins(self, command: dict) -> None:
        if not self.settings.is_admin(command["team_id"], command["user_id"]):
            raise NotPermitted(NOT_ADMIN)

    # -- lazy listeners: the slow part, after the ack ------------------------------------------

    def ask(self, command: dict, respond: Respond) -> None:
        text, compare = comparing(from_slack(command["text"]))
        text, private = options(text)
        scope = scope_of(command)

        def answer() -> list[Message]:
            question, limits = asked_with_filters(text)
            exchange, shown = self.conversations.answer_only(
                question, "slack", scope, limits, compare
            )
            if not self._private(private):
                # Slack does not say which message the answer becomes; a reply in its thread
                # finds the turn by the answer's id (`_adopted`).
                place = Where("slack", command["team_id"], command["channel_id"], f"answer:{shown}")
                self.conversations.remember(place, exchange.turn)
            return conversation_messages(answer_messages(exchange.answer), None, shown)

        self._respond(respond, private, answer)

    def summarize(self, command: dict, respond: Respond) -> None:
        reference, private = options(from_slack(command["text"]))
        self._respond(
            respond,
            private,
            lambda: summary_messages(self.service.summarize(reference, scope=scope_of(command))),
            hint=SOURCES_HINT,
        )

    def sources(self, command: dict, respond: Respond) -> None:
        private = options(from_slack(command.get("text", "")))[1]
        scope = scope_of(command)
        self._respond(respond, private, lambda: sources_messages(self.service.sources(scope)))

    def ingest(self, command: dict, respond: Respond) -> None:
        text, user = from_slack(command["text"]), command["user_id"]
        log.info("ingest from %s: %d characters", user, len(text))
        scope = scope_of(command)
        workspace = command.get("team_domain") or command["team_id"]
        who = member_of(scope, f"slack:{user}", workspace)
        self._respond(respond, True, lambda: [ingest_message(self.service.ingest(text, who))])

    def mention(
        self, event: dict, body: dict, context: BoltContext, say: Say, client: WebClient
    ) -> None:
        """`@newsbot question` in a channel: answered in the mention's thread, and read with
        that thread's conversation."""
        if event.get("bot_id"):
            return  # another bot
        text = _without_mention(event.get("text", ""), context)
        if not self.settings.listens_in(event["channel"]):
            self._post(event, client, say, [notice(NOT_HERE)], private=True)
            return
        self._converse(event, body, text, client, say)

    def thread_reply(
        self, event: dict, body: dict, context: BoltContext, say: Say, client: WebClient
    ) -> None:
        """A question in a thread newsbot answered in, without a mention: a follow-up.
        Anything else (a channel message, a mention, which `mention` answers, an edit, a
        "thanks!") is left alone."""
        if event.get("bot_id") or event.get("subtype") or not event.get("thread_ts"):
            return
        bot, text = context.bot_user_id, event.get("text", "")
        if (bot and f"<@{bot}" in text) or not is_question(from_slack(text)):
            return  # a mention is sent as app_mention too; "thanks!" asks nothing
        where = _where(event, body)
        if not self.settings.listens_in(where.channel):
            return
        if not self.conversations.part_of(where) and not self._adopted(event, where, client, bot):
            return
        self._converse(event, body, text, client, say)

    def _adopted(self, event: dict, where: Where, client: WebClient, bot: str | None) -> bool:
        """A reply in the thread of an `/ask` answer: the thread takes that answer's turn.
        The answer went out through the command's response URL, so its message is read back
        to learn which answer it shows."""
        if not bot or event.get("parent_user_id") != bot:
            return False
        try:
            found = client.conversations_replies(channel=where.channel, ts=where.thread, limit=1)
        except SlackApiError as error:
            log.warning("could not read the message a thread replies to: %s", error)
            return False
        messages = found.get("messages") or []
        shown = answer_id(messages[0]) if messages else None
        if shown is None:
            return False
        return self.conversations.adopt(replace(where, thread=f"answer:{shown}"), where)

    def feedback(self, body: dict, action: dict, respond: Respond) -> None:
        """A feedback button: recorded against its answer, and the clicker thanked alone."""
        found = clicked(action)
        if found is None:
            return
        kind, shown = found
        user = body.get("user", {}).get("id", "")
        try:
            self.conversations.feedback.record(shown, kind, f"{body['team']['id']}:{user}")
        except UserError as refusal:
            thanks = str(refusal)
        else:
            thanks = THANKS
        respond(text=thanks, response_type="ephemeral", replace_original=False)

    def _converse(self, event: dict, body: dict, text: str, client: WebClient, say: Say) -> None:
        question, flag = options(from_slack(text))
        private = self._private(flag)
        where = _where(event, body)
        exchange: Exchange | None = None
        try:
            if not question:
                raise UserError(MENTION_USAGE)
            self.limiter.check(event.get("user", ""))
        except UserError as refusal:
            messages, private = [notice(str(refusal))], True
        else:

            def answer() -> list[Message]:
                nonlocal exchange
                exchange, shown = self.conversations.ask(question, where, scope_of(body))
                # Kept before it is posted: a reply to the answer may arrive at once.
                self.conversations.remember(where, exchange.turn)
                answered = answer_messages(exchange.answer)
                return conversation_messages(answered, exchange.read_as, shown)

            messages, failed = self._work(answer)
            unanswered = exchange is not None and not exchange.answer.answered
            quiet = unanswered and self.settings.unanswered == "ephemeral"
            private = private or failed or quiet
        self._post(event, client, say, messages, private)

    def _post(
        self, event: dict, client: WebClient, say: Say, messages: list[Message], private: bool
    ) -> None:
        """Messages in the event's thread: for everyone, or for its author alone."""
        thread = event.get("thread_ts") or event["ts"]
        for message in messages:
            if private:
                client.chat_postEphemeral(
                    channel=event["channel"],
                    user=event.get("user", ""),
                    thread_ts=thread,
                    **_payload(message),
                )
            else:
                say(thread_ts=thread, unfurl_links=False, unfurl_media=False, **_payload(message))

    # -- helpers -----------------------------------------------------------------------------

    def _respond(
        self,
        respond: Respond,
        flag: bool | None,
        work: Callable[[], list[Message]],
        hint: str | None = None,
    ) -> None:
        messages, failed = self._work(work, hint)
        private = failed or self._private(flag)
        for message in messages:
            sent = respond(
                response_type="ephemeral" if private else "in_channel",
                replace_original=False,
                unfurl_links=False,
                unfurl_media=False,
                **_payload(message),
            )
            if sent.status_code != 200:  # Slack refused it; the user sees nothing
                log.error("response_url refused a reply: %s %s", sent.status_code, sent.body)

    def _work(
        self, work: Callable[[], list[Message]], hint: str | None = None
    ) -> tuple[list[Message], bool]:
        """The messages, or a notice for the user alone (True) when the request failed: what
        the asker can fix in their words (with the command's `hint`), anything else logged."""
        try:
            return work(), False
        except UserError as error:
            return [notice(f"Sorry, {error}.", hint)], True
        except Exception:
            log.exception("a Slack request failed")
            return [notice(FAILED)], True

    def _private(self, flag: bool | None) -> bool:
        return flag if flag is not None else self.settings.visibility == "ephemeral"


def _where(event: dict, body: dict) -> Where:
    """The conversation an event belongs to: its thread, or the thread a mention starts."""
    thread = event.get("thread_ts") or event["ts"]
    return Where("slack", body["team_id"], event["channel"], thread)


def _payload(message: Message) -> dict[str, Any]:
    return {"text": message["text"], "blocks": message["blocks"]}


def _without_mention(text: str, context: BoltContext) -> str:
    """The mention's text without the bot's own `<@U…>` (anywhere), other mentions kept."""
    bot = context.bot_user_id
    pattern = rf"<@{re.escape(bot)}(?:\|[^>]*)?>" if bot else r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>"
    return re.sub(pattern, " ", text).strip()
