"""What the IPVS table should hold for a configuration, given each real server's health.

keepalived's rules: a real server that is up is programmed with its current weight;
one that is down is removed, or kept with weight 0 under ``inhibit_on_failure``. A
service's quorum is the sum of the weights of its live real servers: it is lost when
that sum drops below ``quorum - hysteresis`` and regained at ``quorum + hysteresis``
(a service starts without quorum: at start it needs ``quorum + hysteresis``).
While it is lost, the sorry server (if any) is programmed and the live real servers
are taken out; ``sorry_server_inhibit`` keeps the sorry server at weight 0 otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pylvs.config.model import Config, RealServer, VirtualServer
from pylvs.core.constants import SvcFlag
from pylvs.core.model import DestSpec, ServiceKey, ServiceSpec

DestKey = tuple[int, bytes, int]  # (af, addr, port)
RsKey = tuple[ServiceKey, DestKey]


@dataclass(frozen=True, slots=True)
class RsHealth:
    """A real server's health as the table sees it: alive, and its weight now."""

    alive: bool
    weight: int


@dataclass(slots=True)
class TableEntry:
    """One service and its destinations, keyed by (af, addr, port)."""

    service: ServiceSpec
    dests: dict[DestKey, DestSpec]


Table = dict[ServiceKey, TableEntry]


def service_spec(vs: VirtualServer) -> ServiceSpec:
    """The IPVS service a virtual server is."""
    flags = vs.flags
    timeout = 0
    if vs.persistence_timeout:
        flags |= SvcFlag.PERSISTENT
        timeout = vs.persistence_timeout
    return ServiceSpec(
        af=vs.af, protocol=0 if vs.fwmark else vs.protocol, addr=b"" if vs.fwmark else vs.addr,
        port=0 if vs.fwmark else vs.port, fwmark=vs.fwmark, sched_name=vs.sched_name,
        flags=flags, timeout=timeout, netmask=vs.persistence_netmask, pe_name=vs.pe_name,
    )


def service_key(vs: VirtualServer) -> ServiceKey:
    """The IPVS key of a virtual server."""
    return service_spec(vs).key()


def dest_spec(rs: RealServer, weight: int) -> DestSpec:
    """The IPVS destination of a real server at ``weight``."""
    return DestSpec(
        af=rs.af, addr=rs.addr, port=rs.port, conn_flags=rs.fwd, weight=weight,
        u_threshold=rs.u_threshold, l_threshold=rs.l_threshold,
    )


def initial_health(rs: RealServer, alpha: bool) -> RsHealth:
    """Health at start: up, unless ``alpha`` and the server has checkers."""
    return RsHealth(alive=not (alpha and rs.checkers), weight=rs.weight)


def live_weight(vs: VirtualServer, health: Mapping[DestKey, RsHealth]) -> int:
    """Sum of the weights of the live real servers of ``vs``."""
    total = 0
    for rs in vs.real_servers:
        h = health.get(rs.ident())
        if h is not None and h.alive:
            total += h.weight
    return total


def quorum_next(vs: VirtualServer, was_up: bool, weight_sum: int) -> bool:
    """Whether ``vs`` has quorum, given its previous state (hysteresis)."""
    if was_up:
        return not (weight_sum == 0 or weight_sum < vs.quorum - vs.hysteresis)
    return weight_sum > 0 and weight_sum >= vs.quorum + vs.hysteresis


def service_entry(
    vs: VirtualServer, health: Mapping[DestKey, RsHealth], quorum_up: bool
) -> TableEntry:
    """The table entry of ``vs`` for this health and quorum state."""
    dests: dict[DestKey, DestSpec] = {}
    sorry_active = vs.sorry_server is not None and not quorum_up
    for rs in vs.real_servers:
        h = health.get(rs.ident()) or initial_health(rs, vs.alpha)
        if h.alive and not sorry_active:
            dests[rs.ident()] = dest_spec(rs, h.weight)
        elif rs.inhibit_on_failure:
            dests[rs.ident()] = dest_spec(rs, 0)
    sorry = vs.sorry_server
    if sorry is not None and sorry.ident() not in dests:
        if sorry_active:
            dests[sorry.ident()] = dest_spec(sorry, sorry.weight)
        elif vs.sorry_server_inhibit:
            dests[sorry.ident()] = dest_spec(sorry, 0)
    return TableEntry(service_spec(vs), dests)


def initial_state(config: Config) -> tuple[dict[RsKey, RsHealth], dict[ServiceKey, bool]]:
    """Health of every real server and quorum of every service when a config starts."""
    health: dict[RsKey, RsHealth] = {}
    quorum: dict[ServiceKey, bool] = {}
    for vs in config.virtual_servers:
        key = service_key(vs)
        per_vs = {rs.ident(): initial_health(rs, vs.alpha) for rs in vs.real_servers}
        for ident, h in per_vs.items():
            health[(key, ident)] = h
        quorum[key] = quorum_next(vs, False, live_weight(vs, per_vs))  # starts down
    return health, quorum


def health_of(vs_key: ServiceKey, health: Mapping[RsKey, RsHealth]) -> dict[DestKey, RsHealth]:
    """The health entries of one service, keyed by destination."""
    return {ident: h for (k, ident), h in health.items() if k == vs_key}


def build_table(
    config: Config,
    health: Mapping[RsKey, RsHealth] | None = None,
    quorum: Mapping[ServiceKey, bool] | None = None,
) -> Table:
    """The whole table for ``config`` (at start when health/quorum are not given)."""
    if health is None or quorum is None:
        health, quorum = initial_state(config)
    table: Table = {}
    for vs in config.virtual_servers:
        key = service_key(vs)
        per_vs = {rs.ident(): health[(key, rs.ident())]
                  for rs in vs.real_servers if (key, rs.ident()) in health}
        table[key] = service_entry(vs, per_vs, quorum.get(key, True))
    return table
