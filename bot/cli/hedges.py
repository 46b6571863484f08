"""`newsbot hedges`: the cues the detector finds, so an operator can see why a caveat appeared."""

from __future__ import annotations

import json
import sys

import click

from bot.cli.text import Line, argument, stdin_lines
from bot.core.hedges import Cue, Detection, default_detector
from index.chunking import split_sentences


def highlighted(detection: Detection, style: bool = True) -> str:
    """The sentence with each cue marked, and a line per cue naming its kind, offsets and the
    words it governs (its scope)."""
    text, marked, cursor = detection.text, "", 0
    for cue in detection.cues:
        word = click.style(cue.text, bold=True, underline=True) if style else f"[{cue.text}]"
        marked += text[cursor : cue.start] + word
        cursor = cue.end
    marked += text[cursor:]
    verdict = "uncertain" if detection.uncertain else "certain"
    lines = [f"{marked}", f"  {verdict} (probability {detection.probability:.2f})"]
    for cue in detection.cues:
        lines.append(f"  {cue.kind}: “{cue.text}” at {cue.start}–{cue.end}")
        lines.append(f"    scope {cue.scope_start}–{cue.scope_end}: {_scoped(text, cue, style)}")
    return "\n".join(lines)


def _scoped(text: str, cue: Cue, style: bool) -> str:
    """The cue's scope within its sentence: underlined in a terminal, else in brackets."""
    start, end = cue.scope_start or 0, len(text) if cue.scope_end is None else cue.scope_end
    inside = click.style(text[start:end], underline=True) if style else f"[{text[start:end]}]"
    return text[:start] + inside + text[end:]


@click.command("hedges")
@click.argument("text", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object a sentence.")
def hedges_command(text: tuple[str, ...], as_json: bool) -> None:
    """Show hedge and attribution cues in TEXT, or in one sentence a line from stdin with `-`."""
    if text == ("-",):
        sentences = (line for line in stdin_lines() if line.text.strip())
    else:
        joined = argument(" ".join(text), "the text")
        sentences = (Line(1, joined[s.start : s.end]) for s in split_sentences(joined))
    detector = default_detector()
    failed = False
    for sentence in sentences:
        if sentence.error is not None:  # reported, and the lines after it still read
            failed = True
            click.echo(f"Error: {sentence.error}", err=True)
            continue
        detection = detector.detect(sentence.text.strip())
        if as_json:
            click.echo(json.dumps(detection.to_dict(), ensure_ascii=False))
        else:
            click.echo(highlighted(detection, style=sys.stdout.isatty()) + "\n")
    if failed:
        sys.exit(1)
