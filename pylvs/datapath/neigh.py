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

ROUTE_TTL = 5.0  # seconds a cached route + neighbour stays trusted before a re-check
NEIGH_TTL = 1.0  # seconds between re-checks of a neighbour's MAC in the kernel table
MAX_WAIT = 3.0  # seconds a frame may wait for its neighbour (the kernel: 3 probes, 1 s apart)
MAX_FRAMES_PER_NEIGH = 64
MAX_FRAMES_TOTAL = 4096
MAX_CACHED = 1 << 16  # destinations cached (NAT replies: one per client); then start afresh


class NetQueries(Protocol):
    """What the resolver needs from the kernel (KernelNet, or a fake in tests)."""

    def route(self, af: int, addr: bytes) -> Egress | None: ...

    def neighbour(self, ifindex: int, af: int, addr: bytes) -> tuple[bytes | None, int]: ...

    def probe(self, ifindex: int, af: int, addr: bytes) -> None: ...


@dataclass(slots=True)
class Hop:
    """How to reach one destination address: egress interface, next hop's MAC, and more."""

    ifindex: int
    mac: bytes
    expires: float
    src: bytes = b""  # this host's source address towards it
    mtu: int = 0  # the egress link's MTU (0: unknown)


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


class Resolver:
    """Destination address -> :class:`Hop`, cached; unresolved neighbours are probed."""

    def __init__(self, net: NetQueries, route_ttl: float = ROUTE_TTL,
                 neigh_ttl: float = NEIGH_TTL) -> None:
        self.net = net
        self.route_ttl = route_ttl
        self.neigh_ttl = neigh_ttl
        self.hops: dict[bytes, Hop] = {}
        self._routes: dict[bytes, tuple[Egress | None, float]] = {}

    def lookup(self, af: int, addr: bytes, now: float) -> Hop | None:
        """The hop to ``addr`` (None: no route, or neighbour not resolved yet)."""
        hop = self.hops.get(addr)
        if hop is not None and now < hop.expires:
            return hop
        return self.refresh(af, addr, now)

    def egress(self, af: int, addr: bytes, now: float) -> Egress | None:
        """The kernel's route to ``addr`` (cached for ``route_ttl``)."""
        cached = self._routes.get(addr)
        if cached is not None and now < cached[1]:
            return cached[0]
        eg = self.net.route(af, addr)
        if len(self._routes) >= MAX_CACHED:
            self.forget()
        self._routes[addr] = (eg, now + self.route_ttl)
        return eg

    def refresh(self, af: int, addr: bytes, now: float) -> Hop | None:
        """Ask the kernel again; keep a known MAC while the kernel re-resolves it."""
        eg = self.egress(af, addr, now)
        old = self.hops.get(addr)
        if eg is None:
            self.hops.pop(addr, None)
            return None
        mac, state = self.net.neighbour(eg.ifindex, eg.nh_af, eg.nh_addr)
        if mac is None:
            self.net.probe(eg.ifindex, eg.nh_af, eg.nh_addr)
            if old is not None and old.ifindex == eg.ifindex:
                old.expires = now + self.neigh_ttl
                return old
            self.hops.pop(addr, None)
            return None
        if state & NUD_STALE:
            self.net.probe(eg.ifindex, eg.nh_af, eg.nh_addr)  # have the kernel confirm it
        hop = Hop(eg.ifindex, mac, now + self.neigh_ttl, eg.src, eg.mtu)
        self.hops[addr] = hop
        return hop

    def has_route(self, af: int, addr: bytes, now: float) -> bool:
        """Whether the kernel has a route towards ``addr``."""
        return self.egress(af, addr, now) is not None

    def forget(self) -> None:
        """Drop every cached route and hop (the routing may have changed)."""
        self.hops.clear()
        self._routes.clear()
