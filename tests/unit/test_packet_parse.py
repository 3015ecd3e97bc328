"""The frame parser: what it reports for well-formed frames, and that bad ones never raise."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.inet6 import (
    ICMPv6DestUnreach,
    ICMPv6EchoRequest,
    IPv6,
    IPv6ExtHdrDestOpt,
    IPv6ExtHdrFragment,
    IPv6ExtHdrHopByHop,
    IPv6ExtHdrRouting,
)
from scapy.layers.ipsec import AH
from scapy.layers.l2 import Dot1AD, Dot1Q, Ether
from scapy.layers.sctp import SCTP
from scapy.packet import Raw

from pylvs.core.constants import (
    AF_INET,
    AF_INET6,
    IPPROTO_ICMP,
    IPPROTO_ICMPV6,
    IPPROTO_SCTP,
    IPPROTO_TCP,
    IPPROTO_UDP,
)
from pylvs.core.meta import TCP_ACK, TCP_SYN, Direction
from pylvs.packet.drop import DropReason
from pylvs.packet.parse import Parsed, parse_frame
from tests.fixtures.packets import CASES, CIP, CIP6, VIP, VIP6

L2 = Ether(src="02:00:00:00:01:00", dst="02:00:00:00:00:01")


def a(text: str) -> bytes:
    return ipaddress.ip_address(text).packed


def parsed(frame: bytes, **kw: object) -> Parsed:
    p = parse_frame(frame, **kw)  # type: ignore[arg-type]
    assert isinstance(p, Parsed), p
    assert p.meta is not None
    return p


def test_ipv4_tcp_syn() -> None:
    f = bytes(L2 / IP(src=CIP, dst=VIP, ttl=33, tos=0x10, flags="DF", id=77)
              / TCP(sport=40000, dport=80, flags="S") / Raw(b"abc"))
    p = parsed(f, direction=Direction.OUT, fwmark=5)
    m = p.meta
    assert m is not None
    assert (m.af, m.protocol, m.saddr, m.daddr, m.sport, m.dport) == (
        AF_INET, IPPROTO_TCP, a(CIP), a(VIP), 40000, 80)
    assert m.tcp_flags == TCP_SYN and m.length == 43 and not m.related
    assert (m.direction, m.fwmark) == (Direction.OUT, 5)
    assert (p.l3_off, p.ip_hlen, p.l4_off, p.ip_len, p.end) == (14, 20, 34, 43, 57)
    assert (p.ttl, p.tos, p.df, p.is_fragment, p.frag_id, p.vlan) == (33, 0x10, True, False, 77, -1)


def test_ethernet_padding_is_not_part_of_the_packet() -> None:
    f = bytes(L2 / IP(src=CIP, dst=VIP) / UDP(sport=1, dport=53)) + b"\0" * 18
    p = parsed(f)
    assert p.ip_len == 28 and p.end == 42 and len(f) == 60


def test_vlan_and_qinq() -> None:
    f = bytes(L2 / Dot1Q(vlan=100, prio=5) / IP(src=CIP, dst=VIP) / UDP(sport=1, dport=53))
    p = parsed(f)
    assert (p.vlan, p.l3_off) == ((5 << 13) | 100, 18)
    f2 = bytes(L2 / Dot1AD(vlan=10) / Dot1Q(vlan=20) / IP(src=CIP, dst=VIP)
               / UDP(sport=1, dport=53))
    p2 = parsed(f2)
    assert (p2.vlan & 0xFFF, p2.l3_off) == (10, 22)


def test_ipv4_options_move_l4() -> None:
    f = bytes(L2 / IP(src=CIP, dst=VIP, options=b"\x01\x01\x01\x01\x01\x01\x01\x00")
              / TCP(sport=1, dport=2, flags="A"))
    p = parsed(f)
    assert (p.ip_hlen, p.l4_off, p.meta.tcp_flags) == (28, 42, TCP_ACK)  # type: ignore[union-attr]


def test_ipv4_fragments() -> None:
    first = bytes(L2 / IP(src=CIP, dst=VIP, flags="MF", id=9) / UDP(sport=5, dport=53)
                  / Raw(b"x" * 16))
    p = parsed(first)
    assert p.is_fragment and p.more_frags and p.has_l4 and p.meta.dport == 53  # type: ignore[union-attr]
    whole = IP(src=CIP, dst=VIP, id=9) / UDP(sport=5, dport=53) / Raw(b"y" * 3000)
    head = bytes(L2 / IP(bytes(whole)[:1500]))  # a first fragment cut by hand: UDP length 3008
    head = head[:14 + 2] + (1500).to_bytes(2, "big") + head[18:]
    cut = IP(head[14:])
    cut.flags = "MF"
    del cut.chksum
    p0 = parsed(bytes(L2 / cut))
    assert p0.more_frags and p0.meta.dport == 53  # type: ignore[union-attr]
    assert parse_frame(bytes(L2 / IP(bytes(whole)[:1500]))) is DropReason.TRUNCATED_IP
    later = bytes(L2 / IP(src=CIP, dst=VIP, frag=3, proto=17, id=9) / Raw(b"\x12\x34" * 8))
    q = parsed(later)
    assert q.is_fragment and not q.has_l4 and q.frag_off == 3
    assert (q.meta.protocol, q.meta.sport, q.meta.dport) == (IPPROTO_UDP, 0, 0)  # type: ignore[union-attr]


def test_sctp_ports() -> None:
    p = parsed(bytes(L2 / IP(src=CIP, dst=VIP) / SCTP(sport=3868, dport=3869)))
    assert (p.meta.protocol, p.meta.sport, p.meta.dport) == (IPPROTO_SCTP, 3868, 3869)  # type: ignore[union-attr]


def test_icmp_error_carries_the_quoted_tuple() -> None:
    quote = IP(src=VIP, dst=CIP) / TCP(sport=80, dport=40000, flags="SA")
    f = bytes(L2 / IP(src=CIP, dst=VIP) / ICMP(type=3, code=4, nexthopmtu=1400) / quote)
    p = parsed(f)
    m = p.meta
    assert m is not None and m.related
    assert (m.protocol, m.saddr, m.daddr, m.sport, m.dport) == (
        IPPROTO_TCP, a(VIP), a(CIP), 80, 40000)
    assert m.length == len(f) - 14 and p.proto == IPPROTO_ICMP
    assert (p.icmp_type, p.icmp_code, p.inner_l3_off, p.inner_l4_off) == (3, 4, 42, 62)


def test_icmp_echo_and_redirect_are_not_related() -> None:
    echo = parsed(bytes(L2 / IP(src=CIP, dst=VIP) / ICMP(type=8)))
    assert not echo.meta.related and echo.meta.protocol == IPPROTO_ICMP  # type: ignore[union-attr]
    redirect = parsed(bytes(L2 / IP(src=CIP, dst=VIP) / ICMP(type=5) / IP() / UDP()))
    assert not redirect.meta.related  # type: ignore[union-attr]


def test_ipv6_extension_headers_are_walked() -> None:
    f = bytes(L2 / IPv6(src=CIP6, dst=VIP6, hlim=7, tc=0x28, fl=0x12345) / IPv6ExtHdrHopByHop()
              / IPv6ExtHdrRouting(addresses=[]) / IPv6ExtHdrFragment(offset=0, m=1, id=99)
              / IPv6ExtHdrDestOpt() / AH(nh=6, payloadlen=4, icv=b"\0" * 12)
              / TCP(sport=1234, dport=443, flags="S"))
    p = parsed(f)
    m = p.meta
    assert m is not None
    assert (m.af, m.protocol, m.saddr, m.daddr, m.sport, m.dport) == (
        AF_INET6, IPPROTO_TCP, a(CIP6), a(VIP6), 1234, 443)
    assert (p.ttl, p.tos, p.flow_label) == (7, 0x28, 0x12345)
    assert p.is_fragment and p.more_frags and p.frag_id == 99 and p.has_l4
    assert p.l4_off == 14 + 40 + 8 + 8 + 8 + 8 + 24


def test_ipv6_later_fragment_has_no_ports() -> None:
    f = bytes(L2 / IPv6(src=CIP6, dst=VIP6) / IPv6ExtHdrFragment(offset=5, nh=17)
              / Raw(b"\xff" * 16))
    p = parsed(f)
    assert not p.has_l4 and (p.meta.protocol, p.meta.sport) == (IPPROTO_UDP, 0)  # type: ignore[union-attr]


def test_icmpv6_error_and_info() -> None:
    quote = IPv6(src=VIP6, dst=CIP6) / UDP(sport=53, dport=40000)
    p = parsed(bytes(L2 / IPv6(src=CIP6, dst=VIP6) / ICMPv6DestUnreach(code=4) / quote))
    m = p.meta
    assert m is not None and m.related
    assert (m.protocol, m.sport, m.dport, m.saddr) == (IPPROTO_UDP, 53, 40000, a(VIP6))
    echo = parsed(bytes(L2 / IPv6(src=CIP6, dst=VIP6) / ICMPv6EchoRequest()))
    assert not echo.meta.related and echo.meta.protocol == IPPROTO_ICMPV6  # type: ignore[union-attr]


def test_checksum_offload_location() -> None:
    f = bytes(L2 / IP(src=CIP, dst=VIP) / UDP(sport=1, dport=53) / Raw(b"q"))
    p = parsed(f, csum_not_ready=True)
    assert (p.csum_not_ready, p.csum_start, p.csum_offset) == (True, 34, 6)
    bad = parse_frame(f, csum_not_ready=True, csum_start=34, csum_offset=100)
    assert bad is DropReason.BAD_CSUM_OFFLOAD
    icmp = bytes(L2 / IP(src=CIP, dst=VIP) / ICMP(type=8))
    q = parsed(icmp, csum_not_ready=True)  # ICMP is checksummed in software: nothing pending
    assert not q.csum_not_ready
    sctp = parsed(bytes(L2 / IP(src=CIP, dst=VIP) / SCTP(sport=1, dport=2)), csum_not_ready=True)
    assert (sctp.csum_not_ready, sctp.csum_start, sctp.csum_offset) == (True, 34, 8)


def test_ip_checksum_check_can_be_skipped() -> None:
    f = bytearray(bytes(L2 / IP(src=CIP, dst=VIP) / UDP(sport=1, dport=53)))
    f[24] ^= 1
    assert parse_frame(bytes(f)) is DropReason.BAD_IP_CHECKSUM
    assert isinstance(parse_frame(bytes(f), verify_ip_checksum=False), Parsed)


# --- never an exception ------------------------------------------------------------------

def _check(frame: bytes) -> None:
    """Parse with and without the IP header checksum check (without it, mutations go deeper)."""
    for verify in (True, False):
        r = parse_frame(frame, verify_ip_checksum=verify)
        if isinstance(r, DropReason):
            continue
        assert isinstance(r, Parsed) and r.meta is not None
        assert 0 < r.l3_off <= r.l4_off <= r.end <= len(frame)
        assert len(r.meta.saddr) in (4, 16) or r.meta.saddr == b""
        if r.meta.related:
            assert r.l4_off < r.inner_l3_off < r.inner_l4_off <= r.end


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_never_raise(data: bytes) -> None:
    _check(data)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([b"\x08\x00", b"\x86\xdd", b"\x81\x00"]), st.binary(max_size=120))
def test_random_ip_payloads_never_raise(etype: bytes, body: bytes) -> None:
    _check(b"\x02" * 12 + etype + body)


_SEEDS = [c.frame for c in CASES if len(c.frame) < 600]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_SEEDS),
    st.lists(st.tuples(st.integers(0, 599), st.integers(0, 255)), max_size=6),
    st.integers(0, 600),
)
def test_mutated_valid_frames_never_raise(
    seed: bytes, flips: list[tuple[int, int]], cut: int
) -> None:
    f = bytearray(seed)
    for pos, val in flips:
        if pos < len(f):
            f[pos] = val
    _check(bytes(f[: max(cut, 0)] if cut < len(f) else f))
    _check(bytes(f))


_ICMP_ERR = bytes(L2 / IP(src=CIP, dst=VIP) / ICMP(type=3, code=3) / IP(src=VIP, dst=CIP)
                  / UDP(sport=53, dport=4000))


@pytest.mark.parametrize("n", range(len(_ICMP_ERR)))
def test_every_truncation_of_an_icmp_error_is_a_drop(n: int) -> None:
    assert isinstance(parse_frame(_ICMP_ERR[:n]), DropReason)


def test_quote_cut_inside_the_ports_is_a_bad_quote() -> None:
    ip = IP(src=CIP, dst=VIP) / ICMP(type=3, code=3) / Raw(bytes(IP(src=VIP, dst=CIP, proto=17))
                                                           + b"\0\x35")
    assert parse_frame(bytes(L2 / ip)) is DropReason.BAD_ICMP_QUOTE
