from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest

from bot.tables import ConfigError, read_table


@dataclass(frozen=True)
class Inner:
    depth: int = 1


@dataclass(frozen=True)
class Example:
    colour: Literal["red", "green"] = "red"
    count: int = 0
    share: float = 0.5
    folder: Path | None = None
    names: tuple[str, ...] = ()
    ratings: dict[str, str] = field(default_factory=dict)
    inner: Inner = field(default_factory=Inner)
    derived: str = ""

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError("count must be 0 or more")


def test_an_empty_table_gives_the_defaults():
    assert read_table(Example, {}, "example") == Example()


def test_values_take_the_types_their_hints_name(tmp_path):
    raw = {
        "colour": "green",
        "count": 3,
        "share": 1,
        "folder": "~/news",
        "names": ["a", "b"],
        "ratings": {"Harbour Times": "reliable"},
        "inner": {"depth": 4},
    }
    read = read_table(Example, raw, "example")
    assert read.colour == "green"
    assert read.share == 1.0 and isinstance(read.share, float)
    assert read.folder == Path("~/news").expanduser()
    assert read.names == ("a", "b")
    assert read.ratings == {"Harbour Times": "reliable"}
    assert read.inner == Inner(depth=4)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"colr": "red"}, "unknown key(s) in [example]: colr (known: colour, count,"),
        ({"colour": "blue"}, '[example] colour must be "red" or "green", not \'blue\''),
        ({"colour": 1}, "[example] colour must be of type str, not int"),
        ({"count": True}, "[example] count must be of type int, not bool"),
        ({"count": 1.5}, "[example] count must be of type int, not float"),
        ({"share": "half"}, "[example] share must be of type int or float, not str"),
        ({"folder": 3}, "[example] folder must be of type str, not int"),
        ({"names": "a"}, "[example] names must be of type list, not str"),
        ({"ratings": {"Times": 5}}, "[example.ratings] Times must be of type str, not int"),
        ({"inner": {"depth": "deep"}}, "[example.inner] depth must be of type int, not str"),
        ({"inner": 3}, "[example.inner] must be a table"),
        ({"count": -1}, "[example] count must be 0 or more"),
    ],
)
def test_each_mistake_names_its_table_and_key(raw, message):
    with pytest.raises(ConfigError) as error:
        read_table(Example, raw, "example")
    assert str(error.value).startswith(message)


def test_a_table_that_is_not_a_table():
    with pytest.raises(ConfigError, match=r"^\[example\] must be a table$"):
        read_table(Example, ["colour"], "example")


def test_renamed_keys_and_skipped_fields():
    read = read_table(Example, {"hue": "green"}, "example", renamed={"hue": "colour"})
    assert read.colour == "green"
    with pytest.raises(ConfigError, match=r"unknown key.*: colour"):
        read_table(Example, {"colour": "green"}, "example", renamed={"hue": "colour"})
    with pytest.raises(ConfigError, match=r"unknown key\(s\) in \[example\]: derived"):
        read_table(Example, {"derived": "x"}, "example", skip={"derived"})
