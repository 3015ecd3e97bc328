"""The kernel's hash helpers used by the hashing schedulers (sh, dh, mh, lblc, lblcr)."""

from __future__ import annotations

from typing import Final

from pylvs.core.constants import AF_INET6, COMPILED, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP

GOLDEN_RATIO_32: Final = 0x61C88647
M32: Final = 0xFFFFFFFF
M64: Final = 0xFFFFFFFFFFFFFFFF

PORT_PROTOCOLS: Final = frozenset({IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP})
"""Protocols whose source port sh-port / mh-port add to the hash (others hash port 0)."""


def hash_32(value: int, bits: int) -> int:
    """The kernel's ``hash_32``: multiplicative hash keeping the top ``bits`` bits."""
    return ((value * GOLDEN_RATIO_32) & M32) >> (32 - bits)


def fold_addr(af: int, addr: bytes) -> int:
    """Host-order 32-bit value of an address; IPv6 is the XOR of its four words."""
    if af != AF_INET6:
        return int.from_bytes(addr[:4] if len(addr) != 4 else addr, "big")
    else:
        if len(addr) < 16:  # an IPv4 dest of an IPv6 service: the kernel's union is zero-padded
            addr = addr.ljust(16, b"\0")
        return (
            int.from_bytes(addr[0:4], "big")
            ^ int.from_bytes(addr[4:8], "big")
            ^ int.from_bytes(addr[8:12], "big")
            ^ int.from_bytes(addr[12:16], "big")
        )


def hsiphash_u32(value: int, k0: int, k1: int) -> int:
    """The kernel's ``hsiphash`` of a 4-byte value on 64-bit: SipHash-1-3, low 32 bits.

    The value is hashed as its 4 little-endian bytes; ``k0``/``k1`` are the
    two 64-bit key words. (The four SipRounds are written out: this runs for
    every client the mh table has not seen yet.) Compiled, the same hash is
    computed on 32-bit halves, where every value fits a machine word.
    """
    if COMPILED:
        return hsiphash_u32_halves(value, k0, k1)
    v0 = 0x736F6D6570736575 ^ k0
    v1 = 0x646F72616E646F6D ^ k1
    v2 = 0x6C7967656E657261 ^ k0
    v3 = 0x7465646279746573 ^ k1
    b = (4 << 56) | (value & M32)
    v3 ^= b
    # compression round
    v0 = (v0 + v1) & M64
    v1 = ((v1 << 13) | (v1 >> 51)) & M64 ^ v0
    v0 = ((v0 << 32) | (v0 >> 32)) & M64
    v2 = (v2 + v3) & M64
    v3 = ((v3 << 16) | (v3 >> 48)) & M64 ^ v2
    v0 = (v0 + v3) & M64
    v3 = ((v3 << 21) | (v3 >> 43)) & M64 ^ v0
    v2 = (v2 + v1) & M64
    v1 = ((v1 << 17) | (v1 >> 47)) & M64 ^ v2
    v2 = ((v2 << 32) | (v2 >> 32)) & M64
    v0 ^= b
    v2 ^= 0xFF
    # three finalization rounds
    v0 = (v0 + v1) & M64
    v1 = ((v1 << 13) | (v1 >> 51)) & M64 ^ v0
    v0 = ((v0 << 32) | (v0 >> 32)) & M64
    v2 = (v2 + v3) & M64
    v3 = ((v3 << 16) | (v3 >> 48)) & M64 ^ v2
    v0 = (v0 + v3) & M64
    v3 = ((v3 << 21) | (v3 >> 43)) & M64 ^ v0
    v2 = (v2 + v1) & M64
    v1 = ((v1 << 17) | (v1 >> 47)) & M64 ^ v2
    v2 = ((v2 << 32) | (v2 >> 32)) & M64
    v0 = (v0 + v1) & M64
    v1 = ((v1 << 13) | (v1 >> 51)) & M64 ^ v0
    v0 = ((v0 << 32) | (v0 >> 32)) & M64
    v2 = (v2 + v3) & M64
    v3 = ((v3 << 16) | (v3 >> 48)) & M64 ^ v2
    v0 = (v0 + v3) & M64
    v3 = ((v3 << 21) | (v3 >> 43)) & M64 ^ v0
    v2 = (v2 + v1) & M64
    v1 = ((v1 << 17) | (v1 >> 47)) & M64 ^ v2
    v2 = ((v2 << 32) | (v2 >> 32)) & M64
    v0 = (v0 + v1) & M64
    v1 = ((v1 << 13) | (v1 >> 51)) & M64 ^ v0
    v0 = ((v0 << 32) | (v0 >> 32)) & M64
    v2 = (v2 + v3) & M64
    v3 = ((v3 << 16) | (v3 >> 48)) & M64 ^ v2
    v0 = (v0 + v3) & M64
    v3 = ((v3 << 21) | (v3 >> 43)) & M64 ^ v0
    v2 = (v2 + v1) & M64
    v1 = ((v1 << 17) | (v1 >> 47)) & M64 ^ v2
    v2 = ((v2 << 32) | (v2 >> 32)) & M64
    return (v0 ^ v1 ^ v2 ^ v3) & M32


def hsiphash_u32_halves(value: int, k0: int, k1: int) -> int:
    """:func:`hsiphash_u32` with each 64-bit word kept as two 32-bit halves (h, l).

    Additions carry from the low half into the high one; a rotation by r < 32
    moves bits across the halves, a rotation by 32 swaps them.
    """
    k0h = (k0 >> 32) & M32
    k0l = k0 & M32
    k1h = (k1 >> 32) & M32
    k1l = k1 & M32
    v0h = 0x736F6D65 ^ k0h
    v0l = 0x70736575 ^ k0l
    v1h = 0x646F7261 ^ k1h
    v1l = 0x6E646F6D ^ k1l
    v2h = 0x6C796765 ^ k0h
    v2l = 0x6E657261 ^ k0l
    v3h = 0x74656462 ^ k1h
    v3l = 0x79746573 ^ k1l
    bh = 4 << 24
    bl = value & M32
    v3h ^= bh
    v3l ^= bl
    for r in range(4):  # one compression round, then three finalization rounds
        if r == 1:
            v0h ^= bh
            v0l ^= bl
            v2l ^= 0xFF
        # v0 += v1; v1 = rotl(v1, 13) ^ v0; v0 = rotl(v0, 32)
        t = v0l + v1l
        v0l = t & M32
        v0h = (v0h + v1h + (t >> 32)) & M32
        t = ((v1h << 13) | (v1l >> 19)) & M32
        v1l = (((v1l << 13) | (v1h >> 19)) & M32) ^ v0l
        v1h = t ^ v0h
        t = v0h
        v0h = v0l
        v0l = t
        # v2 += v3; v3 = rotl(v3, 16) ^ v2
        t = v2l + v3l
        v2l = t & M32
        v2h = (v2h + v3h + (t >> 32)) & M32
        t = ((v3h << 16) | (v3l >> 16)) & M32
        v3l = (((v3l << 16) | (v3h >> 16)) & M32) ^ v2l
        v3h = t ^ v2h
        # v0 += v3; v3 = rotl(v3, 21) ^ v0
        t = v0l + v3l
        v0l = t & M32
        v0h = (v0h + v3h + (t >> 32)) & M32
        t = ((v3h << 21) | (v3l >> 11)) & M32
        v3l = (((v3l << 21) | (v3h >> 11)) & M32) ^ v0l
        v3h = t ^ v0h
        # v2 += v1; v1 = rotl(v1, 17) ^ v2; v2 = rotl(v2, 32)
        t = v2l + v1l
        v2l = t & M32
        v2h = (v2h + v1h + (t >> 32)) & M32
        t = ((v1h << 17) | (v1l >> 15)) & M32
        v1l = (((v1l << 17) | (v1h >> 15)) & M32) ^ v2l
        v1h = t ^ v2h
        t = v2h
        v2h = v2l
        v2l = t
    return v0l ^ v1l ^ v2l ^ v3l
