"""TCP, UDP and SCTP header layout: ports, flags and where the checksum lives."""

from __future__ import annotations

from pylvs.core.constants import IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP

from .drop import DropReason

TCP_HLEN = 20
UDP_HLEN = 8
SCTP_HLEN = 12
TCP_CSUM_OFF = 16
UDP_CSUM_OFF = 6
PORT_PROTOCOLS = frozenset((IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP))


SCTP_CSUM_OFF = 8


def csum_field_offset(proto: int) -> int:
    """Offset of the checksum inside the L4 header (SCTP: its CRC32c), or -1."""
    if proto == IPPROTO_TCP:
        return TCP_CSUM_OFF
    if proto == IPPROTO_UDP:
        return UDP_CSUM_OFF
    if proto == IPPROTO_SCTP:
        return SCTP_CSUM_OFF
    return -1


def check_l4(
    buf: bytes | bytearray | memoryview, off: int, end: int, proto: int, first_fragment: bool
) -> DropReason | None:
    """Validate the L4 header of ``proto`` at ``off`` for a packet ending at ``end``.

    In a first fragment the UDP datagram goes on past ``end``: its length is not checked.
    """
    avail = end - off
    if proto == IPPROTO_TCP:
        if avail < TCP_HLEN:
            return DropReason.TRUNCATED_TCP
        doff = (buf[off + 12] >> 4) * 4
        if doff < TCP_HLEN or doff > avail:
            return DropReason.BAD_TCP_DATA_OFFSET
    elif proto == IPPROTO_UDP:
        if avail < UDP_HLEN:
            return DropReason.TRUNCATED_UDP
        ulen = (buf[off + 4] << 8) | buf[off + 5]
        if ulen < UDP_HLEN or (ulen > avail and not first_fragment):
            return DropReason.BAD_UDP_LENGTH
    elif proto == IPPROTO_SCTP and avail < SCTP_HLEN:
        return DropReason.TRUNCATED_SCTP
    return None
