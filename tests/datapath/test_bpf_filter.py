"""The generated socket filter accepts exactly the frames of the virtual services."""

from __future__ import annotations

import ipaddress
import os
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scapy.layers.inet import ICMP, IP, TCP, UDP, IPOption_NOP
from scapy.layers.inet6 import (
    ICMPv6EchoRequest,
    ICMPv6ND_NS,
    ICMPv6PacketTooBig,
    IPv6,
    IPv6ExtHdrHopByHop,
)
from scapy.layers.l2 import ARP, Ether

from pylvs.core.constants import AF_INET, AF_INET6
from pylvs.datapath import afpacket, bpf
from pylvs.datapath.capture import CaptureSpec, Match
from tests.datapath.cbpf import run_filter

VIP = "198.18.0.150"
VIP_ANY = "198.18.0.160"
VIP6 = "2001:db8::150"
RIP_NAT = "198.19.0.171"
CIP = "198.18.0.100"
CIP6 = "2001:db8::100"
MACS = {"dst": "02:00:00:00:00:01", "src": "02:00:00:00:00:02"}


def a(text: str) -> bytes:
    return ipaddress.ip_address(text).packed


SPEC = CaptureSpec(
    to_vip=frozenset({
        Match(AF_INET, a(VIP), 6, 80),
        Match(AF_INET, a(VIP), 17, 53),
        Match(AF_INET, a(VIP_ANY), 6, 0),
        Match(AF_INET6, a(VIP6), 6, 443),
    }),
    from_nat_rs=frozenset({Match(AF_INET, a(RIP_NAT), 6, 8080)}),
)


def eth() -> Ether:
    return Ether(**MACS)


CASES = [
    ("tcp to VIP:80", eth() / IP(src=CIP, dst=VIP) / TCP(sport=40000, dport=80), True),
    ("tcp to VIP:81", eth() / IP(src=CIP, dst=VIP) / TCP(sport=40000, dport=81), False),
    ("udp to VIP:53", eth() / IP(src=CIP, dst=VIP) / UDP(sport=40000, dport=53), True),
    ("udp to VIP:80", eth() / IP(src=CIP, dst=VIP) / UDP(sport=40000, dport=80), False),
    ("tcp to VIP:80 with IP options",
     eth() / IP(src=CIP, dst=VIP, options=[IPOption_NOP()] * 8) / TCP(dport=80), True),
    ("tcp with sport 80 to VIP:81 (ports not confused)",
     eth() / IP(src=CIP, dst=VIP) / TCP(sport=80, dport=81), False),
    ("tcp to port-0 service, any port",
     eth() / IP(src=CIP, dst=VIP_ANY) / TCP(sport=1, dport=12345), True),
    ("udp to port-0 tcp service", eth() / IP(src=CIP, dst=VIP_ANY) / UDP(dport=12345), False),
    ("tcp to another address:80", eth() / IP(src=CIP, dst="198.18.0.151") / TCP(dport=80), False),
    ("icmp echo to VIP", eth() / IP(src=CIP, dst=VIP) / ICMP(type=8), False),
    ("icmp port unreachable to VIP",
     eth() / IP(src=CIP, dst=VIP) / ICMP(type=3, code=3) / IP(src=VIP, dst=CIP) / TCP(sport=80),
     True),
    ("icmp time exceeded to VIP", eth() / IP(src=CIP, dst=VIP) / ICMP(type=11), True),
    ("arp for VIP", eth() / ARP(pdst=VIP, psrc=CIP), False),
    ("later fragment to VIP:80",
     eth() / IP(src=CIP, dst=VIP, frag=10, proto=6) / (b"\x00\x50\x00\x50" * 4), False),
    ("tcp6 to VIP6:443", eth() / IPv6(src=CIP6, dst=VIP6) / TCP(dport=443), True),
    ("tcp6 to VIP6:80", eth() / IPv6(src=CIP6, dst=VIP6) / TCP(dport=80), False),
    ("tcp6 to another address:443",
     eth() / IPv6(src=CIP6, dst="2001:db8::151") / TCP(dport=443), False),
    ("tcp6 behind hop-by-hop to VIP6 (parser decides)",
     eth() / IPv6(src=CIP6, dst=VIP6) / IPv6ExtHdrHopByHop() / TCP(dport=80), True),
    ("icmp6 echo to VIP6", eth() / IPv6(src=CIP6, dst=VIP6) / ICMPv6EchoRequest(), False),
    ("icmp6 packet too big to VIP6",
     eth() / IPv6(src=CIP6, dst=VIP6) / ICMPv6PacketTooBig() / IPv6(src=VIP6, dst=CIP6), True),
    ("neighbour solicitation for VIP6",
     eth() / IPv6(src=CIP6, dst=VIP6) / ICMPv6ND_NS(tgt=VIP6), False),
    ("NAT reply from RIP:8080", eth() / IP(src=RIP_NAT, dst=CIP) / TCP(sport=8080), True),
    ("NAT reply from RIP:22", eth() / IP(src=RIP_NAT, dst=CIP) / TCP(sport=22), False),
    ("udp from RIP:8080", eth() / IP(src=RIP_NAT, dst=CIP) / UDP(sport=8080), False),
    ("icmp error from NAT RIP", eth() / IP(src=RIP_NAT, dst=CIP) / ICMP(type=3), True),
    ("tcp from another RS:8080",
     eth() / IP(src="198.19.0.172", dst=CIP) / TCP(sport=8080), False),
]


@pytest.mark.parametrize(("frame", "accepted"), [(f, ok) for _, f, ok in CASES],
                         ids=[name for name, _, _ in CASES])
def test_filter_accepts_exactly_service_frames(frame: Ether, accepted: bool) -> None:
    prog = bpf.service_filter(SPEC)
    verdict = run_filter(prog, bytes(frame))
    assert (verdict != 0) == accepted
    if accepted:
        assert verdict == bpf.ACCEPT  # the whole frame, not a truncated snap


def test_filter_ignores_frames_not_for_this_host() -> None:
    prog = bpf.service_filter(SPEC)
    frame = bytes(eth() / IP(src=CIP, dst=VIP) / TCP(dport=80))
    assert run_filter(prog, frame, pkttype=0) == bpf.ACCEPT
    assert run_filter(prog, frame, pkttype=afpacket.PACKET_OUTGOING) == 0
    assert run_filter(prog, frame, pkttype=3) == 0  # another host's frame
    assert run_filter(prog, frame, vlan_tag=True) == 0  # belongs to a VLAN device


def test_empty_table_accepts_nothing() -> None:
    prog = bpf.service_filter(CaptureSpec(frozenset(), frozenset()))
    for _, frame, _ in CASES:
        assert run_filter(prog, bytes(frame)) == 0


def test_truncated_frames_are_rejected_not_misread() -> None:
    prog = bpf.service_filter(SPEC)
    full = bytes(eth() / IP(src=CIP, dst=VIP) / TCP(dport=80))
    for cut in (10, 14, 20, 33, 34, 35):
        assert run_filter(prog, full[:cut]) == 0


def test_huge_table_falls_back_to_the_coarse_filter() -> None:
    many = frozenset(Match(AF_INET, a(f"198.18.{i // 250}.{i % 250 + 1}"), 6, 80)
                     for i in range(1500))
    prog, exact = bpf.build_filter(CaptureSpec(many, frozenset()))
    assert not exact
    assert len(prog) <= bpf.BPF_MAXINSNS
    anything = bytes(eth() / IP(src=CIP, dst="198.18.9.9") / UDP(dport=9))
    assert run_filter(prog, anything) == bpf.ACCEPT
    assert run_filter(prog, bytes(eth() / ARP())) == 0
    exact_prog, exact = bpf.build_filter(SPEC)
    assert exact and len(exact_prog) < 200


ADDRS = ["198.18.0.150", "198.18.0.151", "198.19.0.171"]
PORTS = [0, 80, 443, 8080]
PROTOS = [6, 17]
matches = st.builds(lambda ad, pr, po: Match(AF_INET, a(ad), pr, po),
                    st.sampled_from(ADDRS), st.sampled_from(PROTOS), st.sampled_from(PORTS))


@settings(max_examples=150, deadline=None)
@given(
    to_vip=st.frozensets(matches, max_size=6),
    from_rs=st.frozensets(matches, max_size=4),
    src=st.sampled_from([*ADDRS, CIP]),
    dst=st.sampled_from([*ADDRS, CIP]),
    proto=st.sampled_from(PROTOS),
    sport=st.sampled_from([*PORTS[1:], 1234]),
    dport=st.sampled_from([*PORTS[1:], 1234]),
)
def test_filter_agrees_with_the_spec(to_vip: frozenset[Match], from_rs: frozenset[Match],
                                     src: str, dst: str, proto: int, sport: int,
                                     dport: int) -> None:
    spec = CaptureSpec(to_vip, from_rs)
    l4 = TCP(sport=sport, dport=dport) if proto == 6 else UDP(sport=sport, dport=dport)
    frame = bytes(eth() / IP(src=src, dst=dst) / l4)
    want = (
        any(m.addr == a(dst) and m.protocol == proto and m.port in (0, dport) for m in to_vip)
        or any(m.addr == a(src) and m.protocol == proto and m.port in (0, sport)
               for m in from_rs)
    )
    assert (run_filter(bpf.service_filter(spec), frame) != 0) == want


@pytest.mark.root
@pytest.mark.skipif(os.geteuid() != 0, reason="AF_PACKET sockets need root")
def test_kernel_accepts_the_generated_programs() -> None:
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)  # never bound: sees nothing
    try:
        afpacket.attach_filter(sock, bpf.service_filter(SPEC))
        afpacket.attach_filter(sock, bpf.ip_filter())
        with pytest.raises(OSError):  # the kernel's checker is really consulted
            afpacket.attach_filter(sock, [bpf.Insn(bpf.JMP_JA, 0, 0, 5)])
    finally:
        sock.close()
