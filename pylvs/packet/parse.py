"""Frame parser: Ethernet (802.1Q) / IPv4 / IPv6 / TCP, UDP, SCTP, ICMP, ICMPv6.

``parse_frame`` never raises on bad input: it returns a ``Parsed`` or a ``DropReason``.
"""

from __future__ import annotations

import struct
from typing import Final

from pylvs.core.constants import (
    AF_INET,
    AF_INET6,
    IPPROTO_ICMP,
    IPPROTO_ICMPV6,
    IPPROTO_TCP,
)
from pylvs.core.meta import Direction, PacketMeta

from . import ipv4, ipv6
from .checksum import ones_sum
from .drop import DropReason
from .ethernet import (
    ETH_HLEN,
    ETH_P_8021AD,
    ETH_P_8021Q,
    ETH_P_IP,
    ETH_P_IPV6,
    MAX_VLAN_TAGS,
    VLAN_HLEN,
)
from .icmp import ICMP_HLEN, is_related_icmp, is_related_icmpv6
from .l4 import PORT_PROTOCOLS, check_l4, csum_field_offset
from .parsed import Parsed
from .plain import parse_plain

Buffer = bytes | bytearray | memoryview
# The shortcut pays when this module is compiled (its bytes indexing is then plain C);
# interpreted, the general parser's struct unpacking is quicker.
SHORTCUT: Final = not __file__.endswith(".py")
_IPV4 = struct.Struct("!BBHHHBBH4s4s")
_IPV6 = struct.Struct("!IHBB16s16s")
_PORTS = struct.Struct("!HH")
_U16 = struct.Struct("!H")


def parse_frame(
    frame: Buffer,
    *,
    direction: int = Direction.IN,
    fwmark: int = 0,
    csum_not_ready: bool = False,
    csum_start: int = -1,
    csum_offset: int = -1,
    verify_ip_checksum: bool = True,
) -> Parsed | DropReason:
    """Parse one Ethernet frame; ``csum_*`` describe a checksum left for offload.

    With ``csum_not_ready`` and no ``csum_start`` the L4 checksum field of the
    packet is assumed (the usual CHECKSUM_PARTIAL layout for TCP/UDP; SCTP's
    CRC32c is then recomputed whole). The common frame (``plain.parse_plain``)
    takes a shorter way to the same result when this module is compiled.
    """
    if SHORTCUT and csum_start < 0:
        plain = parse_plain(frame, direction, fwmark, csum_not_ready, verify_ip_checksum)
        if plain is not None:
            return plain
    return parse_full(frame, direction=direction, fwmark=fwmark, csum_not_ready=csum_not_ready,
                      csum_start=csum_start, csum_offset=csum_offset,
                      verify_ip_checksum=verify_ip_checksum)


def parse_full(
    frame: Buffer,
    *,
    direction: int = Direction.IN,
    fwmark: int = 0,
    csum_not_ready: bool = False,
    csum_start: int = -1,
    csum_offset: int = -1,
    verify_ip_checksum: bool = True,
) -> Parsed | DropReason:
    """``parse_frame`` without its shortcut: every frame through the general parser."""
    n = len(frame)
    if n < ETH_HLEN:
        return DropReason.TRUNCATED_ETHERNET
    p = Parsed()
    off = 12
    etype = _U16.unpack_from(frame, 12)[0]
    tags = 0
    while etype in (ETH_P_8021Q, ETH_P_8021AD):
        if tags == MAX_VLAN_TAGS:
            return DropReason.TOO_MANY_VLAN_TAGS
        if off + 2 + VLAN_HLEN > n:
            return DropReason.TRUNCATED_VLAN
        if tags == 0:
            p.vlan = _U16.unpack_from(frame, off + 2)[0]
        off += VLAN_HLEN
        etype = _U16.unpack_from(frame, off)[0]
        tags += 1
    l3 = off + 2
    p.l3_off = l3
    if etype == ETH_P_IP:
        err = _parse_ipv4(frame, p, l3, n, verify_ip_checksum)
    elif etype == ETH_P_IPV6:
        err = _parse_ipv6(frame, p, l3, n)
    else:
        return DropReason.NOT_IP
    if err is not None:
        return err
    meta = p.meta
    assert meta is not None
    meta.direction = direction
    meta.fwmark = fwmark
    if csum_not_ready:
        if csum_start < 0:
            # no location given: the L4 protocol's own checksum field; a protocol
            # without one offloaded (ICMP, a later fragment) has nothing pending
            field = csum_field_offset(p.proto) if p.has_l4 else -1
            if field < 0:
                return p
            csum_start, csum_offset = p.l4_off, field
        if csum_start < p.l3_off or csum_offset < 0 or csum_start + csum_offset + 2 > p.end:
            return DropReason.BAD_CSUM_OFFLOAD
        p.csum_not_ready = True
        p.csum_start = csum_start
        p.csum_offset = csum_offset
    return p


def _parse_ipv4(frame: Buffer, p: Parsed, l3: int, n: int, verify: bool) -> DropReason | None:
    if l3 + ipv4.IPV4_HLEN > n:
        return DropReason.TRUNCATED_IP
    vihl, tos, tot, ident, frag, ttl, proto, _, saddr, daddr = _IPV4.unpack_from(frame, l3)
    if vihl >> 4 != 4:
        return DropReason.BAD_IP_VERSION
    hlen = (vihl & 0x0F) * 4
    if hlen < ipv4.IPV4_HLEN:
        return DropReason.BAD_IHL
    if l3 + hlen > n:
        return DropReason.TRUNCATED_IP
    if tot < hlen:
        return DropReason.BAD_IP_TOTAL_LENGTH
    if l3 + tot > n:
        return DropReason.TRUNCATED_IP
    if verify and ones_sum(frame[l3 : l3 + hlen]) != 0xFFFF:
        return DropReason.BAD_IP_CHECKSUM
    p.af = AF_INET
    p.ip_hlen = hlen
    p.ip_len = tot
    p.tos = tos
    p.ttl = ttl
    p.proto = proto
    p.df = bool(frag & ipv4.IP_DF)
    p.more_frags = mf = bool(frag & ipv4.IP_MF)
    p.frag_off = off = frag & ipv4.IP_OFFMASK
    p.is_fragment = mf or off != 0
    p.frag_id = ident
    l4 = l3 + hlen
    p.l4_off = l4
    return _parse_l4(frame, p, AF_INET, proto, saddr, daddr, l4, l3 + tot)


def _parse_ipv6(frame: Buffer, p: Parsed, l3: int, n: int) -> DropReason | None:
    if l3 + ipv6.IPV6_HLEN > n:
        return DropReason.TRUNCATED_IP
    first, plen, nexthdr, hlim, saddr, daddr = _IPV6.unpack_from(frame, l3)
    if first >> 28 != 6:
        return DropReason.BAD_IP_VERSION
    if plen == 0:  # a jumbogram or nonsense: not forwarded
        return DropReason.BAD_IPV6_PAYLOAD_LENGTH
    end = l3 + ipv6.IPV6_HLEN + plen
    if end > n:
        return DropReason.TRUNCATED_IP
    l4 = l3 + ipv6.IPV6_HLEN
    if nexthdr in ipv6.EXT_HEADERS:
        w = ipv6.walk_ext_headers(frame, l4, nexthdr, end)
        if isinstance(w, DropReason):
            return w
        nexthdr = w.nexthdr
        l4 = w.offset
        p.is_fragment = w.is_fragment
        p.frag_off = w.frag_off
        p.more_frags = w.more_frags
        p.frag_id = w.frag_id
    p.af = AF_INET6
    p.ip_len = ipv6.IPV6_HLEN + plen
    p.ip_hlen = l4 - l3
    p.tos = (first >> 20) & 0xFF
    p.flow_label = first & 0xFFFFF
    p.ttl = hlim
    p.proto = nexthdr
    p.l4_off = l4
    return _parse_l4(frame, p, AF_INET6, nexthdr, saddr, daddr, l4, end)


def _parse_l4(
    frame: Buffer, p: Parsed, af: int, proto: int, saddr: bytes, daddr: bytes, l4: int, end: int
) -> DropReason | None:
    sport = dport = 0
    if p.frag_off == 0:
        if proto in PORT_PROTOCOLS:
            err = check_l4(frame, l4, end, proto, p.more_frags)
            if err is not None:
                return err
            sport, dport = _PORTS.unpack_from(frame, l4)
            if proto == IPPROTO_TCP:
                p.tcp_flags = frame[l4 + 13]
        elif (proto == IPPROTO_ICMP and af == AF_INET) or (
            proto == IPPROTO_ICMPV6 and af == AF_INET6
        ):
            if end - l4 < ICMP_HLEN:
                return DropReason.TRUNCATED_ICMP
            t = frame[l4]
            p.icmp_type = t
            p.icmp_code = frame[l4 + 1]
            related = is_related_icmp(t) if af == AF_INET else is_related_icmpv6(t)
            if related and not p.is_fragment:
                return _parse_quote(frame, p, af, l4 + ICMP_HLEN, end)
    p.meta = PacketMeta(af, proto, saddr, daddr, sport, dport, p.tcp_flags, p.ip_len)
    return None


def _parse_quote(frame: Buffer, p: Parsed, af: int, off: int, end: int) -> DropReason | None:
    """The packet quoted by an ICMP error: its protocol, addresses and ports."""
    if af == AF_INET:
        if off + ipv4.IPV4_HLEN > end or frame[off] >> 4 != 4:
            return DropReason.BAD_ICMP_QUOTE
        hlen = (frame[off] & 0x0F) * 4
        if hlen < ipv4.IPV4_HLEN or off + hlen > end:
            return DropReason.BAD_ICMP_QUOTE
        proto = frame[off + 9]
        later_fragment = ((frame[off + 6] << 8) | frame[off + 7]) & ipv4.IP_OFFMASK != 0
        saddr = bytes(frame[off + 12 : off + 16])
        daddr = bytes(frame[off + 16 : off + 20])
        l4 = off + hlen
    else:
        if off + ipv6.IPV6_HLEN > end or frame[off] >> 4 != 6:
            return DropReason.BAD_ICMP_QUOTE
        w = ipv6.walk_ext_headers(frame, off + ipv6.IPV6_HLEN, frame[off + 6], end)
        if isinstance(w, DropReason):
            return DropReason.BAD_ICMP_QUOTE
        hlen = w.offset - off
        proto = w.nexthdr
        later_fragment = w.frag_off != 0
        saddr = bytes(frame[off + 8 : off + 24])
        daddr = bytes(frame[off + 24 : off + 40])
        l4 = w.offset
    if later_fragment:
        # IPVS cannot match a quoted later fragment: the ICMP message is not related
        p.meta = PacketMeta(af, p.proto, bytes(0), bytes(0), 0, 0, 0, p.ip_len)
        _fill_outer_addrs(frame, p)
        return None
    sport = dport = 0
    if proto in PORT_PROTOCOLS:
        if l4 + 4 > end:
            return DropReason.BAD_ICMP_QUOTE
        sport = (frame[l4] << 8) | frame[l4 + 1]
        dport = (frame[l4 + 2] << 8) | frame[l4 + 3]
    p.inner_l3_off = off
    p.inner_hlen = hlen
    p.inner_l4_off = l4
    p.inner_proto = proto
    p.meta = PacketMeta(af, proto, saddr, daddr, sport, dport, 0, p.ip_len, related=True)
    return None


def _fill_outer_addrs(frame: Buffer, p: Parsed) -> None:
    assert p.meta is not None
    l3 = p.l3_off
    if p.af == AF_INET:
        p.meta.saddr = bytes(frame[l3 + 12 : l3 + 16])
        p.meta.daddr = bytes(frame[l3 + 16 : l3 + 20])
    else:
        p.meta.saddr = bytes(frame[l3 + 8 : l3 + 24])
        p.meta.daddr = bytes(frame[l3 + 24 : l3 + 40])


__all__ = ["Parsed", "parse_frame", "parse_full"]
