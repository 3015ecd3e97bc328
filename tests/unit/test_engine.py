"""Packets through IPVS.process(): DR, NAT and UDP flows, counters, no-dest, reuse."""

from __future__ import annotations

from pylvs.core.constants import IPPROTO_TCP, IPPROTO_UDP, FwdMethod, SvcFlag
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import (
    TCP_ACK,
    TCP_FIN,
    TCP_RST,
    TCP_SYN,
    Action,
    Direction,
    PacketMeta,
    Verdict,
)
from pylvs.core.model import DestSpec, ServiceKey, ServiceSpec
from pylvs.core.views import conn_views

VIP = bytes([198, 18, 0, 150])
CIP = bytes([198, 18, 0, 100])
RS1 = bytes([198, 18, 0, 171])
RS2 = bytes([198, 18, 0, 172])
NRS1 = bytes([198, 19, 0, 171])


def rand32() -> int:
    return 0x12345678


def cin(sport: int, flags: int, dport: int = 80, proto: int = IPPROTO_TCP,
        length: int = 60, related: bool = False) -> PacketMeta:
    return PacketMeta(2, proto, CIP, VIP, sport, dport, flags, length, Direction.IN,
                      related=related)


def table(method: int = FwdMethod.DROUTE, proto: int = IPPROTO_TCP, port: int = 80,
          rs: tuple[bytes, ...] = (RS1, RS2), flags: int = 0, timeout: int = 0,
          ) -> tuple[IPVS, ServiceKey]:
    t = IPVS()
    svc = t.add_service(ServiceSpec(protocol=proto, addr=VIP, port=port, sched_name="rr",
                                    flags=flags, timeout=timeout))
    for addr in rs:
        t.add_dest(svc.key, DestSpec(addr=addr, port=port, conn_flags=method))
    return t, svc.key


def states(t: IPVS, now: float) -> list[tuple[str, int]]:
    return sorted((v.state, round(v.expires)) for v in conn_views(t, now))


def test_dr_flow_states_counters_and_stats() -> None:
    t, key = table()
    v = t.process(cin(40000, TCP_SYN), 0.0, rand32)
    assert v.action == Action.FORWARD and v.fwd_method == FwdMethod.DROUTE
    chosen = t.get_service(key).find_dest(2, v.daddr, 80)
    assert chosen is not None
    assert states(t, 0.0) == [("SYN_RECV", 60)]
    assert (chosen.activeconns, chosen.inactconns, chosen.refcnt) == (1, 0, 1)
    t.process(cin(40000, TCP_ACK), 1.0, rand32)
    assert states(t, 1.0) == [("ESTABLISHED", 900)]
    t.process(cin(40000, TCP_FIN | TCP_ACK), 2.0, rand32)
    assert states(t, 2.0) == [("FIN_WAIT", 120)]
    assert (chosen.activeconns, chosen.inactconns) == (0, 1)
    t.process(cin(40000, TCP_ACK), 3.0, rand32)
    assert states(t, 3.0) == [("FIN_WAIT", 120)]
    svc = t.get_service(key)
    assert svc.stats.counters().conns == 1
    assert svc.stats.counters().inpkts == 4 and svc.stats.counters().inbytes == 240
    assert t.stats.counters().inpkts == 4 and chosen.stats.counters().inpkts == 4
    t.expire(122.9)
    assert len(t.conns) == 1
    t.expire(123.0)
    assert len(t.conns) == 0
    assert (chosen.activeconns, chosen.inactconns, chosen.refcnt) == (0, 0, 0)


def test_nat_flow_replies_are_rewritten_and_counted() -> None:
    t, key = table(FwdMethod.MASQ, rs=(NRS1,))
    v = t.process(cin(40001, TCP_SYN), 0.0, rand32)
    assert (v.action, v.daddr, v.dport) == (Action.FORWARD, NRS1, 80)
    reply = PacketMeta(2, IPPROTO_TCP, NRS1, CIP, 80, 40001, TCP_SYN | TCP_ACK, 60,
                       Direction.OUT)
    r = t.process(reply, 0.1, rand32)
    assert (r.action, r.vaddr, r.vport) == (Action.NAT_OUT, VIP, 80)
    assert r.conn is v.conn
    assert states(t, 0.1) == [("SYN_RECV", 60)]
    t.process(cin(40001, TCP_ACK), 0.2, rand32)
    assert states(t, 0.2) == [("ESTABLISHED", 900)]
    # server closes first: output fin from ES -> FIN_WAIT, client ack keeps it
    t.process(PacketMeta(2, IPPROTO_TCP, NRS1, CIP, 80, 40001, TCP_FIN | TCP_ACK, 52,
                         Direction.OUT), 0.3, rand32)
    assert states(t, 0.3) == [("FIN_WAIT", 120)]
    svc = t.get_service(key)
    c = svc.stats.counters()
    assert (c.conns, c.inpkts, c.outpkts, c.outbytes) == (1, 2, 2, 112)
    # a reply for an unknown connection is not ours
    stray = PacketMeta(2, IPPROTO_TCP, NRS1, CIP, 80, 40999, TCP_ACK, 52, Direction.OUT)
    assert t.process(stray, 0.4, rand32).action == Action.PASS


def test_udp_is_always_inactive_and_uses_the_udp_timeout() -> None:
    t, _ = table(FwdMethod.MASQ, proto=IPPROTO_UDP, port=53, rs=(NRS1,))
    t.set_timeouts(0, 0, 200)
    v = t.process(cin(5000, 0, dport=53, proto=IPPROTO_UDP), 0.0, rand32)
    assert v.action == Action.FORWARD
    d = t.conns.conns[v.conn.key].dest  # type: ignore[union-attr]
    assert d is not None and (d.activeconns, d.inactconns) == (0, 1)
    assert states(t, 0.0) == [("UDP", 200)]


def test_no_dest_rejects_and_tcp_without_syn_passes() -> None:
    t, _ = table(rs=())
    assert t.process(cin(1, TCP_ACK), 0.0, rand32).action == Action.PASS
    v = t.process(cin(1, TCP_SYN), 0.0, rand32)
    assert (v.action, v.reason) == (Action.REJECT, "no-dest")
    assert t.process(cin(1, TCP_SYN | TCP_RST), 0.0, rand32).action == Action.PASS
    other = PacketMeta(2, IPPROTO_TCP, CIP, VIP, 1, 81, TCP_SYN, 60)
    assert t.process(other, 0.0, rand32).reason == "no-service"


def test_syn_on_time_wait_entry_is_rescheduled() -> None:
    t, _ = table(FwdMethod.MASQ)
    first = t.process(cin(7, TCP_SYN), 0.0, rand32)
    t.process(cin(7, TCP_ACK), 0.05, rand32)
    t.process(cin(7, TCP_RST), 0.1, rand32)
    assert states(t, 0.1) == [("CLOSE", 10)]
    second = t.process(cin(7, TCP_SYN), 0.2, rand32)
    assert second.conn is not first.conn and second.daddr != first.daddr
    assert states(t, 0.2) == [("SYN_RECV", 60)]


def test_one_packet_scheduling_leaves_no_entry() -> None:
    t, key = table(proto=IPPROTO_UDP, port=53, flags=SvcFlag.ONEPACKET)
    a = t.process(cin(9, 0, dport=53, proto=IPPROTO_UDP), 0.0, rand32)
    b = t.process(cin(9, 0, dport=53, proto=IPPROTO_UDP), 0.0, rand32)
    assert isinstance(a, Verdict) and a.daddr != b.daddr
    assert len(t.conns) == 0
    assert t.get_service(key).stats.counters().conns == 2
    assert all(d.inactconns == 0 and d.refcnt == 0 for d in t.get_service(key).dests)


def test_sloppy_tcp_creates_entries_from_any_non_rst_segment() -> None:
    t, _ = table()
    assert t.process(cin(11, TCP_ACK), 0.0, rand32).action == Action.PASS
    t.sysctls.sloppy_tcp = 1
    v = t.process(cin(11, TCP_ACK), 0.0, rand32)
    assert v.action == Action.FORWARD
    assert states(t, 0.0) == [("ESTABLISHED", 900)]
    assert t.process(cin(12, TCP_RST), 0.0, rand32).action == Action.PASS


def test_nat_icmp_send_rejects_stray_packets_from_real_servers() -> None:
    t, _ = table(FwdMethod.MASQ, rs=(NRS1,))
    stray = PacketMeta(2, IPPROTO_TCP, NRS1, CIP, 80, 555, TCP_ACK, 52, Direction.OUT)
    assert t.process(stray, 0.0, rand32).action == Action.PASS
    t.sysctls.nat_icmp_send = 1
    assert t.process(stray, 0.0, rand32).action == Action.REJECT
    stray.tcp_flags = TCP_RST
    assert t.process(stray, 0.0, rand32).action == Action.PASS
    other = PacketMeta(2, IPPROTO_TCP, NRS1, CIP, 81, 555, TCP_ACK, 52, Direction.OUT)
    assert t.process(other, 0.0, rand32).action == Action.PASS


def test_port_zero_non_persistent_service_rejects_and_ftp_vip_passes() -> None:
    t = IPVS()
    svc = t.add_service(ServiceSpec(addr=VIP, port=0, sched_name="rr"))
    t.add_dest(svc.key, DestSpec(addr=RS1, port=0, conn_flags=FwdMethod.DROUTE))
    assert t.process(cin(1, TCP_SYN, dport=22), 0.0, rand32).action == Action.REJECT
    t = IPVS()
    ftp = t.add_service(ServiceSpec(addr=VIP, port=21, sched_name="rr"))
    t.add_dest(ftp.key, DestSpec(addr=RS1, port=21, conn_flags=FwdMethod.DROUTE))
    v = t.process(cin(1, TCP_SYN, dport=2121), 0.0, rand32)
    assert (v.action, v.reason) == (Action.PASS, "ftp-other-port")
    assert t.process(cin(1, TCP_SYN, dport=21), 0.0, rand32).action == Action.FORWARD
    v = t.process(PacketMeta(2, IPPROTO_TCP, CIP, VIP, 20, 4000, TCP_SYN, 60), 0.0, rand32)
    assert (v.action, v.reason) == (Action.PASS, "ftp-data")


def test_account_folds_flow_cache_packets_into_counters_and_timer() -> None:
    t, key = table(FwdMethod.MASQ, rs=(NRS1,))
    v = t.process(cin(40010, TCP_SYN), 0.0, rand32)
    t.process(cin(40010, TCP_ACK), 0.0, rand32)
    conn = v.conn
    assert t.account(conn, 500.0, 10, 1000, 8, 4000)  # type: ignore[arg-type]
    c = t.get_service(key).stats.counters()
    assert (c.inpkts, c.inbytes, c.outpkts, c.outbytes) == (12, 1120, 8, 4000)
    assert t.stats.counters().outbytes == 4000
    t.expire(1399.0)
    assert states(t, 1399.0) == [("ESTABLISHED", 1)]  # re-armed at 500 for 900 s
    t.expire(1400.0)
    assert len(t.conns) == 0
    assert not t.account(conn, 1401.0, 1, 60)  # type: ignore[arg-type]


def test_ipv6_nat_flow_and_persistence_by_prefix() -> None:
    vip6 = bytes.fromhex("20010db8000000000000000000000096")
    rs6 = bytes.fromhex("20010db8000100000000000000000001")
    c1 = bytes.fromhex("20010db8abcd00000000000000000001")
    c2 = bytes.fromhex("20010db8abcd00000000000000000002")
    t = IPVS()
    svc = t.add_service(ServiceSpec(af=10, addr=vip6, port=443, sched_name="rr",
                                    flags=SvcFlag.PERSISTENT, timeout=60, netmask=64))
    t.add_dest(svc.key, DestSpec(af=10, addr=rs6, port=8443, conn_flags=FwdMethod.MASQ))
    v = t.process(PacketMeta(10, IPPROTO_TCP, c1, vip6, 5000, 443, TCP_SYN, 80), 0.0, rand32)
    assert (v.action, v.daddr, v.dport) == (Action.FORWARD, rs6, 8443)
    r = t.process(PacketMeta(10, IPPROTO_TCP, rs6, c1, 8443, 5000, TCP_SYN | TCP_ACK, 80,
                             Direction.OUT), 0.1, rand32)
    assert (r.action, r.vaddr, r.vport) == (Action.NAT_OUT, vip6, 443)
    t.process(PacketMeta(10, IPPROTO_TCP, c2, vip6, 5001, 443, TCP_SYN, 80), 0.2, rand32)
    views = conn_views(t, 0.2)
    (tpl,) = [x for x in views if x.cport == 0]
    assert tpl.af == 10 and tpl.caddr == bytes.fromhex("20010db8abcd00000000000000000000")
    assert sorted(x.caddr for x in views if x.cport) == [c1, c2]


def test_tunnel_verdict_carries_the_tunnel_and_the_dest_family() -> None:
    t = IPVS()
    svc = t.add_service(ServiceSpec(addr=VIP, port=80, sched_name="rr"))
    rs6 = bytes.fromhex("20010db8000000000000000000000171")
    t.add_dest(svc.key, DestSpec(af=10, addr=rs6, port=80, conn_flags=FwdMethod.TUNNEL,
                                 tun_type=1, tun_port=6080, tun_flags=1))
    v = t.process(cin(40020, TCP_SYN), 0.0, rand32)
    assert (v.action, v.fwd_method, v.daf, v.daddr, v.dport) == (
        Action.FORWARD, FwdMethod.TUNNEL, 10, rs6, 80)
    assert (v.tun_type, v.tun_port, v.tun_flags) == (1, 6080, 1)
    (view,) = conn_views(t, 0.0)
    assert (view.af, view.daf, view.daddr, view.state) == (2, 10, rs6, "SYN_RECV")


def test_other_protocols_pass_and_sctp_is_balanced_without_states() -> None:
    t = IPVS()
    svc = t.add_service(ServiceSpec(fwmark=5, sched_name="rr"))
    t.add_dest(svc.key, DestSpec(addr=RS1, port=0, conn_flags=FwdMethod.DROUTE))
    gre = PacketMeta(2, 47, CIP, VIP, 0, 0, 0, 100, Direction.IN, 5)
    assert t.process(gre, 0.0, rand32).reason == "unsupported-protocol"
    sctp = PacketMeta(2, 132, CIP, VIP, 3000, 3868, 0, 100, Direction.IN, 5)
    v = t.process(sctp, 0.0, rand32)
    assert (v.action, v.daddr, v.dport) == (Action.FORWARD, RS1, 3868)
    assert states(t, 0.0) == [("ESTABLISHED", 900)]
    assert t.process(sctp, 100.0, rand32).conn is v.conn
