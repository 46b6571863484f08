"""Conflicting reports for a Discord embed of their own, above the quotes, so no reader takes
one side for the answer. Each line is the core's fixed sentence, escaped as article words are."""

from __future__ import annotations

from bot.core.models import Answer
from bot.discord.markup import ELLIPSIS, Text, capped, escaped, lines, prefixed

TITLE = "⚠ Conflicting reports"
COLOUR = 0xC62828
# One conflict is never allowed to crowd out the others.
_NOTE_LIMIT = 1000


def conflict_text(answer: Answer) -> Text | None:
    """Every conflict as a bullet, cut to fit; None when the articles agree."""
    if not answer.conflicts:
        return None
    bullets = [capped(prefixed("• ", escaped(c.note)), _NOTE_LIMIT) for c in answer.conflicts]
    return lines(bullets, lambda n: f"{ELLIPSIS}and {n} more conflicts not shown.")
