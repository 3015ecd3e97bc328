"""Persistence: template keys, stickiness, expiry, fwmark, port 0, FTP, quiesced dests."""

from __future__ import annotations

from pylvs.core.constants import IPPROTO_TCP, IPPROTO_UDP, FwdMethod, SvcFlag
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import TCP_ACK, TCP_SYN, Action, Direction, PacketMeta
from pylvs.core.model import DestSpec, ServiceKey, ServiceSpec
from pylvs.core.persistence import client_net
from pylvs.core.views import conn_views

VIP = bytes([198, 18, 0, 150])
RS = [bytes([198, 18, 0, 171 + i]) for i in range(3)]
P = SvcFlag.PERSISTENT


def rnd() -> int:
    return 0


def persistent(timeout: int = 100, netmask: int = 0xFFFFFFFF, port: int = 80,
               fwmark: int = 0, proto: int = IPPROTO_TCP, dport: int = 80,
               ) -> tuple[IPVS, ServiceKey]:
    t = IPVS()
    spec = ServiceSpec(protocol=proto, addr=VIP, port=port, fwmark=fwmark, sched_name="rr",
                       flags=P, timeout=timeout, netmask=netmask)
    svc = t.add_service(spec)
    for addr in RS:
        t.add_dest(svc.key, DestSpec(addr=addr, port=dport, conn_flags=FwdMethod.DROUTE))
    return t, svc.key


def syn(t: IPVS, client: bytes, sport: int, now: float, dport: int = 80,
        mark: int = 0, proto: int = IPPROTO_TCP) -> tuple[bytes, int]:
    flags = TCP_SYN if proto == IPPROTO_TCP else 0
    v = t.process(PacketMeta(2, proto, client, VIP, sport, dport, flags, 60, Direction.IN,
                             mark), now, rnd)
    assert v.action == Action.FORWARD, v
    return v.daddr, v.dport


def templates(t: IPVS, now: float) -> list[tuple[int, bytes, int, bytes, int, str]]:
    return sorted((v.protocol, v.caddr, v.vport, v.daddr, v.dport, v.state)
                  for v in conn_views(t, now) if v.cport == 0)


def test_client_net_masks_ipv4_and_ipv6() -> None:
    assert client_net(2, bytes([10, 1, 2, 3]), 0xFFFFFF00) == bytes([10, 1, 2, 0])
    v6 = bytes.fromhex("20010db8000000000000000000001234")
    assert client_net(10, v6, 64) == bytes.fromhex("20010db8000000000000000000000000")
    assert client_net(10, v6, 128) == v6


def test_clients_of_one_network_stick_to_one_dest_until_the_template_expires() -> None:
    t, _ = persistent(timeout=100, netmask=0xFFFFFF00)
    first = syn(t, bytes([10, 0, 0, 1]), 1000, 0.0)
    # other ports and other hosts of the same /24 go to the same dest
    for i in range(2, 6):
        assert syn(t, bytes([10, 0, 0, i]), 1000 + i, float(i)) == first
    # one template, keyed by the masked address with client port 0
    assert templates(t, 5.0) == [(IPPROTO_TCP, bytes([10, 0, 0, 0]), 80, first[0], 80, "NONE")]
    # another network is scheduled afresh (rr moves on)
    assert syn(t, bytes([10, 0, 1, 1]), 2000, 6.0) != first
    # entries time out (SYN_RECV 60 s); the template was re-armed at t=5 for 100 s
    t.expire(104.9)
    assert len(templates(t, 104.9)) == 2
    t.expire(105.5)
    assert [x[1] for x in templates(t, 105.5)] == [bytes([10, 0, 1, 0])]
    t.expire(106.0)
    assert templates(t, 106.0) == []
    # rr continues after the second network's dest
    nxt = syn(t, bytes([10, 0, 0, 9]), 3000, 107.0)
    assert nxt not in (first,)


def test_template_is_assured_on_established_and_rearmed_while_controlling() -> None:
    t, _ = persistent(timeout=3)
    c = bytes([10, 0, 0, 1])
    syn(t, c, 1000, 0.0)
    t.process(PacketMeta(2, IPPROTO_TCP, c, VIP, 1000, 80, TCP_ACK, 52), 0.1, rnd)
    assert templates(t, 0.1)[0][5] == "ASSURED"
    # at 3 s the template still controls the ESTABLISHED entry: re-armed for 60 s
    t.expire(3.0)
    (tpl,) = [v for v in conn_views(t, 3.0) if v.cport == 0]
    assert tpl.expires == 60.0
    assert sum(d.persistconns for d in t.services[next(iter(t.services))].dests) == 1


def test_fwmark_template_uses_protocol_ip_and_the_mark_as_address() -> None:
    t, _ = persistent(fwmark=7, port=0, dport=0)
    c = bytes([10, 0, 0, 1])
    d1 = syn(t, c, 1000, 0.0, dport=443, mark=7)
    assert d1[1] == 443  # fwmark services forward to the packet's own port
    assert syn(t, c, 1001, 0.1, dport=80, mark=7)[0] == d1[0]  # any port, same dest
    assert templates(t, 0.1) == [(0, c, 0, d1[0], 0, "NONE")]
    (tpl,) = [v for v in conn_views(t, 0.1) if v.cport == 0]
    assert tpl.vaddr == bytes([0, 0, 0, 7])


def test_port_zero_service_template_has_port_zero() -> None:
    t, _ = persistent(port=0, dport=0)
    c = bytes([10, 0, 0, 1])
    d1 = syn(t, c, 1000, 0.0, dport=22)
    assert syn(t, c, 1001, 0.0, dport=8080)[0] == d1[0]
    assert templates(t, 0.0) == [(IPPROTO_TCP, c, 0, d1[0], 0, "NONE")]


def test_ftp_template_has_vport_zero_and_is_shared_with_data_ports() -> None:
    t, _ = persistent(port=21, dport=21)
    c = bytes([10, 0, 0, 1])
    ctrl = syn(t, c, 1000, 0.0, dport=21)
    data = syn(t, c, 1001, 0.1, dport=40000)  # found through the FTP lookup
    assert data == (ctrl[0], 40000)
    assert templates(t, 0.1) == [(IPPROTO_TCP, c, 0, ctrl[0], 0, "NONE")]


def test_quiesced_dest_keeps_its_persistent_clients() -> None:
    t, key = persistent()
    c = bytes([10, 0, 0, 1])
    d1 = syn(t, c, 1000, 0.0)
    for addr in RS:
        t.edit_dest(key, DestSpec(addr=addr, port=80, weight=0))
    assert syn(t, c, 1001, 1.0) == d1
    assert t.process(PacketMeta(2, IPPROTO_TCP, bytes([10, 9, 9, 9]), VIP, 5, 80, TCP_SYN),
                     1.0, rnd).action == Action.REJECT


def test_expire_quiescent_template_reschedules_and_invalidates_the_old_one() -> None:
    t, key = persistent()
    t.sysctls.expire_quiescent_template = 1
    c = bytes([10, 0, 0, 1])
    d1 = syn(t, c, 1000, 0.0)
    t.edit_dest(key, DestSpec(addr=d1[0], port=80, weight=0))
    d2 = syn(t, c, 1001, 1.0)
    assert d2[0] != d1[0]
    rows = templates(t, 1.0)
    assert (IPPROTO_TCP, c, 80, d2[0], 80, "NONE") in rows
    assert (IPPROTO_TCP, c, 65535, d1[0], 65535, "NONE") in rows


def test_deleted_dest_invalidates_its_template() -> None:
    t, key = persistent()
    c = bytes([10, 0, 0, 1])
    d1 = syn(t, c, 1000, 0.0)
    t.del_dest(key, 2, d1[0], 80)
    d2 = syn(t, c, 1001, 1.0)
    assert d2[0] != d1[0]


def test_udp_template_is_assured_by_a_reply() -> None:
    t = IPVS()
    svc = t.add_service(ServiceSpec(protocol=IPPROTO_UDP, addr=VIP, port=53, sched_name="rr",
                                    flags=P, timeout=30))
    t.add_dest(svc.key, DestSpec(addr=RS[0], port=53, conn_flags=FwdMethod.MASQ))
    c = bytes([10, 0, 0, 1])
    syn(t, c, 999, 0.0, dport=53, proto=IPPROTO_UDP)
    assert templates(t, 0.0)[0][5] == "NONE"
    t.process(PacketMeta(2, IPPROTO_UDP, RS[0], c, 53, 999, 0, 40, Direction.OUT), 0.1, rnd)
    assert templates(t, 0.1)[0][5] == "ASSURED"


def test_flushing_a_removed_dest_drops_its_entries_and_templates() -> None:
    # ip_vs_expire_nodest_conn_flush: every entry of the dest goes, with its template
    t, key = persistent()
    t.sysctls.expire_nodest_conn = 1
    a, b = bytes([10, 0, 0, 1]), bytes([10, 0, 1, 1])
    da = syn(t, a, 1000, 0.0)
    t.process(PacketMeta(2, IPPROTO_TCP, a, VIP, 1000, 80, TCP_ACK, 52), 0.1, rnd)  # assured
    for addr in RS:
        if addr != da[0]:
            t.edit_dest(key, DestSpec(addr=addr, port=80, weight=0))
    assert syn(t, b, 2000, 0.2) == da  # the one dest left with weight
    assert [r[5] for r in templates(t, 0.2)] == ["ASSURED", "NONE"]
    t.del_dest(key, 2, da[0], 80)
    assert templates(t, 0.3) == [] and len(t.conns) == 0
    assert t.trash[0].refcnt == 0 and t.trash[0].persistconns == 0


def test_normal_expiry_of_an_entry_leaves_its_template_to_its_own_timer() -> None:
    t, _ = persistent()
    a = bytes([10, 0, 0, 1])
    syn(t, a, 1000, 0.0)
    # normal expiry of the entry (SYN_RECV, 60 s) leaves the template to its own timer
    t.expire(60.0)
    assert len(t.conns.conns) == 0 and len(templates(t, 60.0)) == 1
    t.expire(100.0)
    assert templates(t, 100.0) == []
