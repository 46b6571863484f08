"""The Discord front end: slash commands and @mentions translated to and from `NewsService`.

`settings` reads the `[discord]` table, `embeds` turns answers into Discord messages (pure),
`client` holds the discord.py client and its command tree, `cli` is `newsbot serve discord`.
"""
