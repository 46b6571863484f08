"""Conflicting reports as Block Kit: a section above the quotes, so no reader takes one side
for the answer. Each line is the core's fixed sentence, made inert as article words are."""

from __future__ import annotations

from typing import Any

from bot.core.models import Answer
from bot.slack.mrkdwn import clip, literal

HEADING = ":warning: *Conflicting reports*"
# A section's text is at most 3,000 characters (Block Kit reference).
_SECTION_CHARS = 3000


def conflict_blocks(answer: Answer) -> list[dict[str, Any]]:
    """One section naming every conflict, or nothing when the articles agree."""
    if not answer.conflicts:
        return []
    lines = [HEADING, *(f"• {literal(c.note)}" for c in answer.conflicts)]
    text = clip("\n".join(lines), _SECTION_CHARS, lambda s: s)[0]
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}]
