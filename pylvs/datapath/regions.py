"""Address regions that every route sees alike, so that one route query answers for many.

Given every prefix that can steer a route lookup (the destinations of the
routes in all tables and of the policy rules), the addresses of a region
(an aligned block around an address) are inside exactly the same prefixes,
so the kernel routes them all alike: one ``route get`` per region is enough.
A region covered by a multipath route is one address only (the kernel
spreads such a route's addresses over its next hops).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_PREFIXES = 4096  # larger tables: one region per address (the scan is per miss)


@dataclass(frozen=True, slots=True)
class RouteTable:
    """The prefixes (network as int, length) of one address family's routes and rules."""

    bits: int  # 32 or 128
    prefixes: tuple[tuple[int, int], ...]
    multipath: frozenset[tuple[int, int]] = frozenset()

    def region(self, addr: int) -> int:
        """The prefix length of the largest region around ``addr`` that routes alike."""
        bits = self.bits
        if len(self.prefixes) > MAX_PREFIXES:
            return bits
        length = 0
        for prefix in self.prefixes:
            net, plen = prefix
            common = bits - (addr ^ net).bit_length()
            if common >= plen:  # the prefix holds addr: the region lies inside it
                if prefix in self.multipath:
                    return bits
                if plen > length:
                    length = plen
            elif common + 1 > length:  # keep the prefix out of the region
                length = common + 1
        return length


def prefix(net: bytes, length: int) -> tuple[int, int]:
    """(network as int with host bits cleared, length) of ``net``/``length``."""
    bits = 8 * len(net)
    value = int.from_bytes(net, "big")
    host = bits - length
    return (value >> host) << host, length
