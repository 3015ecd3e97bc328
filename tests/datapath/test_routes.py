"""Route caching per region: new clients inside a known region cost no netlink query."""

from __future__ import annotations

import ipaddress
import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from pylvs.core.constants import AF_INET, AF_INET6
from pylvs.datapath.kernel import Egress
from pylvs.datapath.neigh import Resolver
from pylvs.datapath.netevents import RTM_NEWLINK, RTM_NEWROUTE, stale_message
from pylvs.datapath.regions import RouteTable, prefix
from tests.datapath.fakenet import FakeNet

GW = bytes([198, 18, 0, 1])
GW_MAC = bytes.fromhex("0200000000f1")
SRC = bytes([198, 18, 0, 150])


def ip(text: str) -> bytes:
    return ipaddress.ip_address(text).packed


def table(*nets: str, multipath: tuple[str, ...] = ()) -> RouteTable:
    def p(net: str) -> tuple[int, int]:
        n = ipaddress.ip_network(net)
        return prefix(n.network_address.packed, n.prefixlen)

    bits = 32 if ":" not in nets[0] else 128
    return RouteTable(bits, tuple(p(n) for n in nets), frozenset(p(n) for n in multipath))


class PrefixNet(FakeNet):
    """A fake kernel routing by longest prefix over ``nets`` (prefix -> egress factory)."""

    def __init__(self, nets: dict[str, tuple[int, bytes | None]]) -> None:
        super().__init__()
        self.nets = {ipaddress.ip_network(n): v for n, v in nets.items()}
        self.table = table(*nets)

    def route(self, af: int, addr: bytes) -> Egress | None:
        self.route_queries += 1
        a = ipaddress.ip_address(addr)
        best = max((n for n in self.nets if a in n), key=lambda n: n.prefixlen, default=None)
        if best is None:
            return None
        ifindex, gw = self.nets[best]
        if gw is None:
            return Egress(ifindex, af, addr, SRC, 1500)
        return Egress(ifindex, af, gw, SRC, 1500, gateway=True)


def test_a_stream_of_clients_behind_the_gateway_costs_one_route_and_one_neighbour_query() -> None:
    net = PrefixNet({"0.0.0.0/0": (2, GW), "198.18.0.0/24": (2, None), "198.19.0.0/24": (3, None)})
    net.resolve(GW, GW_MAC)
    r = Resolver(net)
    for i in range(500):
        hop = r.lookup(AF_INET, struct.pack("!I", 0x0B000000 + i * 7919), 1.0)
        assert hop is not None and (hop.ifindex, hop.mac) == (2, GW_MAC)
    assert (net.route_queries, net.neigh_queries) == (1, 1)
    assert r.route_queries == 1


def test_more_specific_routes_are_asked_about_on_their_own() -> None:
    net = PrefixNet({"0.0.0.0/0": (2, GW), "198.19.0.0/24": (3, None)})
    for last in (10, 11):
        net.resolve(bytes([198, 19, 0, last]), bytes(5) + bytes([last]))
    net.resolve(GW, GW_MAC)
    r = Resolver(net)
    far = r.lookup(AF_INET, ip("203.0.113.9"), 0.0)
    near = r.lookup(AF_INET, ip("198.19.0.10"), 0.0)
    near2 = r.lookup(AF_INET, ip("198.19.0.11"), 0.0)
    assert far is not None and far.mac == GW_MAC and far.ifindex == 2
    assert near is not None and near.ifindex == 3 and near.mac[-1] == 10
    assert near2 is not None and near2.ifindex == 3 and near2.mac[-1] == 11  # its own neighbour
    # the default route's region stops short of 198.19.0.0/24 but covers the rest
    assert r.lookup(AF_INET, ip("198.19.1.1"), 0.0) is not None
    assert net.route_queries == 3  # 203.0.113.9's region, 198.19.0.0/24, 198.19.1.1's region
    assert r.lookup(AF_INET, ip("8.8.8.8"), 0.0) is not None
    assert net.route_queries == 4  # 8.8.8.8 is outside 203.0.113.9's region, 200.0.0.0/5


def test_routes_are_asked_again_after_the_ttl_and_after_forget() -> None:
    net = PrefixNet({"0.0.0.0/0": (2, GW)})
    net.resolve(GW, GW_MAC)
    r = Resolver(net, route_ttl=5.0, neigh_ttl=1.0)
    assert r.egress(AF_INET, ip("203.0.113.1"), 0.0) is not None
    assert r.egress(AF_INET, ip("203.0.113.2"), 4.9) is not None
    assert net.route_queries == 1
    assert r.egress(AF_INET, ip("203.0.113.3"), 5.0) is not None
    assert net.route_queries == 2
    r.forget()
    assert net.forgotten == 1
    assert r.egress(AF_INET, ip("203.0.113.4"), 5.1) is not None
    assert net.route_queries == 3


def test_without_a_table_each_address_is_its_own_region() -> None:
    net = PrefixNet({"0.0.0.0/0": (2, GW)})
    net.table = None
    r = Resolver(net)
    for i in range(3):
        r.egress(AF_INET, bytes([203, 0, 113, i]), 0.0)
        r.egress(AF_INET, bytes([203, 0, 113, i]), 0.1)
    assert net.route_queries == 3


def test_unroutable_answers_are_cached_for_the_region_too() -> None:
    net = PrefixNet({"198.18.0.0/24": (2, None)})
    r = Resolver(net)
    assert r.lookup(AF_INET, ip("203.0.113.1"), 0.0) is None
    assert r.lookup(AF_INET, ip("203.0.113.2"), 0.0) is None
    assert net.route_queries == 1
    assert net.probes == []


def test_region_stays_inside_the_matching_prefix_and_outside_longer_ones() -> None:
    t = table("0.0.0.0/0", "198.18.0.0/15", "198.18.0.128/25")
    assert t.region(int.from_bytes(ip("198.18.0.200"), "big")) == 25
    assert t.region(int.from_bytes(ip("198.18.0.5"), "big")) == 25  # 198.18.0.0/25
    assert t.region(int.from_bytes(ip("198.19.7.7"), "big")) == 16  # 198.19.0.0/16
    assert t.region(int.from_bytes(ip("10.0.0.1"), "big")) == 1  # 0.0.0.0/1


def test_a_multipath_route_is_cached_per_address() -> None:
    t = table("0.0.0.0/0", "198.18.0.0/24", multipath=("0.0.0.0/0",))
    assert t.region(int.from_bytes(ip("203.0.113.1"), "big")) == 32
    v6 = table("::/0", "2001:db8::/64")
    assert v6.region(int.from_bytes(ip("2001:db8::5"), "big")) == 64
    assert v6.region(int.from_bytes(ip("2001:db8:0:1::5"), "big")) == 64


NETS = st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 32)), min_size=1,
                max_size=12)


@settings(max_examples=200, deadline=None)
@given(NETS, st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1))
def test_every_address_of_a_region_is_inside_the_same_prefixes(
    nets: list[tuple[int, int]], addr: int, other: int
) -> None:
    prefixes = tuple({prefix(n.to_bytes(4, "big"), plen) for n, plen in nets})
    t = RouteTable(32, prefixes)
    length = t.region(addr)
    host = 32 - length
    peer = ((addr >> host) << host) | (other & ((1 << host) - 1))  # same region

    def inside(a: int) -> set[tuple[int, int]]:
        return {(n, plen) for n, plen in prefixes if (a ^ n) >> (32 - plen) == 0}

    assert inside(peer) == inside(addr)


def test_link_route_and_rule_notifications_are_recognised() -> None:
    def msg(mtype: int, body: bytes = bytes(16)) -> bytes:
        return struct.pack("=IHHII", 16 + len(body), mtype, 0, 0, 0) + body

    assert stale_message(msg(RTM_NEWLINK))
    assert stale_message(msg(30) + msg(RTM_NEWROUTE))  # the second of two messages
    assert not stale_message(msg(30))  # RTM_NEWNEIGH: neighbours are not routes
    assert not stale_message(b"")


def test_ipv6_clients_share_the_gateway_region() -> None:
    gw6 = ip("2001:db8::1")
    net = FakeNet()
    net.table = table("::/0", "2001:db8::/64")
    net.resolve(gw6, GW_MAC)

    def route(af: int, addr: bytes) -> Egress | None:
        net.route_queries += 1
        return Egress(2, AF_INET6, gw6, b"", 1500, gateway=True)

    net.route = route  # type: ignore[method-assign]
    r = Resolver(net)
    for i in range(50):
        hop = r.lookup(AF_INET6, ip(f"2001:db8:1::{i + 1:x}"), 0.0)
        assert hop is not None and hop.mac == GW_MAC
    assert net.route_queries == 1


def test_nat_replies_to_a_stream_of_new_clients_cost_no_netlink_query_each() -> None:
    from scapy.layers.inet import IP, TCP
    from scapy.layers.l2 import Ether

    from pylvs.core.constants import IPPROTO_TCP, FwdMethod
    from pylvs.core.ipvs import IPVS
    from pylvs.core.model import DestSpec, ServiceSpec
    from pylvs.datapath.counters import Counters
    from pylvs.datapath.forward import Forwarder
    from pylvs.datapath.frames import FrameHandler

    vip, rip = "198.18.0.150", "198.19.0.171"
    rs_mac, our_mac = bytes.fromhex("020000000011"), bytes.fromhex("020000000002")
    net = PrefixNet({"0.0.0.0/0": (2, GW), "198.18.0.0/24": (2, None),
                     "198.19.0.0/24": (3, None)})
    net.resolve(GW, GW_MAC)
    net.resolve(ip(rip), rs_mac)
    ipvs = IPVS()
    svc = ServiceSpec(protocol=IPPROTO_TCP, addr=ip(vip), port=80, sched_name="rr")
    ipvs.add_service(svc)
    ipvs.add_dest(svc.key(), DestSpec(addr=ip(rip), port=8080, conn_flags=FwdMethod.MASQ))
    sent: list[tuple[int, bytes]] = []
    counters = Counters()
    fwd = Forwarder(Resolver(net), lambda i, f: sent.append((i, bytes(f))) or True,
                    {2: our_mac, 3: our_mac}, counters, lambda: 0)
    handler = FrameHandler(ipvs, fwd, counters, lambda: 0)
    handler.set_vips(frozenset({ip(vip)}))

    def feed(pkt: Ether, ifindex: int) -> None:
        raw = bytearray(bytes(pkt))
        handler.handle(memoryview(raw), 0, ifindex, 1.0)

    clients = [f"203.0.113.{i}" for i in range(1, 201)]
    for cip in clients:
        feed(Ether(src=GW_MAC, dst=our_mac) / IP(src=cip, dst=vip)
             / TCP(sport=40000, dport=80, flags="S"), 2)
        feed(Ether(src=rs_mac, dst=our_mac) / IP(src=rip, dst=cip)
             / TCP(sport=8080, dport=40000, flags="SA"), 3)
    replies = [Ether(f) for i, f in sent if i == 2]
    assert [r[IP].dst for r in replies] == clients
    assert {(r.dst, r[IP].src) for r in replies} == {("02:00:00:00:00:f1", vip)}
    assert counters.tx == 400 and not counters.drops
    assert (net.route_queries, net.neigh_queries) == (2, 2)  # the real server, the clients
