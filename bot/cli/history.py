"""`newsbot history`: the versions an updated article has had, and what each one changed."""

from __future__ import annotations

import json

import click

from bot.cli.session import opened
from bot.cli.text import argument
from bot.config import Config
from index.models import Article
from index.revisions import Change


@click.command(name="history")
@click.argument("article", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def history_command(config: Config, article: tuple[str, ...], as_json: bool) -> None:
    """List the versions of one article, named by id or part of its title, each with the
    sentences it added and removed (the first: every sentence it had)."""
    reference = argument(" ".join(article), "the article")
    with opened(config) as service:
        found, changes = service.history(reference)
    if as_json:
        click.echo(json.dumps(history_dict(found, changes), ensure_ascii=False))
    else:
        click.echo(history_text(found, changes))


def history_dict(article: Article, changes: list[Change]) -> dict:
    return {
        "article_id": article.id,
        "title": article.title,
        "versions": [
            {
                "version": change.version.number,
                "seen_at": change.version.seen_at,
                "published": change.version.published,
                "updated": change.version.updated,
                "added": list(change.added),
                "removed": list(change.removed),
            }
            for change in changes
        ],
    }


def history_text(article: Article, changes: list[Change]) -> str:
    count = f"{len(changes)} version{'' if len(changes) == 1 else 's'}"
    lines = [f"History of “{article.title}” (article {article.id}): {count}"]
    for change in changes:
        version = change.version
        dates = [
            f"seen {version.seen_at} UTC",
            f"published {version.published or 'date unknown'}",
            *([f"updated {version.updated}"] if version.updated else []),
        ]
        lines.append(f"Version {version.number} · " + " · ".join(dates))
        lines += [f"  - “{sentence}”" for sentence in change.removed]
        lines += [f"  + “{sentence}”" for sentence in change.added]
    return "\n".join(lines)
