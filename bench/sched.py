"""Micro-benchmark of the schedulers: cost of one schedule() call and of the mh table build.

Usage: .venv/bin/python bench/sched.py [--quick] [--pure]

The first line says whether core runs compiled or from its sources (``--pure``
sets PYLVS_PURE=1 before pylvs is imported).

For rr, wrr (uniform, mixed 1-5, and skewed: one dest 100, the rest 1), sh
and mh with 2, 100 and 1000
destinations it times many schedule() calls (clients cycling over 4096
addresses: after the first round mh finds them in its slot memo) and prints
microseconds per call; then mh's cost for clients it has not seen (one
SipHash each) and the time to build the mh table for 1000 destinations.
Times are CPU time of this process (best of 3), so other load on the
machine inflates them less. Ends with one ``key=value`` summary line.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if "--pure" in sys.argv[1:]:  # before the first pylvs import: pylvs.compiled reads it then
    os.environ["PYLVS_PURE"] = "1"

from pylvs.compiled import status
from pylvs.core.constants import IPPROTO_TCP
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import PacketMeta
from pylvs.core.model import DestSpec, Service, ServiceSpec
from pylvs.core.schedulers.mh import build_table, forget_slots

VIP = bytes([198, 18, 0, 100])


def make_service(sched: str, n: int, weights: str) -> Service:
    table = IPVS()
    svc = table.add_service(ServiceSpec(addr=VIP, port=80, sched_name=sched))
    rng = random.Random(n)
    for i in range(n):
        if weights == "uniform":
            w = 1
        elif weights == "skewed":  # one heavy dest: most weight levels have one candidate
            w = 100 if i == n // 2 else 1
        else:
            w = rng.choice((1, 2, 3, 4, 5))
        addr = bytes([198, 19, (i >> 8) & 0xFF, i & 0xFF])
        table.add_dest(svc.key, DestSpec(addr=addr, port=80, weight=w))
    return svc


def per_call_us(svc: Service, calls: int) -> float:
    pkts = [
        PacketMeta(2, IPPROTO_TCP, bytes([198, 18, 1 + (i >> 8) % 200, i & 0xFF]), VIP,
                   1024 + i, 80, tcp_flags=0x02)
        for i in range(4096)
    ]
    sched = svc.scheduler
    assert sched is not None
    forget_slots()
    rand = random.Random(7).getrandbits

    def rand32() -> int:
        return rand(32)

    schedule = sched.schedule
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        for i in range(calls):
            schedule(svc, pkts[i & 4095], 0.0, rand32)
        best = min(best, time.process_time() - t0)
    return best / calls * 1e6


def main() -> None:
    quick = "--quick" in sys.argv
    print(f"core: {status()}")
    calls = 20_000 if quick else 100_000
    summary: dict[str, str] = {}
    print(f"{'scheduler':<14}{'dests':>6}{'us/call':>10}")
    for sched, weights in (("rr", "uniform"), ("wrr", "uniform"), ("wrr", "mixed"),
                           ("wrr", "skewed"), ("sh", "mixed"), ("mh", "mixed")):
        label = sched if sched != "wrr" else f"wrr-{weights}"
        for n in (2, 100, 1000):
            us = per_call_us(make_service(sched, n, weights), calls)
            print(f"{label:<14}{n:>6}{us:>10.2f}")
            summary[f"{label}_{n}_us"] = f"{us:.2f}"
    svc = make_service("mh", 1000, "mixed")
    cold = float("inf")  # every client new to the slot memo: one SipHash per call
    pkts = [PacketMeta(2, IPPROTO_TCP, bytes([198, 19, i >> 8, i & 0xFF]), VIP, 1024, 80)
            for i in range(4096)]
    assert svc.scheduler is not None
    for _ in range(3):
        forget_slots()
        t0 = time.process_time()
        for p in pkts:
            svc.scheduler.schedule(svc, p, 0.0, lambda: 0)
        cold = min(cold, time.process_time() - t0)
    print(f"mh, client not seen before: {cold / len(pkts) * 1e6:.2f} us/call")
    summary["mh_cold_us"] = f"{cold / len(pkts) * 1e6:.2f}"
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        build_table(svc)
        best = min(best, time.process_time() - t0)
    print(f"mh table build, 1000 dests: {best * 1e3:.1f} ms")
    summary["mh_build_1000_ms"] = f"{best * 1e3:.1f}"
    print(" ".join(f"{k}={v}" for k, v in summary.items()))


if __name__ == "__main__":
    main()
