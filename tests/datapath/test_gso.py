"""TCP super-frames (GRO/GSO) are cut to the egress MTU before forwarding."""

from __future__ import annotations

import pytest
from scapy.layers.inet import IP, TCP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether
from scapy.packet import Packet

from pylvs.datapath.afpacket import TP_STATUS_CSUMNOTREADY
from pylvs.datapath.gso import segment_tcp
from pylvs.packet.parse import Parsed, parse_frame
from tests.datapath.test_forward import CIP, CMAC, DMAC, RMAC, VIP, Rig, checksums_valid, mac, p

PAYLOAD = bytes(range(256)) * 16  # 4096 bytes


def big(l3: Packet, flags: str = "PAF") -> bytes:
    return bytes(Ether(src=CMAC, dst=DMAC) / l3 / TCP(sport=40000, dport=80, seq=7, flags=flags,
                                                       options=[("NOP", None)] * 4) / PAYLOAD)


def parsed(frame: bytes) -> Parsed:
    pp = parse_frame(frame)
    assert isinstance(pp, Parsed)
    return pp


@pytest.mark.parametrize("l3", [IP(src=CIP, dst=VIP, id=100, flags="DF"),
                                IPv6(src="2001:db8::100", dst="2001:db8::150")],
                         ids=["ipv4", "ipv6"])
def test_segments_fit_the_mtu_and_carry_the_whole_stream(l3: Packet) -> None:
    frame = big(l3)
    segs = segment_tcp(frame, parsed(frame), 1500)
    assert segs is not None and len(segs) == 3
    data = b""
    for i, seg in enumerate(segs):
        pkt = Ether(bytes(seg))
        ip_len = len(seg) - 14
        assert ip_len <= 1500
        assert pkt[TCP].seq == 7 + len(data)
        flags = str(pkt[TCP].flags)
        last = i == len(segs) - 1
        assert ("F" in flags, "P" in flags, "A" in flags) == (last, last, True)
        if pkt.haslayer(IP):
            assert pkt[IP].id == 100 + i and pkt[IP].len == ip_len
            assert checksums_valid(bytes(seg))
        else:
            assert pkt[IPv6].plen == ip_len - 40
            again = pkt.copy()
            del again[TCP].chksum
            assert bytes(Ether(bytes(again))) == bytes(seg)
        data += bytes(pkt[TCP].payload)
    assert data == PAYLOAD


def test_not_tcp_or_no_room_is_refused() -> None:
    frame = big(IP(src=CIP, dst=VIP))
    assert segment_tcp(frame, parsed(frame), 40) is None  # headers alone exceed it


def test_super_frame_is_forwarded_as_segments_counted_once() -> None:
    rig = Rig()
    rig.net.resolve(p(VIP.replace("150", "171")), mac(RMAC))
    frame = big(IP(src=CIP, dst=VIP, flags="DF"), flags="S")
    rig.feed(Ether(frame), status=TP_STATUS_CSUMNOTREADY)
    assert len(rig.sent) == 3
    assert all(Ether(f).dst == RMAC and len(f) - 14 <= 1500 for _, f in rig.sent)
    assert all(checksums_valid(f) for _, f in rig.sent)
    assert rig.dest_stats()[:2] == (1, 1)  # IPVS saw one packet, as the kernel's would
    assert not rig.counters.drops
