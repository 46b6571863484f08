"""The one root of every error newsbot raises on purpose, and its branch for users' mistakes.

Every front end catches `NewsbotError` once and shows its message as one line. In a chat, only a
`UserError` is shown to the person who asked (it is written for them and may repeat what they
typed); anything else is logged and answered with a fixed apology, since it is the operator's to
fix.
"""

from __future__ import annotations


class NewsbotError(Exception):
    """A failure newsbot expected and can name in one line: its message says what to do."""


class UserError(NewsbotError):
    """Something the person asking can fix themselves: a question, a name, a request."""
