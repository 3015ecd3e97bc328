"""A new connection entered in one step is the one _schedule + _deliver_in build."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pylvs.core import engine
from pylvs.core.constants import IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, FwdMethod
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN, Direction, PacketMeta, Verdict
from pylvs.core.model import DestSpec, ServiceSpec

VIP = bytes([198, 18, 0, 150])
RS = (bytes([198, 18, 0, 171]), bytes([198, 18, 0, 172]))


def rand32() -> int:
    return 0x12345678


def build(proto: int, method: int, u_threshold: int, sched: str) -> IPVS:
    t = IPVS()
    t.sysctls.sloppy_tcp = 1  # lets segments without SYN open entries too
    t.set_timeouts(700, 50, 200)
    svc = t.add_service(ServiceSpec(protocol=proto, addr=VIP, port=80, sched_name=sched))
    for addr in RS:
        t.add_dest(svc.key, DestSpec(addr=addr, port=8080, conn_flags=method,
                                     u_threshold=u_threshold))
    return t


def general_path(t: IPVS, meta: PacketMeta, now: float) -> Verdict:
    """The path every new connection took before the one-step entry."""
    key = engine.pack_key(meta.af, meta.protocol, meta.saddr, meta.sport, meta.daddr,
                          meta.dport)
    svc = t.lookup_service(meta.af, meta.protocol, meta.daddr, meta.dport)
    assert svc is not None
    conn = engine._schedule(t, svc, meta, key, now, rand32)
    if isinstance(conn, Verdict):
        return conn
    return engine._deliver_in(t, conn, meta, now)


def snapshot(t: IPVS, v: Verdict) -> tuple[object, ...]:
    conns = [(c.key, c.dest.addr if c.dest else None, c.dport, c.state, c.flags, c.timeout,
              c.expires, c.n_control, c.control) for c in t.conns.entries()]
    dests = [(d.addr, d.activeconns, d.inactconns, d.persistconns, d.refcnt, d.flags,
              d.stats.counters()) for s in t.services.values() for d in s.dests]
    svcs = [s.stats.counters() for s in t.services.values()]
    wheel = sorted((tick, [c.key for c in b]) for tick, b in t.conns.wheel.items())
    replies = sorted(t.conns.replies)
    verdict = (v.action, v.fwd_method, v.daf, v.daddr, v.dport, v.vaddr, v.vport, v.tun_type,
               v.tun_port, v.tun_flags, v.reason, v.conn is not None)
    return conns, dests, svcs, t.stats.counters(), wheel, replies, verdict


@settings(max_examples=300, deadline=None)
@given(
    proto=st.sampled_from([IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP]),
    method=st.sampled_from([FwdMethod.DROUTE, FwdMethod.MASQ, FwdMethod.TUNNEL]),
    flags=st.sampled_from([TCP_SYN, TCP_ACK, TCP_FIN, TCP_SYN | TCP_ACK, TCP_PSH, 0,
                           TCP_FIN | TCP_ACK]),
    u_threshold=st.sampled_from([0, 1, 2]),
    sched=st.sampled_from(["rr", "wlc", "sh"]),
    packets=st.integers(1, 4),
    now=st.sampled_from([0.0, 0.5, 17.25]),
)
def test_one_step_entry_matches_the_general_path(
    proto: int, method: int, flags: int, u_threshold: int, sched: str, packets: int,
    now: float,
) -> None:
    fast, slow = build(proto, method, u_threshold, sched), build(proto, method, u_threshold,
                                                                  sched)
    for i in range(packets):
        meta = PacketMeta(2, proto, bytes([198, 18, 1, i]), VIP, 40000 + i, 80, flags, 60 + i,
                          Direction.IN)
        v_fast = fast.process(meta, now, rand32)
        v_slow = general_path(slow, meta, now)
        assert snapshot(fast, v_fast) == snapshot(slow, v_slow)
