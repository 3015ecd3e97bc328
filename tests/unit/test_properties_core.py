"""Property tests of the core engine over random operation sequences.

* destination counters never go negative and always equal what the table holds;
* a failing control operation raises and leaves the table exactly as it was;
* under persistence a client network maps to one destination while its template lives.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from pylvs.core.conn import F_INACTIVE, F_TEMPLATE
from pylvs.core.constants import IPPROTO_TCP, IPPROTO_UDP, FwdMethod, SvcFlag
from pylvs.core.errors import IPVSError
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, Action, Direction, PacketMeta
from pylvs.core.model import DestSpec, ServiceSpec
from pylvs.core.views import conn_views

VIP = bytes([198, 18, 0, 150])
RS = [bytes([198, 19, 0, 10 + i]) for i in range(4)]
FLAGS = [TCP_SYN, TCP_ACK, TCP_FIN | TCP_ACK, TCP_RST, TCP_SYN | TCP_ACK, 0]

op = st.one_of(
    st.tuples(st.just("pkt"), st.integers(0, 5), st.integers(0, 3), st.sampled_from(FLAGS),
              st.booleans(), st.sampled_from([IPPROTO_TCP, IPPROTO_UDP])),
    st.tuples(st.just("time"), st.sampled_from([0.5, 3, 30, 61, 130, 400, 1000])),
    st.tuples(st.just("weight"), st.integers(0, 3), st.integers(0, 2)),
    st.tuples(st.just("del"), st.integers(0, 3)),
    st.tuples(st.just("add"), st.integers(0, 3), st.integers(0, 5), st.integers(0, 5)),
    st.tuples(st.just("sysctl"), st.integers(0, 1), st.integers(0, 3), st.integers(0, 1)),
)


def build(persistent: bool, method: int) -> IPVS:
    t = IPVS()
    flags = SvcFlag.PERSISTENT if persistent else 0
    for proto in (IPPROTO_TCP, IPPROTO_UDP):
        svc = t.add_service(ServiceSpec(protocol=proto, addr=VIP, port=80, sched_name="rr",
                                        flags=flags, timeout=60, netmask=0xFFFFFF00))
        for addr in RS[:3]:
            t.add_dest(svc.key, DestSpec(addr=addr, port=80, conn_flags=method,
                                         u_threshold=4, l_threshold=2))
    return t


def snapshot(t: IPVS, now: float) -> object:
    conns = sorted((v.protocol, v.caddr, v.cport, v.vport, v.daddr, v.dport, v.state,
                    v.expires, v.flags) for v in conn_views(t, now))
    dests = [(s.key, d.addr, d.weight, d.u_threshold, d.l_threshold, d.flags, d.activeconns,
              d.inactconns, d.persistconns, d.refcnt)
             for s in t.services.values() for d in s.dests]
    return conns, dests, [d.addr for d in t.trash]


def check_counters(t: IPVS) -> None:
    active: Counter[int] = Counter()
    inactive: Counter[int] = Counter()
    persist: Counter[int] = Counter()
    for c in t.conns.entries():
        d = id(c.dest)
        if c.flags & F_TEMPLATE:
            persist[d] += 1
        elif c.flags & F_INACTIVE:
            inactive[d] += 1
        else:
            active[d] += 1
    dests = [d for s in t.services.values() for d in s.dests] + list(t.trash)
    for d in dests:
        assert min(d.activeconns, d.inactconns, d.persistconns, d.refcnt) >= 0
        assert (d.activeconns, d.inactconns, d.persistconns) == (
            active[id(d)], inactive[id(d)], persist[id(d)])
        assert d.refcnt == active[id(d)] + inactive[id(d)] + persist[id(d)]
    for s in t.services.values():
        c = s.stats.counters()
        assert min(c.conns, c.inpkts, c.outpkts, c.inbytes, c.outbytes) >= 0


def run(t: IPVS, ops: list[tuple], persistent: bool) -> None:  # type: ignore[type-arg]
    now = 0.0
    sticky: dict[tuple[int, bytes], bytes] = {}  # (proto, client net) -> dest of its template
    for o in ops:
        kind = o[0]
        if kind == "pkt":
            _, client, port, flags, reply, proto = o
            caddr = bytes([10, 0, client // 3, client])
            svc = next(s for s in t.services.values() if s.protocol == proto)
            if reply:
                conn = next((c for c in t.conns.conns.values()
                             if c.key >> 48 & 0xFFFFFFFF == int.from_bytes(caddr)), None)
                if conn is None or conn.dest is None:
                    continue
                meta = PacketMeta(2, proto, conn.dest.addr, caddr, conn.dport,
                                  conn.key >> 48 & 0xFFFF, flags, 52, Direction.OUT)
            else:
                meta = PacketMeta(2, proto, caddr, VIP, 1000 + port, 80, flags, 60)
            live = {(v.protocol, v.caddr): v.daddr for v in conn_views(t, now)
                    if v.cport == 0 and v.vport == 80}
            before = len(t.conns.conns)
            v = t.process(meta, now, lambda: 7)
            if persistent and not reply and v.action == Action.FORWARD and \
                    len(t.conns.conns) > before:
                net = (proto, bytes([10, 0, client // 3, 0]))
                if net in live:
                    tpl_dest = svc.find_dest(2, live[net], 80)
                    still_valid = tpl_dest is not None
                    if still_valid and not t.sysctls.expire_quiescent_template:
                        assert v.daddr == live[net]
                sticky[net] = v.daddr
        elif kind == "time":
            now += o[1]
            t.expire(now)
        elif kind == "weight":
            svc = next(iter(t.services.values()))
            d = svc.find_dest(2, RS[o[1]], 80)
            spec = DestSpec(addr=RS[o[1]], port=80, weight=o[2], u_threshold=4, l_threshold=2,
                            conn_flags=d.fwd_method if d else FwdMethod.DROUTE)
            try_op(t, now, t.edit_dest, svc.key, spec)
        elif kind == "del":
            svc = next(iter(t.services.values()))
            try_op(t, now, t.del_dest, svc.key, 2, RS[o[1]], 80)
        elif kind == "add":
            svc = next(iter(t.services.values()))
            spec = DestSpec(addr=RS[o[1]], port=80, u_threshold=o[2], l_threshold=o[3],
                            conn_flags=FwdMethod.MASQ)
            try_op(t, now, t.add_dest, svc.key, spec)
        elif kind == "sysctl":
            t.sysctls.expire_nodest_conn = o[1]
            t.sysctls.conn_reuse_mode = o[2]
            t.sysctls.expire_quiescent_template = o[3]
        check_counters(t)


def try_op(t: IPVS, now: float, fn: object, *args: object) -> None:
    before = snapshot(t, now)
    try:
        fn(*args)  # type: ignore[operator]
    except IPVSError:
        assert snapshot(t, now) == before


@settings(max_examples=60, deadline=None)
@given(st.lists(op, max_size=60), st.sampled_from([FwdMethod.MASQ, FwdMethod.DROUTE]))
def test_counters_match_the_table(ops: list[tuple], method: int) -> None:  # type: ignore[type-arg]
    run(build(False, method), ops, persistent=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(op, max_size=60), st.sampled_from([FwdMethod.MASQ, FwdMethod.DROUTE]))
def test_persistent_clients_stick_while_their_template_lives(
    ops: list[tuple], method: int  # type: ignore[type-arg]
) -> None:
    run(build(True, method), ops, persistent=True)


@settings(max_examples=40, deadline=None)
@given(st.lists(op, max_size=40))
def test_everything_expires_in_the_end(ops: list[tuple]) -> None:  # type: ignore[type-arg]
    t = build(True, FwdMethod.MASQ)
    run(t, ops, persistent=True)
    t.expire(1e6)
    t.expire(1e6 + 200)  # trash waits 120 s once unreferenced
    t.expire(1e6 + 400)
    assert len(t.conns) == 0 and not t.conns.replies
    for s in t.services.values():
        for d in s.dests:
            assert (d.activeconns, d.inactconns, d.persistconns, d.refcnt) == (0, 0, 0, 0)
    assert t.trash == []
