"""The parser's result: the core's ``PacketMeta`` plus where each header sits in the frame."""

from __future__ import annotations

from typing import Final

from pylvs.core import constants
from pylvs.core.meta import PacketMeta

from .ethernet import ETH_HLEN

AF_INET: Final = constants.AF_INET
L3_OFF: Final = ETH_HLEN  # where IP starts in an untagged frame


class Parsed:
    """A parsed frame: the core's ``PacketMeta`` plus the offsets the rewriters need.

    Offsets are from the start of the frame. ``l4_off`` is where the upper-layer
    header starts (after IPv4 options / IPv6 extension headers); a non-first
    fragment (``frag_off`` != 0) has no upper-layer header there. For an ICMP
    error about a connection (``meta.related``), ``inner_*`` locate the quoted
    packet. ``csum_start``/``csum_offset`` are set when the L4 checksum is not
    final (offload pending) and say where it must be completed.
    """

    __slots__ = (
        "meta", "af", "vlan", "l3_off", "ip_hlen", "ip_len", "l4_off", "proto",
        "ttl", "tos", "flow_label", "df", "is_fragment", "frag_off", "more_frags",
        "frag_id", "tcp_flags", "csum_not_ready", "csum_start", "csum_offset",
        "icmp_type", "icmp_code", "inner_l3_off", "inner_hlen", "inner_l4_off",
        "inner_proto",
    )

    def __init__(self) -> None:
        self.meta: PacketMeta | None = None
        self.af = AF_INET
        self.vlan = -1  # TCI of the (outer) 802.1Q tag, -1 without
        self.l3_off = L3_OFF
        self.ip_hlen = 0  # IPv4 header with options / IPv6 header with extension headers
        self.ip_len = 0  # the IP packet's length from its header (frame padding excluded)
        self.l4_off = 0
        self.proto = 0  # upper-layer protocol (after IPv6 extension headers)
        self.ttl = 0  # TTL / hop limit
        self.tos = 0  # TOS / traffic class
        self.flow_label = 0
        self.df = False
        self.is_fragment = False
        self.frag_off = 0  # fragment offset in 8-byte units
        self.more_frags = False
        self.frag_id = 0
        self.tcp_flags = 0
        self.csum_not_ready = False
        self.csum_start = -1
        self.csum_offset = -1
        self.icmp_type = -1
        self.icmp_code = -1
        self.inner_l3_off = -1
        self.inner_hlen = 0
        self.inner_l4_off = -1
        self.inner_proto = 0

    @property
    def end(self) -> int:
        """Offset just past the IP packet (where frame padding, if any, starts)."""
        return self.l3_off + self.ip_len

    @property
    def has_l4(self) -> bool:
        """True when the upper-layer header is present (not a later fragment)."""
        return self.frag_off == 0
