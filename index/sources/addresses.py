"""Which network addresses a fetched URL may reach: the public internet, and nothing else.

A URL that resolves to a loopback, private, link-local or otherwise non-public address could
turn newsbot against its own network; `refusal` names why such an address is refused,
including IPv4 addresses carried inside IPv6 ones. An address must be global as `ipaddress`
reads the IANA registries, and outside the ranges those registries retired, which `ipaddress`
still calls global: IPv6 site-local addresses (fec0::/10, in use on old internal networks), the
6bone (3ffe::/16) and the 6to4 relay anycast prefix (192.88.99.0/24).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# The addresses a host name resolves to for a port, as text.
Resolver = Callable[[str, int], list[str]]
_RETIRED = [ipaddress.ip_network(n) for n in ("3ffe::/16", "192.88.99.0/24")]


def system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))


def refusal(address: Address) -> str | None:
    """Why an address is not on the public internet, or None when it is."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return refusal(embedded)
    for label, flag in (  # most specific first: most of these are "private" to ipaddress too
        ("an unspecified", address.is_unspecified),
        ("a loopback", address.is_loopback),
        ("a link-local", address.is_link_local),
        ("a site-local", isinstance(address, ipaddress.IPv6Address) and address.is_site_local),
        ("a multicast", address.is_multicast),
        ("a reserved", address.is_reserved),
        ("a private", address.is_private),
        ("a retired", any(address in network for network in _RETIRED)),
    ):
        if flag:
            return f"{address} is {label} address"
    return None if address.is_global else f"{address} is not a public address"


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside a mapped, 6to4, Teredo or NAT64 IPv6 address."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    if address in ipaddress.ip_network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
