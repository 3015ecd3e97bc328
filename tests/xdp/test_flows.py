"""The flow-cache manager against a real IPVS table and an in-memory stand-in for the
program's maps: which flows are installed, how counters fold into the stats, and
when flows are removed."""

from __future__ import annotations

from types import SimpleNamespace

from pylvs.core.constants import IPPROTO_TCP, IPPROTO_UDP, FwdMethod
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, Action, Direction, PacketMeta
from pylvs.core.model import DestSpec, ServiceKey, ServiceSpec
from pylvs.core.proto import Table, TcpState, tcp_next_state
from pylvs.core.views import conn_views
from pylvs.datapath.xdp import schema
from pylvs.datapath.xdp.flows import FlowCache, Hop
from pylvs.datapath.xdp.schema import FlowCounts, FlowKey, FlowStats, FlowValue

VIP = bytes([198, 18, 0, 150])
CIP = bytes([198, 18, 0, 100])
RS1 = bytes([198, 18, 0, 171])
NRS1 = bytes([198, 19, 0, 171])
RS_MAC = bytes.fromhex("020000000171")
OUR_MAC = bytes.fromhex("020000000002")
CLIENT_MAC = bytes.fromhex("020000000100")
PARSED = SimpleNamespace(vlan=-1, l3_off=14, l4_off=34, csum_not_ready=False)


class FakeMaps:
    """The flows and flow_stats maps as dicts keyed by the key's bytes, and what the
    program does with a segment of an installed flow (``segment``)."""

    def __init__(self) -> None:
        self.flows: dict[bytes, FlowValue] = {}
        self.stats: dict[bytes, FlowStats] = {}
        self.refuse: set[bytes] = set()  # keys put_flow fails for (a full map)
        self.batches: list[int] = []  # flows per put_flows call

    def put_flow(self, key: bytes, value: bytes) -> None:
        if key in self.refuse:
            raise OSError(28, "no space left")
        self.flows[key] = FlowValue.from_buffer_copy(value)
        self.stats.setdefault(key, FlowStats())

    def put_flows(self, flows: list[tuple[bytes, bytes]]) -> list[tuple[bytes, OSError]]:
        self.batches.append(len(flows))
        failed: list[tuple[bytes, OSError]] = []
        for key, value in flows:
            try:
                self.put_flow(key, value)
            except OSError as exc:
                failed.append((key, exc))
        return failed

    def flow_stats(self, key: bytes) -> FlowCounts | None:
        st = self.stats.get(key)
        return FlowCounts(st.packets, st.bytes, st.last_seen_ns) if st is not None else None

    def flow_state(self, key: bytes) -> int | None:
        v = self.flows.get(key)
        return v.tcp_state if v is not None else None

    def delete_flow(self, key: bytes) -> FlowCounts | None:
        last = self.flow_stats(key)
        self.flows.pop(key, None)
        self.stats.pop(key, None)
        return last

    def delete_flows(self, keys: list[bytes]) -> list[FlowCounts | None]:
        return [self.delete_flow(k) for k in keys]

    def all_flow_stats(self) -> dict[bytes, FlowCounts]:
        return {k: FlowCounts(st.packets, st.bytes, st.last_seen_ns)
                for k, st in self.stats.items()}

    def all_flow_states(self) -> dict[bytes, int]:
        return {k: v.tcp_state for k, v in self.flows.items()}

    def forward(self, key: FlowKey, packets: int, size: int, at: float) -> None:
        """What the program does for ``packets`` packets of ``size`` bytes."""
        st = self.stats[bytes(key)]
        st.packets += packets
        st.bytes += packets * size
        st.last_seen_ns = int(at * 1e9)

    def segment(self, meta: PacketMeta, at: float) -> bool:
        """The program's decision on a TCP segment (bpf/fastpath.c): False when it is
        passed up (no flow, SYN/RST, a state change of a flow that does not own it)."""
        kb = bytes(schema.flow_key(meta.af, meta.protocol, meta.saddr, meta.sport,
                                   meta.daddr, meta.dport))
        v = self.flows.get(kb)
        if v is None or meta.tcp_flags & (TCP_SYN | TCP_RST) or \
                not meta.tcp_flags & (TCP_FIN | TCP_ACK):
            return False
        new = tcp_next_state(v.tcp_table, v.tcp_state, meta.tcp_flags)
        if new != v.tcp_state and not v.flags & schema.FLOW_F_OWN_STATE:
            return False
        v.tcp_state = new
        self.forward(FlowKey.from_buffer_copy(kb), 1, meta.length, at)
        return True


def hop_of(af: int, addr: bytes) -> Hop:
    mac = CLIENT_MAC if addr == CIP else RS_MAC
    return Hop(3, mac, OUR_MAC, bytes([198, 18, 0, 151]), 1500)


def table(method: int, rs: bytes = RS1, port: int = 80,
          proto: int = IPPROTO_TCP) -> tuple[IPVS, ServiceKey]:
    t = IPVS()
    svc = t.add_service(ServiceSpec(protocol=proto, addr=VIP, port=port, sched_name="rr"))
    t.add_dest(svc.key, DestSpec(addr=rs, port=8080 if method == FwdMethod.MASQ else port,
                                 conn_flags=method))
    return t, svc.key


def client(sport: int, flags: int, proto: int = IPPROTO_TCP) -> PacketMeta:
    return PacketMeta(2, proto, CIP, VIP, sport, 80, flags, 60, Direction.IN)


def key_in(sport: int, proto: int = IPPROTO_TCP) -> bytes:
    return bytes(schema.flow_key(2, proto, CIP, sport, VIP, 80))


def run(t: IPVS, cache: FlowCache, meta: PacketMeta, now: float) -> None:
    verdict = t.process(meta, now, lambda: 7)
    assert verdict.action in (Action.FORWARD, Action.NAT_OUT)
    cache.offer(verdict, meta, PARSED, hop_of)


def test_dr_flow_installed_with_state_and_hop() -> None:
    t, _ = table(FwdMethod.DROUTE)
    maps = FakeMaps()
    cache = FlowCache(t, maps)
    run(t, cache, client(40000, TCP_SYN), 100.0)  # SYN_RECV: installed, owning the state
    v = maps.flows[key_in(40000)]
    assert (v.action, v.tcp_table, v.tcp_state, v.flags) == \
        (schema.FLOW_DR, int(Table.INPUT_ONLY), int(TcpState.SYN_RECV),
         schema.FLOW_F_OWN_STATE)
    assert (bytes(v.dst_mac), bytes(v.src_mac), v.egress_ifindex, v.mtu) == \
        (RS_MAC, OUR_MAC, 3, 1500)
    run(t, cache, client(40000, TCP_ACK), 100.1)  # the slow path moved it: re-installed
    assert maps.flows[key_in(40000)].tcp_state == int(TcpState.ESTABLISHED)
    run(t, cache, client(40000, TCP_ACK), 100.2)  # nothing changed: no map write
    assert (cache.stats.installed, cache.stats.updated) == (1, 1)
    run(t, cache, client(40000, TCP_FIN | TCP_ACK), 100.3)  # ES -> FIN_WAIT: removed
    assert maps.flows == {} and cache.stats.removed == 1 and cache.owned == 0


def test_nat_flows_leave_state_changes_to_core() -> None:
    t, _ = table(FwdMethod.MASQ, rs=NRS1)
    maps = FakeMaps()
    cache = FlowCache(t, maps)
    run(t, cache, client(40020, TCP_SYN), 1.0)  # both directions pass here: not owned
    assert maps.flows == {} and cache.stats.by_reason == {"tcp-state": 1}
    run(t, cache, client(40020, TCP_ACK), 1.1)
    v = maps.flows[key_in(40020)]
    assert (v.tcp_state, v.flags & schema.FLOW_F_OWN_STATE) == (int(TcpState.ESTABLISHED), 0)
    assert not maps.segment(client(40020, TCP_FIN | TCP_ACK), 1.2)  # passed up


CLOSE_PER_REQUEST = [TCP_SYN, TCP_ACK, TCP_ACK, TCP_FIN | TCP_ACK, TCP_ACK]


def _twin_runs(method: int, segments: list[list[int]], sport: int = 40030,
               gap: float = 0.01) -> tuple[IPVS, IPVS, FlowCache, FakeMaps, float]:
    """The same client segments through core alone and through program + cache (each
    either forwarded by the fake program or handled by core after a pull, as the
    datapath does); both tables, the cache and the maps, and the time of the last."""
    alone, _ = table(method)
    both, _ = table(method)
    maps = FakeMaps()
    cache = FlowCache(both, maps)
    now = 10.0
    for conn_segments in segments:
        for flags in conn_segments:
            now += gap
            meta = client(sport, flags)
            alone.process(client(sport, flags), now, lambda: 7)
            if not maps.segment(meta, now):
                cache.pull(meta)
                run(both, cache, meta, now)
    return alone, both, cache, maps, now


def _listing(t: IPVS, now: float) -> tuple[object, ...]:
    svc = next(iter(t.services.values()))
    st = svc.stats.counters()
    return (sorted((v.state, round(v.expires, 6), v.daddr) for v in conn_views(t, now)),
            [(d.activeconns, d.inactconns) for d in svc.dests],
            (st.conns, st.inpkts, st.inbytes))


def test_program_moved_states_list_as_core_alone() -> None:
    """SYN through core, the rest of a closing connection in the program: after a sync
    the entries, states, expiry, active/inactive counts and stats are core's own."""
    for method in (FwdMethod.DROUTE, FwdMethod.TUNNEL):
        alone, both, cache, maps, now = _twin_runs(method, [CLOSE_PER_REQUEST[:3]])
        cache.sync()
        assert _listing(both, now) == _listing(alone, now)
        assert [c.state for c in both.conns.entries()] == [int(TcpState.ESTABLISHED)]
        assert maps.stats[key_in(40030)].packets == 2  # the ACKs went through the program
        assert (cache.owned, len(maps.flows)) == (1, 1)
        alone, both, cache, maps, now = _twin_runs(method, [CLOSE_PER_REQUEST])
        cache.sync()  # FIN_WAIT now: folded, and the flow leaves the map
        assert _listing(both, now) == _listing(alone, now)
        assert [c.state for c in both.conns.entries()] == [int(TcpState.FIN_WAIT)]
        assert maps.flows == {} and cache.flows == {} and cache.owned == 0
        assert cache.stats.states_folded == 1  # SR -> FW in one fold (ES went unseen)
        for t in (both, alone):
            t.expire(now + 119)
            assert len(t.conns) == 1
            t.expire(now + 121)  # FIN_WAIT's 120 s from the last segment, in both
            assert len(t.conns) == 0


def test_reused_connection_starts_from_the_programs_state() -> None:
    """A new SYN on the same client port finds the entry the program closed (FIN_WAIT,
    not yet synced): core re-runs it from FIN_WAIT, as without the program."""
    alone, both, cache, maps, now = _twin_runs(FwdMethod.DROUTE, [CLOSE_PER_REQUEST] * 3)
    assert cache.stats.states_folded >= 2  # pulled before each reusing SYN
    cache.sync()
    assert _listing(both, now) == _listing(alone, now)
    assert cache.stats.folded_packets == 3 * 4  # only the SYNs went through core
    assert maps.flows == {}  # closing: removed at the sync


def test_rst_and_a_listing_mid_way_agree_with_core() -> None:
    alone, both, cache, _, now = _twin_runs(FwdMethod.DROUTE,
                                            [[TCP_SYN, TCP_ACK, TCP_ACK, TCP_RST, TCP_ACK]])
    cache.sync()
    assert _listing(both, now) == _listing(alone, now)


def test_fast_packets_fold_into_stats_and_timer() -> None:
    t, key = table(FwdMethod.DROUTE)
    maps = FakeMaps()
    cache = FlowCache(t, maps)
    run(t, cache, client(40001, TCP_SYN), 100.0)
    run(t, cache, client(40001, TCP_ACK), 100.1)
    maps.forward(schema.flow_key(2, 6, CIP, 40001, VIP, 80), 5, 100, at=130.0)
    cache.sync()
    svc = t.get_service(key)
    assert (svc.stats.inpkts, svc.stats.inbytes) == (2 + 5, 2 * 60 + 500)
    assert t.stats.inpkts == 7
    conn = next(iter(t.conns.entries()))
    assert conn.expires == 130.0 + 900  # re-armed at the last fast packet, ESTABLISHED
    cache.sync()  # nothing new: nothing folded twice
    assert svc.stats.inpkts == 7
    t.expire(130.0 + 899)
    assert [v.state for v in conn_views(t, 130.0 + 899)] == ["ESTABLISHED"]


def test_nat_both_directions_and_outgoing_counts() -> None:
    t, key = table(FwdMethod.MASQ, rs=NRS1, proto=IPPROTO_UDP)
    maps = FakeMaps()
    cache = FlowCache(t, maps)
    run(t, cache, client(40002, 0, IPPROTO_UDP), 10.0)
    reply = PacketMeta(2, IPPROTO_UDP, NRS1, CIP, 8080, 40002, 0, 80, Direction.OUT)
    run(t, cache, reply, 10.1)
    v_in = maps.flows[key_in(40002, IPPROTO_UDP)]
    out_key = schema.flow_key(2, IPPROTO_UDP, NRS1, 8080, CIP, 40002)
    v_out = maps.flows[bytes(out_key)]
    assert (v_in.action, bytes(v_in.new_addr[:4]), bytes(v_in.new_port)) == \
        (schema.FLOW_NAT_IN, NRS1, (8080).to_bytes(2, "big"))
    assert (v_out.action, bytes(v_out.new_addr[:4]), bytes(v_out.new_port), v_out.flags) == \
        (schema.FLOW_NAT_OUT, VIP, (80).to_bytes(2, "big"), schema.FLOW_F_OUT)
    assert bytes(v_out.dst_mac) == CLIENT_MAC
    maps.forward(out_key, 3, 80, at=20.0)
    cache.sync()
    st = t.get_service(key).stats
    assert (st.inpkts, st.outpkts, st.outbytes) == (1, 4, 4 * 80)


def test_expired_connection_and_removed_dest_drop_flows() -> None:
    t, key = table(FwdMethod.DROUTE, proto=IPPROTO_UDP)
    maps = FakeMaps()
    cache = FlowCache(t, maps)
    run(t, cache, client(40003, 0, IPPROTO_UDP), 0.0)
    assert len(maps.flows) == 1
    t.expire(0.0 + 301)  # UDP timeout 300 s, no fast packets
    cache.sync()
    assert maps.flows == {} and cache.flows == {}
    run(t, cache, client(40004, 0, IPPROTO_UDP), 400.0)
    t.edit_dest(key, DestSpec(addr=RS1, port=80, conn_flags=FwdMethod.DROUTE, weight=0))
    cache.sync()  # quiesced: its connections go back to the slow path
    assert maps.flows == {}


def test_flush_removes_flows_and_keeps_counted_packets() -> None:
    t, _ = table(FwdMethod.DROUTE, proto=IPPROTO_UDP)
    maps = FakeMaps()
    cache = FlowCache(t, maps)
    run(t, cache, client(40005, 0, IPPROTO_UDP), 0.0)
    maps.forward(schema.flow_key(2, 17, CIP, 40005, VIP, 80), 2, 60, at=1.0)
    cache.sync()
    t.flush()
    cache.sync()
    assert maps.flows == {} and t.stats.inpkts == 3


def test_unhandled_methods_and_headers_are_not_installed() -> None:
    t, _ = table(FwdMethod.TUNNEL, proto=IPPROTO_UDP)
    t2, _ = table(FwdMethod.DROUTE, proto=IPPROTO_UDP)
    maps = FakeMaps()
    cache = FlowCache(t, maps)
    run(t, cache, client(40006, 0, IPPROTO_UDP), 0.0)
    assert maps.flows[key_in(40006, IPPROTO_UDP)].action == schema.FLOW_TUN
    tagged = SimpleNamespace(vlan=7, l3_off=18, l4_off=38, csum_not_ready=False)
    c2 = FlowCache(t2, maps)
    meta = client(40007, 0, IPPROTO_UDP)
    c2.offer(t2.process(meta, 0.0, lambda: 7), meta, tagged, hop_of)
    partial = SimpleNamespace(vlan=-1, l3_off=14, l4_off=34, csum_not_ready=True)
    meta = client(40008, 0, IPPROTO_UDP)
    c2.offer(t2.process(meta, 0.0, lambda: 7), meta, partial, hop_of)
    assert c2.flows == {} and c2.stats.by_reason == {"headers": 2}


def test_flows_whose_next_hop_changed_are_removed() -> None:
    t, _ = table(FwdMethod.DROUTE, proto=IPPROTO_UDP)
    maps = FakeMaps()
    cache = FlowCache(t, maps)
    run(t, cache, client(40009, 0, IPPROTO_UDP), 0.0)
    run(t, cache, client(40010, 0, IPPROTO_UDP), 0.0)
    cache.revalidate(hop_of)  # unchanged: kept
    assert len(maps.flows) == 2

    def lower_mtu(af: int, addr: bytes) -> Hop:
        return Hop(3, RS_MAC, OUR_MAC, bytes([198, 18, 0, 151]), 1400)

    cache.revalidate(lower_mtu)
    assert maps.flows == {} and cache.stats.removed == 2


def test_frame_handler_asks_the_table_it_holds_now() -> None:
    """The frame handler looks its table up per frame (a table swapped in later is the
    one asked)."""
    from scapy.layers.inet import IP, TCP
    from scapy.layers.l2 import Ether

    from pylvs.datapath.counters import Counters
    from pylvs.datapath.frames import FrameHandler

    asked: list[int] = []

    class Table:
        def process(self, meta: PacketMeta, now: float, rand32: object) -> None:
            asked.append(meta.sport)

    class Forwarder:
        def apply(self, *args: object) -> None:
            pass

    t, _ = table(FwdMethod.DROUTE)
    handler = FrameHandler(t, Forwarder(), Counters(), lambda: 7)  # type: ignore[arg-type]
    handler.ipvs = Table()  # type: ignore[assignment]
    frame = bytes(Ether() / IP(src="198.18.0.100", dst="198.18.0.150")
                  / TCP(sport=40100, dport=80, flags="S"))
    handler.handle(memoryview(frame), 0, 1, 1.0)
    assert asked == [40100]


def test_deferred_flows_go_in_with_one_update() -> None:
    """A deferred cache keeps offered flows back until install_pending (the datapath
    calls it before the frames go out): one batched update for all, none read before;
    a flow the map refuses leaves the cache and its count."""
    t, _ = table(FwdMethod.DROUTE)
    maps = FakeMaps()
    cache = FlowCache(t, maps)
    cache.deferred = True
    maps.refuse.add(key_in(40202))
    for sport in (40200, 40201, 40202):
        meta = client(sport, TCP_SYN)
        cache.pull(meta)
        run(t, cache, meta, 0.0)
    assert maps.flows == {} and len(cache.flows) == 3 and cache.stats.installed == 3
    cache.pull(client(40200, TCP_ACK))  # pending: the program never saw it, nothing read
    failed = cache.install_pending()
    assert maps.batches == [3] and len(failed) == 1
    assert set(maps.flows) == set(cache.flows) == {key_in(40200), key_in(40201)}
    assert cache.stats.installed == 2 and cache.owned == 2 and cache.pending == {}
    assert cache.install_pending() == [] and maps.batches == [3]
    # what an immediate cache installs is the same
    t2, _ = table(FwdMethod.DROUTE)
    maps2 = FakeMaps()
    cache2 = FlowCache(t2, maps2)
    for sport in (40200, 40201):
        run(t2, cache2, client(sport, TCP_SYN), 0.0)
    assert {k: bytes(v) for k, v in maps2.flows.items()} == \
        {k: bytes(v) for k, v in maps.flows.items()}


def test_sync_installs_what_waits() -> None:
    """A sync (or any removal) first installs the pending flows, so nothing it reads
    misses one."""
    t, _ = table(FwdMethod.DROUTE)
    maps = FakeMaps()
    cache = FlowCache(t, maps)
    cache.deferred = True
    run(t, cache, client(40210, TCP_SYN), 0.0)
    cache.sync()
    assert set(maps.flows) == set(cache.flows) == {key_in(40210)} and cache.pending == {}
