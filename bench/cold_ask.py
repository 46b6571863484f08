"""`newsbot ask` with a chosen embedding backend, for timing cold start before the config key
exists: the same imports as the CLI, the same Library and `ask`, the same rendering."""

from __future__ import annotations

import argparse
from pathlib import Path

import click

import bot.cli  # noqa: F401  (the CLI's own imports, so start-up pays exactly what it pays)
from bot.answer import ask
from bot.config import load_config
from bot.render_text import answer_text
from index.embedding import Embedder
from index.library import Library


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="onnx")
    parser.add_argument("--quantize", default="none")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("question", nargs="+")
    args = parser.parse_args()
    config = load_config(None)
    settings = config.index
    embedder = Embedder(
        settings.model, settings.offline, settings.batch_size, args.backend, args.quantize
    )
    library = Library(args.data_dir, settings, embedder=embedder)
    try:
        answer = ask(library, " ".join(args.question), config.answer)
        click.echo(answer_text(answer, lambda s: click.style(s, bold=True)) + "\n")
    finally:
        library.close()


if __name__ == "__main__":
    main()
