"""Software TCP segmentation of super-frames (GRO on the receive side, GSO from a local sender).

An AF_PACKET socket sees such a frame whole: one IP packet longer than the
egress MTU, its checksum left partial. The kernel would cut it into MSS-sized
segments on output; the python datapath does the same before forwarding.
"""

from __future__ import annotations

from pylvs.core.constants import AF_INET, IPPROTO_TCP
from pylvs.packet.checksum import checksum, pseudo_sum
from pylvs.packet.parse import Parsed

Buffer = bytes | bytearray | memoryview

TCP_FIN = 0x01
TCP_PSH = 0x08
TCP_CWR = 0x80


def segment_tcp(frame: Buffer, p: Parsed, mtu: int) -> list[bytearray] | None:
    """The frames of ``frame``'s TCP packet cut so that each IP packet fits ``mtu``.

    Each segment gets the headers of the original with its own sequence number,
    lengths, IPv4 ID (incremented per segment) and complete checksums; FIN and
    PSH stay on the last segment only, CWR on the first only. None when the
    packet is not a whole TCP packet or the headers leave no room for data.
    """
    if p.proto != IPPROTO_TCP or not p.has_l4 or p.is_fragment:
        return None
    l3, l4, end = p.l3_off, p.l4_off, p.end
    if l4 + 20 > end:
        return None
    thl = (frame[l4 + 12] >> 4) * 4
    data = l4 + thl
    mss = mtu - (data - l3)
    if thl < 20 or data > end or mss <= 0:
        return None
    head = bytes(frame[:data])
    seq = int.from_bytes(head[l4 + 4 : l4 + 8], "big")
    flags = head[l4 + 13]
    if p.af == AF_INET:
        saddr, daddr = head[l3 + 12 : l3 + 16], head[l3 + 16 : l3 + 20]
        ident = int.from_bytes(head[l3 + 4 : l3 + 6], "big")
    else:
        saddr, daddr = head[l3 + 8 : l3 + 24], head[l3 + 24 : l3 + 40]
        ident = 0
    total = end - data
    out: list[bytearray] = []
    for i, off in enumerate(range(0, max(total, 1), mss)):
        size = min(mss, total - off)
        seg = bytearray(head)
        seg += frame[data + off : data + off + size]
        f = flags
        if off + size < total:
            f &= ~(TCP_FIN | TCP_PSH)
        if i:
            f &= ~TCP_CWR
        seg[l4 + 13] = f
        seg[l4 + 4 : l4 + 8] = ((seq + off) & 0xFFFFFFFF).to_bytes(4, "big")
        if p.af == AF_INET:
            seg[l3 + 2 : l3 + 4] = (len(seg) - l3).to_bytes(2, "big")
            seg[l3 + 4 : l3 + 6] = ((ident + i) & 0xFFFF).to_bytes(2, "big")
            seg[l3 + 10 : l3 + 12] = b"\0\0"
            seg[l3 + 10 : l3 + 12] = checksum(seg[l3:l4]).to_bytes(2, "big")
        else:
            seg[l3 + 4 : l3 + 6] = (len(seg) - l3 - 40).to_bytes(2, "big")
        seg[l4 + 16 : l4 + 18] = b"\0\0"
        c = checksum(seg[l4:], pseudo_sum(saddr, daddr, IPPROTO_TCP, len(seg) - l4))
        seg[l4 + 16 : l4 + 18] = c.to_bytes(2, "big")
        out.append(seg)
    return out
