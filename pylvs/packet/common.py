"""Steps every forwarding method shares: TTL decrement, pending checksum, MTU check."""

from __future__ import annotations

from pylvs.core.constants import AF_INET, IPPROTO_SCTP, IPPROTO_UDP

from . import ipv4, ipv6
from .checksum import Buffer, Writable, complete_partial, replace16
from .drop import DropReason
from .icmp_reply import time_exceeded, too_big
from .parse import Parsed
from .result import Rand32, Refusal
from .sctp import set_sctp_checksum


def forwarded_copy(frame: Buffer, p: Parsed, rand32: Rand32) -> bytearray | Refusal:
    """The IP packet of ``frame`` as forwarded: TTL / hop limit decremented, checksum final.

    A TTL of 1 or less gives time exceeded to the sender (as IPVS does before
    any forwarding method).
    """
    if p.ttl <= 1:
        return Refusal(DropReason.TTL_EXCEEDED, time_exceeded(frame, p, rand32))
    pkt = bytearray(frame[p.l3_off : p.end])
    if p.csum_not_ready and p.proto == IPPROTO_SCTP:
        set_sctp_checksum(pkt, p.l4_off - p.l3_off)
    elif p.csum_not_ready:
        err = complete_partial(
            pkt, p.csum_start - p.l3_off, p.csum_offset, p.proto == IPPROTO_UDP
        )
        if err is not None:
            return Refusal(err)
    decrement_ttl(pkt, p.af)
    return pkt


def checked_copy(frame: Buffer, p: Parsed, mtu: int, rand32: Rand32) -> bytearray | Refusal:
    """``forwarded_copy`` then ``mtu_refusal`` against ``mtu``: the packet to send, or why not."""
    pkt = forwarded_copy(frame, p, rand32)
    if isinstance(pkt, Refusal):
        return pkt
    refused = mtu_refusal(frame, p, pkt, mtu, rand32)
    return pkt if refused is None else refused


def decrement_ttl(pkt: Writable, af: int) -> None:
    """Decrement the TTL (checksum updated, RFC 1624) or the hop limit of ``pkt``, in place."""
    if af == AF_INET:
        old = (pkt[ipv4.OFF_TTL] << 8) | pkt[ipv4.OFF_PROTO]
        pkt[ipv4.OFF_TTL] -= 1
        c = (pkt[ipv4.OFF_CSUM] << 8) | pkt[ipv4.OFF_CSUM + 1]
        c = replace16(c, old, old - 0x100)
        pkt[ipv4.OFF_CSUM] = c >> 8
        pkt[ipv4.OFF_CSUM + 1] = c & 0xFF
    else:
        pkt[ipv6.OFF_HLIM] -= 1


def routed_refusal(
    frame: Buffer, p: Parsed, mtu: int, rand32: Rand32, reply_saddr: bytes
) -> Refusal | None:
    """The kernel's IP forwarding checks, for a packet routed through (a NAT reply).

    As in ip_forward / ip6_forward: TTL / hop limit and MTU are checked before the
    decrement, the error quotes the packet as received and comes from
    ``reply_saddr`` (the director's address on the ingress link; empty: no error
    is sent, the packet is only dropped).
    """
    if p.ttl > 1 and (mtu <= 0 or p.ip_len <= mtu):
        return None
    send = bool(reply_saddr)
    if p.ttl <= 1:
        reply = time_exceeded(frame, p, rand32, reply_saddr) if send else None
        return Refusal(DropReason.TTL_EXCEEDED, reply)
    related = p.meta is not None and p.meta.related
    if p.af == AF_INET and (not p.df or related):
        return None
    quote = memoryview(frame)[p.l3_off : p.end]
    reply = too_big(frame, p, mtu, quote, rand32, reply_saddr) if send else None
    return Refusal(DropReason.FRAG_NEEDED, reply)


def mtu_refusal(
    frame: Buffer, p: Parsed, pkt: bytearray, mtu: int, rand32: Rand32, check_v4: bool = True
) -> Refusal | None:
    """IPVS's MTU check of a forwarded packet against ``mtu`` (0: no check).

    IPv4: a DF packet longer than ``mtu`` gets fragmentation-needed (unless it is a
    relayed ICMP error) and is dropped; ``check_v4`` False (a tunnel without
    pmtu_disc) skips it. IPv6: a packet longer than ``mtu`` is dropped, with a
    packet-too-big for a first fragment that is not an ICMP error.
    """
    if mtu <= 0 or len(pkt) <= mtu:
        return None
    related = p.meta is not None and p.meta.related
    if p.af == AF_INET:
        if not check_v4 or not p.df or related:
            return None
        return Refusal(DropReason.FRAG_NEEDED, too_big(frame, p, mtu, pkt, rand32))
    reply = None if related else too_big(frame, p, mtu, pkt, rand32)
    return Refusal(DropReason.FRAG_NEEDED, reply)
