"""The flow-cache manager: installs a flow after Python forwarded a packet of a
connection, folds the program's per-flow counters into the IPVS stats, and removes
flows whose connection is gone or whose destination no longer takes traffic.

Python stays the source of truth. The program forwards segments that keep the TCP
state (see ``bpf/tcp_state.h``); of a connection whose only flow is the one through
the director (DR, TUN: ``FLOW_F_OWN_STATE``) it also carries the FIN and ACK
transitions, installed from the SYN on. Those states are folded into core with the
counters (:meth:`FlowCache.sync`, before every listing) and before core runs any
other packet of the connection (:meth:`FlowCache.pull`), so core always decides on
the state the kernel would have; SYN and RST always reach core. The program's
packets reach core through :meth:`IPVS.account` with the time the program last saw
the flow (both clocks are CLOCK_MONOTONIC).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from pylvs.core.conn import CTPL_ASSURED, F_HASHED, F_NOOUTPUT, F_TEMPLATE, Conn
from pylvs.core.constants import AF_INET, DEST_F_AVAILABLE, IPPROTO_TCP, IPPROTO_UDP, FwdMethod
from pylvs.core.engine import enter_tcp_state
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import Action, Direction, PacketMeta, Verdict
from pylvs.core.proto import Table, TcpState
from pylvs.datapath.xdp import schema
from pylvs.datapath.xdp.schema import FlowCounts, key_bytes

ETH_HLEN = 14
TUN_IPIP = 0  # the only tunnel type (and no tunnel flags) the program encapsulates
NS = 1e9
_ESTABLISHED = int(TcpState.ESTABLISHED)
_SYN_RECV = int(TcpState.SYN_RECV)
_STATE_AT = schema.VALUE_STATE_OFFSET
_INPUT, _OUTPUT, _INPUT_ONLY = int(Table.INPUT), int(Table.OUTPUT), int(Table.INPUT_ONLY)
_FORWARD, _NAT_OUT = int(Action.FORWARD), int(Action.NAT_OUT)
_OUT = int(Direction.OUT)
_DROUTE, _MASQ, _TUNNEL = int(FwdMethod.DROUTE), int(FwdMethod.MASQ), int(FwdMethod.TUNNEL)
_pack_value = schema.VALUE_FORMAT.pack  # the fields of schema.value_bytes, positional


class FlowMaps(Protocol):
    """What the manager needs of the loaded program (FastPathProgram); keys and values
    as the bytes of schema.FlowKey / schema.FlowValue."""

    def put_flow(self, key: bytes, value: bytes) -> None: ...
    def put_flows(self, flows: list[tuple[bytes, bytes]]) -> list[tuple[bytes, OSError]]: ...
    def flow_stats(self, key: bytes) -> FlowCounts | None: ...
    def flow_state(self, key: bytes) -> int | None: ...
    def delete_flow(self, key: bytes) -> FlowCounts | None: ...
    def delete_flows(self, keys: list[bytes]) -> list[FlowCounts | None]: ...
    def all_flow_stats(self) -> dict[bytes, FlowCounts]: ...
    def all_flow_states(self) -> dict[bytes, int]: ...


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
    value: bytes  # the FlowValue's bytes as last installed or read back
    outgoing: bool
    state: int  # the TCP state core and the map agree on
    to: tuple[int, bytes]  # (family, address) of the next hop it was installed for
    hop: Hop  # the next hop it was installed with
    own: bool  # the program moves the TCP state (FLOW_F_OWN_STATE)
    packets: int = 0  # counters already folded into the stats
    bytes: int = 0


@dataclass(slots=True)
class FlowCounters:
    """What the manager did."""

    installed: int = 0
    updated: int = 0
    removed: int = 0
    folded_packets: int = 0
    states_folded: int = 0  # TCP state changes the program made, carried into core
    by_reason: dict[str, int] = field(default_factory=dict)


def _no_unassured_template(conn: Conn) -> bool:
    """Whether no template waits for this connection to reach ESTABLISHED (core assures
    it then; a fold sees only the latest state, so such a connection keeps that step)."""
    ctl = conn.control
    return ctl is None or not ctl.flags & F_TEMPLATE or bool(ctl.state & CTPL_ASSURED)


def _live(state: int, own: bool) -> bool:
    """Whether a TCP flow in ``state`` stays in the map: ESTABLISHED, and an own-state
    flow also while SYN_RECV; closing connections carry a handful of packets."""
    return state == _ESTABLISHED or (own and state == _SYN_RECV)


class FlowCache:
    """Flows in the program's maps, one per direction of a connection."""

    def __init__(self, ipvs: IPVS, maps: FlowMaps) -> None:
        self.ipvs = ipvs
        self.maps = maps
        self.flows: dict[bytes, _Flow] = {}
        self.owned = 0  # flows whose state the program moves
        self._last_key: tuple[object, bytes] = (None, b"")  # (meta, key) of the last pull
        self.stats = FlowCounters()
        # deferred: offered flows wait in pending (key -> value, whether new) until
        # install_pending, which the datapath calls before it sends anything
        self.deferred = False
        self.pending: dict[bytes, tuple[bytes, bool]] = {}

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
        protocol = meta.protocol
        tcp = protocol == IPPROTO_TCP
        if not tcp and protocol != IPPROTO_UDP:
            return
        todo = verdict.action
        if todo == _NAT_OUT:
            action = schema.FLOW_NAT_OUT
        elif todo != _FORWARD:
            self._skip("method")
            return
        else:
            method = verdict.fwd_method
            if method == _DROUTE:
                action = schema.FLOW_DR
            elif method == _MASQ:
                action = schema.FLOW_NAT_IN
            elif method == _TUNNEL and verdict.tun_type == TUN_IPIP and not verdict.tun_flags:
                action = schema.FLOW_TUN
            else:
                self._skip("method")
                return
        af = meta.af
        if (getattr(parsed, "vlan", -1) != -1 or getattr(parsed, "l3_off", 0) != ETH_HLEN
                or getattr(parsed, "csum_not_ready", False)
                or getattr(parsed, "l4_off", 0) - ETH_HLEN != (20 if af == AF_INET else 40)):
            self._skip("headers")
            return
        flags = conn.flags
        dest = conn.dest
        if (not flags & F_HASHED or dest is None or not dest.flags & DEST_F_AVAILABLE
                or dest.weight <= 0):
            self._skip("dest")
            return
        last = self._last_key
        kb = last[1] if last[0] is meta else key_bytes(af, protocol, meta.saddr, meta.sport,
                                                       meta.daddr, meta.dport)
        outgoing = meta.direction == _OUT
        state = conn.state
        # DR, TUN: the director sees one direction only, the flow owns the TCP state
        own = (tcp and (action == schema.FLOW_DR or action == schema.FLOW_TUN)
               and not outgoing and bool(flags & F_NOOUTPUT) and _no_unassured_template(conn))
        if tcp and not (state == _ESTABLISHED or (own and state == _SYN_RECV)):  # not _live
            closing = self.flows.get(kb)
            if closing is not None:
                self._remove(kb, closing, adopt=False)
            self._skip("tcp-state")
            return
        table = _OUTPUT if outgoing else _INPUT_ONLY if flags & F_NOOUTPUT else _INPUT
        if action == schema.FLOW_NAT_OUT:
            daf, to = af, meta.daddr
        else:
            daf, to = verdict.daf or af, verdict.daddr
        hop = hop_of(daf, to)
        if hop is None:
            self._skip("no-hop")
            return
        tun = action == schema.FLOW_TUN
        if tun and not hop.src:
            self._skip("no-tunnel-source")
            return
        if outgoing:
            port, addr = verdict.vport, verdict.vaddr
        else:
            port = verdict.dport if action == schema.FLOW_NAT_IN else 0
            addr = b"" if action == schema.FLOW_DR else verdict.daddr
        vb = _pack_value(
            action, table, state, daf if tun else af, hop.ifindex, hop.dst_mac, hop.src_mac,
            port.to_bytes(2, "big"), hop.mtu if hop.mtu < 0xFFFF else 0xFFFF, addr,
            hop.src if tun else b"",
            (schema.FLOW_F_OUT if outgoing else 0) | (schema.FLOW_F_PMTU_DISC if tun else 0)
            | (schema.FLOW_F_OWN_STATE if own else 0), 0)
        have = self.flows.get(kb)
        if have is not None:
            if have.conn is conn and have.value == vb:
                return
            if have.conn is not conn:
                self._remove(kb, have)
                have = None
        if self.deferred:
            was = self.pending.get(kb)
            self.pending[kb] = (vb, have is None if was is None else was[1])
        else:
            self.maps.put_flow(kb, vb)
        if have is None:
            self.flows[kb] = _Flow(conn, vb, outgoing, state, (daf, to), hop, own)
            self.owned += own
            self.stats.installed += 1
        else:
            self.owned += own - have.own
            have.value, have.state, have.hop, have.own = vb, state, hop, own
            self.stats.updated += 1

    def install_pending(self) -> list[OSError]:
        """Install the flows offered since the last call (one batched update); why each
        one that failed did (its connection stays on the slow path)."""
        pending = self.pending
        if not pending:
            return []
        self.pending = {}
        failed = self.maps.put_flows([(kb, vb) for kb, (vb, _) in pending.items()])
        for kb, _ in failed:
            flow = self.flows.pop(kb, None)
            if flow is not None:
                self.owned -= flow.own
                self.maps.delete_flow(kb)  # an update that failed: the old value goes too
            if pending[kb][1]:
                self.stats.installed -= 1
            else:
                self.stats.updated -= 1
        return [exc for _, exc in failed]

    def pull(self, meta: PacketMeta) -> None:
        """Core is about to run a TCP packet the program passed up: first carry in the
        state (and counters) the program gave the connection, if its flow owns them."""
        kb = key_bytes(meta.af, meta.protocol, meta.saddr, meta.sport, meta.daddr, meta.dport)
        self._last_key = (meta, kb)
        flow = self.flows.get(kb)
        if flow is None or not flow.own or not flow.conn.flags & F_HASHED \
                or kb in self.pending:  # not installed yet: the program never saw it
            return
        st = self.maps.flow_stats(kb)
        if st is not None and st.packets != flow.packets:
            self._fold_own(kb, flow, st)

    def _fold_own(self, kb: bytes, flow: _Flow, st: FlowCounts) -> None:
        """Counters and TCP state of an own-state flow into its connection."""
        state = self.maps.flow_state(kb)
        if state is not None and state != flow.state:
            self._adopt(flow, state)
        ip, ib, op, ob, seen = self._delta(flow, st)
        self._fold({id(flow.conn): (flow.conn, ip, ib, op, ob, seen)})

    def _adopt(self, flow: _Flow, state: int) -> None:
        """The program moved the connection to ``state``: core enters it as its own state
        machine would (``enter_tcp_state``)."""
        conn = flow.conn
        if state != conn.state:
            enter_tcp_state(self.ipvs, conn, state)
            self.stats.states_folded += 1
        flow.state = state
        v = flow.value
        flow.value = v[:_STATE_AT] + bytes((state,)) + v[_STATE_AT + 1:]

    def _remove(self, kb: bytes, flow: _Flow, adopt: bool = True) -> None:
        """Delete the flow, folding its last counters; of an own-state flow first the
        state the program gave it, unless core has just decided the state (``adopt``
        False)."""
        if self.pending:
            self.install_pending()
        conn = flow.conn
        if adopt and flow.own and conn.flags & F_HASHED:
            st = self.maps.flow_stats(kb)
            if st is not None and st.packets != flow.packets:
                self._fold_own(kb, flow, st)
        last = self.maps.delete_flow(kb)
        if self.flows.pop(kb, None) is not None:
            self.owned -= flow.own
        self.stats.removed += 1
        if last is not None and conn.flags & F_HASHED:
            self._fold({id(conn): (conn, *self._delta(flow, last))})

    @staticmethod
    def _delta(flow: _Flow, st: FlowCounts) -> tuple[int, int, int, int, float]:
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
        """Fold new per-flow counters (and the TCP states the program moved) into core,
        re-arming timers at the time each flow was last seen; remove flows of gone
        connections, of destinations that take no traffic, and of connections no longer
        live (their packets go back to Python). The maps are read in batches."""
        if self.pending:
            self.install_pending()
        if not self.flows:
            return
        counts = self.maps.all_flow_stats()
        states: dict[bytes, int] | None = None
        per_conn: dict[int, tuple[Conn, int, int, int, int, float]] = {}
        gone: list[tuple[bytes, _Flow]] = []
        flows = self.flows
        account = self.ipvs.account
        folded = 0
        for kb, flow in list(flows.items()):
            conn = flow.conn
            if not conn.flags & F_HASHED or conn.state != flow.state:
                gone.append((kb, flow))  # core decides (and re-installs) again
                continue
            st = counts.get(kb)
            if st is None:
                del flows[kb]
                self.owned -= flow.own
                continue
            own = flow.own
            if st.packets != flow.packets:
                if own:  # the connection's only flow: its state first, then the timer
                    if states is None:
                        states = self.maps.all_flow_states()
                    state = states.get(kb)
                    if state is not None and state != flow.state:
                        self._adopt(flow, state)
                    dp = st.packets - flow.packets  # never outgoing: all in
                    account(conn, st.last_seen_ns / NS, dp, st.bytes - flow.bytes, 0, 0)
                    flow.packets, flow.bytes = st.packets, st.bytes
                    folded += dp
                else:
                    ip, ib, op, ob, seen = self._delta(flow, st)
                    prev = per_conn.get(id(conn))
                    if prev is not None:
                        _, pip, pib, pop, pob, pseen = prev
                        ip, ib, op, ob = pip + ip, pib + ib, pop + op, pob + ob
                        seen = max(seen, pseen)
                    per_conn[id(conn)] = (conn, ip, ib, op, ob, seen)
            dest = conn.dest
            if (dest is None or not dest.flags & DEST_F_AVAILABLE or dest.weight <= 0
                    or (own and not _live(flow.state, True))):
                gone.append((kb, flow))
        self.stats.folded_packets += folded
        self._fold(per_conn)
        if gone:
            self._remove_many(gone)

    def _remove_many(self, gone: list[tuple[bytes, _Flow]]) -> None:
        """Delete flows whose counters and states were just folded; fold what the
        program counted since."""
        lasts = self.maps.delete_flows([kb for kb, _ in gone])
        flows = self.flows
        for (kb, flow), last in zip(gone, lasts, strict=True):
            if flows.pop(kb, None) is not None:
                self.owned -= flow.own
            conn = flow.conn
            if last is not None and last.packets != flow.packets and conn.flags & F_HASHED:
                self._fold({id(conn): (conn, *self._delta(flow, last))})
        self.stats.removed += len(gone)

    def revalidate(self, hop_of: Callable[[int, bytes], Hop | None]) -> None:
        """Remove the flows whose next hop changed (MAC, interface, MTU, source) or is
        gone: their packets go back to Python, which installs them afresh."""
        if self.pending:
            self.install_pending()
        for kb, flow in list(self.flows.items()):
            if hop_of(*flow.to) != flow.hop:
                self._remove(kb, flow)

    def clear(self) -> None:
        """Fold what is left and remove every flow."""
        self.sync()
        for kb, flow in list(self.flows.items()):
            self._remove(kb, flow)
