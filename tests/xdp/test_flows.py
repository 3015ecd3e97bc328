"""The flow-cache manager against a real IPVS table and an in-memory stand-in for the
program's maps: which flows are installed, how counters fold into the stats, and
when flows are removed."""

from __future__ import annotations

from types import SimpleNamespace

from pylvs.core.constants import IPPROTO_TCP, IPPROTO_UDP, FwdMethod
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import TCP_ACK, TCP_FIN, TCP_SYN, Action, Direction, PacketMeta
from pylvs.core.model import DestSpec, ServiceKey, ServiceSpec
from pylvs.core.proto import Table, TcpState
from pylvs.core.views import conn_views
from pylvs.datapath.xdp import schema
from pylvs.datapath.xdp.flows import FlowCache, Hop
from pylvs.datapath.xdp.schema import FlowKey, FlowStats, FlowValue

VIP = bytes([198, 18, 0, 150])
CIP = bytes([198, 18, 0, 100])
RS1 = bytes([198, 18, 0, 171])
NRS1 = bytes([198, 19, 0, 171])
RS_MAC = bytes.fromhex("020000000171")
OUR_MAC = bytes.fromhex("020000000002")
CLIENT_MAC = bytes.fromhex("020000000100")
PARSED = SimpleNamespace(vlan=-1, l3_off=14, l4_off=34, csum_not_ready=False)


class FakeMaps:
    """The flows and flow_stats maps as dicts keyed by the key's bytes."""

    def __init__(self) -> None:
        self.flows: dict[bytes, FlowValue] = {}
        self.stats: dict[bytes, FlowStats] = {}

    def put_flow(self, key: FlowKey, value: FlowValue) -> None:
        self.flows[bytes(key)] = FlowValue.from_buffer_copy(bytes(value))
        self.stats.setdefault(bytes(key), FlowStats())

    def flow_stats(self, key: FlowKey) -> FlowStats | None:
        st = self.stats.get(bytes(key))
        return FlowStats.from_buffer_copy(bytes(st)) if st is not None else None

    def delete_flow(self, key: FlowKey) -> FlowStats | None:
        self.flows.pop(bytes(key), None)
        return self.stats.pop(bytes(key), None)

    def forward(self, key: FlowKey, packets: int, size: int, at: float) -> None:
        """What the program does for ``packets`` packets of ``size`` bytes."""
        st = self.stats[bytes(key)]
        st.packets += packets
        st.bytes += packets * size
        st.last_seen_ns = int(at * 1e9)


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
    run(t, cache, client(40000, TCP_SYN), 100.0)
    assert maps.flows == {} and cache.stats.by_reason == {"tcp-state": 1}  # SYN_RECV
    run(t, cache, client(40000, TCP_ACK), 100.1)  # SYN_RECV -> ESTABLISHED: installed
    v = maps.flows[key_in(40000)]
    assert (v.action, v.tcp_table, v.tcp_state) == (schema.FLOW_DR, int(Table.INPUT_ONLY),
                                                    int(TcpState.ESTABLISHED))
    assert (bytes(v.dst_mac), bytes(v.src_mac), v.egress_ifindex, v.mtu) == \
        (RS_MAC, OUR_MAC, 3, 1500)
    run(t, cache, client(40000, TCP_ACK), 100.2)  # nothing changed: no map write
    assert (cache.stats.installed, cache.stats.updated) == (1, 0)
    run(t, cache, client(40000, TCP_FIN | TCP_ACK), 100.3)  # ES -> FIN_WAIT: removed
    assert maps.flows == {} and cache.stats.removed == 1


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
