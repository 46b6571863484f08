"""URLs as keys: one spelling of each article's address, and which host may name which."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

WEB_PORTS = {"http": 80, "https": 443}
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid)$", re.IGNORECASE)
_HOST_NAME = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?", re.IGNORECASE)


def canonical_url(url: str) -> str:
    """The URL as a key: lower-case scheme and host, no default port, fragment or tracking tags."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return url.strip()
    netloc = f"[{host}]" if ":" in host else host
    if port and port != WEB_PORTS.get(scheme):
        netloc += f":{port}"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(key, value) for key, value in pairs if not _TRACKING.match(key)]
    query = parts.query if len(kept) == len(pairs) else urlencode(kept)
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def is_web(url: str | None) -> bool:
    """Whether `url` is an http or https URL (not a path, a chat key or an upload's)."""
    return bool(url) and urlsplit(url or "").scheme.lower() in WEB_PORTS


def may_name(page: str, named: str, hosts: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether the page fetched at `page` may name `named` as its canonical URL.

    Only on its own host, exactly, or on a host `hosts` lists for the page's host. A subdomain
    is another site (anyone can have a page on a blog host's subdomain), and so is `www.`:
    newsbot cannot tell whether one operator runs both, and a site that does usually redirects
    one to the other, which makes the page's host (after redirects) the canonical one.
    """
    own, claimed = _host(page), _host(named)
    return bool(own) and (claimed == own or claimed in hosts.get(own, ()))


def host_lists(raw: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """`[web] canonical_hosts` checked, lower-cased, with tuples; ValueError names a bad entry."""
    lists: dict[str, tuple[str, ...]] = {}
    for page_host, named in raw.items():
        if isinstance(named, str):
            raise ValueError(f"canonical_hosts.{page_host} must be a list of hosts")
        for host in (page_host, *named):
            if not isinstance(host, str) or not _HOST_NAME.fullmatch(host):
                raise ValueError(f"canonical_hosts must name hosts like example.com, not {host!r}")
        lists[page_host.lower()] = tuple(host.lower() for host in named)
    return lists


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
