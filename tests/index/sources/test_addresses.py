"""Which addresses a fetch may reach: public ones only, IPv4 inside IPv6 included."""

from __future__ import annotations

import ipaddress

import pytest

from index.sources.addresses import refusal


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("127.0.0.1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "not a public"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("fec0::1", "site-local"),
        ("feff::1", "site-local"),
        ("3ffe:b00::1", "retired"),
        ("192.88.99.1", "retired"),
        ("::ffff:127.0.0.1", "127.0.0.1 is a loopback"),
        ("64:ff9b::a00:1", "10.0.0.1 is a private"),
        ("2002:7f00:1::", "127.0.0.1 is a loopback"),
    ],
)
def test_non_public_addresses_are_refused(address: str, reason: str) -> None:
    found = refusal(ipaddress.ip_address(address))
    assert found is not None and reason in found


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None
