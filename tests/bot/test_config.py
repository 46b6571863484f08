from pathlib import Path

import pytest

from bot.config import DEFAULT_SEEDS, ConfigError, load_config

EXAMPLE = Path(__file__).parents[2] / "config.example.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "newsbot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(environ={"XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert config.data_dir == tmp_path / "xdg" / "newsbot"
    assert config.seeds_dir == DEFAULT_SEEDS
    assert config.embedding.model == "all-MiniLM-L6-v2"
    assert config.embedding.backend == "auto"
    assert config.source is None


def test_the_example_file_loads_and_documents_every_setting():
    from dataclasses import fields

    from bot.channels.settings import ChannelSettings
    from bot.config import ChatSettings
    from bot.core.answer import AnswerSettings
    from bot.discord.settings import DiscordSettings
    from bot.slack.settings import SlackSettings
    from index.embedding import EmbeddingSettings
    from index.retrieval import RetrievalWeights
    from index.settings import IndexSettings
    from index.sources.fetching import WebSettings
    from index.storage.faiss import VectorIndexSettings
    from index.storage.postgres.settings import PostgresSettings

    config = load_config(EXAMPLE, environ={})
    assert config.source == EXAMPLE
    text = EXAMPLE.read_text()
    keys = {"data_dir", "seeds_dir", "sentences"}
    for settings in (
        EmbeddingSettings,
        IndexSettings,
        VectorIndexSettings,
        PostgresSettings,
        RetrievalWeights,
        AnswerSettings,
        WebSettings,
        SlackSettings,
        DiscordSettings,
        ChannelSettings,
        ChatSettings,
    ):
        keys |= {f.name for f in fields(settings)}
    # [model] name; [index.vectors]; [index.postgres]; [retrieval]; [sources.ratings]
    keys -= {"model", "vectors", "postgres", "retrieval", "source_ratings"}
    for key in sorted(keys):
        assert f"\n{key} =" in text or f"\n# {key} =" in text, key
    assert "[index.vectors]" in text
    assert "[sources.ratings]" in text
    assert config.chat.context_minutes == 30


def test_the_chat_table_is_read_and_checked(tmp_path):
    config = load_config(write(tmp_path, "[chat]\ncontext_minutes = 5\n"), environ={})
    assert config.chat.context_minutes == 5
    with pytest.raises(ConfigError, match=r"\[chat\] context_minutes must be 1 or more"):
        load_config(write(tmp_path, "[chat]\ncontext_minutes = 0\n"), environ={})
    with pytest.raises(ConfigError, match=r"unknown key\(s\) in \[chat\]: minutes"):
        load_config(write(tmp_path, "[chat]\nminutes = 5\n"), environ={})


def test_values_flow_into_settings(tmp_path):
    path = write(
        tmp_path,
        """
data_dir = "~/news"
[model]
name = "/models/other"
batch_size = 8
[index.vectors]
kind = "hnsw"
ivf_nprobe = 32
[retrieval]
lexical = 0.5
[answer]
top_k = 9
min_similarity = 0.5
[summary]
sentences = 2
[sources.ratings]
"Harbour Times" = "reliable"
""",
    )
    config = load_config(path, environ={})
    assert config.data_dir == Path("~/news").expanduser()
    assert config.embedding.model == "/models/other"
    assert config.embedding.batch_size == 8
    assert config.index.vectors.kind == "hnsw"
    assert config.index.vectors.ivf_nprobe == 32
    assert config.index.retrieval.lexical == 0.5
    assert config.answer.top_k == 9
    assert config.answer.source_ratings == {"Harbour Times": "reliable"}
    assert config.summary_sentences == 2


def test_lookup_order_flag_then_env_then_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text("[answer]\ntop_k = 1\n")
    env_file = write(tmp_path, "[answer]\ntop_k = 2\n")
    flag_file = tmp_path / "flag.toml"
    flag_file.write_text("[answer]\ntop_k = 3\n")
    assert load_config(environ={}).answer.top_k == 1
    assert load_config(environ={"NEWSBOT_CONFIG": str(env_file)}).answer.top_k == 2
    assert load_config(flag_file, environ={"NEWSBOT_CONFIG": str(env_file)}).answer.top_k == 3


def test_data_dir_from_the_environment_wins(tmp_path):
    path = write(tmp_path, 'data_dir = "/from/file"\n')
    config = load_config(path, environ={"NEWSBOT_DATA_DIR": str(tmp_path / "env")})
    assert config.data_dir == tmp_path / "env"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 1\n", "unknown key"),
        ("[answer]\ntop_kk = 3\n", r"unknown key\(s\) in \[answer\]: top_kk"),
        ('[answer]\ntop_k = "five"\n', r"\[answer\] top_k must be of type int"),
        ("[answer]\nmin_similarity = true\n", "must be of type int or float"),
        ('[answer]\nreader = "llm"\n', 'reader must be "trained" or "similarity"'),
        ("[answer]\nmin_probability = 1.5\n", "min_probability must be between 0 and 1"),
        ("answer = 3\n", r"\[answer\] must be a table"),
        ('[index.vectors]\nvector_index = "flat"\n', r"unknown key\(s\) in \[index.vectors\]"),
        ('[index.vectors]\nkind = "tree"\n', "vector index kind must be one of"),
        ('[model]\nbackend = "tensorflow"\n', "backend must be one of"),
        ("[answer\n", "cannot read config file"),
        ("data_dir = 3\n", r"\[top level\] data_dir must be of type str, not int"),
        ('[sources.ratings]\n"Times" = 5\n', r"\[sources.ratings\] Times must be of type str"),
        ("[web]\nallowed_networks = [10]\n", "allowed_networks must be a list of strings"),
        ("[summary]\nsentences = 0\n", r"\[summary\] sentences must be 1 or more"),
        ('[model]\nmodel = "x"\n', r"unknown key\(s\) in \[model\]: model \(known: name,"),
        (
            '[answer]\ntimezone = "Mars/Olympus"\n',
            r'\[answer\] timezone must be an IANA time zone name such as "Europe/London", not '
            r"'Mars/Olympus'$",
        ),
        ('[answer]\ntimezone = "Europe"\n', "timezone must be an IANA time zone name"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, text), environ={})


def test_missing_named_files_are_errors(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml", environ={})
    with pytest.raises(ConfigError, match="NEWSBOT_CONFIG names"):
        load_config(environ={"NEWSBOT_CONFIG": str(tmp_path / "nope.toml")})


def test_the_postgres_backend_needs_its_database_url(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text('[index]\nbackend = "postgres"\n\n[index.postgres]\npool_max_size = 3\n')
    with pytest.raises(ConfigError, match="needs NEWSBOT_DATABASE_URL"):
        load_config(file, environ={})
    url = "postgresql://newsbot:secret@db:5432/news"
    config = load_config(file, environ={"NEWSBOT_DATABASE_URL": url})
    assert (config.index.backend, config.index.postgres.pool_max_size) == ("postgres", 3)
    assert config.database_url == url
    assert "secret" not in repr(config)
    file.write_text('[index]\nbackend = "mysql"\n')
    with pytest.raises(ConfigError, match="backend"):
        load_config(file, environ={})


def test_newsbot_now_fixes_the_clock_in_the_configured_zone(tmp_path):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    london = write(tmp_path, '[answer]\ntimezone = "Europe/London"\n')
    config = load_config(london, environ={"NEWSBOT_NOW": "2017-04-26T23:30:00Z"})
    assert config.now() == datetime(2017, 4, 26, 23, 30, tzinfo=UTC)
    assert config.now().tzinfo == ZoneInfo("Europe/London")
    assert config.now().date().isoformat() == "2017-04-27"  # London's day, an hour ahead
    naive = load_config(london, environ={"NEWSBOT_NOW": "2017-04-26 09:00"})
    assert naive.now() == datetime(2017, 4, 26, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    assert load_config(environ={"NEWSBOT_NOW": "2017-04-26"}).now() == datetime(
        2017, 4, 26, tzinfo=UTC
    )


def test_without_newsbot_now_the_clock_is_the_systems_in_the_zone(tmp_path):
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    config = load_config(write(tmp_path, '[answer]\ntimezone = "Asia/Tokyo"\n'), environ={})
    assert config.fixed_now is None
    assert config.now().tzinfo == ZoneInfo("Asia/Tokyo")
    assert config.now().utcoffset() == timedelta(hours=9)


@pytest.mark.parametrize("typed", ["yesterday", "2017-13-01", "26/04/2017"])
def test_a_bad_newsbot_now_is_one_line(typed):
    with pytest.raises(ConfigError) as refused:
        load_config(environ={"NEWSBOT_NOW": typed})
    assert str(refused.value) == (
        f"NEWSBOT_NOW={typed!r} is not an ISO 8601 time; write it like 2017-04-26T12:00:00Z"
    )
