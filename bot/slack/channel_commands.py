"""/follow, /unfollow, /following, /alert, /alerts and /digest in Slack.

Like every other command, each acks at once (a refusal is the ack itself, shown to the asker
alone) and does its work in a lazy listener, replying to the asker alone: the channel sees
only the posts. Admins are the `[slack] admins` of the workspace the command comes from.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from slack_bolt import Ack, App, BoltResponse, Respond

from bot.channels import replies
from bot.channels.manage import Channels
from bot.channels.models import Place
from bot.chat import NotPermitted
from bot.service import NewsService
from bot.slack.blocks import notice
from bot.slack.mrkdwn import from_slack
from bot.slack.settings import SlackSettings
from index.errors import UserError

log = logging.getLogger(__name__)

NOT_ADMIN = "Sorry, only newsbot's admins in this workspace can do that."
FAILED = "Sorry, something went wrong on newsbot's side. The error is in its log."
USAGE = {
    "/follow": "Usage: `/follow FEED_URL [keyword …] [cap:N]`, e.g. "
    "`/follow https://example.com/rss.xml ferry cap:5`",
    "/unfollow": "Usage: `/unfollow FEED_URL` or its number from `/following`",
    "/alert": "Usage: `/alert [--channel] words`, e.g. `/alert ferry strike`",
    "/digest": "Usage: `/digest daily|weekly [at HH:MM]`, or `/digest off`",
}
_CAP = re.compile(r"(?<!\S)cap:(\d+)(?!\S)")
_WORD = re.compile(r'["“]([^"”]+)["”]|(\S+)')
_AT = re.compile(r"^(daily|weekly|off)(?:\s+at\s+(\S+))?$", re.I)


def place_of(command: dict) -> Place:
    return Place("slack", command["team_id"], command["channel_id"])


def register_channel_commands(app: App, service: NewsService, settings: SlackSettings) -> None:
    """Add the channel commands to the app."""
    commands = ChannelCommands(service, settings)
    admin = _refusing(commands.only_admins)
    needs_text = _refusing(commands.needs_text)
    app.command("/follow", middleware=[admin, needs_text])(ack=_ack, lazy=[commands.follow])
    app.command("/unfollow", middleware=[admin, needs_text])(ack=_ack, lazy=[commands.unfollow])
    app.command("/following")(ack=_ack, lazy=[commands.following])
    app.command("/alert", middleware=[needs_text])(ack=_ack, lazy=[commands.alert])
    app.command("/alerts")(ack=_ack, lazy=[commands.alerts])
    app.command("/digest", middleware=[admin, needs_text])(ack=_ack, lazy=[commands.digest])


def _ack(ack: Ack) -> None:
    ack()


def _refusing(check: Callable[[dict], None]) -> Callable[..., BoltResponse | None]:
    def middleware(ack: Ack, command: dict, next: Callable[[], None]) -> BoltResponse | None:
        try:
            check(command)
        except UserError as refusal:
            return ack(text=str(refusal), response_type="ephemeral")
        next()
        return None

    return middleware


class ChannelCommands:
    def __init__(self, service: NewsService, settings: SlackSettings):
        self.service = service
        self.settings = settings

    @property
    def channels(self) -> Channels:
        return self.service.channels

    def is_admin(self, command: dict) -> bool:
        return self.settings.is_admin(command["team_id"], command["user_id"])

    def only_admins(self, command: dict) -> None:
        if not self.is_admin(command):
            raise NotPermitted(NOT_ADMIN)

    def needs_text(self, command: dict) -> None:
        if not from_slack(command.get("text", "")).strip():
            raise UserError(USAGE[command["command"]])

    def follow(self, command: dict, respond: Respond) -> None:
        text = from_slack(command["text"])
        caps = _CAP.findall(text)
        words = [m[1] or m[2] for m in _WORD.finditer(_CAP.sub(" ", text))]
        url, keywords = words[0], tuple(words[1:])
        cap = int(caps[-1]) if caps else None

        def work() -> str:
            subscription, new, listed = self.channels.follow(place_of(command), url, keywords, cap)
            return replies.followed(subscription, new, listed)

        self._reply(respond, work)

    def unfollow(self, command: dict, respond: Respond) -> None:
        reference = from_slack(command["text"]).strip()
        self._reply(
            respond,
            lambda: replies.unfollowed(self.channels.unfollow(place_of(command), reference)),
        )

    def following(self, command: dict, respond: Respond) -> None:
        self._reply(respond, lambda: replies.following(self.channels.following(place_of(command))))

    def alert(self, command: dict, respond: Respond) -> None:
        text = from_slack(command["text"]).strip()
        first, _, rest = text.partition(" ")
        for_channel = first == "--channel"
        words = rest if for_channel else text

        def work() -> str:
            if for_channel and not self.is_admin(command):
                raise NotPermitted(NOT_ADMIN)
            target = "channel" if for_channel else "user"
            found = self.channels.alert(place_of(command), target, words, command["user_id"])
            return replies.alert_set(found)

        self._reply(respond, work)

    def alerts(self, command: dict, respond: Respond) -> None:
        text = from_slack(command.get("text", "")).split()
        place, user = place_of(command), command["user_id"]

        def work() -> str:
            if text[:1] == ["remove"] and len(text) == 2 and text[1].isdigit():
                removed = self.channels.remove_alert(
                    place, user, int(text[1]), self.is_admin(command)
                )
                return replies.alert_removed(removed)
            if text:
                raise UserError("Usage: `/alerts` lists them, `/alerts remove NUMBER` removes one")
            return replies.alerts(self.channels.alerts(place, user))

        self._reply(respond, work)

    def digest(self, command: dict, respond: Respond) -> None:
        typed = " ".join(from_slack(command["text"]).split())
        match = _AT.match(typed)

        def work() -> str:
            if match is None:
                raise UserError(USAGE["/digest"])
            place = place_of(command)
            if match[1].lower() == "off":
                return replies.digest_off(self.channels.digest_off(place))
            digest = self.channels.digest(place, match[1].lower(), match[2])
            return replies.digest_set(digest, self.service.config.answer.timezone)

        self._reply(respond, work)

    def _reply(self, respond: Respond, work: Callable[[], str]) -> None:
        try:
            text = work()
        except UserError as error:
            text = replies.refused(error)
        except Exception:
            log.exception("a Slack channel command failed")
            text = FAILED
        message = notice(text)
        respond(
            response_type="ephemeral",
            replace_original=False,
            text=message["text"],
            blocks=message["blocks"],
        )
