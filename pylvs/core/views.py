"""Read-only snapshots of the table, as listings need them (``ipvsadm -L`` and friends).

These are plain data: the control protocol serialises them, ``pylvs.ipvsadm``
formats them. Addresses stay packed bytes here; the wire encodes them as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pylvs.core.conn import CTPL_ASSURED, unpack_key
from pylvs.core.constants import ConnFlag
from pylvs.core.ipvs import IPVS
from pylvs.core.model import Dest, Service
from pylvs.core.proto import state_name
from pylvs.core.stats import Counters, Rates


@dataclass(slots=True)
class DestView:
    """One destination as listed: configuration, connection counts, stats and rates."""

    af: int
    addr: bytes
    port: int
    fwd_method: int
    weight: int
    u_threshold: int
    l_threshold: int
    tun_type: int
    tun_port: int
    tun_flags: int
    activeconns: int
    inactconns: int
    persistconns: int
    stats: Counters
    rates: Rates


@dataclass(slots=True)
class ServiceView:
    """One virtual service as listed, with its destinations in kernel list order."""

    af: int
    protocol: int
    addr: bytes
    port: int
    fwmark: int
    sched_name: str
    flags: int
    timeout: int
    netmask: int
    pe_name: str
    stats: Counters
    rates: Rates
    dests: list[DestView] = field(default_factory=list)


@dataclass(slots=True)
class ConnView:
    """One connection-table entry as ``ipvsadm -Lc`` shows it."""

    af: int
    protocol: int  # 0 ("IP") for fwmark templates
    caddr: bytes
    cport: int
    vaddr: bytes
    vport: int
    daf: int
    daddr: bytes
    dport: int
    state: str  # e.g. "ESTABLISHED", "FIN_WAIT", "NONE", "ASSURED", "UDP"
    expires: float  # seconds until expiry
    flags: int
    pe_name: str = ""
    pe_data: str = ""


def dest_view(d: Dest) -> DestView:
    """Snapshot of one destination."""
    return DestView(
        d.af, d.addr, d.port, d.fwd_method, d.weight, d.u_threshold, d.l_threshold,
        d.tun_type, d.tun_port, d.tun_flags, d.activeconns, d.inactconns, d.persistconns,
        d.stats.counters(), d.stats.rates(),
    )


def service_view(svc: Service) -> ServiceView:
    """Snapshot of one service and its destinations."""
    return ServiceView(
        svc.af, svc.protocol, svc.addr, svc.port, svc.fwmark, svc.sched_name, svc.flags,
        svc.timeout, svc.netmask, svc.pe_name, svc.stats.counters(), svc.stats.rates(),
        [dest_view(d) for d in svc.dests],
    )


def service_views(ipvs: IPVS) -> list[ServiceView]:
    """Snapshots of every service, in the table's (insertion) order."""
    return [service_view(s) for s in ipvs.services.values()]


def conn_views(ipvs: IPVS, now: float) -> list[ConnView]:
    """Snapshots of every connection entry and template, as ``-Lc`` lists them."""
    views: list[ConnView] = []
    for conn in ipvs.conns.entries():
        af, protocol, caddr, cport, vaddr, vport = unpack_key(conn.key)
        dest = conn.dest
        if conn.flags & ConnFlag.TEMPLATE:
            state = "ASSURED" if conn.state & CTPL_ASSURED else "NONE"
        else:
            state = state_name(protocol, conn.state)
        views.append(ConnView(
            af, protocol, caddr, cport, vaddr, vport,
            dest.af if dest is not None else af,
            dest.addr if dest is not None else bytes(len(caddr)),
            conn.dport, state, max(0.0, conn.expires - now), conn.flags,
        ))
    return views
