"""newsbot's answers to the channel commands: fixed sentences filled with names and numbers,
the same on every platform (each front end only formats them)."""

from __future__ import annotations

from bot.channels.models import Alert, Digest, Subscription


def followed(subscription: Subscription, new: bool, listed: int) -> str:
    cap = f"at most {subscription.per_hour} an hour"
    words = subscription.keywords
    which = f" that mention {_either(words)}" if words else ""
    already = "" if new else " (this channel already followed it: its keywords and cap are updated)"
    listed_now = (
        (
            f" The {listed} articles in it now are not posted."
            if listed != 1
            else " The one article in it now is not posted."
        )
        if listed
        else ""
    )
    return (
        f"Following {subscription.feed_url} here{already}: each new article{which} is posted "
        f"once, {cap}, with its summary in its own words.{listed_now}"
    )


def unfollowed(subscription: Subscription) -> str:
    return (
        f"No longer posting {subscription.feed_url} here. Its articles stay indexed and "
        "answered; an operator stops polling it with `newsbot feeds remove`."
    )


def following(subscriptions: list[Subscription]) -> str:
    if not subscriptions:
        return "No feed is followed in this server or workspace. An admin adds one with /follow."
    lines = [f"Feeds followed here ({len(subscriptions)}):"]
    for s in subscriptions:
        words = f" · keywords: {', '.join(s.keywords)}" if s.keywords else ""
        lines.append(
            f"{s.id} · {s.feed_url} · in channel {s.place.channel}{words} · "
            f"at most {s.per_hour} an hour"
        )
    lines.append("/unfollow with its number or URL stops one.")
    return "\n".join(lines)


def alert_set(alert: Alert) -> str:
    where = "to you in a direct message" if alert.target == "user" else "in this channel"
    return (
        f"Alert {alert.id} set: new articles with a sentence matching “{alert.words}” are "
        f"posted {where}, with that sentence quoted."
    )


def alerts(found: list[Alert]) -> str:
    if not found:
        return "You have no alerts here, and neither has this channel. /alert WORDS sets one."
    lines = [f"Alerts ({len(found)}):"]
    for a in found:
        where = "to you" if a.target == "user" else "in this channel"
        lines.append(f"{a.id} · “{a.words}” · {where}")
    lines.append("Remove one with its number: /alerts remove NUMBER.")
    return "\n".join(lines)


def alert_removed(alert: Alert) -> str:
    return f"Alert {alert.id} (“{alert.words}”) removed."


def digest_set(digest: Digest, timezone: str) -> str:
    when = "every day" if digest.every == "daily" else "every Monday"
    return (
        f"A {digest.every} digest will be posted here {when} at {digest.at} ({timezone}): the "
        "top stories since the last one, each with its most central sentence."
    )


def digest_off(digest: Digest) -> str:
    return f"The {digest.every} digest of this channel is stopped."


def _either(words: tuple[str, ...]) -> str:
    quoted = [f"“{w}”" for w in words]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def refused(error: Exception) -> str:
    """A `UserError` from the channel commands as a sentence to the person who gave one."""
    said = str(error)
    return said if said.startswith(("Sorry", "Usage")) else f"Sorry, {said}."
