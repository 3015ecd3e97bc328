"""ICMP and ICMPv6 message types IPVS cares about."""

from __future__ import annotations

ICMP_HLEN = 8
ICMP_DEST_UNREACH = 3
ICMP_SOURCE_QUENCH = 4
ICMP_TIME_EXCEEDED = 11
ICMP_PORT_UNREACH = 3
ICMP_FRAG_NEEDED = 4
ICMP_EXC_TTL = 0
# ICMP errors IPVS relates to a connection (everything else passes untouched)
ICMP_RELATED_TYPES = frozenset((ICMP_DEST_UNREACH, ICMP_SOURCE_QUENCH, ICMP_TIME_EXCEEDED))
# an IPv4 ICMP error carries at most this much IP datagram (RFC 1812 4.3.2.3)
ICMP_MAX_ERROR_LEN = 576

ICMPV6_DEST_UNREACH = 1
ICMPV6_PKT_TOOBIG = 2
ICMPV6_TIME_EXCEED = 3
ICMPV6_PORT_UNREACH = 4
ICMPV6_EXC_HOPLIMIT = 0
ICMPV6_INFO_MIN = 128  # types below are errors

# an ICMPv6 error carries at most the IPv6 minimum MTU (RFC 4443 2.4 (c))
ICMPV6_MAX_ERROR_LEN = 1280


def is_related_icmp(icmp_type: int) -> bool:
    """IPv4 ICMP types IPVS treats as errors about a connection."""
    return icmp_type in ICMP_RELATED_TYPES


def is_related_icmpv6(icmp_type: int) -> bool:
    """ICMPv6 types IPVS treats as errors about a connection (all error types)."""
    return icmp_type < ICMPV6_INFO_MIN
