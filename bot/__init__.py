"""newsbot's answer core and the front ends that carry it to people.

Imports run one way: `index` <- `bot.core` <- `bot.service` <- the front ends (`bot.cli`,
`bot.slack`, `bot.discord`).
"""
