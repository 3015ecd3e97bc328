"""ICMP errors about masqueraded connections, rewritten both ways (§10.5)."""

from __future__ import annotations

from pylvs.core.constants import AF_INET, IPPROTO_ICMPV6

from . import ipv4, ipv6
from .checksum import Buffer, checksum, pseudo_sum
from .common import checked_copy, routed_refusal
from .drop import DropReason
from .ethernet import ETH_P_IP, ETH_P_IPV6, eth_header
from .l4 import PORT_PROTOCOLS
from .parse import Parsed
from .result import Rand32, Refusal, no_random


def nat_icmp_in(
    frame: Buffer, p: Parsed, daddr: bytes, dport: int, dst_mac: bytes, src_mac: bytes,
    *, mtu: int = 0, vlan: int = -1, rand32: Rand32 = no_random,
) -> bytes | Refusal:
    """An ICMP error from the client side about a NAT connection, to the real server.

    Outer destination := ``daddr``; in the quoted packet (VIP:vport -> client)
    the source becomes ``daddr``:``dport``. The quoted IP header checksum and the
    ICMP checksum are recomputed; the quoted L4 checksum is left as it was, as
    IPVS does.
    """
    return _nat_icmp(frame, p, daddr, dport, dst_mac, src_mac, False, mtu, vlan, rand32)


def nat_icmp_out(
    frame: Buffer, p: Parsed, vaddr: bytes, vport: int, dst_mac: bytes, src_mac: bytes,
    *, mtu: int = 0, vlan: int = -1, rand32: Rand32 = no_random, reply_saddr: bytes = b"",
) -> bytes | Refusal:
    """An ICMP error from a NAT real server, to the client.

    Outer source := ``vaddr``; in the quoted packet (client -> RIP:rport) the
    destination becomes ``vaddr``:``vport``; checksums as for ``nat_icmp_in``.
    Routed through: TTL and MTU checked as for ``nat_out``. IPv6 too, although
    Linux 6.1 drops such ICMPv6 errors unless the NIC validated them: it checks
    their checksum without the pseudo-header (recorded in the oracle golden file).
    """
    refused = routed_refusal(frame, p, mtu, rand32, reply_saddr)
    if refused is not None:
        return refused
    return _nat_icmp(frame, p, vaddr, vport, dst_mac, src_mac, True, 0, vlan, rand32)


def _nat_icmp(
    frame: Buffer, p: Parsed, addr: bytes, port: int, dst_mac: bytes, src_mac: bytes,
    outbound: bool, mtu: int, vlan: int, rand32: Rand32,
) -> bytes | Refusal:
    if p.meta is None or not p.meta.related or p.inner_l3_off < 0:
        return Refusal(DropReason.NOT_TRANSFORMABLE)
    pkt = checked_copy(frame, p, mtu, rand32)
    if isinstance(pkt, Refusal):
        return pkt
    base = p.l3_off
    icmp = p.l4_off - base
    inner = p.inner_l3_off - base
    inner_l4 = p.inner_l4_off - base
    if p.af == AF_INET:
        outer_a = ipv4.OFF_SADDR if outbound else ipv4.OFF_DADDR
        inner_a = ipv4.OFF_DADDR if outbound else ipv4.OFF_SADDR
        alen = 4
    else:
        outer_a = ipv6.OFF_SADDR if outbound else ipv6.OFF_DADDR
        inner_a = ipv6.OFF_DADDR if outbound else ipv6.OFF_SADDR
        alen = 16
    pkt[outer_a : outer_a + alen] = addr
    pkt[inner + inner_a : inner + inner_a + alen] = addr
    if p.inner_proto in PORT_PROTOCOLS:
        po = inner_l4 + (2 if outbound else 0)
        pkt[po] = port >> 8
        pkt[po + 1] = port & 0xFF
    if p.af == AF_INET:
        ipv4.set_header_checksum(pkt, 0, p.ip_hlen)
        ipv4.set_header_checksum(pkt, inner, p.inner_hlen)
        pkt[icmp + 2] = pkt[icmp + 3] = 0
        c = checksum(memoryview(pkt)[icmp:])
        etype = ETH_P_IP
    else:
        pkt[icmp + 2] = pkt[icmp + 3] = 0
        seg = memoryview(pkt)[icmp:]
        ps = pseudo_sum(pkt[ipv6.OFF_SADDR : ipv6.OFF_SADDR + 16],
                        pkt[ipv6.OFF_DADDR : ipv6.OFF_DADDR + 16], IPPROTO_ICMPV6, len(seg))
        c = checksum(seg, ps)
        del seg
        etype = ETH_P_IPV6
    pkt[icmp + 2] = c >> 8
    pkt[icmp + 3] = c & 0xFF
    return eth_header(dst_mac, src_mac, etype, vlan) + pkt
