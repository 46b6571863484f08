"""`sharded = true` runs discord.py's AutoShardedClient with the same commands, and
`shard_count`/`shard_ids` split its shards across processes."""

from __future__ import annotations

import discord
import pytest

from bot.discord.client import NewsClient, ShardedNewsClient, build_client
from bot.discord.settings import DiscordSettings
from tests.support.discord import DiscordStandIn
from tests.support.discord_payloads import API, APP_ID

COMMANDS = {
    *("ask", "summarize", "sources", "ingest"),
    *("follow", "unfollow", "following", "alert", "alerts", "digest"),
}


def test_the_setting_picks_the_client_class_and_both_hold_the_commands(news_service):
    sharded = build_client(news_service, DiscordSettings(sharded=True))
    plain = build_client(news_service, DiscordSettings())
    assert type(sharded) is ShardedNewsClient and isinstance(sharded, discord.AutoShardedClient)
    assert type(plain) is NewsClient and not isinstance(plain, discord.AutoShardedClient)
    for client in (sharded, plain):
        assert {c.name for c in client.tree.get_commands()} == COMMANDS
        assert client.tree.client is client
        assert client.allowed_mentions is not None
        assert client.allowed_mentions.to_dict() == {"parse": []}


def test_a_sharded_bot_syncs_globally_and_answers(standin: DiscordStandIn, run_bot):
    bot = run_bot(sharded=True, sync="global")
    assert bot.client.shard_count == 1
    assert standin.wait_for(lambda r: r.path == f"{API}/gateway/bot").status == 200
    synced = standin.wait_for(lambda r: r.method == "PUT")
    assert synced.path == f"{API}/applications/{APP_ID}/commands"
    assert {c["name"] for c in synced.body} == COMMANDS
    sent = standin.slash("ask", {"question": "how many Chinese troops?"})
    assert "**150,000**" in standin.followup(sent).body["embeds"][0]["description"]


def test_a_process_runs_only_its_own_shards(standin: DiscordStandIn, run_bot):
    bot = run_bot(shard_count=3, shard_ids=(1, 2), sync="global")
    assert isinstance(bot.client, ShardedNewsClient)
    assert bot.client.shard_count == 3
    assert sorted(bot.client.shard_ids) == [1, 2]
    assert standin.wait_for(lambda r: r.method == "PUT").path.endswith("/commands")
    assert sorted(tuple(i["shard"]) for i in standin.identifies) == [(1, 3), (2, 3)]
    sent = standin.slash("ask", {"question": "how many Chinese troops?"})
    assert "**150,000**" in standin.followup(sent).body["embeds"][0]["description"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"shard_ids": (0,)}, "shard_ids needs shard_count"),
        ({"shard_count": 0}, "shard_count must be 1 or more"),
        ({"shard_count": 2, "shard_ids": (2,)}, "shard_ids must be between 0 and 1"),
        ({"shard_count": 2, "shard_ids": (1, 1)}, "must not repeat"),
    ],
)
def test_shard_settings_that_cannot_work_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        DiscordSettings(**options)
