"""Core engine costs: new connections per scheduler, lookups and memory with 1M entries.

Usage: .venv/bin/python bench/core.py [--entries N] [--quick] [--pure]

The first line says whether core runs compiled (``make native``) or from its
sources (``--pure`` forces the sources: it sets PYLVS_PURE=1 before pylvs is
imported). Prints one line per measurement and ends with
``new_conn_us_max=... lookup_us=... bytes_per_conn=... mh_build_ms=...``.
Figures are medians of repeated batches measured in this run (CPU time of this
thread, so that waiting for a busy core is not counted), with the garbage
collector thresholds pylvsd sets (``--default-gc`` keeps Python's defaults).
Each mh measurement starts with an empty slot memo, so a client's first
connection pays for its SipHash.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if "--pure" in sys.argv[1:]:  # before the first pylvs import: pylvs.compiled reads it then
    os.environ["PYLVS_PURE"] = "1"

from pylvs.compiled import status
from pylvs.control.daemon import GC_THRESHOLDS
from pylvs.core.constants import IPPROTO_TCP, FwdMethod
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import TCP_ACK, TCP_SYN, Direction, PacketMeta
from pylvs.core.model import DestSpec, ServiceSpec
from pylvs.core.schedulers import SCHEDULERS
from pylvs.core.schedulers.mh import forget_slots

VIP = bytes([198, 18, 0, 150])
WANTED = ("rr", "wrr", "wlc", "mh", "sh")
BATCH = 2000
_clock = time.thread_time  # CPU time: the machine is shared, waiting for a core is not cost
BEST: dict[str, float] = {}  # fastest batch of each measurement (less disturbed by load)


def _rand32() -> int:
    return 0x9E3779B9


def _table(sched: str, ndest: int) -> IPVS:
    t = IPVS()
    svc = t.add_service(ServiceSpec(addr=VIP, port=80, sched_name=sched))
    for i in range(ndest):
        addr = bytes([198, 19, (i >> 8) & 0xFF, i & 0xFF])
        t.add_dest(svc.key, DestSpec(addr=addr, port=80, conn_flags=FwdMethod.DROUTE,
                                     weight=1 + i % 3))
    return t


def _client(i: int) -> bytes:
    return bytes([10, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF])


def _syns(n: int, base: int = 0) -> list[PacketMeta]:
    return [PacketMeta(2, IPPROTO_TCP, _client((base + i) >> 4), VIP,
                       1024 + ((base + i) & 0xF), 80, TCP_SYN, 60, Direction.IN)
            for i in range(n)]


def new_conn_us(sched: str, ndest: int, rounds: int) -> float:
    """Median cost of one new connection (schedule + enter), in microseconds."""
    t = _table(sched, ndest)
    forget_slots()  # mh: clients unseen by this run, as with its first measurement
    samples = []
    base = 0
    for _ in range(rounds):
        pkts = _syns(BATCH, base)
        base += BATCH
        start = _clock()
        for p in pkts:
            t.process(p, 0.0, _rand32)
        samples.append((_clock() - start) / BATCH * 1e6)
    BEST[f"new_conn {sched} {ndest}"] = min(samples)
    return statistics.median(samples)


def fill(t: IPVS, n: int) -> list[PacketMeta]:
    """Enter ``n`` connections; return one ACK per connection for later lookups."""
    step = 100_000
    for base in range(0, n, step):
        for p in _syns(min(step, n - base), base):
            t.process(p, 0.0, _rand32)
    return []


def lookup_us(t: IPVS, n: int, rounds: int) -> float:
    """Median cost of processing a packet of an existing connection, in microseconds."""
    samples = []
    for r in range(rounds):
        base = (r * 7919 * BATCH) % max(1, n - BATCH)
        pkts = _syns(BATCH, base)
        for p in pkts:
            p.tcp_flags = TCP_ACK
        start = _clock()
        for p in pkts:
            t.process(p, 1.0, _rand32)
        samples.append((_clock() - start) / BATCH * 1e6)
    return statistics.median(samples)


def table_lookup_us(t: IPVS, n: int, rounds: int) -> float:
    """Median cost of finding an existing entry from a packet's tuple, in microseconds."""
    samples = []
    conns = t.conns
    for r in range(rounds):
        base = (r * 7919 * BATCH) % max(1, n - BATCH)
        pkts = _syns(BATCH, base)
        start = _clock()
        for p in pkts:
            conns.lookup_in(p.af, p.protocol, p.saddr, p.sport, p.daddr, p.dport)
        samples.append((_clock() - start) / BATCH * 1e6)
    BEST["lookup"] = min(samples)
    return statistics.median(samples)


def expire_idle_us(t: IPVS, rounds: int) -> float:
    """Cost of one expiry tick when nothing is due (it must not scan the table)."""
    samples = []
    for r in range(rounds):
        start = _clock()
        t.expire(2.0 + r)
        samples.append((_clock() - start) * 1e6)
    return statistics.median(samples)


def dict_get_ns() -> float:
    """This machine's cost of one dict lookup, to compare figures across machines."""
    d = {i: i for i in range(100_000)}
    keys = list(range(100_000))
    start = _clock()
    for k in keys:
        d.get(k)
    return (_clock() - start) / len(keys) * 1e9


def bytes_per_conn(n: int) -> float:
    """Memory held by the table per connection entry (tracemalloc)."""
    t = _table("rr", 2)
    pkts = _syns(n)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for p in pkts:
        t.process(p, 0.0, _rand32)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(t.conns) == n
    return (after - before) / n


def mh_build_ms() -> float | None:
    """Time mh takes to build its lookup table over 1000 destinations, if mh exists.

    Measured as adding the 1000th destination to a service that has 999: the
    scheduler rebuilds its whole table on each add, as the kernel's does.
    """
    if "mh" not in SCHEDULERS:
        return None
    t = _table("mh", 999)
    svc = next(iter(t.services.values()))
    samples = []
    for i in range(3):
        spec = DestSpec(addr=bytes([198, 18, 200, i]), port=80, conn_flags=FwdMethod.DROUTE)
        start = _clock()
        t.add_dest(svc.key, spec)
        samples.append((_clock() - start) * 1e3)
        t.del_dest(svc.key, 2, spec.addr, 80)
    return statistics.median(samples)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--quick", action="store_true", help="fewer rounds, 100k entries")
    ap.add_argument("--default-gc", action="store_true",
                    help="keep Python's GC thresholds instead of pylvsd's")
    ap.add_argument("--pure", action="store_true",
                    help="run core from its sources (PYLVS_PURE=1), not compiled")
    args = ap.parse_args()
    print(f"core: {status()}")
    if not args.default_gc:
        gc.set_threshold(*GC_THRESHOLDS)
    print(f"gc thresholds={gc.get_threshold()}" + (" (Python's defaults)" if args.default_gc
                                                    else " (pylvsd's)"))
    n = 100_000 if args.quick else args.entries
    rounds = 3 if args.quick else 7
    worst = 0.0
    for sched in WANTED:
        if sched not in SCHEDULERS:
            print(f"{sched}: not available")
            continue
        for ndest in (2, 100, 1000):
            us = new_conn_us(sched, ndest, rounds)
            best = BEST[f"new_conn {sched} {ndest}"]
            print(f"new_conn sched={sched} dests={ndest} median_us={us:.2f} best_us={best:.2f}")
            if sched != "wlc":  # the target covers rr, wrr, mh and sh
                worst = max(worst, us)
    t = _table("rr", 2)
    fill(t, n)
    lk = table_lookup_us(t, n, rounds)
    print(f"lookup entries={len(t.conns)} median_us={lk:.2f} best_us={BEST['lookup']:.2f}")
    pk = lookup_us(t, n, rounds)
    print(f"existing_conn_packet entries={len(t.conns)} median_us={pk:.2f} (whole process())")
    idle = expire_idle_us(t, rounds)
    print(f"expire_tick entries={len(t.conns)} nothing_due_us={idle:.1f}")
    start = _clock()
    t.expire(1e6)
    print(f"expire_all entries={n} per_entry_us={(_clock() - start) / n * 1e6:.2f}")
    del t
    gc.collect()
    bpc = bytes_per_conn(n)
    print(f"memory entries={n} bytes_per_conn={bpc:.0f}")
    mh = mh_build_ms()
    mh_text = f"{mh:.1f}" if mh is not None else "na"
    print(f"mh_build dests=1000 ms={mh_text}")
    print(f"calibration dict_get_ns={dict_get_ns():.0f}")
    core = "sources" if status().startswith("sources") else "compiled"
    print(f"new_conn_us_max={worst:.2f} lookup_us={lk:.2f} bytes_per_conn={bpc:.0f}"
          f" mh_build_ms={mh_text} core={core}")


if __name__ == "__main__":
    main()
