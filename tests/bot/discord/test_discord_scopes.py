"""Each server its own corpus beside the shared one: what is added in a server is answered,
listed, summarised and suggested there alone, only that server's managers may add to it, and
text sent through Discord is cited as the upload it is, whatever it claims to be."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.discord.commands import NOT_ADMIN
from bot.service import COULD_NOT_FETCH, NewsService
from index.sources.fetching import WebSettings
from tests.support.discord import DiscordStandIn, Upload
from tests.support.discord_payloads import (
    GUILD_ID,
    MANAGER_PERMISSIONS,
    OTHER_GUILD_ID,
    USER_ID,
)
from tests.support.newssite import NewsSite
from tests.support.stories import STORM, STORM_TITLE, storm_page

PORT_ARTICLE = (
    "Port reopens\nThe port reopened on Monday after 12 days of repairs to the main quay."
)
PORT_QUESTION = "How many days of repairs did the port need?"
TROOPS_QUESTION = "how many Chinese troops?"
NOT_FOUND = "I couldn't find that in the indexed articles."


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def ingest_port(standin: DiscordStandIn, guild: int | None = GUILD_ID, **who: object) -> str:
    options = {"permissions": MANAGER_PERMISSIONS, **who}
    sent = standin.slash("ingest", {"content": PORT_ARTICLE}, guild=guild, **options)  # type: ignore[arg-type]
    return standin.followup(sent, timeout=30).body["content"]


def answer(standin: DiscordStandIn, question: str, guild: int | None) -> dict:
    body = standin.followup(standin.slash("ask", {"question": question}, guild=guild)).body
    return body["embeds"][0]


def test_what_a_server_adds_is_answered_there_alone(
    standin: DiscordStandIn, run_bot, fresh_service: NewsService
):
    run_bot(service=fresh_service, rate_limit=0)
    assert ingest_port(standin).startswith("added: Port reopens\n1 added")

    here = answer(standin, PORT_QUESTION, GUILD_ID)
    assert here["title"] == "Port reopens" and "**12**" in here["description"]
    assert here["fields"][0]["value"].startswith(f"uploaded by a member of Newsroom on {today()}")
    elsewhere = answer(standin, PORT_QUESTION, OTHER_GUILD_ID)
    assert elsewhere["description"].startswith(NOT_FOUND)
    assert "Port reopens" not in str(elsewhere)
    # The shared corpus (the seed article, from the command line) is answered in both.
    for guild in (GUILD_ID, OTHER_GUILD_ID, None):
        assert "**150,000**" in answer(standin, TROOPS_QUESTION, guild)["description"]

    listed = standin.followup(standin.slash("sources", guild=OTHER_GUILD_ID)).body
    assert "Port reopens" not in str(listed) and "Putin Sends Troops" in str(listed)
    assert "Port reopens" in str(standin.followup(standin.slash("sources")).body)
    summary = standin.slash("summarize", {"article": "port reopens"}, guild=OTHER_GUILD_ID)
    assert "no indexed article matches 'port reopens'" in standin.followup(summary).body["content"]
    typed = standin.slash("summarize", {"article": "port"}, focused="article", guild=OTHER_GUILD_ID)
    assert standin.callback(typed).body["data"]["choices"] == []
    typed = standin.slash("summarize", {"article": "port"}, focused="article")
    assert [c["name"] for c in standin.callback(typed).body["data"]["choices"]] == ["Port reopens"]

    standin.mention("<@1200000000000000001> " + PORT_QUESTION, guild=OTHER_GUILD_ID)
    reply = standin.wait_for(lambda r: r.path.endswith("/messages"))
    assert reply.body["embeds"][0]["description"].startswith(NOT_FOUND)


def test_managing_one_server_gives_no_say_over_another(
    standin: DiscordStandIn, run_bot, fresh_service: NewsService
):
    """A member who manages server A may add to A's corpus, which B never sees, and may not
    add to B's, where they are an ordinary member."""
    run_bot(service=fresh_service, rate_limit=0)
    assert ingest_port(standin, GUILD_ID).startswith("added: Port reopens")
    refused = standin.slash("ingest", {"content": PORT_ARTICLE}, guild=OTHER_GUILD_ID)
    assert standin.callback(refused).body["data"]["content"] == NOT_ADMIN
    assert answer(standin, PORT_QUESTION, OTHER_GUILD_ID)["description"].startswith(NOT_FOUND)
    # B's own manager adds to B alone.
    other_manager = USER_ID + 1
    report = ingest_port(standin, OTHER_GUILD_ID, user_id=other_manager)
    assert report.startswith("added: Port reopens")
    titles = [a.title for a in fresh_service.sources(f"discord:{OTHER_GUILD_ID}")]
    assert titles.count("Port reopens") == 1


def test_in_a_dm_only_configured_admins_add_and_what_they_add_is_shared(
    standin: DiscordStandIn, run_bot, fresh_service: NewsService
):
    admin = 1_200_000_000_000_000_777
    run_bot(service=fresh_service, admins=(admin,), rate_limit=0)
    # No server, so no one manages it: permissions a DM cannot carry count for nothing.
    refused = standin.slash("ingest", {"content": PORT_ARTICLE}, guild=None)
    assert standin.callback(refused).body["data"]["content"] == NOT_ADMIN
    assert ingest_port(standin, None, user_id=admin).startswith("added: Port reopens")
    for guild in (GUILD_ID, OTHER_GUILD_ID, None):
        found = answer(standin, PORT_QUESTION, guild)
        assert found["title"] == "Port reopens"
        assert found["fields"][0]["value"].startswith(
            f"uploaded by one of newsbot's admins on {today()}"
        )


def test_an_upload_claiming_a_web_articles_url_is_cited_as_an_upload(
    standin: DiscordStandIn, run_bot, fresh_service: NewsService
):
    """The planted-upload attack: a Markdown file naming a fetched article's URL and outlet
    neither replaces that article nor is quoted under the outlet's name."""
    web = WebSettings(allow_private_networks=True, host_delay_seconds=0, timeout_seconds=10)
    fresh_service.config = replace(fresh_service.config, web=web)
    with NewsSite() as site:
        url = storm_page(site)
        assert fresh_service.ingest_sources([], [url]).added == [STORM_TITLE]
    planted = "The council leader, Martin Hale, said repairs to the sea wall would cost 90 million."
    markdown = (
        f"---\ntitle: {STORM_TITLE}\nurl: {url}\nsource: The Coast Herald\n---\n\n"
        + "\n\n".join([*STORM[:2], planted])
    )
    run_bot(service=fresh_service, rate_limit=0)
    sent = standin.slash(
        "ingest", {"file": Upload("storm.md", markdown.encode())}, permissions=MANAGER_PERMISSIONS
    )
    assert standin.followup(sent, timeout=30).body["content"].startswith(f"added: {STORM_TITLE}")

    stored = [a for a in fresh_service.sources(f"discord:{GUILD_ID}") if a.title == STORM_TITLE]
    web_article, upload = stored
    assert (web_article.url, web_article.source) == (url, "The Coast Herald")
    assert [p.text for p in fresh_service.library.article_passages(web_article.id)] == STORM
    assert (upload.url, upload.source) == (None, None)

    for guild in (GUILD_ID, OTHER_GUILD_ID):
        asked = standin.slash(
            "ask", {"question": "How much will the sea wall repairs cost?"}, guild=guild
        )
        cards = standin.followup(asked).body["embeds"]
        quotes = [c for c in cards if c.get("fields") and c["fields"][0]["name"] == "Source"]
        assert "**3 million** pounds" in quotes[0]["description"]
        for card in quotes:
            source = card["fields"][0]["value"]
            if "90 million" in card["description"]:
                assert source.startswith(f"uploaded by a member of Newsroom on {today()}")
                assert guild == GUILD_ID
            else:
                assert source.startswith("The Coast Herald · 2024-05-03") and url in source


def test_why_a_link_could_not_be_fetched_is_not_told_in_the_chat(
    standin: DiscordStandIn, run_bot, fresh_service: NewsService, caplog
):
    run_bot(service=fresh_service, rate_limit=0)
    sent = standin.slash(
        "ingest", {"content": "http://127.0.0.1:9/admin"}, permissions=MANAGER_PERMISSIONS
    )
    report = standin.followup(sent, timeout=30).body["content"]
    assert f"failed: http://127.0.0.1:9/admin: {COULD_NOT_FETCH}" in report
    assert "loopback" not in report and "127.0.0.1 is" not in report
    assert "127.0.0.1 is a loopback address" in caplog.text
