"""News delivered where people read: feed posts, keyword alerts and digests in chat channels.

A channel follows a feed (`subscriptions`), a person or a channel sets alerts (`alerts`), and a
channel asks for a digest (`digests`); all are kept in a small SQLite file of their own
(`store`). After each feed poll, and every few minutes, a `Courier` (`delivery`) posts what is
new through a platform's `Poster`, which the Slack and Discord front ends implement.
"""
