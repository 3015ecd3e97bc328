"""IPv4 fragmentation of oversized forwarded frames."""

from __future__ import annotations

import pytest
from scapy.layers.inet import IP, TCP, UDP, IPOption_LSRR, IPOption_NOP, IPOption_RR
from scapy.layers.l2 import Ether
from scapy.packet import Raw

from pylvs.packet.drop import DropReason
from pylvs.packet.fragment import copied_options, fragment_ipv4
from pylvs.packet.parse import Parsed, parse_frame

L2 = Ether(src="02:00:00:00:00:02", dst="02:00:00:00:01:71")


def _reassemble(frames: list[bytes]) -> bytes:
    parts = {}
    for f in frames:
        ip = Ether(f)[IP]
        parts[ip.frag * 8] = bytes(ip.payload)
    data = b""
    for off in sorted(parts):
        assert off == len(data), "fragments leave a hole or overlap"
        data += parts[off]
    return data


@pytest.mark.parametrize("mtu", [68, 576, 1000, 1280, 1499])
@pytest.mark.parametrize("size", [1, 100, 1472, 3000])
def test_fragments_fit_and_reassemble(mtu: int, size: int) -> None:
    pkt = L2 / IP(src="198.18.0.100", dst="198.18.0.150", id=0x4242, ttl=9) / UDP(
        sport=1, dport=53) / Raw(bytes(range(256)) * (size // 256) + b"q" * (size % 256))
    frame = bytes(pkt)
    frags = fragment_ipv4(frame, 14, mtu)
    assert isinstance(frags, list)
    if len(frame) - 14 <= mtu:
        assert frags == [frame]
        return
    assert len(frags) > 1
    for i, f in enumerate(frags):
        assert len(f) - 14 <= mtu
        p = parse_frame(f)  # the header checksum is verified here
        assert isinstance(p, Parsed)
        ip = Ether(f)[IP]
        assert (ip.id, ip.ttl, ip.src, ip.dst) == (0x4242, 9, "198.18.0.100", "198.18.0.150")
        assert bool(ip.flags.MF) == (i < len(frags) - 1)
        if i < len(frags) - 1:
            assert len(ip.payload) % 8 == 0
    assert _reassemble(frags) == bytes(pkt[IP].payload)


def test_df_packet_is_refused() -> None:
    frame = bytes(L2 / IP(flags="DF") / TCP() / Raw(b"x" * 2000))
    assert fragment_ipv4(frame, 14, 1500) is DropReason.FRAG_NEEDED


def test_tiny_mtu_is_refused() -> None:
    frame = bytes(L2 / IP(options=[IPOption_NOP()] * 40) / Raw(b"x" * 200))
    assert fragment_ipv4(frame, 14, 64) is DropReason.MTU_TOO_SMALL


def test_only_copied_options_repeat() -> None:
    sec = IPOption_LSRR(routers=["198.18.0.9"])
    frame = bytes(L2 / IP(options=[IPOption_RR(routers=["198.18.0.1"]), sec])
                  / UDP(sport=1, dport=2) / Raw(b"y" * 600))
    frags = fragment_ipv4(frame, 14, 300)
    assert isinstance(frags, list) and len(frags) >= 3
    first, second = Ether(frags[0])[IP], Ether(frags[1])[IP]
    opts = len(bytes(IPOption_RR(routers=["198.18.0.1"]))) + len(bytes(sec))
    assert first.ihl * 4 == 20 + (opts + 3) // 4 * 4
    assert second.ihl * 4 == 20 + (len(bytes(sec)) + 3) // 4 * 4
    assert bytes(second)[20 : second.ihl * 4].rstrip(b"\0") == bytes(sec)
    assert copied_options(bytes(IPOption_RR(routers=["198.18.0.1"]))) == b""


def test_a_fragment_keeps_its_offset_and_mf() -> None:
    frame = bytes(L2 / IP(flags="MF", frag=100, proto=17) / Raw(b"z" * 1000))
    frags = fragment_ipv4(frame, 14, 500)
    assert isinstance(frags, list)
    ips = [Ether(f)[IP] for f in frags]
    assert ips[0].frag == 100 and all(ip.flags.MF for ip in ips)
