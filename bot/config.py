"""Configuration, read once at start-up from one TOML file plus environment variables.

Lookup order for the file: `--config PATH`, then `NEWSBOT_CONFIG`, then `./config.toml`, then
built-in defaults. `NEWSBOT_DATA_DIR` overrides `data_dir`. Secrets (chat tokens) come only from
the environment and are never read from the file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from bot.core.answer import AnswerSettings
from index.errors import NewsbotError
from index.library import IndexSettings
from index.retrieval import RetrievalWeights
from index.web import WebSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = PROJECT_ROOT / "seeds"


class ConfigError(NewsbotError):
    """The configuration file is unreadable or names a key newsbot does not know."""


@dataclass(frozen=True)
class Config:
    data_dir: Path
    seeds_dir: Path
    index: IndexSettings
    answer: AnswerSettings
    summary_sentences: int = 4
    web: WebSettings = field(default_factory=WebSettings)
    platforms: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    source: Path | None = None


def default_data_dir(environ: Mapping[str, str]) -> Path:
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "newsbot"


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    environ = os.environ if environ is None else environ
    source = _find_file(path, environ)
    raw = _read(source) if source else {}
    try:
        return _build(raw, environ, source)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{source or 'defaults'}: {error}") from error


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


_SECTIONS = {
    "model",
    "index",
    "retrieval",
    "answer",
    "summary",
    "sources",
    "web",
    "discord",
    "slack",
}


def _build(raw: dict[str, Any], environ: Mapping[str, str], source: Path | None) -> Config:
    unknown = set(raw) - _SECTIONS - {"data_dir", "seeds_dir"}
    if unknown:
        raise ValueError(f"unknown key(s): {', '.join(sorted(unknown))}")
    base = IndexSettings()
    in_model = {"model", "offline", "batch_size", "backend", "quantize"}
    model = _section(
        raw, "model", {"name": base.model} | {k: getattr(base, k) for k in in_model - {"model"}}
    )
    index = _section(raw, "index", _defaults(base, in_model | {"weights"}))
    weights = _section(raw, "retrieval", _defaults(RetrievalWeights()))
    answer = _section(raw, "answer", _defaults(AnswerSettings(), {"source_ratings"}))
    summary = _section(raw, "summary", {"sentences": 4})
    web = _section(raw, "web", _defaults(WebSettings()))
    ratings = _section(raw, "sources", {"ratings": {}}).get("ratings", {})
    if not all(isinstance(v, str) for v in ratings.values()):
        raise ValueError("[sources.ratings] values must be strings")
    data_dir = environ.get("NEWSBOT_DATA_DIR") or raw.get("data_dir")
    seeds_dir = raw.get("seeds_dir")
    return Config(
        data_dir=Path(data_dir).expanduser() if data_dir else default_data_dir(environ),
        seeds_dir=Path(seeds_dir).expanduser() if seeds_dir else DEFAULT_SEEDS,
        index=IndexSettings(
            **({"model": model["name"]} if "name" in model else {}),
            **{k: v for k, v in model.items() if k != "name"},
            **index,
            weights=RetrievalWeights(**weights),
        ),
        answer=AnswerSettings(**answer, source_ratings=dict(ratings)),
        summary_sentences=int(summary.get("sentences", 4)),
        web=WebSettings(**web),
        platforms={name: raw.get(name, {}) for name in ("discord", "slack")},
        source=source,
    )


def _section(raw: dict[str, Any], name: str, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The table `name`, checked against the keys and value types of `defaults`."""
    section = raw.get(name, {})
    if not isinstance(section, dict):
        raise ValueError(f"[{name}] must be a table")
    unknown = set(section) - set(defaults)
    if unknown:
        raise ValueError(f"unknown key(s) in [{name}]: {', '.join(sorted(unknown))}")
    for key, value in section.items():
        expected = type(defaults[key])
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if expected is float:
            wrong = not number
        elif expected is tuple:  # TOML writes lists
            wrong = not isinstance(value, list) or not all(isinstance(v, str) for v in value)
        else:
            wrong = type(value) is not expected
        if wrong:
            raise ValueError(f"[{name}] {key} must be of type {expected.__name__}")
    return section


def _defaults(obj: object, skip: set[str] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
    return {f.name: getattr(obj, f.name) for f in fields(obj) if f.name not in skip}  # type: ignore[arg-type]


def check_table(name: str, raw: object, types: Mapping[str, tuple[type, ...]]) -> Mapping[str, Any]:
    """A front end's `[name]` table with every key known and every value of an allowed type,
    so a typo fails at start-up instead of being ignored."""
    if not isinstance(raw, Mapping):
        raise ConfigError(f"[{name}] must be a table")
    unknown = set(raw) - set(types)
    if unknown:
        raise ConfigError(
            f"unknown key(s) in [{name}]: {', '.join(sorted(unknown))} (known: {', '.join(types)})"
        )
    for key, value in raw.items():
        expected = types[key]
        # bool is an int in Python; `true` where a number belongs is still a mistake.
        if (isinstance(value, bool) and bool not in expected) or not isinstance(value, expected):
            names = " or ".join(t.__name__ for t in expected)
            raise ConfigError(f"[{name}] {key} must be of type {names}, not {type(value).__name__}")
    return raw
