"""Conflicting reports as Block Kit: a section above the quotes, so no reader takes one side
for the answer. Each line is the core's fixed sentence, made inert as article words are."""

from __future__ import annotations

from typing import Any

from bot.core.models import Answer
from bot.slack.mrkdwn import clip, literal

HEADING = ":warning: *Conflicting reports*"
# A section's text is at most 3,000 characters (Block Kit reference): room for two notes.
_NOTE_CHARS = 1400


def conflict_blocks(answer: Answer) -> list[dict[str, Any]]:
    """One section naming the conflicts (an answer has at most two: its values and its
    stance), or nothing when the articles agree."""
    if not answer.conflicts:
        return []
    notes = [f"• {clip(c.note, _NOTE_CHARS, literal)[0]}" for c in answer.conflicts[:2]]
    text = "\n".join([HEADING, *notes])
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}]
