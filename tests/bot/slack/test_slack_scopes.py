"""Each workspace its own corpus beside the shared one, and admins per workspace: what an admin
adds in one workspace is answered there alone, cited as added by a member of it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.service import COULD_NOT_FETCH
from bot.slack.app import NOT_ADMIN
from bot.slack.settings import SlackSettings
from tests.support.slack import BOT_USER_ID

NEWSROOM = ("T0NEWS", "newsroom")
ELSEWHERE = ("T0OTHER", "elsewhere")
PORT_ARTICLE = (
    "Port reopens\nThe port reopened on Monday after 12 days of repairs to the main quay."
)
PORT_QUESTION = "How many days of repairs did the port need?"


def test_admins_are_admins_in_their_own_workspace_only():
    settings = SlackSettings(admins=("T0NEWS:U0ADMIN",))
    assert settings.is_admin("T0NEWS", "U0ADMIN")
    assert not settings.is_admin("T0OTHER", "U0ADMIN")
    assert not settings.is_admin("T0NEWS", "U0ASKER")


def test_what_a_workspace_adds_is_answered_there_alone(make_slack, fresh_service):
    slack = make_slack(fresh_service, admins=("T0NEWS:U0ADMIN", "T0OTHER:U0OTHERADMIN"))
    # The same member id is no admin in another workspace.
    _, ack, _, _ = slack.command("/ingest", PORT_ARTICLE, user="U0ADMIN", team=ELSEWHERE)
    assert json.loads(ack)["text"] == NOT_ADMIN
    _, _, _, key = slack.command("/ingest", PORT_ARTICLE, user="U0ADMIN", team=NEWSROOM)
    (report,) = slack.stand_in.wait_for(key, timeout=30)
    assert "added: Port reopens" in report.body["text"]

    _, _, _, here = slack.command("/ask", PORT_QUESTION, team=NEWSROOM)
    (answer,) = slack.stand_in.wait_for(here)
    assert "*12*" in answer.all_text()
    today = datetime.now(UTC).date().isoformat()
    assert f"uploaded by a member of newsroom on {today}" in answer.all_text()

    _, _, _, there = slack.command("/ask", PORT_QUESTION, team=ELSEWHERE)
    (missing,) = slack.stand_in.wait_for(there)
    assert "I couldn't find that" in missing.all_text() and "Port reopens" not in missing.all_text()
    _, _, _, listed = slack.command("/sources", "", team=ELSEWHERE)
    (sources,) = slack.stand_in.wait_for(listed)
    assert "Port reopens" not in sources.all_text() and "Putin Sends Troops" in sources.all_text()
    _, _, _, summary = slack.command("/summarize", "port reopens", team=ELSEWHERE)
    (refused,) = slack.stand_in.wait_for(summary)
    assert "no indexed article matches" in refused.body["text"]
    # The shared corpus is answered in both.
    _, _, _, troops = slack.command("/ask", "how many Chinese troops?", team=ELSEWHERE)
    assert "150,000" in slack.stand_in.wait_for(troops)[0].body["text"]

    slack.mention(f"<@{BOT_USER_ID}> {PORT_QUESTION}", "1712345678.000100", team_id="T0OTHER")
    (mention,) = slack.stand_in.wait_for("/api/chat.postMessage")
    assert "I couldn't find that" in mention.all_text()


def test_why_a_link_could_not_be_fetched_is_not_told_in_the_chat(make_slack, fresh_service, caplog):
    slack = make_slack(fresh_service, admins=("T0NEWS:U0ADMIN",))
    _, _, _, key = slack.command("/ingest", "http://127.0.0.1:9/admin", user="U0ADMIN")
    (report,) = slack.stand_in.wait_for(key, timeout=30)
    assert f"failed: http://127.0.0.1:9/admin: {COULD_NOT_FETCH}" in report.body["text"]
    assert "loopback" not in report.all_text()
    assert "127.0.0.1 is a loopback address" in caplog.text
