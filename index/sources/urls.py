"""URLs as keys: one spelling of each article's address, and which hosts are one outlet."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

WEB_PORTS = {"http": 80, "https": 443}
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid)$", re.IGNORECASE)


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


def same_site(one: str, other: str) -> bool:
    """Hosts of one outlet: equal but for `www.`, or one a subdomain of the other."""
    a, b = (_bare_host(url) for url in (one, other))
    return bool(a) and (a == b or a.endswith("." + b) or b.endswith("." + a))


def _bare_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")
