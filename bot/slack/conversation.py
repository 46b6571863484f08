"""What a conversation adds to an answer in Slack: "Read as: …" and the feedback buttons.

The question as newsbot understood it goes under the question; the buttons go last, in an
actions block whose buttons carry the answer's registered id. A click comes back as a
`block_actions` request with the button's `action_id` and that id as its `value`.
"""

from __future__ import annotations

import re
from typing import get_args

from bot.feedback import LABELS, FeedbackKind
from bot.slack.blocks import BLOCKS_PER_MESSAGE, Block, Message
from bot.slack.mrkdwn import clip

ACTION_PREFIX = "newsbot_feedback_"
# The block_id of an answer's first block, so a reply in its thread can tell which answer it is.
ANSWER_BLOCK = re.compile(r"^newsbot_(?:answer|feedback)_(\d+)$")
ACTIONS = re.compile(rf"^{ACTION_PREFIX}({'|'.join(get_args(FeedbackKind))})$")
READ_AS = "Read as:"
READ_AS_CHARS = 2900


def conversation_messages(
    messages: list[Message], read_as: str | None, shown_id: int
) -> list[Message]:
    """`messages` with the question as understood under the question, and buttons at the end."""
    first = messages[0]
    blocks = list(first["blocks"])
    blocks[0] = {**blocks[0], "block_id": f"newsbot_answer_{shown_id}"}
    if read_as:
        understood = clip(read_as, READ_AS_CHARS)[0]  # made literal: no markup, no mentions
        text = {"type": "mrkdwn", "text": f"*{READ_AS}* {understood}", "verbatim": True}
        blocks[1:1] = [{"type": "context", "elements": [text]}]
    pages = [{**first, "blocks": blocks}, *messages[1:]]
    buttons = feedback_block(shown_id)
    if len(pages[-1]["blocks"]) >= BLOCKS_PER_MESSAGE:
        return [*pages, {"text": LABELS["up"], "blocks": [buttons]}]
    pages[-1] = {**pages[-1], "blocks": [*pages[-1]["blocks"], buttons]}
    return pages


def feedback_block(shown_id: int) -> Block:
    return {
        "type": "actions",
        "block_id": f"newsbot_feedback_{shown_id}",
        "elements": [
            {
                "type": "button",
                "action_id": f"{ACTION_PREFIX}{kind}",
                "text": {"type": "plain_text", "text": label, "emoji": True},
                "value": str(shown_id),
            }
            for kind, label in LABELS.items()
        ],
    }


def clicked(action: dict) -> tuple[FeedbackKind, int] | None:
    """The kind and answer id of a feedback button's click; None for anything else."""
    match = ACTIONS.match(str(action.get("action_id", "")))
    value = str(action.get("value", ""))
    if match is None or not value.isdigit():
        return None
    return match[1], int(value)  # type: ignore[return-value]


def answer_id(message: dict) -> int | None:
    """The id of the answer a posted message shows (any of its pages), or None."""
    for block in message.get("blocks") or []:
        match = ANSWER_BLOCK.match(str(block.get("block_id", "")))
        if match:
            return int(match[1])
    return None
