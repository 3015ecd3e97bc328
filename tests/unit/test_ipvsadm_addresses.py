"""Address parsing and printing against the C library (Python's socket module wraps it)."""

from __future__ import annotations

import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pylvs.core.constants import AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP
from pylvs.ipvsadm.addresses import c_number, inet_aton, inet_pton6, ntop6, parse_host_port
from pylvs.ipvsadm.resolve import StaticResolver


def c_inet_aton(text: str) -> bytes | None:
    try:
        return socket.inet_aton(text)
    except (OSError, ValueError):
        return None


EDGE = ["1.2.3.4", "255.255.255.255", "0.0.0.0", "01.2.3.4", "1.2.3.04", "10.1", "0x7f.1",
        "0X7F.0.0.1", "256.1.1.1", "1.2.3", "1.2.3.4.5", "09.1.1.1", "1.2.3.4 x", "1.2.3.4\tx",
        "017700000001", "4294967295", "4294967296", "", " 1.2.3.4", "1..2.3", "1.2.3.", "0x",
        "0x.1", "1.0xffffff", "1.0x1000000", "1.2.65535", "1.2.65536", "-1.2.3.4", "+1.2.3.4",
        "1e3.1.1.1", "localhost"]


@pytest.mark.parametrize("text", EDGE)
def test_inet_aton_edges(text: str) -> None:
    assert inet_aton(text) == c_inet_aton(text)


@given(st.text(alphabet="0123456789.xXabcdefABCDEF ", max_size=18))
def test_inet_aton_matches_the_c_library(text: str) -> None:
    if "\0" not in text:
        assert inet_aton(text) == c_inet_aton(text)


@given(st.binary(min_size=16, max_size=16))
def test_ntop6_matches_the_c_library(addr: bytes) -> None:
    assert ntop6(addr) == socket.inet_ntop(socket.AF_INET6, addr)


@pytest.mark.parametrize("text", ["::", "::1", "::ffff:1.2.3.4", "::1.2.3.4", "1::", "0:0:1::",
                                  "2001:db8:0:0:1:0:0:1", "::ffff:0:0", "::0.0.1.2",
                                  "1:0:0:2:0:0:0:3", "::2:3:4:5:6:7:8"])
def test_ntop6_edges(text: str) -> None:
    addr = socket.inet_pton(socket.AF_INET6, text)
    assert ntop6(addr) == socket.inet_ntop(socket.AF_INET6, addr)
    assert inet_pton6(text) == addr


@pytest.mark.parametrize("text", ["1.2.3.4", "fe80::1%eth0", "[::1]", "::1 ", "1:2", ":::",
                                  "12345::1"])
def test_inet_pton6_refuses_what_inet_pton_refuses(text: str) -> None:
    assert inet_pton6(text) is None


@pytest.mark.parametrize(("text", "low", "high", "want"), [
    ("5", 0, 10, 5), (" 5", 0, 10, 5), ("+5", 0, 10, 5), ("-1", 0, 10, None),
    ("", 0, 10, None), ("5 ", 0, 10, None), ("0x5", 0, 10, None), ("11", 0, 10, None),
    ("-2147483648", -(1 << 31), -1, -(1 << 31)), ("٣", 0, 10, None),
])
def test_c_number(text: str, low: int, high: int, want: int | None) -> None:
    assert c_number(text, low, high) == want


@pytest.mark.parametrize(("text", "proto", "want"), [
    ("198.18.0.1:80", IPPROTO_TCP, (AF_INET, "198.18.0.1", 80)),
    ("198.18.0.1", IPPROTO_TCP, (AF_INET, "198.18.0.1", None)),
    ("[2001:db8::1]:53", IPPROTO_UDP, (AF_INET6, "2001:db8::1", 53)),
    ("2001:db8::1", IPPROTO_TCP, (AF_INET6, "2001:db8::1", None)),
    ("[198.18.0.1]:80", IPPROTO_TCP, (AF_INET, "198.18.0.1", None)),  # ipvsadm drops the port
    ("web:www", IPPROTO_TCP, (AF_INET, "198.18.0.9", 80)),
    ("web:www", IPPROTO_UDP, None),
    ("80", IPPROTO_TCP, None), ("[2001:db8::1]", IPPROTO_TCP, None),
    ("[2001:db8::1]80", IPPROTO_TCP, None), ("198.18.0.1:", IPPROTO_TCP, None),
    ("198.18.0.1:65536", IPPROTO_TCP, None), ("nohost:80", IPPROTO_TCP, None),
])
def test_parse_host_port(text: str, proto: int, want: tuple[int, str, int | None] | None) -> None:
    resolver = StaticResolver(hosts={"web": bytes([198, 18, 0, 9])},
                              services={("www", IPPROTO_TCP): 80})
    hp = parse_host_port(text, proto, resolver)
    if want is None:
        assert hp is None
        return
    assert hp is not None
    family = socket.AF_INET6 if hp.af == AF_INET6 else socket.AF_INET
    assert (hp.af, socket.inet_ntop(family, hp.addr), hp.port) == want
