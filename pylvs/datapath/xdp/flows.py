"""The flow-cache manager: installs a flow after Python forwarded a packet of a
connection, folds the program's per-flow counters into the IPVS stats, and removes
flows whose connection is gone or whose destination no longer takes traffic.

Python stays the source of truth: the program only forwards segments that keep the
TCP state (see ``bpf/tcp_state.h``), so every state change, timeout and count is
made by core; the program's packets reach core through :meth:`IPVS.account` with
the time the program last saw the flow (both clocks are CLOCK_MONOTONIC).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from pylvs.core.conn import F_HASHED, F_NOOUTPUT, Conn
from pylvs.core.constants import AF_INET, DEST_F_AVAILABLE, IPPROTO_TCP, IPPROTO_UDP, FwdMethod
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import Action, Direction, PacketMeta, Verdict
from pylvs.core.proto import Table, TcpState
from pylvs.datapath.xdp import schema
from pylvs.datapath.xdp.schema import FlowKey, FlowStats, FlowValue

ETH_HLEN = 14
TUN_IPIP = 0  # the only tunnel type (and no tunnel flags) the program encapsulates
NS = 1e9
_ESTABLISHED = int(TcpState.ESTABLISHED)  # the only TCP state flows are installed in


class FlowMaps(Protocol):
    """What the manager needs of the loaded program (FastPathProgram)."""

    def put_flow(self, key: FlowKey, value: FlowValue) -> None: ...
    def flow_stats(self, key: FlowKey) -> FlowStats | None: ...
    def delete_flow(self, key: FlowKey) -> FlowStats | None: ...


@dataclass(slots=True)
class Hop:
    """Where a flow's packets leave: interface, next hop MAC, our MAC, source, MTU."""

    ifindex: int
    dst_mac: bytes
    src_mac: bytes
    src: bytes
    mtu: int


@dataclass(slots=True)
class _Flow:
    conn: Conn
    key: FlowKey
    value: bytes  # the installed FlowValue's bytes (skip identical re-installs)
    outgoing: bool
    state: int  # the TCP state the flow was installed with
    to: tuple[int, bytes]  # (family, address) of the next hop it was installed for
    hop: Hop  # the next hop it was installed with
    packets: int = 0  # counters already folded into the stats
    bytes: int = 0


@dataclass(slots=True)
class FlowCounters:
    """What the manager did."""

    installed: int = 0
    updated: int = 0
    removed: int = 0
    folded_packets: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)


def _fwd_action(verdict: Verdict) -> int:
    if verdict.action == Action.NAT_OUT:
        return schema.FLOW_NAT_OUT
    method = verdict.fwd_method
    if method == FwdMethod.DROUTE:
        return schema.FLOW_DR
    if method == FwdMethod.MASQ:
        return schema.FLOW_NAT_IN
    if method == FwdMethod.TUNNEL and verdict.tun_type == TUN_IPIP and not verdict.tun_flags:
        return schema.FLOW_TUN
    return 0


def _tcp_table(conn: Conn, outgoing: bool) -> int:
    if outgoing:
        return int(Table.OUTPUT)
    return int(Table.INPUT_ONLY) if conn.flags & F_NOOUTPUT else int(Table.INPUT)


def _dest_takes_traffic(conn: Conn) -> bool:
    dest = conn.dest
    return dest is not None and bool(dest.flags & DEST_F_AVAILABLE) and dest.weight > 0


class FlowCache:
    """Flows in the program's maps, one per direction of a connection."""

    def __init__(self, ipvs: IPVS, maps: FlowMaps) -> None:
        self.ipvs = ipvs
        self.maps = maps
        self.flows: dict[bytes, _Flow] = {}
        self.stats = FlowCounters()

    def _skip(self, reason: str) -> None:
        self.stats.by_reason[reason] = self.stats.by_reason.get(reason, 0) + 1

    def offer(self, verdict: Verdict, meta: PacketMeta, parsed: object,
              hop_of: Callable[[int, bytes], Hop | None]) -> None:
        """Python just carried out ``verdict`` for a packet: install (or update) its flow
        when the program can forward the connection's next packets. ``parsed`` is the
        packet layer's Parsed; ``hop_of(af, addr)`` the resolved next hop to ``addr``."""
        conn = verdict.conn
        if not isinstance(conn, Conn) or meta.related:
            return
        if meta.protocol not in (IPPROTO_TCP, IPPROTO_UDP):
            return
        action = _fwd_action(verdict) if verdict.action in (Action.FORWARD,
                                                             Action.NAT_OUT) else 0
        if not action:
            self._skip("method")
            return
        if (getattr(parsed, "vlan", -1) != -1 or getattr(parsed, "l3_off", 0) != ETH_HLEN
                or getattr(parsed, "csum_not_ready", False)
                or getattr(parsed, "l4_off", 0) - ETH_HLEN
                != (20 if meta.af == AF_INET else 40)):
            self._skip("headers")
            return
        if not conn.flags & F_HASHED or not _dest_takes_traffic(conn):
            self._skip("dest")
            return
        key = schema.flow_key(meta.af, meta.protocol, meta.saddr, meta.sport, meta.daddr,
                              meta.dport)
        kb = bytes(key)
        if meta.protocol == IPPROTO_TCP and conn.state != _ESTABLISHED:
            # the other states carry a handful of packets: keep the map to live connections
            closing = self.flows.get(kb)
            if closing is not None:
                self._remove(kb, closing)
            self._skip("tcp-state")
            return
        outgoing = meta.direction == Direction.OUT
        if action == schema.FLOW_NAT_OUT:
            af, to = meta.af, meta.daddr
        else:
            af, to = verdict.daf or meta.af, verdict.daddr
        hop = hop_of(af, to)
        if hop is None:
            self._skip("no-hop")
            return
        if action == schema.FLOW_TUN and not hop.src:
            self._skip("no-tunnel-source")
            return
        value = schema.flow_value(
            action, hop.ifindex, hop.dst_mac, hop.src_mac,
            tcp_table=_tcp_table(conn, outgoing), tcp_state=conn.state,
            daf=af if action == schema.FLOW_TUN else meta.af,
            new_addr=verdict.vaddr if outgoing else (
                verdict.daddr if action != schema.FLOW_DR else b""),
            new_port=(verdict.vport if outgoing else
                      verdict.dport if action == schema.FLOW_NAT_IN else 0),
            mtu=hop.mtu, tun_saddr=hop.src if action == schema.FLOW_TUN else b"",
            flags=(schema.FLOW_F_OUT if outgoing else 0)
            | (schema.FLOW_F_PMTU_DISC if action == schema.FLOW_TUN else 0))
        vb = bytes(value)
        have = self.flows.get(kb)
        if have is not None and have.conn is conn and have.value == vb:
            return
        if have is not None and have.conn is not conn:
            self._remove(kb, have)
            have = None
        self.maps.put_flow(key, value)
        if have is None:
            self.flows[kb] = _Flow(conn, key, vb, outgoing, conn.state, (af, to), hop)
            self.stats.installed += 1
        else:
            have.value, have.state, have.hop = vb, conn.state, hop
            self.stats.updated += 1

    def _remove(self, kb: bytes, flow: _Flow) -> None:
        last = self.maps.delete_flow(flow.key)
        self.flows.pop(kb, None)
        self.stats.removed += 1
        if last is not None and flow.conn.flags & F_HASHED:
            self._fold({id(flow.conn): (flow.conn, *self._delta(flow, last))})

    @staticmethod
    def _delta(flow: _Flow, st: FlowStats) -> tuple[int, int, int, int, float]:
        dp, db = st.packets - flow.packets, st.bytes - flow.bytes
        flow.packets, flow.bytes = st.packets, st.bytes
        if flow.outgoing:
            return 0, 0, dp, db, st.last_seen_ns / NS
        return dp, db, 0, 0, st.last_seen_ns / NS

    def _fold(self, per_conn: dict[int, tuple[Conn, int, int, int, int, float]]) -> None:
        for conn, ip, ib, op, ob, seen in per_conn.values():
            if ip or op:
                self.ipvs.account(conn, seen, ip, ib, op, ob)
                self.stats.folded_packets += ip + op

    def sync(self) -> None:
        """Fold new per-flow counters into the stats (re-arming timers at the time each
        flow was last seen); remove flows of gone connections or of destinations that
        take no traffic (their packets go back to Python)."""
        per_conn: dict[int, tuple[Conn, int, int, int, int, float]] = {}
        for kb, flow in list(self.flows.items()):
            conn = flow.conn
            if (not conn.flags & F_HASHED or not _dest_takes_traffic(conn)
                    or conn.state != flow.state):
                self._remove(kb, flow)  # the slow path decides (and re-installs) again
                continue
            st = self.maps.flow_stats(flow.key)
            if st is None:
                self.flows.pop(kb, None)
                continue
            if st.packets == flow.packets:
                continue
            ip, ib, op, ob, seen = self._delta(flow, st)
            prev = per_conn.get(id(conn))
            if prev is not None:
                _, pip, pib, pop, pob, pseen = prev
                ip, ib, op, ob, seen = pip + ip, pib + ib, pop + op, pob + ob, max(seen, pseen)
            per_conn[id(conn)] = (conn, ip, ib, op, ob, seen)
        self._fold(per_conn)

    def revalidate(self, hop_of: Callable[[int, bytes], Hop | None]) -> None:
        """Remove the flows whose next hop changed (MAC, interface, MTU, source) or is
        gone: their packets go back to Python, which installs them afresh."""
        for kb, flow in list(self.flows.items()):
            if hop_of(*flow.to) != flow.hop:
                self._remove(kb, flow)

    def clear(self) -> None:
        """Fold what is left and remove every flow."""
        self.sync()
        for kb, flow in list(self.flows.items()):
            self._remove(kb, flow)

