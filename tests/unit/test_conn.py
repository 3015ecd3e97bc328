"""Connection table: thresholds, removed dests, trash references, ICMP errors, expiry."""

from __future__ import annotations

import random

from pylvs.core import conn, constants
from pylvs.core.conn import ConnTable, pack_key, unpack_key
from pylvs.core.constants import IPPROTO_TCP, IPPROTO_UDP, ConnFlag, DestFlag, FwdMethod
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import TCP_ACK, TCP_FIN, TCP_SYN, Action, Direction, PacketMeta
from pylvs.core.model import Dest, DestSpec, ServiceKey, ServiceSpec
from pylvs.core.views import conn_views

VIP = bytes([198, 18, 0, 150])
CIP = bytes([198, 18, 0, 100])
RS1 = bytes([198, 18, 0, 171])
RS2 = bytes([198, 18, 0, 172])


def rnd() -> int:
    return 0


def table(method: int = FwdMethod.DROUTE, u: int = 0, l: int = 0,  # noqa: E741
          rs: tuple[bytes, ...] = (RS1,)) -> tuple[IPVS, ServiceKey]:
    t = IPVS()
    svc = t.add_service(ServiceSpec(addr=VIP, port=80, sched_name="rr"))
    for addr in rs:
        t.add_dest(svc.key, DestSpec(addr=addr, port=80, conn_flags=method, u_threshold=u,
                                     l_threshold=l))
    return t, svc.key


def pkt(sport: int, flags: int, **kw: object) -> PacketMeta:
    return PacketMeta(2, IPPROTO_TCP, CIP, VIP, sport, 80, flags, 60, **kw)  # type: ignore[arg-type]


def test_keys_round_trip_for_both_families() -> None:
    v6a = bytes.fromhex("20010db8000000000000000000000001")
    v6b = bytes.fromhex("20010db8000000000000000000000002")
    for af, a, b in ((2, CIP, VIP), (10, v6a, v6b)):
        key = pack_key(af, 17, a, 1234, b, 53)
        assert unpack_key(key) == (af, 17, a, 1234, b, 53)
    assert pack_key(2, 6, CIP, 1, VIP, 2) != pack_key(10, 6, bytes(12) + CIP, 1,
                                                       bytes(12) + VIP, 2)


def test_a_key_packs_its_fields_in_the_documented_order() -> None:
    key = pack_key(2, 6, CIP, 1234, VIP, 80)
    expected = ((((6 << 32 | int.from_bytes(CIP)) << 16 | 1234) << 32
                 | int.from_bytes(VIP)) << 16) | 80
    assert key == expected
    table_ = ConnTable()
    assert table_.lookup_in(2, 6, CIP, 1234, VIP, 80) is None
    dest = Dest(2, RS1, 80)
    conn = table_.new(key, dest, 80, 0, 0.0)
    assert table_.lookup_in(2, 6, CIP, 1234, VIP, 80) is conn
    assert table_.lookup_in(2, 6, CIP, 1235, VIP, 80) is None


def test_the_plain_int_flags_are_the_kernel_flags() -> None:
    assert (conn.F_NOOUTPUT, conn.F_INACTIVE, conn.F_HASHED, conn.F_TEMPLATE,
            conn.F_ONE_PACKET, conn.FWD_MASQ) == (
        ConnFlag.NOOUTPUT, ConnFlag.INACTIVE, ConnFlag.HASHED, ConnFlag.TEMPLATE,
        ConnFlag.ONE_PACKET, FwdMethod.MASQ)
    assert (constants.DEST_F_AVAILABLE, constants.DEST_F_OVERLOAD) == (
        DestFlag.AVAILABLE, DestFlag.OVERLOAD)


def test_upper_threshold_overloads_and_lower_threshold_releases() -> None:
    t, key = table(u=3, l=1, rs=(RS1,))
    d = t.get_service(key).dests[0]
    for i in range(3):
        assert t.process(pkt(1000 + i, TCP_SYN), 0.0, rnd).action == Action.FORWARD
    assert d.flags & DestFlag.OVERLOAD
    v = t.process(pkt(2000, TCP_SYN), 0.0, rnd)
    assert (v.action, v.reason) == (Action.REJECT, "no-dest")
    # existing connections go on
    assert t.process(pkt(1000, TCP_ACK), 0.1, rnd).action == Action.FORWARD
    # expiring down to 1 keeps OVERLOAD (1 is not < 1), down to 0 clears it
    t.expire(60.0)  # the two SYN_RECV entries time out
    assert d.activeconns == 1 and d.flags & DestFlag.OVERLOAD
    t.expire(901.0)
    assert d.activeconns == 0 and not d.flags & DestFlag.OVERLOAD


def test_upper_threshold_alone_releases_below_three_quarters() -> None:
    t, key = table(u=4, rs=(RS1,))
    d = t.get_service(key).dests[0]
    for i in range(4):
        t.process(pkt(1000 + i, TCP_SYN), float(i), rnd)
    assert d.flags & DestFlag.OVERLOAD
    t.expire(60.0)  # 3 left: 3*4 = 12 is not < 4*3
    assert d.activeconns == 3 and d.flags & DestFlag.OVERLOAD
    t.expire(61.0)  # 2 left: 8 < 12
    assert d.activeconns == 2 and not d.flags & DestFlag.OVERLOAD


def test_removed_dest_drops_packets_and_stays_in_trash_while_referenced() -> None:
    t, key = table(rs=(RS1, RS2))
    v = t.process(pkt(1000, TCP_SYN), 0.0, rnd)
    t.del_dest(key, 2, v.daddr, 80)
    gone = t.trash[0]
    assert gone.refcnt == 1
    d = t.process(pkt(1000, TCP_ACK), 1.0, rnd)
    assert (d.action, d.reason) == (Action.DROP, "dest-unavailable")
    t.expire(200.0)  # the entry (SYN_RECV, 60 s) expired; the trash waits 120 s unreferenced
    assert gone.refcnt == 0 and gone in t.trash
    t.expire(320.0)
    assert gone not in t.trash


def test_expire_nodest_conn_reschedules_on_the_next_packet() -> None:
    t, key = table(rs=(RS1, RS2))
    t.sysctls.expire_nodest_conn = 1
    v = t.process(pkt(1000, TCP_SYN), 0.0, rnd)
    t.process(pkt(1000, TCP_ACK), 0.1, rnd)
    # deleting the dest flushes its entries at once
    t.del_dest(key, 2, v.daddr, 80)
    assert len(t.conns) == 0 and t.trash[0].refcnt == 0
    # a new SYN on the same tuple goes to the other dest
    w = t.process(pkt(1000, TCP_SYN), 1.0, rnd)
    assert w.action == Action.FORWARD and w.daddr != v.daddr


def test_expire_nodest_conn_reschedules_syn_for_weight_zero_dest() -> None:
    t, key = table(rs=(RS1, RS2))
    t.sysctls.expire_nodest_conn = 1
    v = t.process(pkt(1000, TCP_SYN), 0.0, rnd)
    t.process(pkt(1000, TCP_ACK), 0.1, rnd)
    t.edit_dest(key, DestSpec(addr=v.daddr, port=80, weight=0))
    assert t.process(pkt(1000, TCP_ACK), 0.2, rnd).daddr == v.daddr  # non-SYN: kept
    w = t.process(pkt(1000, TCP_SYN), 0.3, rnd)
    assert w.daddr != v.daddr
    old = t.get_service(key).find_dest(2, v.daddr, 80)
    assert old is not None and old.activeconns == 0 and old.refcnt == 0


def test_conn_reuse_mode_bit_two_reschedules_dr_fin_wait() -> None:
    t, _ = table(rs=(RS1, RS2))
    first = t.process(pkt(1000, TCP_SYN), 0.0, rnd)
    t.process(pkt(1000, TCP_ACK), 0.1, rnd)
    t.process(pkt(1000, TCP_FIN | TCP_ACK), 0.2, rnd)
    again = t.process(pkt(1000, TCP_SYN), 0.3, rnd)
    assert again.conn is first.conn  # mode 1: FIN_WAIT is reused
    t.sysctls.conn_reuse_mode = 3
    t.process(pkt(1000, TCP_FIN | TCP_ACK), 0.4, rnd)
    third = t.process(pkt(1000, TCP_SYN), 0.5, rnd)
    assert third.conn is not first.conn


def test_icmp_errors_follow_the_quoted_connection() -> None:
    t, key = table(FwdMethod.MASQ)
    v = t.process(pkt(1000, TCP_SYN), 0.0, rnd)
    svc = t.get_service(key)
    # from the client, about a reply it got: quoted VIP:80 -> CIP:1000
    icmp_in = PacketMeta(2, IPPROTO_TCP, VIP, CIP, 80, 1000, 0, 88, Direction.IN,
                         related=True)
    r = t.process(icmp_in, 0.1, rnd)
    assert (r.action, r.daddr, r.conn) == (Action.FORWARD, RS1, v.conn)
    # from the real server, about the forwarded packet: quoted CIP:1000 -> RS1:80
    icmp_out = PacketMeta(2, IPPROTO_TCP, CIP, RS1, 1000, 80, 0, 88, Direction.OUT,
                          related=True)
    r = t.process(icmp_out, 0.2, rnd)
    assert (r.action, r.vaddr, r.vport) == (Action.NAT_OUT, VIP, 80)
    c = svc.stats.counters()
    assert (c.inpkts, c.inbytes, c.outpkts, c.outbytes) == (2, 148, 1, 88)
    assert [x.state for x in conn_views(t, 0.2)] == ["SYN_RECV"]  # no state change
    unknown = PacketMeta(2, IPPROTO_TCP, VIP, CIP, 80, 9, 0, 88, Direction.IN, related=True)
    assert t.process(unknown, 0.3, rnd).action == Action.PASS


def test_udp_entries_refresh_on_every_packet() -> None:
    t = IPVS()
    svc = t.add_service(ServiceSpec(protocol=IPPROTO_UDP, addr=VIP, port=53, sched_name="rr"))
    t.add_dest(svc.key, DestSpec(addr=RS1, port=53, conn_flags=FwdMethod.DROUTE))
    udp = PacketMeta(2, IPPROTO_UDP, CIP, VIP, 5353, 53, 0, 40)
    for now in (0.0, 200.0, 400.0):
        assert t.process(udp, now, rnd).action == Action.FORWARD
        t.expire(now + 299.0)
        assert len(t.conns) == 1
    t.expire(700.0)
    assert len(t.conns) == 0


def test_timer_wheel_expires_exactly_the_due_entries() -> None:
    rng = random.Random(7)
    table_ = ConnTable()
    dest = Dest(2, RS1, 80)
    due: dict[int, float] = {}
    for i in range(3000):
        c = table_.new(pack_key(2, 6, CIP, i, VIP, 80), dest, 80, 0, 0.0)
        for _ in range(rng.randrange(1, 4)):  # re-armed later or earlier, several times
            c.timeout = rng.choice((2, 10, 60, 120, 900))
            now = rng.uniform(0, 50)
            table_.arm(c, now)
        due[c.key] = c.expires
    for now in (5.0, 30.5, 61.0, 130.0, 500.0, 1000.0):
        table_.expire(now)
        assert set(table_.conns) == {k for k, e in due.items() if e > now}
    assert dest.inactconns == 0 and dest.refcnt == 0
