"""Text typed at the terminal, checked where it enters: arguments and lines of stdin.

Python decodes arguments (and stdin, under a C or POSIX locale) with `surrogateescape`, so bytes
that are not UTF-8 arrive as lone surrogates and fail far away, in the tokenizer or when printed.
Here they become one line saying what was not UTF-8. Stdin is read as bytes and decoded a line
at a time, so one bad line is reported and the lines after it are still read.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass

import click

# `surrogateescape` turns the byte 0xNN that is not UTF-8 into the character U+DCNN.
_ESCAPED = range(0xDC80, 0xDD00)


@dataclass(frozen=True)
class Line:
    """One line of stdin: its text, and why it cannot be used when it cannot."""

    number: int
    text: str  # undecodable bytes shown as U+FFFD
    error: str | None = None


def argument(text: str, what: str) -> str:
    """`text` as typed, or a one-line error naming `what` when it holds bytes that are not UTF-8
    (paths are not checked: a file name need not be UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        character = ord(error.object[error.start])
        found = f"byte 0x{character - 0xDC00:02X}" if character in _ESCAPED else "a lone surrogate"
        raise click.ClickException(_not_utf8(what, found, error.start)) from None
    return text


def stdin_lines() -> Iterator[Line]:
    """Each line of stdin, without its line ending, decoded on its own."""
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        raw = raw.rstrip(b"\r\n")
        try:
            yield Line(number, raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            found = f"byte 0x{raw[error.start]:02X}"
            why = _not_utf8(f"line {number}", found, error.start)
            yield Line(number, raw.decode("utf-8", "replace"), why)


def _not_utf8(what: str, found: str, offset: int) -> str:
    return (
        f"{what} is not valid UTF-8 ({found} at position {offset + 1}); "
        "check the encoding of the terminal or file"
    )
