"""Next hops of forwarded packets: egress interface and MAC, cached, with a wait queue.

The hot path is one dict lookup per packet (:meth:`Resolver.lookup`). A miss
asks the kernel (route, then neighbour table); a neighbour that is not
resolved yet is probed, and the frames for it wait in a bounded queue for a
bounded time (:class:`WaitQueue`) instead of being lost silently.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

from pylvs.datapath.kernel import NUD_STALE, Egress
from pylvs.datapath.regions import RouteTable

ROUTE_TTL = 5.0  # seconds a cached route + neighbour stays trusted before a re-check
NEIGH_TTL = 1.0  # seconds between re-checks of a neighbour's MAC in the kernel table
MAX_WAIT = 3.0  # seconds a frame may wait for its neighbour (the kernel: 3 probes, 1 s apart)
MAX_FRAMES_PER_NEIGH = 64
MAX_FRAMES_TOTAL = 4096
MAX_CACHED = 1 << 16  # destinations cached (NAT replies: one per client); then start afresh


class NetQueries(Protocol):
    """What the resolver needs from the kernel (KernelNet, or a fake in tests)."""

    def route(self, af: int, addr: bytes) -> Egress | None: ...

    def route_table(self, af: int) -> RouteTable | None: ...

    def neighbour(self, ifindex: int, af: int, addr: bytes) -> tuple[bytes | None, int]: ...

    def probe(self, ifindex: int, af: int, addr: bytes) -> None: ...

    def forget(self) -> None: ...


@dataclass(slots=True)
class Hop:
    """How to reach one destination address: egress interface, next hop's MAC, and more."""

    ifindex: int
    mac: bytes
    expires: float
    src: bytes = b""  # this host's source address towards it
    mtu: int = 0  # the egress link's MTU (0: unknown)
    l2: bytes = b""  # the forwarder's Ethernet addresses for it (next hop's MAC, then ours)


@dataclass(slots=True)
class _Waiting:
    deadline: float
    frames: deque[bytes] = field(default_factory=deque)


class WaitQueue:
    """Frames waiting for a neighbour: bounded per neighbour, in total, and in time."""

    def __init__(self, max_wait: float = MAX_WAIT, per_key: int = MAX_FRAMES_PER_NEIGH,
                 total: int = MAX_FRAMES_TOTAL) -> None:
        self.max_wait = max_wait
        self.per_key = per_key
        self.total = total
        self.count = 0
        self._waiting: dict[bytes, _Waiting] = {}

    def __len__(self) -> int:
        return self.count

    def waiting_for(self) -> list[bytes]:
        """The addresses frames are waiting for."""
        return list(self._waiting)

    def add(self, key: bytes, frame: bytes, now: float) -> bool:
        """Queue ``frame`` for ``key``; False (not queued) when a bound is reached."""
        if self.count >= self.total:
            return False
        waiting = self._waiting.get(key)
        if waiting is None:
            waiting = self._waiting[key] = _Waiting(now + self.max_wait)
        elif len(waiting.frames) >= self.per_key:
            return False
        waiting.frames.append(frame)
        self.count += 1
        return True

    def release(self, key: bytes) -> list[bytes]:
        """Take every frame waiting for ``key``, oldest first."""
        waiting = self._waiting.pop(key, None)
        if waiting is None:
            return []
        self.count -= len(waiting.frames)
        return list(waiting.frames)

    def expire(self, now: float) -> int:
        """Drop the frames of keys whose wait is over; how many were dropped."""
        dropped = 0
        for key in [k for k, w in self._waiting.items() if w.deadline <= now]:
            dropped += len(self.release(key))
        return dropped


@dataclass(frozen=True, slots=True)
class _Region:
    """The route shared by a region's addresses (a connected route's next hop is each one)."""

    ifindex: int
    gateway: bytes | None  # None: the destination is on the link
    src: bytes
    mtu: int


class Resolver:
    """Destination address -> :class:`Hop`, cached; unresolved neighbours are probed.

    Routes are cached per region (see :mod:`pylvs.datapath.regions`): a new
    client inside a region already asked about costs no netlink query, nor
    does its neighbour when that is a gateway already known. Every route fact
    is dropped after ``route_ttl`` seconds or on :meth:`forget` (called when
    netlink reports a link, address, route or rule change).
    """

    def __init__(self, net: NetQueries, route_ttl: float = ROUTE_TTL,
                 neigh_ttl: float = NEIGH_TTL) -> None:
        self.net = net
        self.route_ttl = route_ttl
        self.neigh_ttl = neigh_ttl
        self.hops: dict[bytes, Hop] = {}
        self.route_queries = 0  # kernel route lookups so far (each a netlink round trip)
        self._regions: dict[tuple[int, int, int], _Region | None] = {}
        self._lengths: dict[int, list[int]] = {}  # family -> region lengths cached, longest first
        self._tables: dict[int, RouteTable | None] = {}
        self._routes_expire = 0.0  # when the tables and regions are due for a refresh
        self._neigh: dict[tuple[int, bytes], tuple[bytes, float]] = {}  # (if, next hop) -> MAC

    def lookup(self, af: int, addr: bytes, now: float) -> Hop | None:
        """The hop to ``addr`` (None: no route, or neighbour not resolved yet)."""
        hop = self.hops.get(addr)
        if hop is not None and now < hop.expires:
            return hop
        return self.refresh(af, addr, now)

    def egress(self, af: int, addr: bytes, now: float) -> Egress | None:
        """The kernel's route to ``addr`` (cached per region for ``route_ttl``)."""
        if now >= self._routes_expire:
            self._drop_routes()
            self._routes_expire = now + self.route_ttl
        bits = 8 * len(addr)
        value = int.from_bytes(addr, "big")
        regions = self._regions
        for length in self._lengths.get(af, ()):
            key = (af, length, value >> (bits - length))
            if key in regions:
                return self._egress_of(regions[key], af, addr)
        if af not in self._tables:
            self._tables[af] = self.net.route_table(af)
        table = self._tables[af]
        length = bits if table is None else table.region(value)
        eg = self.net.route(af, addr)
        self.route_queries += 1
        if len(regions) >= MAX_CACHED:
            self.forget()
            self._routes_expire = now + self.route_ttl
        region = None
        if eg is not None:
            if eg.nh_af != af:
                return eg  # a next hop of the other family: not cached
            gateway = eg.nh_addr if eg.gateway or eg.nh_addr != addr else None
            region = _Region(eg.ifindex, gateway, eg.src, eg.mtu)
        self._regions[(af, length, value >> (bits - length))] = region
        lengths = self._lengths.setdefault(af, [])
        if length not in lengths:
            lengths.append(length)
            lengths.sort(reverse=True)
        return eg

    @staticmethod
    def _egress_of(region: _Region | None, af: int, addr: bytes) -> Egress | None:
        if region is None:
            return None
        if region.gateway is None:
            return Egress(region.ifindex, af, addr, region.src, region.mtu)
        return Egress(region.ifindex, af, region.gateway, region.src, region.mtu, gateway=True)

    def refresh(self, af: int, addr: bytes, now: float) -> Hop | None:
        """Ask again (the kernel for an unresolved neighbour); keep a known MAC meanwhile."""
        eg = self.egress(af, addr, now)
        old = self.hops.get(addr)
        if eg is None:
            self.hops.pop(addr, None)
            return None
        key = (eg.ifindex, eg.nh_addr)
        known = self._neigh.get(key)
        if known is not None and now < known[1]:
            mac = known[0]
        else:
            found, state = self.net.neighbour(eg.ifindex, eg.nh_af, eg.nh_addr)
            if found is None:
                self._neigh.pop(key, None)
                self.net.probe(eg.ifindex, eg.nh_af, eg.nh_addr)
                if old is not None and old.ifindex == eg.ifindex:
                    old.expires = now + self.neigh_ttl
                    return old
                self.hops.pop(addr, None)
                return None
            if state & NUD_STALE:
                self.net.probe(eg.ifindex, eg.nh_af, eg.nh_addr)  # have the kernel confirm it
            if len(self._neigh) >= MAX_CACHED:
                self._neigh.clear()
            mac = found
            self._neigh[key] = (mac, now + self.neigh_ttl)
        if len(self.hops) >= MAX_CACHED:
            self.hops.clear()
        hop = Hop(eg.ifindex, mac, now + self.neigh_ttl, eg.src, eg.mtu)
        self.hops[addr] = hop
        return hop

    def has_route(self, af: int, addr: bytes, now: float) -> bool:
        """Whether the kernel has a route towards ``addr``."""
        return self.egress(af, addr, now) is not None

    def forget(self) -> None:
        """Drop every cached route, link fact and hop (the routing may have changed)."""
        self.hops.clear()
        self._neigh.clear()
        self._drop_routes()
        self.net.forget()

    def _drop_routes(self) -> None:
        self._regions.clear()
        self._lengths.clear()
        self._tables.clear()
