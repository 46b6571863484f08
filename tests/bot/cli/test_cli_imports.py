"""What a cold `newsbot ask` imports: nothing it does not use on a SQLite corpus."""

from __future__ import annotations

from tests.support.fresh_python import run_fresh

# PostgreSQL's driver, web-page extraction, and bm25s (which imports scipy).
UNUSED_BY_AN_ASK = ("psycopg", "trafilatura", "htmldate", "bm25s", "scipy")


def test_the_ask_path_imports_neither_postgres_nor_web_extraction_nor_bm25s() -> None:
    script = (
        "import sys\n"
        "import bot.cli, bot.service, bot.core.answer, index.library\n"
        "from index.lexical import word_stems\n"
        "assert word_stems(['The troops and the running']) == [['troop', 'run']]\n"
        f"loaded = sorted(m for m in {UNUSED_BY_AN_ASK!r} if m in sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    done = run_fresh(script)
    assert done.returncode == 0, done.stderr
