"""What a conversation adds to an answer in Discord: "Read as: …" and the feedback buttons.

Each button's `custom_id` names its kind and the answer's registered id, so a click is
understood after a restart too: `FeedbackButton` is a dynamic item, matched by its template
whatever message it is on, with no view kept in memory per answer.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Protocol

import discord

from bot.discord.embeds import CONTENT_LIMIT, Reply
from bot.discord.markup import escaped, prefixed, size
from bot.feedback import FEEDBACK_KINDS, LABELS, THANKS, FeedbackKind, FeedbackStore
from index.errors import UserError

log = logging.getLogger(__name__)

READ_AS = "**Read as:** "
FAILED = "Sorry, your feedback could not be recorded. Please try again in a moment."


def with_read_as(reply: Reply, read_as: str | None) -> Reply:
    """The reply with the question as newsbot understood it above the rest of its text."""
    if not read_as:
        return reply
    below = f"\n{reply.content}" if reply.content else ""
    line = prefixed(READ_AS, escaped(read_as)).fitted(CONTENT_LIMIT - size(below))
    return Reply(line + below, reply.embeds)


class HoldsFeedback(Protocol):
    """The client, as a click reaches it: where feedback is recorded."""

    feedback: FeedbackStore


class FeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"newsbot:feedback:(?P<kind>{'|'.join(FEEDBACK_KINDS)}):(?P<shown>\d+)",
):
    """One of the three buttons under an answer; a click is recorded and thanked privately."""

    def __init__(self, kind: FeedbackKind, shown: int):
        super().__init__(
            discord.ui.Button(
                label=LABELS[kind],
                style=discord.ButtonStyle.secondary,
                custom_id=f"newsbot:feedback:{kind}:{shown}",
            )
        )
        self.kind: FeedbackKind = kind
        self.shown = shown

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> FeedbackButton:
        return cls(match["kind"], int(match["shown"]))  # type: ignore[arg-type]

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        client: HoldsFeedback = interaction.client  # type: ignore[assignment]
        user = str(interaction.user.id)
        try:
            await asyncio.to_thread(client.feedback.record, self.shown, self.kind, user)
            thanks = THANKS
        except UserError as refusal:
            thanks = str(refusal)
        except Exception:
            log.exception("could not record feedback")
            thanks = FAILED
        await interaction.response.send_message(thanks, ephemeral=True)


def feedback_view(shown: int) -> discord.ui.View:
    """The three buttons for the answer registered as `shown`."""
    view = discord.ui.View(timeout=None)
    for kind in FEEDBACK_KINDS:
        view.add_item(FeedbackButton(kind, shown))
    return view
