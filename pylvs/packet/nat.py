"""Masquerading (-m): VIP:vport <-> RIP:rport with checksums updated (RFC 1624)."""

from __future__ import annotations

from pylvs.core.constants import AF_INET, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP

from . import ipv4, ipv6
from .checksum import Buffer, Writable, checksum, pseudo_sum, replace, replace16
from .common import checked_copy, routed_refusal
from .drop import DropReason
from .ethernet import ETH_P_IP, ETH_P_IPV6, eth_header
from .l4 import TCP_CSUM_OFF, UDP_CSUM_OFF
from .parse import Parsed
from .result import Rand32, Refusal, no_random
from .sctp import set_sctp_checksum


def nat_in(
    frame: Buffer, p: Parsed, daddr: bytes, dport: int, dst_mac: bytes, src_mac: bytes,
    *, mtu: int = 0, vlan: int = -1, rand32: Rand32 = no_random,
) -> bytes | Refusal:
    """Client -> real server: destination address/port := ``daddr``:``dport``."""
    return _nat(frame, p, daddr, dport, dst_mac, src_mac, False, mtu, vlan, rand32)


def nat_out(
    frame: Buffer, p: Parsed, saddr: bytes, sport: int, dst_mac: bytes, src_mac: bytes,
    *, mtu: int = 0, vlan: int = -1, rand32: Rand32 = no_random, reply_saddr: bytes = b"",
) -> bytes | Refusal:
    """Real server -> client: source address/port := ``saddr``:``sport`` (the VIP).

    The reply is routed through the director, so TTL and MTU are checked as IP
    forwarding does (``routed_refusal``); errors come from ``reply_saddr``.
    """
    refused = routed_refusal(frame, p, mtu, rand32, reply_saddr)
    if refused is not None:
        return refused
    return _nat(frame, p, saddr, sport, dst_mac, src_mac, True, 0, vlan, rand32)


def _nat(
    frame: Buffer, p: Parsed, addr: bytes, port: int, dst_mac: bytes, src_mac: bytes,
    source: bool, mtu: int, vlan: int, rand32: Rand32,
) -> bytes | Refusal:
    proto = p.proto
    if not p.has_l4 or p.is_fragment or proto not in (IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP):
        return Refusal(DropReason.NOT_TRANSFORMABLE)
    pkt = checked_copy(frame, p, mtu, rand32)
    if isinstance(pkt, Refusal):
        return pkt
    rewrite_addr_port(pkt, p.af, p.l4_off - p.l3_off, proto, addr, port, source)
    etype = ETH_P_IP if p.af == AF_INET else ETH_P_IPV6
    return eth_header(dst_mac, src_mac, etype, vlan) + pkt


def rewrite_addr_port(
    pkt: Writable, af: int, l4: int, proto: int, addr: bytes, port: int, source: bool
) -> None:
    """Set the source (or destination) address and port of ``pkt``, fixing every checksum.

    TCP/UDP checksums are updated incrementally; a UDP datagram without checksum
    gets a full one, as IPVS does, and a UDP result of 0 is sent as 0xFFFF.
    SCTP's CRC32c is recomputed.
    """
    if af == AF_INET:
        a_off = ipv4.OFF_SADDR if source else ipv4.OFF_DADDR
        alen = 4
    else:
        a_off = ipv6.OFF_SADDR if source else ipv6.OFF_DADDR
        alen = 16
    p_off = l4 if source else l4 + 2
    old_addr = bytes(pkt[a_off : a_off + alen])
    old_port = (pkt[p_off] << 8) | pkt[p_off + 1]
    pkt[a_off : a_off + alen] = addr
    pkt[p_off] = port >> 8
    pkt[p_off + 1] = port & 0xFF
    if af == AF_INET:
        ipv4.set_header_checksum(pkt, 0, l4)
    if proto == IPPROTO_SCTP:
        set_sctp_checksum(pkt, l4)
        return
    c_off = l4 + (TCP_CSUM_OFF if proto == IPPROTO_TCP else UDP_CSUM_OFF)
    c = (pkt[c_off] << 8) | pkt[c_off + 1]
    if proto == IPPROTO_UDP and c == 0:
        set_l4_checksum(pkt, af, l4, proto)
        return
    c = replace16(replace(c, old_addr, addr), old_port, port)
    if c == 0 and proto == IPPROTO_UDP:
        c = 0xFFFF
    pkt[c_off] = c >> 8
    pkt[c_off + 1] = c & 0xFF


def set_l4_checksum(pkt: Writable, af: int, l4: int, proto: int) -> None:
    """Compute the TCP/UDP/ICMPv6 checksum of ``pkt`` (an IP packet) from scratch."""
    if af == AF_INET:
        src = pkt[ipv4.OFF_SADDR : ipv4.OFF_SADDR + 4]
        dst = pkt[ipv4.OFF_DADDR : ipv4.OFF_DADDR + 4]
    else:
        src = pkt[ipv6.OFF_SADDR : ipv6.OFF_SADDR + 16]
        dst = pkt[ipv6.OFF_DADDR : ipv6.OFF_DADDR + 16]
    if proto == IPPROTO_TCP:
        c_off = l4 + TCP_CSUM_OFF
    else:
        c_off = l4 + (UDP_CSUM_OFF if proto == IPPROTO_UDP else 2)
    pkt[c_off] = pkt[c_off + 1] = 0
    seg = memoryview(pkt)[l4:]
    c = checksum(seg, pseudo_sum(src, dst, proto, len(seg)))
    if c == 0 and proto == IPPROTO_UDP:
        c = 0xFFFF
    pkt[c_off] = c >> 8
    pkt[c_off + 1] = c & 0xFF
