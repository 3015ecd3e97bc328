"""The kernel's hash helpers used by the hashing schedulers (sh, dh, mh, lblc, lblcr)."""

from __future__ import annotations

from pylvs.core.constants import AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP

GOLDEN_RATIO_32 = 0x61C88647
M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF

PORT_PROTOCOLS = frozenset({IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP})
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
    every client the mh table has not seen yet.)
    """
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
