"""Internet checksum (RFC 1071), incremental update (RFC 1624) and pseudo-headers."""

from __future__ import annotations

from .drop import DropReason

Buffer = bytes | bytearray | memoryview
Writable = bytearray | memoryview  # a frame rewritten in place (a ring slot is a memoryview)


def ones_sum(data: Buffer) -> int:
    """One's-complement sum of ``data`` as 16-bit big-endian words, folded to 16 bits.

    The value ``int.from_bytes`` reads is a number in base 65536, and 65536 is 1
    modulo 0xFFFF, so the sum of its digits is the number modulo 0xFFFF; a nonzero
    input whose sum is 0 modulo 0xFFFF folds to 0xFFFF, as end-around carry does.
    """
    x = int.from_bytes(data, "big")
    if len(data) & 1:
        x <<= 8
    if not x:
        return 0
    return x % 0xFFFF or 0xFFFF


def add(a: int, b: int) -> int:
    """One's-complement sum of two 16-bit values."""
    s = a + b
    return (s & 0xFFFF) + (s >> 16)


def checksum(data: Buffer, initial: int = 0) -> int:
    """The Internet checksum of ``data`` (with an optional pseudo-header sum)."""
    return ~add(initial, ones_sum(data)) & 0xFFFF


def pseudo_sum(saddr: Buffer, daddr: Buffer, proto: int, length: int) -> int:
    """One's-complement sum of the IPv4 or IPv6 pseudo-header (RFC 793 / RFC 8200 8.1)."""
    s = add(ones_sum(saddr), ones_sum(daddr))
    return add(add(s, proto), add(length >> 16, length & 0xFFFF))


def replace(csum: int, old: Buffer, new: Buffer) -> int:
    """RFC 1624 eqn. 3: the checksum after the covered bytes ``old`` become ``new``.

    ``old`` and ``new`` must be the same length and start at an even offset.
    """
    s = add(~csum & 0xFFFF, ~ones_sum(old) & 0xFFFF)
    return ~add(s, ones_sum(new)) & 0xFFFF


def replace16(csum: int, old: int, new: int) -> int:
    """RFC 1624 update for one changed 16-bit word."""
    return ~add(add(~csum & 0xFFFF, ~old & 0xFFFF), new) & 0xFFFF


def complete_partial(
    buf: Writable, csum_start: int, csum_offset: int, udp: bool
) -> DropReason | None:
    """Finish a checksum left for offload (CHECKSUM_PARTIAL), in place.

    The field at ``csum_start + csum_offset`` holds the pseudo-header sum; the
    checksum covers ``buf[csum_start:]``, folded and inverted into the field. A UDP
    result of 0 is written as 0xFFFF (0 means "no checksum").
    """
    field = csum_start + csum_offset
    if csum_start < 0 or csum_offset < 0 or field + 2 > len(buf):
        return DropReason.BAD_CSUM_OFFLOAD
    c = ~ones_sum(memoryview(buf)[csum_start:]) & 0xFFFF
    if c == 0 and udp:
        c = 0xFFFF
    buf[field] = c >> 8
    buf[field + 1] = c & 0xFF
    return None
