"""The parse of the common frame, written for speed: Ethernet + IPv4 (no options) / IPv6 + TCP/UDP.

Almost every frame of an established connection is this: no 802.1Q tag, no
IPv4 options, no IPv6 extension header, not a fragment, not ICMP. For such a
frame ``parse_plain`` gives exactly the ``Parsed`` the full parser gives;
for anything else (or anything malformed) it gives None and the full parser
decides, so drops keep their named reasons. It reads one copy of the first
bytes of the frame as ``bytes``, whose indexing compiles to plain C.
"""

from __future__ import annotations

from typing import Final

from pylvs.core import constants
from pylvs.core.meta import PacketMeta

from .checksum import Buffer
from .parsed import Parsed

# Final: compiled, each is a constant in the C code rather than a global looked up per use
AF_INET: Final = constants.AF_INET
AF_INET6: Final = constants.AF_INET6
TCP: Final = constants.IPPROTO_TCP
UDP: Final = constants.IPPROTO_UDP
ETH: Final = 14
V4_L4: Final = ETH + 20  # the L4 header of an IPv4 packet without options
V6_L4: Final = ETH + 40
HEAD: Final = V6_L4 + 20  # Ethernet + IPv6 + TCP without options: every byte the parse reads
TCP_CSUM: Final = 16
UDP_CSUM: Final = 6


def parse_plain(frame: Buffer, direction: int, fwmark: int, csum_not_ready: bool,
                verify_ip_checksum: bool) -> Parsed | None:
    """The ``Parsed`` of a plain TCP/UDP frame (as ``parse_frame``), None for any other frame."""
    n = len(frame)
    if n < V4_L4 + 8:
        return None
    h = bytes(frame[:HEAD])
    if h[12] == 0x08 and h[13] == 0x00:
        return _ipv4(h, n, direction, fwmark, csum_not_ready, verify_ip_checksum)
    if h[12] == 0x86 and h[13] == 0xDD:
        return _ipv6(h, n, direction, fwmark, csum_not_ready)
    return None


def _ipv4(h: bytes, n: int, direction: int, fwmark: int, csum_not_ready: bool,
          verify: bool) -> Parsed | None:
    if h[ETH] != 0x45:
        return None
    tot = (h[ETH + 2] << 8) | h[ETH + 3]
    if tot < 28 or ETH + tot > n:
        return None
    frag = (h[ETH + 6] << 8) | h[ETH + 7]
    if frag & 0x3FFF:  # MF or an offset: a fragment
        return None
    if verify:
        s = 0
        for i in range(ETH, V4_L4, 2):
            s += (h[i] << 8) | h[i + 1]
        if s % 0xFFFF:
            return None
    proto = h[ETH + 9]
    flags = _l4(h, V4_L4, tot - 20, proto)
    if flags < 0:
        return None
    p = Parsed()
    p.ip_hlen = 20
    p.ip_len = tot
    p.tos = h[ETH + 1]
    p.ttl = h[ETH + 8]
    p.proto = proto
    p.df = frag & 0x4000 != 0
    p.frag_id = (h[ETH + 4] << 8) | h[ETH + 5]
    p.l4_off = V4_L4
    p.tcp_flags = flags
    if csum_not_ready:
        _pending(p, V4_L4, proto)
    p.meta = PacketMeta(AF_INET, proto, h[ETH + 12 : ETH + 16], h[ETH + 16 : ETH + 20],
                        (h[V4_L4] << 8) | h[V4_L4 + 1], (h[V4_L4 + 2] << 8) | h[V4_L4 + 3],
                        flags, tot, direction, fwmark, False)
    return p


def _ipv6(h: bytes, n: int, direction: int, fwmark: int, csum_not_ready: bool) -> Parsed | None:
    if h[ETH] >> 4 != 6:
        return None
    plen = (h[ETH + 4] << 8) | h[ETH + 5]
    if plen < 8 or V6_L4 + plen > n:
        return None
    proto = h[ETH + 6]
    flags = _l4(h, V6_L4, plen, proto)
    if flags < 0:
        return None
    p = Parsed()
    p.af = AF_INET6
    p.ip_hlen = 40
    p.ip_len = 40 + plen
    p.tos = ((h[ETH] & 0x0F) << 4) | (h[ETH + 1] >> 4)
    p.flow_label = ((h[ETH + 1] & 0x0F) << 16) | (h[ETH + 2] << 8) | h[ETH + 3]
    p.ttl = h[ETH + 7]
    p.proto = proto
    p.l4_off = V6_L4
    p.tcp_flags = flags
    if csum_not_ready:
        _pending(p, V6_L4, proto)
    p.meta = PacketMeta(AF_INET6, proto, h[ETH + 8 : ETH + 24], h[ETH + 24 : ETH + 40],
                        (h[V6_L4] << 8) | h[V6_L4 + 1], (h[V6_L4 + 2] << 8) | h[V6_L4 + 3],
                        flags, 40 + plen, direction, fwmark, False)
    return p


def _l4(h: bytes, l4: int, avail: int, proto: int) -> int:
    """TCP: its flags; UDP: 0; -1 when the header is not a sound one of these (or is cut)."""
    if proto == TCP:
        if avail < 20:
            return -1
        doff = (h[l4 + 12] >> 4) * 4
        if doff < 20 or doff > avail:
            return -1
        return h[l4 + 13]
    if proto == UDP:
        ulen = (h[l4 + 4] << 8) | h[l4 + 5]
        if ulen < 8 or ulen > avail:
            return -1
        return 0
    return -1


def _pending(p: Parsed, l4: int, proto: int) -> None:
    """The L4 checksum is left for offload: it sits in the TCP/UDP header's own field."""
    p.csum_not_ready = True
    p.csum_start = l4
    p.csum_offset = TCP_CSUM if proto == TCP else UDP_CSUM
