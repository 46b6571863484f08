"""Configuration, read once at start-up from one TOML file plus environment variables.

Lookup order for the file: `--config PATH`, then `NEWSBOT_CONFIG`, then `./config.toml`, then
built-in defaults. `NEWSBOT_DATA_DIR` overrides `data_dir`. `NEWSBOT_NOW` (ISO 8601) fixes the
clock that questions' time words ("last week") are read by, for tests and benchmarks. Secrets
(chat tokens) come only from the environment and are never read from the file. Each table is
read into its settings class by `bot.tables`; the chat tables (`[slack]`, `[discord]`) are
kept for their front ends to read.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.core.answer import AnswerSettings, zone
from bot.tables import ConfigError, read_table
from index.embedding import EmbeddingSettings
from index.retrieval import RetrievalWeights
from index.settings import IndexSettings
from index.sources.fetching import WebSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = PROJECT_ROOT / "seeds"
PLATFORMS = ("discord", "slack")

__all__ = ["ChatSettings", "Config", "ConfigError", "load_config"]


@dataclass(frozen=True)
class ChatSettings:
    """`[chat]`: conversations in Slack, Discord and `newsbot chat`, alike in each."""

    # A follow-up ("and Russia?") is read with the conversation's last answer for this long
    # after it; later, it is read as a question of its own.
    context_minutes: int = 30

    def __post_init__(self) -> None:
        if self.context_minutes < 1:
            raise ValueError("context_minutes must be 1 or more")


@dataclass(frozen=True)
class Config:
    data_dir: Path
    seeds_dir: Path
    embedding: EmbeddingSettings
    index: IndexSettings
    answer: AnswerSettings
    summary_sentences: int = 4
    web: WebSettings = field(default_factory=WebSettings)
    platforms: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # `[channels]`, read by `bot.channels.settings` (feed posts, alerts, digests).
    channels: Mapping[str, Any] = field(default_factory=dict)
    source: Path | None = None
    # The PostgreSQL database (`[index] backend = "postgres"`): a secret, from
    # NEWSBOT_DATABASE_URL only.
    database_url: str | None = field(default=None, repr=False)
    # The moment every question is asked at, from NEWSBOT_NOW; None for the system clock.
    fixed_now: datetime | None = None
    chat: ChatSettings = field(default_factory=ChatSettings)

    def now(self) -> datetime:
        """When a question is asked, in `[answer] timezone`: its "today" is that zone's."""
        return self.fixed_now or datetime.now(zone(self.answer.timezone))


@dataclass(frozen=True)
class _Folders:
    """The file's top-level keys."""

    data_dir: Path | None = None
    seeds_dir: Path | None = None


@dataclass(frozen=True)
class _Summary:
    """`[summary]`."""

    sentences: int = 4

    def __post_init__(self) -> None:
        if self.sentences < 1:
            raise ValueError("sentences must be 1 or more")


@dataclass(frozen=True)
class _Sources:
    """`[sources]`: `ratings` maps an outlet's name to the rating answers show beside it."""

    ratings: Mapping[str, str] = field(default_factory=dict)


_TABLES = (
    "model",
    "index",
    "retrieval",
    "answer",
    "summary",
    "sources",
    "web",
    "channels",
    "chat",
    *PLATFORMS,
)


def default_data_dir(environ: Mapping[str, str]) -> Path:
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "newsbot"


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    environ = os.environ if environ is None else environ
    source = _find_file(path, environ)
    raw = _read(source) if source else {}
    try:
        config = _build(raw, environ, source)
    except ConfigError as error:
        raise ConfigError(f"{source or 'defaults'}: {error}") from error
    return replace(config, fixed_now=_fixed_now(environ, config.answer.timezone))


def _fixed_now(environ: Mapping[str, str], timezone: str) -> datetime | None:
    """NEWSBOT_NOW as a moment in `timezone`; a time without an offset is that zone's."""
    typed = environ.get("NEWSBOT_NOW", "").strip()
    if not typed:
        return None
    try:
        moment = datetime.fromisoformat(typed)
    except ValueError:
        raise ConfigError(
            f"NEWSBOT_NOW={typed[:40]!r} is not an ISO 8601 time; "
            "write it like 2017-04-26T12:00:00Z"
        ) from None
    where = zone(timezone)
    return moment.replace(tzinfo=where) if moment.tzinfo is None else moment.astimezone(where)


def _find_file(path: Path | None, environ: Mapping[str, str]) -> Path | None:
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist")
        return path
    if environ.get("NEWSBOT_CONFIG"):
        named = Path(environ["NEWSBOT_CONFIG"])
        if not named.is_file():
            raise ConfigError(f"NEWSBOT_CONFIG names {named}, which does not exist")
        return named
    local = Path("config.toml")
    return local if local.is_file() else None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read config file {path}: {error}") from error


def _build(raw: dict[str, Any], environ: Mapping[str, str], source: Path | None) -> Config:
    folders = {k: v for k, v in raw.items() if k not in _TABLES}
    unknown = sorted(set(folders) - {"data_dir", "seeds_dir"})
    if unknown:
        raise ConfigError(f"unknown key(s): {', '.join(unknown)}")
    top = read_table(_Folders, folders, "top level")
    tables = {name: raw.get(name, {}) for name in _TABLES}
    retrieval = read_table(RetrievalWeights, tables["retrieval"], "retrieval")
    index = read_table(IndexSettings, tables["index"], "index", skip={"retrieval"})
    ratings = read_table(_Sources, tables["sources"], "sources").ratings
    answer = read_table(AnswerSettings, tables["answer"], "answer", skip={"source_ratings"})
    data_dir = environ.get("NEWSBOT_DATA_DIR")
    database_url = environ.get("NEWSBOT_DATABASE_URL", "").strip() or None
    if index.backend == "postgres" and database_url is None:
        raise ConfigError(
            '[index] backend = "postgres" needs NEWSBOT_DATABASE_URL, the database\'s address '
            "(postgresql://user:password@host:port/database)"
        )
    return Config(
        data_dir=Path(data_dir).expanduser()
        if data_dir
        else top.data_dir or default_data_dir(environ),
        seeds_dir=top.seeds_dir or DEFAULT_SEEDS,
        embedding=read_table(EmbeddingSettings, tables["model"], "model", {"name": "model"}),
        index=replace(index, retrieval=retrieval),
        answer=replace(answer, source_ratings=dict(ratings)),
        summary_sentences=read_table(_Summary, tables["summary"], "summary").sentences,
        web=read_table(WebSettings, tables["web"], "web"),
        platforms={name: tables[name] for name in PLATFORMS},
        channels=tables["channels"],
        source=source,
        chat=read_table(ChatSettings, tables["chat"], "chat"),
        database_url=database_url,
    )
