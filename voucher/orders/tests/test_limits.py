"""The order gate's rate arithmetic and the address a limit counts by (issue 11: abuse on launch day)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from voucher.core.clientip import client_network
from voucher.core.ratelimits import parse_rate


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("20/m", (20, 60)), ("300/h", (300, 3600)), ("5/10m", (5, 600)), ("1/d", (1, 86400))],
)
def test_rates_are_read_as_count_per_period(rate, expected):
    assert parse_rate(rate) == expected


def test_ipv4_counts_per_address_and_ipv6_per_network():
    factory = RequestFactory()
    assert client_network(factory.get("/", REMOTE_ADDR="10.1.2.3")) == "10.1.2.3"
    one = client_network(factory.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1"))
    same_network = client_network(factory.get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::9"))
    other = client_network(factory.get("/", REMOTE_ADDR="2001:db8:1:3::1"))
    assert one == same_network == "2001:db8:1:2::" and other != one
