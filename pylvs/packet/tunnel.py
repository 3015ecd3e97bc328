"""IP tunnelling (-i): IPIP / IPv6-in-IPv6 (any mix of families), GUE and GRE (§10.2, §10.4)."""

from __future__ import annotations

import struct

from pylvs.core.constants import AF_INET, IPPROTO_UDP, TunFlag, TunType

from . import ipv4, ipv6
from .checksum import Buffer, checksum, pseudo_sum
from .common import forwarded_copy, mtu_refusal
from .drop import DropReason
from .ethernet import ETH_P_IP, ETH_P_IPV6, eth_header
from .parse import Parsed
from .result import Rand32, Refusal, no_random

IPPROTO_GRE = 47
INET_ECN_MASK = 0x03
INET_ECN_ECT_0 = 0x02
INET_ECN_CE = 0x03
IPV4_MIN_MTU = 68
GUE_HLEN = 4
GRE_HLEN = 4
GRE_CSUM = 0x8000
_F_CSUM = int(TunFlag.CSUM)  # plain ints: IntFlag arithmetic is slow on the hot path
_F_REMCSUM = int(TunFlag.REMCSUM)
# the local port range udp_flow_src_port draws GUE source ports from (Linux default)
EPHEMERAL_LOW = 32768
EPHEMERAL_HIGH = 60999


def ecn_encapsulate(inner_tos: int) -> int:
    """Outer TOS / traffic class: inner's copied, CE becomes ECT(0) (RFC 6040)."""
    if inner_tos & INET_ECN_MASK == INET_ECN_CE:
        return (inner_tos & ~INET_ECN_MASK) | INET_ECN_ECT_0
    return inner_tos


def tunnel_overhead(daf: int, tun_type: int = TunType.IPIP, tun_flags: int = 0) -> int:
    """Bytes the encapsulation adds in front of the inner IP packet."""
    n = ipv4.IPV4_HLEN if daf == AF_INET else ipv6.IPV6_HLEN
    if tun_type == TunType.GUE:
        n += 8 + GUE_HLEN
    elif tun_type == TunType.GRE:
        n += GRE_HLEN + (4 if tun_flags & _F_CSUM else 0)
    return n


def gue_source_port(p: Parsed, frame: Buffer) -> int:
    """A GUE UDP source port from a hash of the inner flow, in the ephemeral range."""
    m = p.meta
    if m is None:
        return EPHEMERAL_LOW
    key = m.saddr + m.daddr + struct.pack("!HHB", m.sport, m.dport, m.protocol)
    h = 0x811C9DC5
    for b in key:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return EPHEMERAL_LOW + ((h * (EPHEMERAL_HIGH - EPHEMERAL_LOW + 1)) >> 32)


def tun_encap(
    frame: Buffer,
    p: Parsed,
    daf: int,
    saddr: bytes,
    daddr: bytes,
    dst_mac: bytes,
    src_mac: bytes,
    *,
    mtu: int = 0,
    pmtu_disc: bool = True,
    tun_type: int = TunType.IPIP,
    tun_port: int = 0,
    tun_flags: int = 0,
    gue_sport: int = -1,
    vlan: int = -1,
    rand32: Rand32 = no_random,
) -> bytes | Refusal:
    """The inner packet (TTL decremented) wrapped in an outer header to ``daddr``.

    ``daf`` is the real server's family, ``saddr`` the director's address toward it
    and ``mtu`` the route MTU to it (0: unchecked). Outer TTL / hop limit = the
    inner one after the decrement; TOS / traffic class per ``ecn_encapsulate``;
    DF copied from an inner IPv4 header when ``pmtu_disc``; IPv4 ID 0 with DF, else
    drawn from ``rand32``; IPv6 flow label 0. GUE (UDP to ``tun_port``, 4-byte
    header) and GRE (4 bytes, 8 with ``TunFlag.CSUM``) wrap the inner packet first;
    remote checksum offload is refused (checksums are always completed here).
    """
    if tun_type not in (TunType.IPIP, TunType.GUE, TunType.GRE) or (
        tun_flags & _F_REMCSUM
    ):
        return Refusal(DropReason.UNSUPPORTED_TUNNEL)
    inner = forwarded_copy(frame, p, rand32)
    if isinstance(inner, Refusal):
        return inner
    if mtu > 0:
        tmtu = mtu - tunnel_overhead(daf, tun_type, tun_flags)
        if tmtu < (IPV4_MIN_MTU if daf == AF_INET else ipv6.IPV6_MIN_MTU):
            return Refusal(DropReason.TUNNEL_MTU_TOO_SMALL)
        refused = mtu_refusal(frame, p, inner, tmtu, rand32, check_v4=pmtu_disc)
        if refused is not None:
            return refused
    inner_proto = ipv4.IPPROTO_IPIP if p.af == AF_INET else ipv6.NEXTHDR_IPV6
    if tun_type == TunType.GUE:
        payload = _gue(p, frame, inner, inner_proto, daf, saddr, daddr, tun_port,
                       tun_flags, gue_sport)
        proto = IPPROTO_UDP
    elif tun_type == TunType.GRE:
        payload = _gre(p, inner, tun_flags)
        proto = IPPROTO_GRE
    else:
        payload = inner
        proto = inner_proto
    ttl = p.ttl - 1
    tos = ecn_encapsulate(p.tos)
    if daf == AF_INET:
        df = pmtu_disc and p.af == AF_INET and p.df
        ident = 0 if df else rand32() & 0xFFFF
        outer = ipv4.build_header(
            tos, ipv4.IPV4_HLEN + len(payload), ident, df, ttl, proto, saddr, daddr
        )
        return eth_header(dst_mac, src_mac, ETH_P_IP, vlan) + outer + payload
    outer = ipv6.build_header(tos, 0, len(payload), proto, ttl, saddr, daddr)
    return eth_header(dst_mac, src_mac, ETH_P_IPV6, vlan) + outer + payload


def _gue(
    p: Parsed, frame: Buffer, inner: bytearray, inner_proto: int, daf: int, saddr: bytes,
    daddr: bytes, tun_port: int, tun_flags: int, gue_sport: int,
) -> bytearray:
    sport = gue_sport if gue_sport >= 0 else gue_source_port(p, frame)
    ulen = 8 + GUE_HLEN + len(inner)
    seg = bytearray(struct.pack("!HHHH", sport, tun_port, ulen, 0))
    seg += bytes((0, inner_proto, 0, 0))  # version 0, C 0, hlen 0, proto, flags 0
    seg += inner
    if tun_flags & _F_CSUM:
        c = checksum(seg, pseudo_sum(saddr, daddr, IPPROTO_UDP, ulen)) or 0xFFFF
        seg[6] = c >> 8
        seg[7] = c & 0xFF
    return seg


def _gre(p: Parsed, inner: bytearray, tun_flags: int) -> bytearray:
    etype = ETH_P_IP if p.af == AF_INET else ETH_P_IPV6
    if tun_flags & _F_CSUM:
        seg = bytearray(struct.pack("!HHHH", GRE_CSUM, etype, 0, 0)) + inner
        c = checksum(seg)
        seg[4] = c >> 8
        seg[5] = c & 0xFF
        return seg
    return bytearray(struct.pack("!HH", 0, etype)) + inner
