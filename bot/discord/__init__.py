"""The Discord front end: slash commands and @mentions translated to and from `NewsService`.

`settings` reads the `[discord]` table, `embeds` and `markup` turn answers into Discord messages
(pure), `commands` declares the slash commands over the service, `client` holds the discord.py
client, its command tree and @mention replies, and `cli` is `newsbot serve discord`.
"""
