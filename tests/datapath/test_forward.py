"""Verdict -> action: real frames through FrameHandler, a real IPVS table, a fake kernel."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scapy.layers.inet import ICMP, IP, TCP, UDP, TCPerror
from scapy.layers.l2 import Ether
from scapy.packet import Packet

from pylvs.core.constants import AF_INET, IPPROTO_TCP, FwdMethod
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import Action, PacketMeta, Verdict
from pylvs.core.model import DestSpec, ServiceSpec
from pylvs.datapath.afpacket import TP_STATUS_CSUMNOTREADY
from pylvs.datapath.counters import Counters
from pylvs.datapath.forward import Forwarder
from pylvs.datapath.frames import FrameHandler
from pylvs.datapath.neigh import Resolver, WaitQueue
from pylvs.packet.checksum import pseudo_sum
from tests.datapath.fakenet import FakeNet

VIP, CIP, RIP, DIP = "198.18.0.150", "198.18.0.100", "198.18.0.171", "198.18.0.151"
CMAC, DMAC, RMAC = "02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:11"
IN_IF, OUT_IF = 2, 3


def p(a: str) -> bytes:
    return ipaddress.ip_address(a).packed


def mac(m: str) -> bytes:
    return bytes.fromhex(m.replace(":", ""))


class Rig:
    """A FrameHandler wired to a real IPVS, a fake kernel and a list of sent frames."""

    def __init__(self, method: int = FwdMethod.DROUTE, dests: int = 1) -> None:
        self.ipvs = IPVS()
        self.svc = ServiceSpec(protocol=IPPROTO_TCP, addr=p(VIP), port=80, sched_name="rr")
        self.ipvs.add_service(self.svc)
        if dests:
            self.ipvs.add_dest(self.svc.key(), DestSpec(addr=p(RIP), port=8080 if
                                                         method == FwdMethod.MASQ else 80,
                                                         conn_flags=method))
        self.net = FakeNet()
        self.net.on_link(p(RIP), ifindex=OUT_IF, src=p(DIP))
        self.net.on_link(p(CIP), ifindex=IN_IF, src=p(DIP))
        self.sent: list[tuple[int, bytes]] = []
        self.counters = Counters()
        self.waitq = WaitQueue(max_wait=0.5)
        self.fwd = Forwarder(Resolver(self.net), self._send,
                             {IN_IF: mac(DMAC), OUT_IF: mac(DMAC)}, self.counters,
                             lambda: 0x1234, self.waitq)
        self.handler = FrameHandler(self.ipvs, self.fwd, self.counters, lambda: 0)
        self.handler.set_vips(frozenset({p(VIP)}))

    def _send(self, ifindex: int, frame: memoryview | bytes | bytearray) -> bool:
        self.sent.append((ifindex, bytes(frame)))
        return True

    def feed(self, pkt: Packet, now: float = 1.0, status: int = 0,
             ifindex: int = IN_IF) -> None:
        raw = bytes(pkt)
        buf = bytearray(2048)
        buf[: len(raw)] = raw
        self.handler.handle(memoryview(buf)[: len(raw)], status, ifindex, now)

    def dest_stats(self) -> tuple[int, int, int]:
        d = self.ipvs.get_service(self.svc.key()).dests[0].stats.counters()
        return d.conns, d.inpkts, d.outpkts


def client(flags: str = "S", sport: int = 40000, ttl: int = 64) -> Packet:
    return (Ether(src=CMAC, dst=DMAC) / IP(src=CIP, dst=VIP, ttl=ttl)
            / TCP(sport=sport, dport=80, flags=flags, seq=1000) / b"hello")


def checksums_valid(frame: bytes) -> bool:
    pkt = Ether(frame)
    again = pkt.copy()
    del again[IP].chksum
    if again.haslayer(TCP):
        del again[TCP].chksum
    if again.haslayer(ICMP):
        del again[ICMP].chksum
    return bytes(Ether(bytes(again))) == frame


def test_dr_forward_rewrites_macs_and_sends_to_the_real_server() -> None:
    rig = Rig()
    rig.net.resolve(p(RIP), mac(RMAC))
    rig.feed(client())
    assert len(rig.sent) == 1
    ifindex, frame = rig.sent[0]
    assert ifindex == OUT_IF
    out, orig = Ether(frame), client()
    assert (out.dst, out.src) == (RMAC, DMAC)
    assert (out[IP].src, out[IP].dst, out[TCP].dport) == (CIP, VIP, 80)  # IP untouched
    assert out[IP].ttl == orig[IP].ttl - 1  # IPVS decrements it like any forwarding
    assert bytes(out[TCP]) == bytes(Ether(bytes(orig))[TCP])
    assert checksums_valid(frame)
    assert rig.counters.tx == 1 and rig.counters.rx == 1
    assert rig.dest_stats() == (1, 1, 0)


def test_dr_frames_wait_for_the_neighbour_then_go() -> None:
    rig = Rig()
    rig.feed(client(), now=1.0)
    rig.feed(client(flags="A"), now=1.01)
    assert rig.sent == [] and rig.counters.queued == 2
    assert rig.net.probes  # resolution was triggered
    rig.net.resolve(p(RIP), mac(RMAC))
    rig.fwd.service_queue(lambda a: AF_INET, 1.05)
    assert [Ether(f).dst for _, f in rig.sent] == [RMAC, RMAC]
    assert [Ether(f)[TCP].flags for _, f in rig.sent] == ["S", "A"]  # order kept
    assert rig.counters.tx == 2 and not rig.counters.drops


def test_frames_for_a_silent_neighbour_are_dropped_by_name() -> None:
    rig = Rig()
    rig.feed(client(), now=1.0)
    rig.fwd.service_queue(lambda a: AF_INET, 1.2)
    assert rig.counters.queued == 1 and not rig.counters.drops
    rig.fwd.service_queue(lambda a: AF_INET, 1.6)
    assert rig.sent == []
    assert rig.counters.drops == {"neigh-timeout": 1}


def test_non_syn_without_connection_is_passed_to_the_kernel() -> None:
    rig = Rig()
    rig.net.resolve(p(RIP), mac(RMAC))
    rig.feed(client(flags="A"))
    assert rig.sent == []
    assert rig.counters.passed == 1
    assert rig.dest_stats() == (0, 0, 0)


def test_no_destination_rejects_with_port_unreachable() -> None:
    rig = Rig(dests=0)
    rig.feed(client())
    assert len(rig.sent) == 1
    ifindex, frame = rig.sent[0]
    assert ifindex == IN_IF
    reply = Ether(frame)
    assert (reply.dst, reply[IP].src, reply[IP].dst) == (CMAC, VIP, CIP)
    assert (reply[ICMP].type, reply[ICMP].code) == (3, 3)
    assert reply[TCPerror].sport == 40000  # it quotes the client's packet
    assert rig.counters.drops.get("no-dest", 0) + rig.counters.drops.get("reject", 0) == 1


def test_ttl_expired_answers_time_exceeded_and_counts_the_reason() -> None:
    rig = Rig()
    rig.net.resolve(p(RIP), mac(RMAC))
    rig.feed(client(ttl=1))
    assert len(rig.sent) == 1 and rig.sent[0][0] == IN_IF
    assert Ether(rig.sent[0][1])[ICMP].type == 11
    assert rig.counters.drops == {"ttl-exceeded": 1}


def test_nat_rewrites_both_directions() -> None:
    rig = Rig(method=FwdMethod.MASQ)
    rig.net.resolve(p(RIP), mac(RMAC))
    rig.net.resolve(p(CIP), mac(CMAC))
    rig.feed(client())
    _, frame = rig.sent[-1]
    fwd = Ether(frame)
    assert (fwd.dst, fwd[IP].dst, fwd[TCP].dport, fwd[IP].src) == (RMAC, RIP, 8080, CIP)
    assert checksums_valid(frame)
    reply = (Ether(src=RMAC, dst=DMAC) / IP(src=RIP, dst=CIP)
             / TCP(sport=8080, dport=40000, flags="SA") / b"hi")
    rig.feed(reply, ifindex=OUT_IF)
    ifindex, frame = rig.sent[-1]
    back = Ether(frame)
    assert ifindex == IN_IF
    assert (back.dst, back[IP].src, back[TCP].sport, back[IP].dst) == (CMAC, VIP, 80, CIP)
    assert checksums_valid(frame)
    assert rig.dest_stats() == (1, 1, 1)


def test_tunnel_encapsulates_from_the_directors_address() -> None:
    rig = Rig(method=FwdMethod.TUNNEL)
    rig.net.resolve(p(RIP), mac(RMAC))
    rig.feed(client())
    out = Ether(rig.sent[-1][1])
    assert (out[IP].src, out[IP].dst, out[IP].proto) == (DIP, RIP, 4)
    inner = out[IP].payload
    assert (inner.src, inner.dst, inner[TCP].dport) == (CIP, VIP, 80)


def test_pending_checksum_is_completed_before_sending() -> None:
    rig = Rig()
    rig.net.resolve(p(RIP), mac(RMAC))
    pkt = client()
    raw = bytearray(bytes(pkt))
    l4 = 14 + 20
    tcp_len = len(raw) - l4
    partial = pseudo_sum(p(CIP), p(VIP), IPPROTO_TCP, tcp_len) & 0xFFFF  # as offload leaves it
    raw[l4 + 16 : l4 + 18] = partial.to_bytes(2, "big")
    rig.feed(Ether(bytes(raw)), status=TP_STATUS_CSUMNOTREADY)
    frame = rig.sent[-1][1]
    assert checksums_valid(frame)
    assert Ether(frame)[TCP].chksum == Ether(bytes(pkt))[TCP].chksum


def test_truncated_frame_is_dropped_under_the_parser_reason() -> None:
    rig = Rig()
    raw = bytes(client())[:30]
    buf = bytearray(raw)
    rig.handler.handle(memoryview(buf), 0, IN_IF, 1.0)
    assert rig.sent == []
    assert list(rig.counters.drops) == ["truncated-ip"]


def test_unroutable_real_server_is_dropped_as_no_route() -> None:
    rig = Rig()
    del rig.net.routes[p(RIP)]
    rig.feed(client())
    assert rig.sent == [] and rig.counters.drops == {"no-route": 1}


@pytest.mark.parametrize("reason", ["no-conn", "ttl", "quiesced"])
def test_drop_verdicts_are_counted_by_their_reason(reason: str) -> None:
    rig = Rig()
    meta = PacketMeta(AF_INET, IPPROTO_TCP, p(CIP), p(VIP), 1, 80)
    rig.fwd.apply(Verdict(Action.DROP, reason=reason), meta, memoryview(b""), None,  # type: ignore[arg-type]
                  IN_IF, 0.0)
    assert rig.counters.drops == {reason: 1} and rig.sent == []


def test_udp_is_forwarded_too() -> None:
    rig = Rig()
    rig.ipvs.add_service(ServiceSpec(protocol=17, addr=p(VIP), port=53, sched_name="rr"))
    rig.ipvs.add_dest(ServiceSpec(protocol=17, addr=p(VIP), port=53).key(),
                      DestSpec(addr=p(RIP), port=53, conn_flags=FwdMethod.DROUTE))
    rig.net.resolve(p(RIP), mac(RMAC))
    rig.feed(Ether(src=CMAC, dst=DMAC) / IP(src=CIP, dst=VIP) / UDP(sport=5353, dport=53) / b"q")
    out = Ether(rig.sent[-1][1])
    assert out.dst == RMAC and out[UDP].dport == 53


@pytest.mark.parametrize("pkt", [
    client(),
    Ether(src=CMAC, dst=DMAC) / IP(src=CIP, dst=VIP, ttl=2)
    / TCP(sport=40001, dport=80, flags="S"),
    Ether(bytes(Ether(src=CMAC, dst=DMAC) / IP(src=CIP, dst=VIP) / TCP(sport=40002, flags="S"))
          + bytes(6)),  # Ethernet padding after the IP packet
], ids=["data", "ttl2", "padded"])
def test_in_place_dr_equals_the_packet_layer_rewrite(pkt: Packet) -> None:
    from pylvs.packet.dr import dr_forward
    from pylvs.packet.parse import Parsed, parse_frame

    raw = bytes(pkt)
    parsed = parse_frame(raw)
    assert isinstance(parsed, Parsed)
    want = dr_forward(raw, parsed, mac(RMAC), mac(DMAC), mtu=1500)
    rig = Rig()
    rig.net.resolve(p(RIP), mac(RMAC))
    rig.feed(pkt)
    assert [f for _, f in rig.sent] == [want]


def test_ipv6_dr_forward() -> None:
    from scapy.layers.inet6 import IPv6

    rig = Rig()
    vip6, cip6, rip6 = "2001:db8::150", "2001:db8::100", "2001:db8::171"
    svc = ServiceSpec(af=10, protocol=IPPROTO_TCP, addr=p(vip6), port=80, sched_name="rr",
                      netmask=128)
    rig.ipvs.add_service(svc)
    rig.ipvs.add_dest(svc.key(), DestSpec(af=10, addr=p(rip6), port=80,
                                          conn_flags=FwdMethod.DROUTE))
    rig.handler.set_vips(frozenset({p(VIP), p(vip6)}))
    rig.net.on_link(p(rip6), ifindex=OUT_IF)
    rig.net.resolve(p(rip6), mac(RMAC))
    rig.feed(Ether(src=CMAC, dst=DMAC) / IPv6(src=cip6, dst=vip6, hlim=9)
             / TCP(sport=40003, dport=80))
    out = Ether(rig.sent[-1][1])
    assert (out.dst, out[IPv6].dst, out[IPv6].hlim) == (RMAC, vip6, 8)


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 255), st.integers(0, 255), st.integers(0, 0xFFFF))
def test_in_place_ttl_decrement_equals_the_packet_layer(ttl: int, proto: int, csum: int) -> None:
    from pylvs.datapath.forward import Forwarder
    from pylvs.datapath.neigh import Hop
    from pylvs.packet.common import decrement_ttl
    from pylvs.packet.parse import Parsed

    header = bytearray(20)
    header[0], header[8], header[9] = 0x45, ttl, proto
    header[10:12] = csum.to_bytes(2, "big")
    want = bytearray(header)
    decrement_ttl(want, AF_INET)
    frame = bytearray(bytes(14) + header)
    parsed = Parsed()
    parsed.af, parsed.l3_off, parsed.ip_len = AF_INET, 14, 20
    sent: list[bytes] = []
    fwd = Forwarder(Resolver(FakeNet()), lambda i, f: sent.append(bytes(f)) or True,
                    {2: mac(DMAC)}, Counters(), lambda: 0)
    fwd._dr_in_place(memoryview(frame), parsed, Hop(2, mac(RMAC), 1.0))
    assert sent == [mac(RMAC) + mac(DMAC) + bytes(2) + bytes(want)]


NAT_CASES = [
    client(),
    Ether(src=CMAC, dst=DMAC) / IP(src=CIP, dst=VIP, ttl=2) / UDP(sport=40001, dport=80)
    / b"datagram",
    Ether(bytes(Ether(src=CMAC, dst=DMAC) / IP(src=CIP, dst=VIP, flags="DF")
                / TCP(sport=40002, flags="S")) + bytes(6)),  # Ethernet padding
    Ether(src=CMAC, dst=DMAC) / IP(src=CIP, dst=VIP) / UDP(sport=40003, dport=80, chksum=0)
    / b"no checksum",
]


@pytest.mark.parametrize("pkt", NAT_CASES, ids=["tcp", "udp-ttl2", "padded", "udp-nocsum"])
def test_in_place_nat_equals_the_packet_layer_rewrite(pkt: Packet) -> None:
    from pylvs.packet.nat import nat_in, nat_out
    from pylvs.packet.parse import Parsed, parse_frame

    rig = Rig(method=FwdMethod.MASQ)
    proto = IPPROTO_TCP if pkt.haslayer(TCP) else 17
    if proto != IPPROTO_TCP:
        svc = ServiceSpec(protocol=proto, addr=p(VIP), port=80, sched_name="rr")
        rig.ipvs.add_service(svc)
        rig.ipvs.add_dest(svc.key(), DestSpec(addr=p(RIP), port=8080,
                                              conn_flags=FwdMethod.MASQ))
    rig.net.resolve(p(RIP), mac(RMAC))
    rig.net.resolve(p(CIP), mac(CMAC))
    rig.feed(pkt)  # the first one resolves the hop (packet layer), the second goes in place
    rig.feed(pkt)
    raw = bytes(pkt)
    parsed = parse_frame(raw)
    assert isinstance(parsed, Parsed)
    want_in = nat_in(raw, parsed, p(RIP), 8080, mac(RMAC), mac(DMAC), mtu=1500)
    assert [f for _, f in rig.sent] == [want_in, want_in]
    sport = pkt[TCP].sport if proto == IPPROTO_TCP else pkt[UDP].sport
    l4 = TCP(sport=8080, dport=sport, flags="SA") if proto == IPPROTO_TCP else UDP(
        sport=8080, dport=sport)
    reply = Ether(src=RMAC, dst=DMAC) / IP(src=RIP, dst=CIP, ttl=pkt[IP].ttl) / l4 / b"back"
    rig.feed(reply, ifindex=OUT_IF)
    rig.feed(reply, ifindex=OUT_IF)
    raw = bytes(reply)
    parsed = parse_frame(raw)
    assert isinstance(parsed, Parsed)
    want_out = nat_out(raw, parsed, p(VIP), 80, mac(CMAC), mac(DMAC))
    assert [f for _, f in rig.sent[2:]] == [want_out, want_out]
    assert checksums_valid(want_out) and checksums_valid(want_in)
