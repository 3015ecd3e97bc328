"""An in-memory kernel (routes, neighbours, probes) for resolver and forwarder tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from pylvs.datapath.kernel import NUD_INCOMPLETE, NUD_REACHABLE, Egress
from pylvs.datapath.regions import RouteTable


@dataclass
class FakeNet:
    """Routes and neighbour entries set by the test; counts every query and probe.

    ``routes`` answer per address; ``table`` (when set) is what ``route_table``
    reports, and the test keeps the two consistent.
    """

    routes: dict[bytes, Egress] = field(default_factory=dict)
    table: RouteTable | None = None
    forgotten: int = 0
    neighbours: dict[bytes, tuple[bytes | None, int]] = field(default_factory=dict)
    probes: list[bytes] = field(default_factory=list)
    route_queries: int = 0
    neigh_queries: int = 0

    def route(self, af: int, addr: bytes) -> Egress | None:
        self.route_queries += 1
        return self.routes.get(addr)

    def route_table(self, af: int) -> RouteTable | None:
        return self.table

    def forget(self) -> None:
        self.forgotten += 1

    def neighbour(self, ifindex: int, af: int, addr: bytes) -> tuple[bytes | None, int]:
        self.neigh_queries += 1
        return self.neighbours.get(addr, (None, 0))

    def probe(self, ifindex: int, af: int, addr: bytes) -> None:
        self.probes.append(addr)
        self.neighbours.setdefault(addr, (None, NUD_INCOMPLETE))

    def on_link(self, addr: bytes, ifindex: int = 2, mtu: int = 1500,
                src: bytes = b"\xc6\x12\x00\x97") -> None:
        self.routes[addr] = Egress(ifindex, 2, addr, src, mtu)

    def resolve(self, addr: bytes, mac: bytes, state: int = NUD_REACHABLE) -> None:
        self.neighbours[addr] = (mac, state)
