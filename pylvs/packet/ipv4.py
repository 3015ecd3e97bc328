"""IPv4 header layout and construction."""

from __future__ import annotations

import struct

from .checksum import Writable, checksum

IPV4_HLEN = 20
IP_DF = 0x4000
IP_MF = 0x2000
IP_OFFMASK = 0x1FFF
OFF_TOS = 1
OFF_TOTLEN = 2
OFF_ID = 4
OFF_FRAG = 6
OFF_TTL = 8
OFF_PROTO = 9
OFF_CSUM = 10
OFF_SADDR = 12
OFF_DADDR = 16
IPPROTO_IPIP = 4
IPTOS_PREC_INTERNETCONTROL = 0xC0
IPTOS_TOS_MASK = 0x1E
DEFAULT_TTL = 64

_HDR = struct.Struct("!BBHHHBBH4s4s")


def build_header(
    tos: int, total_len: int, ident: int, df: bool, ttl: int, proto: int, src: bytes, dst: bytes
) -> bytes:
    """A 20-byte IPv4 header (no options, not a fragment) with its checksum."""
    hdr = bytearray(
        _HDR.pack(0x45, tos, total_len, ident & 0xFFFF, IP_DF if df else 0, ttl, proto, 0, src, dst)
    )
    c = checksum(hdr)
    hdr[OFF_CSUM] = c >> 8
    hdr[OFF_CSUM + 1] = c & 0xFF
    return bytes(hdr)


def set_header_checksum(buf: Writable, l3_off: int, hlen: int) -> None:
    """Recompute the header checksum of the IPv4 header at ``l3_off`` in place."""
    buf[l3_off + OFF_CSUM] = 0
    buf[l3_off + OFF_CSUM + 1] = 0
    c = checksum(memoryview(buf)[l3_off : l3_off + hlen])
    buf[l3_off + OFF_CSUM] = c >> 8
    buf[l3_off + OFF_CSUM + 1] = c & 0xFF
