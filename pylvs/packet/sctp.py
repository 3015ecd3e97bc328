"""SCTP's CRC32c checksum (RFC 4960 appendix B, RFC 3309)."""

from __future__ import annotations

from .checksum import Writable

_POLY = 0x82F63B78  # CRC32c (Castagnoli), reflected


def _table() -> tuple[int, ...]:
    out = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ _POLY if c & 1 else c >> 1
        out.append(c)
    return tuple(out)


_TABLE = _table()
SCTP_CSUM_OFF = 8  # the CRC32c field in the SCTP common header


def crc32c(data: bytes | bytearray | memoryview) -> int:
    """CRC32c of ``data``."""
    c = 0xFFFFFFFF
    t = _TABLE
    for b in bytes(data):
        c = t[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def set_sctp_checksum(pkt: Writable, l4: int) -> None:
    """Recompute the CRC32c of the SCTP packet starting at ``l4`` (to the end of ``pkt``)."""
    pkt[l4 + SCTP_CSUM_OFF : l4 + SCTP_CSUM_OFF + 4] = b"\0\0\0\0"
    pkt[l4 + SCTP_CSUM_OFF : l4 + SCTP_CSUM_OFF + 4] = crc32c(pkt[l4:]).to_bytes(4, "little")
