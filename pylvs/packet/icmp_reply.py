"""ICMP / ICMPv6 error messages a director sends back to a packet's sender."""

from __future__ import annotations

import struct

from pylvs.core.constants import AF_INET, IPPROTO_ICMP, IPPROTO_ICMPV6

from . import ipv4, ipv6
from .checksum import checksum, pseudo_sum
from .ethernet import reply_l2
from .icmp import (
    ICMP_DEST_UNREACH,
    ICMP_EXC_TTL,
    ICMP_FRAG_NEEDED,
    ICMP_HLEN,
    ICMP_MAX_ERROR_LEN,
    ICMP_PORT_UNREACH,
    ICMP_TIME_EXCEEDED,
    ICMPV6_DEST_UNREACH,
    ICMPV6_EXC_HOPLIMIT,
    ICMPV6_MAX_ERROR_LEN,
    ICMPV6_PKT_TOOBIG,
    ICMPV6_PORT_UNREACH,
    ICMPV6_TIME_EXCEED,
)
from .parse import Parsed
from .result import Rand32, no_random

Buffer = bytes | bytearray | memoryview

# ICMP types that are errors: no error is ever sent about one of them (RFC 1122 3.2.2)
_ICMP_ERROR_TYPES = frozenset((3, 4, 5, 11, 12))


def icmp_error(
    frame: Buffer,
    p: Parsed,
    icmp_type: int,
    code: int,
    info: int = 0,
    packet: Buffer | None = None,
    rand32: Rand32 = no_random,
    src: bytes = b"",
) -> bytes | None:
    """An ICMP(v6) error about the packet in ``frame``, sent back to its source.

    The message comes from ``src``, by default the packet's destination (the VIP:
    it is local on a director; a packet merely routed through needs the
    director's own address on the ingress link), quotes ``packet`` (default: the
    IP packet of ``frame``) as far as 576 bytes (IPv4) / 1280 bytes (IPv6) allow,
    and goes out with the ingress frame's MACs swapped. ``info`` is the 32-bit
    field after the checksum (for fragmentation-needed the low 16 bits are the
    next-hop MTU). Returns None
    where no error may be sent: about an ICMP error or a later fragment.
    """
    l3 = p.l3_off
    if p.frag_off:
        return None
    if p.meta is not None and p.meta.related:
        return None
    if p.af == AF_INET and p.proto == IPPROTO_ICMP and p.icmp_type in _ICMP_ERROR_TYPES:
        return None
    if p.af != AF_INET and p.proto == IPPROTO_ICMPV6 and 0 <= p.icmp_type < 128:
        return None
    if p.meta is None or not _unicast_source(p.af, p.meta.saddr, p.meta.daddr):
        return None
    quoted = memoryview(frame)[l3 : p.end] if packet is None else memoryview(packet)
    if p.af == AF_INET:
        room = ICMP_MAX_ERROR_LEN - ipv4.IPV4_HLEN - ICMP_HLEN
        body = bytearray(struct.pack("!BBHI", icmp_type, code, 0, info & 0xFFFFFFFF))
        body += quoted[:room]
        c = checksum(body)
        body[2] = c >> 8
        body[3] = c & 0xFF
        src = src or bytes(frame[l3 + ipv4.OFF_DADDR : l3 + ipv4.OFF_DADDR + 4])
        dst = bytes(frame[l3 + ipv4.OFF_SADDR : l3 + ipv4.OFF_SADDR + 4])
        tos = (p.tos & ipv4.IPTOS_TOS_MASK) | ipv4.IPTOS_PREC_INTERNETCONTROL
        hdr = ipv4.build_header(
            tos, ipv4.IPV4_HLEN + len(body), rand32() & 0xFFFF, False, ipv4.DEFAULT_TTL,
            IPPROTO_ICMP, src, dst,
        )
        return reply_l2(frame, l3) + hdr + bytes(body)
    room = ICMPV6_MAX_ERROR_LEN - ipv6.IPV6_HLEN - ICMP_HLEN
    body = bytearray(struct.pack("!BBHI", icmp_type, code, 0, info & 0xFFFFFFFF))
    body += quoted[:room]
    src = src or bytes(frame[l3 + ipv6.OFF_DADDR : l3 + ipv6.OFF_DADDR + 16])
    dst = bytes(frame[l3 + ipv6.OFF_SADDR : l3 + ipv6.OFF_SADDR + 16])
    c = checksum(body, pseudo_sum(src, dst, IPPROTO_ICMPV6, len(body)))
    body[2] = c >> 8
    body[3] = c & 0xFF
    hdr = ipv6.build_header(
        0, rand32() & 0xFFFFF, len(body), IPPROTO_ICMPV6, ipv6.DEFAULT_HOPLIMIT, src, dst
    )
    return reply_l2(frame, l3) + hdr + bytes(body)


def _unicast_source(af: int, saddr: bytes, daddr: bytes) -> bool:
    """True when an error may go to ``saddr``: a unicast host, for a unicast destination."""
    if af == AF_INET:
        return not (
            saddr[0] == 0 or saddr[0] >= 224 or saddr == b"\xff\xff\xff\xff"
            or daddr[0] >= 224 or daddr == b"\xff\xff\xff\xff"
        )
    return saddr != bytes(16) and saddr[0] != 0xFF


def port_unreachable(frame: Buffer, p: Parsed, rand32: Rand32 = no_random) -> bytes | None:
    """Destination unreachable / port unreachable for the client (no destination, §5.4)."""
    if p.af == AF_INET:
        return icmp_error(frame, p, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, rand32=rand32)
    return icmp_error(frame, p, ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, rand32=rand32)


def time_exceeded(
    frame: Buffer, p: Parsed, rand32: Rand32 = no_random, src: bytes = b""
) -> bytes | None:
    """Time exceeded in transit: the packet's TTL / hop limit ran out at the director."""
    if p.af == AF_INET:
        return icmp_error(frame, p, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, rand32=rand32, src=src)
    return icmp_error(
        frame, p, ICMPV6_TIME_EXCEED, ICMPV6_EXC_HOPLIMIT, rand32=rand32, src=src
    )


def too_big(
    frame: Buffer, p: Parsed, mtu: int, packet: Buffer, rand32: Rand32 = no_random,
    src: bytes = b"",
) -> bytes | None:
    """Fragmentation needed (IPv4, next-hop MTU) / packet too big (IPv6) quoting ``packet``."""
    if p.af == AF_INET:
        return icmp_error(
            frame, p, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, mtu & 0xFFFF, packet, rand32, src
        )
    return icmp_error(frame, p, ICMPV6_PKT_TOOBIG, 0, mtu, packet, rand32, src)
