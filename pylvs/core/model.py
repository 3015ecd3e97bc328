"""Virtual services and destinations, as IPVS models them.

Addresses are packed bytes (4 for IPv4, 16 for IPv6). A service's destination
list is kept in the kernel's order: the most recently added destination first
(index 0 is the list head), which every scheduler walks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pylvs.core.constants import (
    AF_INET,
    AF_INET6,
    CONN_F_FWD_MASK,
    DEST_F_AVAILABLE,
    DEST_F_OVERLOAD,
    IPPROTO_TCP,
    ConnFlag,
    FwdMethod,
    SvcFlag,
)
from pylvs.core.stats import Stats

if TYPE_CHECKING:
    from pylvs.core.schedulers.base import Scheduler




def addr_len(af: int) -> int:
    """Length in bytes of an address of family ``af``."""
    return 16 if af == AF_INET6 else 4


@dataclass(frozen=True, slots=True)
class ServiceKey:
    """Identity of a virtual service: (af, protocol, addr, port) or (af, fwmark)."""

    af: int
    protocol: int
    addr: bytes
    port: int
    fwmark: int = 0

    @classmethod
    def for_fwmark(cls, af: int, fwmark: int) -> ServiceKey:
        """Key of a firewall-mark service."""
        return cls(af, 0, b"", 0, fwmark)


@dataclass(slots=True)
class ServiceSpec:
    """What a user configures for a virtual service (the netlink SERVICE attributes)."""

    af: int = AF_INET
    protocol: int = IPPROTO_TCP
    addr: bytes = b"\0\0\0\0"
    port: int = 0
    fwmark: int = 0
    sched_name: str = "wlc"
    flags: int = 0
    timeout: int = 0
    netmask: int = 0xFFFFFFFF  # IPv4: 32-bit mask (host order); IPv6: prefix length
    pe_name: str = ""

    def key(self) -> ServiceKey:
        """The identity this spec addresses."""
        if self.fwmark:
            return ServiceKey.for_fwmark(self.af, self.fwmark)
        return ServiceKey(self.af, self.protocol, self.addr, self.port)


@dataclass(slots=True)
class DestSpec:
    """What a user configures for a destination (the netlink DEST attributes)."""

    af: int = AF_INET
    addr: bytes = b"\0\0\0\0"
    port: int = 0
    conn_flags: int = FwdMethod.DROUTE
    weight: int = 1
    u_threshold: int = 0
    l_threshold: int = 0
    tun_type: int = 0
    tun_port: int = 0
    tun_flags: int = 0


@dataclass(eq=False, slots=True)
class Dest:
    """A real server of one service, with the counters IPVS keeps for it."""

    af: int
    addr: bytes
    port: int
    conn_flags: int = FwdMethod.DROUTE | ConnFlag.INACTIVE
    weight: int = 1
    last_weight: int = 1
    u_threshold: int = 0
    l_threshold: int = 0
    tun_type: int = 0
    tun_port: int = 0
    tun_flags: int = 0
    flags: int = DEST_F_AVAILABLE
    activeconns: int = 0
    inactconns: int = 0
    persistconns: int = 0
    refcnt: int = 0  # connections and templates bound to this dest
    stats: Stats = field(default_factory=Stats)
    svc: Service | None = None
    trash_since: float | None = None

    @property
    def fwd_method(self) -> int:
        """The forwarding method (masq, localnode, tunnel, droute)."""
        return self.conn_flags & CONN_F_FWD_MASK

    @property
    def available(self) -> bool:
        """True while the destination is linked to a service."""
        return bool(self.flags & DEST_F_AVAILABLE)

    @property
    def overloaded(self) -> bool:
        """True while the upper connection threshold is in force."""
        return bool(self.flags & DEST_F_OVERLOAD)

    def overhead(self) -> int:
        """The common load measure: activeconns * 256 + inactconns."""
        return (self.activeconns << 8) + self.inactconns

    def spec(self) -> DestSpec:
        """The configured part of this destination."""
        return DestSpec(
            self.af, self.addr, self.port, self.conn_flags & CONN_F_FWD_MASK, self.weight,
            self.u_threshold, self.l_threshold, self.tun_type, self.tun_port, self.tun_flags,
        )


@dataclass(eq=False, slots=True)
class Service:
    """A virtual service and its destinations in kernel list order (newest first)."""

    key: ServiceKey
    af: int
    protocol: int
    addr: bytes
    port: int
    fwmark: int
    sched_name: str
    flags: int
    timeout: int
    netmask: int
    pe_name: str = ""
    dests: list[Dest] = field(default_factory=list)
    scheduler: Scheduler | None = None
    stats: Stats = field(default_factory=Stats)

    @property
    def persistent(self) -> bool:
        """True for a persistent (``-p``) service."""
        return bool(self.flags & SvcFlag.PERSISTENT)

    def spec(self) -> ServiceSpec:
        """The configured part of this service."""
        return ServiceSpec(
            self.af, self.protocol, self.addr, self.port, self.fwmark, self.sched_name,
            self.flags & ~SvcFlag.HASHED, self.timeout, self.netmask, self.pe_name,
        )

    def find_dest(self, af: int, addr: bytes, port: int) -> Dest | None:
        """The linked destination with that address and port, if any."""
        for d in self.dests:
            if d.addr == addr and d.port == port and d.af == af:
                return d
        return None
