"""ICMP errors the director originates: when none may be sent, and how much is quoted."""

from __future__ import annotations

import pytest
from scapy.layers.inet import ICMP, IP, UDP
from scapy.layers.inet6 import IPv6, IPv6ExtHdrFragment
from scapy.layers.l2 import Ether
from scapy.packet import Raw

from pylvs.packet.icmp_reply import port_unreachable
from pylvs.packet.parse import Parsed, parse_frame

L2 = Ether(src="02:00:00:00:01:00", dst="02:00:00:00:00:01")


def _reply(pkt: bytes) -> bytes | None:
    p = parse_frame(pkt)
    assert isinstance(p, Parsed)
    return port_unreachable(pkt, p)


@pytest.mark.parametrize(
    ("src", "dst"),
    [("0.0.0.0", "198.18.0.150"), ("224.0.0.5", "198.18.0.150"),
     ("198.18.0.100", "255.255.255.255"), ("198.18.0.100", "239.1.1.1")],
)
def test_no_error_to_or_about_non_unicast(src: str, dst: str) -> None:
    assert _reply(bytes(L2 / IP(src=src, dst=dst) / UDP(sport=1, dport=2))) is None


def test_no_error_about_an_error_or_a_later_fragment() -> None:
    err = L2 / IP(src="198.18.0.100", dst="198.18.0.150") / ICMP(type=11) / IP() / UDP()
    assert _reply(bytes(err)) is None
    frag = L2 / IPv6(src="2001:db8::100", dst="2001:db8::150") / IPv6ExtHdrFragment(
        offset=8, nh=17) / Raw(b"x" * 16)
    assert _reply(bytes(frag)) is None


@pytest.mark.parametrize(("v6", "limit"), [(False, 576), (True, 1280)])
def test_quote_is_cut_to_the_minimum_mtu(v6: bool, limit: int) -> None:
    l3 = IPv6(src="2001:db8::100", dst="2001:db8::150") if v6 else IP(
        src="198.18.0.100", dst="198.18.0.150")
    big = bytes(L2 / l3 / UDP(sport=1, dport=2) / Raw(b"q" * 3000))
    reply = _reply(big)
    assert reply is not None and len(reply) - 14 == limit
    quoted = limit - (40 if v6 else 20) - 8
    assert reply.endswith(big[14 : 14 + quoted])
    small = bytes(L2 / l3 / UDP(sport=1, dport=2) / Raw(b"q" * 10))
    r2 = _reply(small)
    assert r2 is not None and r2.endswith(small[14:])
    assert r2[0:6] == small[6:12] and r2[6:12] == small[0:6]
