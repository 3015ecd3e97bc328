"""Named reasons for refusing a frame; the datapath counts drops by these names."""

from __future__ import annotations

from enum import StrEnum


class DropReason(StrEnum):
    """Why a frame was not parsed or not forwarded (a short stable name per reason)."""

    NOT_IP = "not-ip"  # not IPv4/IPv6: not ours, hand it to the kernel rather than drop
    TRUNCATED_ETHERNET = "truncated-ethernet"
    TRUNCATED_VLAN = "truncated-vlan"
    TOO_MANY_VLAN_TAGS = "too-many-vlan-tags"
    BAD_IP_VERSION = "bad-ip-version"
    TRUNCATED_IP = "truncated-ip"
    BAD_IHL = "bad-ihl"
    BAD_IP_TOTAL_LENGTH = "bad-ip-total-length"
    BAD_IP_CHECKSUM = "bad-ip-checksum"
    BAD_IPV6_PAYLOAD_LENGTH = "bad-ipv6-payload-length"
    TRUNCATED_IPV6_EXT = "truncated-ipv6-ext"
    BAD_IPV6_EXT_LENGTH = "bad-ipv6-ext-length"
    TOO_MANY_IPV6_EXT = "too-many-ipv6-ext"
    TRUNCATED_TCP = "truncated-tcp"
    BAD_TCP_DATA_OFFSET = "bad-tcp-data-offset"
    TRUNCATED_UDP = "truncated-udp"
    BAD_UDP_LENGTH = "bad-udp-length"
    TRUNCATED_SCTP = "truncated-sctp"
    TRUNCATED_ICMP = "truncated-icmp"
    BAD_ICMP_QUOTE = "bad-icmp-quote"
    BAD_CSUM_OFFLOAD = "bad-csum-offload"  # csum_start/csum_offset outside the packet
    TTL_EXCEEDED = "ttl-exceeded"  # TTL/hop limit would reach 0: time-exceeded sent
    FRAG_NEEDED = "frag-needed"  # DF packet over the path MTU: frag-needed/too-big sent
    TUNNEL_MTU_TOO_SMALL = "tunnel-mtu-too-small"
    MTU_TOO_SMALL = "mtu-too-small"  # not even 8 bytes of data fit in a fragment
    NOT_TRANSFORMABLE = "not-transformable"  # no L4 header to rewrite (e.g. a later fragment)
    UNSUPPORTED_TUNNEL = "unsupported-tunnel"
