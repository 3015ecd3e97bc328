"""IPv6 header layout, extension-header walking and construction."""

from __future__ import annotations

import struct

from .drop import DropReason

IPV6_HLEN = 40
OFF_PLEN = 4
OFF_NEXT = 6
OFF_HLIM = 7
OFF_SADDR = 8
OFF_DADDR = 24
IPV6_MIN_MTU = 1280
DEFAULT_HOPLIMIT = 64

NEXTHDR_HOP = 0
NEXTHDR_IPV6 = 41
NEXTHDR_ROUTING = 43
NEXTHDR_FRAGMENT = 44
NEXTHDR_ESP = 50
NEXTHDR_AUTH = 51
NEXTHDR_NONE = 59
NEXTHDR_DEST = 60
MAX_EXT_HEADERS = 8

_EIGHT_BYTE_UNITS = frozenset((NEXTHDR_HOP, NEXTHDR_ROUTING, NEXTHDR_DEST))
# the headers ``walk_ext_headers`` steps over
EXT_HEADERS = frozenset((*_EIGHT_BYTE_UNITS, NEXTHDR_AUTH, NEXTHDR_FRAGMENT))
_HDR = struct.Struct("!IHBB16s16s")


class ExtWalk:
    """Where the IPv6 extension-header chain ends, and the fragment header if one was seen."""

    __slots__ = ("nexthdr", "offset", "frag_off", "more_frags", "frag_id", "is_fragment")

    def __init__(self) -> None:
        self.nexthdr = 0
        self.offset = 0
        self.frag_off = 0  # in 8-byte units
        self.more_frags = False
        self.frag_id = 0
        self.is_fragment = False


def walk_ext_headers(
    buf: bytes | bytearray | memoryview, off: int, nexthdr: int, end: int
) -> ExtWalk | DropReason:
    """Walk hop-by-hop, routing, fragment, destination-options and AH headers.

    Stops at the first other header, or after a fragment header of a non-first
    fragment (which carries no upper-layer header).
    """
    w = ExtWalk()
    for _ in range(MAX_EXT_HEADERS + 1):
        if nexthdr in _EIGHT_BYTE_UNITS or nexthdr == NEXTHDR_AUTH:
            if off + 8 > end:
                return DropReason.TRUNCATED_IPV6_EXT
            hl = buf[off + 1]
            size = (hl + 2) * 4 if nexthdr == NEXTHDR_AUTH else (hl + 1) * 8
            if off + size > end:
                return DropReason.BAD_IPV6_EXT_LENGTH
            nexthdr = buf[off]
            off += size
        elif nexthdr == NEXTHDR_FRAGMENT:
            if off + 8 > end:
                return DropReason.TRUNCATED_IPV6_EXT
            fo = (buf[off + 2] << 8) | buf[off + 3]
            w.is_fragment = True
            w.frag_off = fo >> 3
            w.more_frags = bool(fo & 1)
            w.frag_id = int.from_bytes(buf[off + 4 : off + 8], "big")
            nexthdr = buf[off]
            off += 8
            if w.frag_off:
                break
        else:
            break
    else:
        return DropReason.TOO_MANY_IPV6_EXT
    w.nexthdr = nexthdr
    w.offset = off
    return w


def build_header(tclass: int, flow: int, payload_len: int, nexthdr: int, hlim: int,
                 src: bytes, dst: bytes) -> bytes:
    """A 40-byte IPv6 header."""
    first = (6 << 28) | ((tclass & 0xFF) << 20) | (flow & 0xFFFFF)
    return _HDR.pack(first, payload_len, nexthdr, hlim, src, dst)
