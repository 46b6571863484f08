"""Config tables read into settings dataclasses, checked against the dataclasses' type hints.

Each settings class is the one statement of its keys, their types and their defaults: a key it
does not have, or a value of the wrong type, fails at start-up with the table and key named
instead of being ignored. Checks beyond types (ranges, formats, the items of a list) live in the
class's `__post_init__`, whose `ValueError` is reported the same way.
"""

from __future__ import annotations

import types
from collections.abc import Collection, Mapping
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from index.errors import NewsbotError

T = TypeVar("T")


class ConfigError(NewsbotError):
    """The configuration file is unreadable or names a key newsbot does not know."""


def read_table(
    cls: type[T],
    raw: object,
    name: str,
    renamed: Mapping[str, str] | None = None,
    skip: Collection[str] = (),
) -> T:
    """`raw` (a TOML table) as a `cls`; keys it leaves out keep the class's defaults.

    `renamed` maps a file key to the field it sets, where the two differ; `skip` names fields
    that are not keys of this table (they are filled from elsewhere).
    """
    if not isinstance(raw, Mapping):
        raise ConfigError(f"[{name}] must be a table")
    to_field = dict(renamed or {})
    to_key = {field: key for key, field in to_field.items()}
    known = [to_key.get(f.name, f.name) for f in fields(cls) if f.init and f.name not in skip]  # type: ignore[arg-type]
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ConfigError(
            f"unknown key(s) in [{name}]: {', '.join(unknown)} (known: {', '.join(known)})"
        )
    hints = get_type_hints(cls)
    values = {}
    for key, value in raw.items():
        field = to_field.get(key, key)
        values[field] = _value(hints[field], value, name, key)
    try:
        return cls(**values)
    except ValueError as error:
        raise ConfigError(f"[{name}] {error}") from error


def _value(hint: Any, value: Any, table: str, key: str) -> Any:
    """`value` as the type `hint` names, or a `ConfigError` saying what was expected."""
    where = f"[{table}] {key}"
    origin, args = get_origin(hint), get_args(hint)
    if isinstance(hint, type) and is_dataclass(hint):
        return read_table(hint, value, f"{table}.{key}")
    if origin is Literal:
        _expect(isinstance(value, type(args[0])), where, type(args[0]).__name__, value)
        if value not in args:
            raise ConfigError(f"{where} must be {_choices(args)}, not {value!r}")
        return value
    if origin in (Union, types.UnionType):
        arms = [a for a in args if a is not type(None)]
        return _value(arms[0], value, table, key) if len(arms) == 1 else value
    if origin is tuple:
        # The items are the class's to check: their rules (ids, networks) are its own.
        _expect(isinstance(value, list), where, "list", value)
        return tuple(value)
    if origin is Mapping or origin is dict:
        _expect(isinstance(value, Mapping), where, "table", value)
        item = args[1] if len(args) == 2 else Any
        return {k: _value(item, v, f"{table}.{key}", k) for k, v in value.items()}
    if hint is float:
        _expect(_is_number(value), where, "int or float", value)
        return float(value)
    if hint is int:
        _expect(isinstance(value, int) and not isinstance(value, bool), where, "int", value)
        return value
    if hint is Path:
        _expect(isinstance(value, str), where, "str", value)
        return Path(value).expanduser()
    if hint in (str, bool):
        _expect(type(value) is hint, where, hint.__name__, value)
    return value


def _expect(ok: bool, where: str, wanted: str, value: Any) -> None:
    if not ok:
        raise ConfigError(f"{where} must be of type {wanted}, not {type(value).__name__}")


def _is_number(value: Any) -> bool:
    # bool is an int in Python; `true` where a number belongs is still a mistake.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _choices(args: tuple[Any, ...]) -> str:
    if len(args) == 2:
        return " or ".join(f'"{a}"' for a in args)
    return "one of " + ", ".join(str(a) for a in args)
