"""Counters, zeroing and the rate estimator (reference §9, sequence of §14.5)."""

from __future__ import annotations

from pylvs.core.constants import IPPROTO_TCP, FwdMethod
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import TCP_SYN, PacketMeta
from pylvs.core.model import DestSpec, ServiceSpec
from pylvs.core.stats import Stats

VIP = bytes([198, 18, 0, 150])


def test_estimator_sequence_for_100_cps() -> None:
    s = Stats()
    seen = []
    for _ in range(8):
        s.conns += 200  # 100 per second over the 2 s period
        s.estimate()
        seen.append(s.rates().cps)
    assert seen == [25, 44, 58, 68, 76, 82, 87, 90]
    for _ in range(60):
        s.conns += 200
        s.estimate()
    assert s.rates().cps == 100


def test_estimator_sequence_for_1mb_per_second() -> None:
    s = Stats()
    seen = []
    for _ in range(8):
        s.inbytes += 2_000_000
        s.estimate()
        seen.append(s.rates().inbps)
    assert seen == [250000, 437500, 578125, 683594, 762695, 822021, 866516, 899887]


def test_rates_decay_when_traffic_stops() -> None:
    s = Stats()
    for _ in range(40):
        s.inpkts += 1000
        s.estimate()
    assert s.rates().inpps == 500
    for _ in range(80):
        s.estimate()
    assert s.rates().inpps == 0


def test_zero_keeps_raw_counters_and_resets_the_estimator() -> None:
    s = Stats()
    s.conns, s.inpkts = 10, 40
    s.estimate()
    s.zero()
    assert s.counters().conns == 0 and s.counters().inpkts == 0
    assert s.rates().cps == 0 and s.rates().inpps == 0
    assert s.conns == 10  # the raw counter only grows
    s.conns += 8
    s.estimate()  # the delta since the zero point, not since the start
    assert s.counters().conns == 8
    assert s.rates().cps == 1  # 8 conns / 2 s = 4 cps; the first tick shows a quarter


def test_ipvs_estimate_ticks_services_dests_and_totals() -> None:
    t = IPVS()
    svc = t.add_service(ServiceSpec(addr=VIP, port=80, sched_name="rr"))
    t.add_dest(svc.key, DestSpec(addr=bytes([198, 18, 0, 171]), port=80,
                                 conn_flags=FwdMethod.DROUTE))
    for i in range(200):
        t.process(PacketMeta(2, IPPROTO_TCP, bytes([10, 0, 0, 1]), VIP, 1000 + i, 80,
                             TCP_SYN, 60), 0.0, lambda: 0)
    t.estimate()
    assert svc.stats.rates().cps == 25
    assert svc.dests[0].stats.rates().cps == 25
    assert t.stats.rates().cps == 25
    assert t.stats.rates().inbps == (((200 * 60) << 4 >> 2) + 0xF) >> 5
    t.zero()
    assert t.stats.counters().conns == 0 and svc.stats.rates().cps == 0
