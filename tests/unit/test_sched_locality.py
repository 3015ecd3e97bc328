"""lblc and lblcr: per-destination-address tables, the heuristic overload, expiry by ``now``."""

from __future__ import annotations

import socket

from pylvs.core.ipvs import IPVS
from pylvs.core.meta import PacketMeta
from pylvs.core.model import Dest, DestSpec, Service, ServiceSpec
from pylvs.core.schedulers import locality
from pylvs.core.schedulers.hashing import fold_addr, hash_32
from pylvs.core.schedulers.lblc import LblcEntry, LocalityLeastConnection
from pylvs.core.schedulers.lblcr import LocalityLeastConnectionReplicated


def ip(text: str) -> bytes:
    return socket.inet_aton(text)


class Lab:
    """A fwmark service of lblc/lblcr with dests A, B, C (list order C B A)."""

    def __init__(self, sched: str, weights: tuple[int, int, int] = (1, 1, 1)) -> None:
        self.table = IPVS()
        self.svc: Service = self.table.add_service(ServiceSpec(fwmark=5, sched_name=sched))
        self.d: dict[str, Dest] = {}
        for name, w in zip("ABC", weights, strict=True):
            self.d[name] = self.table.add_dest(self.svc.key, DestSpec(
                addr=ip(f"198.18.9.{ord(name)}"), port=80, weight=w))
        self.names = {id(d): n for n, d in self.d.items()}

    def go(self, daddr: str, now: float) -> str:
        assert self.svc.scheduler is not None
        pkt = PacketMeta(2, 6, ip("198.19.0.1"), ip(daddr), 40000, 80, tcp_flags=0x02)
        got = self.svc.scheduler.schedule(self.svc, pkt, now, lambda: 0)
        return "-" if got is None else self.names[id(got)]

    def edit(self, name: str, weight: int) -> None:
        self.table.edit_dest(self.svc.key, DestSpec(addr=self.d[name].addr, port=80,
                                                   weight=weight))


X, Y = "198.18.64.1", "198.18.64.38"


# -- lblc --------------------------------------------------------------------------


def test_lblc_keeps_sending_an_address_to_its_server() -> None:
    lab = Lab("lblc")
    assert lab.go(X, 0) == "C"  # all idle: wlc keeps the list head
    lab.d["C"].inactconns = 50  # wlc alone would now pick B
    assert lab.go(X, 1) == "C"
    assert lab.go(Y, 2) == "B"


def test_lblc_moves_an_address_off_a_server_busier_than_its_weight() -> None:
    lab = Lab("lblc")
    assert lab.go(X, 0) == "C"
    lab.d["C"].activeconns = 2  # > weight 1, and A/B are under half load (0*2 < 1)
    assert lab.go(X, 1) == "B"
    assert lab.go(X, 2) == "B"  # the entry was replaced


def test_lblc_busy_server_is_kept_when_no_server_is_under_half_load() -> None:
    lab = Lab("lblc", (2, 2, 2))
    assert lab.go(X, 0) == "C"
    lab.d["C"].activeconns = 3
    lab.d["B"].activeconns = lab.d["A"].activeconns = 1  # 1*2 < 2 is false
    assert lab.go(X, 1) == "C"
    lab.d["A"].activeconns = 0
    assert lab.go(X, 2) == "A"


def test_lblc_ignores_the_overload_flag_of_a_cached_server_but_not_weight_zero() -> None:
    from pylvs.core.constants import DestFlag

    lab = Lab("lblc")
    assert lab.go(X, 0) == "C"
    lab.d["C"].flags |= DestFlag.OVERLOAD
    assert lab.go(X, 1) == "C"  # cached: only lblc's own heuristic applies
    assert lab.go(Y, 2) == "B"  # a new choice skips it
    lab.d["C"].flags &= ~DestFlag.OVERLOAD
    lab.edit("C", 0)
    assert lab.go(X, 3) == "B"


def test_lblc_deleted_server_is_replaced() -> None:
    lab = Lab("lblc")
    assert lab.go(X, 0) == "C"
    lab.table.del_dest(lab.svc.key, 2, lab.d["C"].addr, 80)
    assert lab.go(X, 1) == "B"


def test_lblc_replacement_leaves_the_kernel_entry_counter_high() -> None:
    lab = Lab("lblc")
    lab.go(X, 0)
    lab.d["C"].activeconns = 5
    lab.go(X, 1)
    sched = lab.svc.scheduler
    assert isinstance(sched, LocalityLeastConnection)
    assert len(sched.table) == 1
    assert sched.table.entries == 2  # as ip_vs_lblc_new: deleted without decrement


def test_lblc_full_expiration_runs_every_thirty_minutes() -> None:
    lab = Lab("lblc")
    sched = lab.svc.scheduler
    assert isinstance(sched, LocalityLeastConnection)
    sched.table.expiration = 1000.0  # lblc_expiration
    assert lab.go(X, 0) == "C"  # the collection timer starts now: ticks at 60, 120, ...
    lab.d["C"].inactconns = 9
    assert lab.go(Y, 1799) == "B"  # ticks 1..29 only count
    assert len(sched.table) == 2
    assert lab.go(Y, 1800) == "B"  # tick 30: full check drops X (unused since 0)
    assert len(sched.table) == 1
    assert lab.go(X, 1801) == "B"  # rescheduled by wlc: B (idle) beats C, ties keep B


def test_lblc_long_idle_time_catches_up_quickly_and_expires_old_entries() -> None:
    lab = Lab("lblc")
    sched = lab.svc.scheduler
    assert isinstance(sched, LocalityLeastConnection)
    assert lab.go(X, 0) == "C"
    assert lab.go(Y, 10) == "C"
    lab.d["C"].inactconns = 7
    # 30 years later, in one call: bounded work, and the day-old entries are gone
    assert lab.go("198.18.64.75", 1e9) == "B"
    assert len(sched.table) == 1
    assert sched.table.next_check is not None and sched.table.next_check > 1e9
    assert lab.go(X, 1e9 + 1) == "B"  # X was forgotten: wlc again


def test_catching_up_after_idle_time_ends_as_running_every_tick() -> None:
    def run(cap: int) -> tuple[list[bytes], int]:
        table: locality.LocalityTable[LblcEntry] = locality.LocalityTable()
        table.max_catch_up = cap
        table.expiration = 7000.0
        table.collect(0.0)
        for i in range(40):  # entries last used every 500 s
            key = bytes([198, 18, 80, i])
            table.bucket(2, key)[key] = LblcEntry(Dest(2, key, 80), 500.0 * i)
            table.entries += 1
        table.collect(30_000.0)  # 500 ticks at once
        return sorted(k for b in table.buckets for k in b), table.counter

    assert run(64) == run(10_000)


def test_lblc_over_full_table_collects_entries_unused_for_six_minutes() -> None:
    lab = Lab("lblc")
    sched = lab.svc.scheduler
    assert isinstance(sched, LocalityLeastConnection)
    table = sched.table
    table.max_size = 2
    addrs = [f"198.18.70.{i}" for i in range(1, 6)]
    assert len({hash_32(fold_addr(2, ip(a)), 10) for a in addrs}) == 5  # distinct buckets
    for a in addrs[:3]:
        lab.go(a, 0)
    assert table.entries == 3
    lab.go(addrs[3], 1)  # 3 > max_size: served, but no entry is made
    assert table.entries == 3 and len(table) == 3
    lab.go(X, 359)  # ticks up to 300: nothing is 6 min old yet
    assert len(table) == 3
    # tick 360: goal = min((3-2)*4//3, 2//2) = 1 -> one stale bucket is emptied
    table.collect(360)
    assert len(table) == 2 and table.entries == 2
    lab.go(addrs[4], 361)  # room again (2 is not over 2): an entry is made
    assert len(table) == 3
    table.collect(420)  # over full again: one more entry unused since 0 goes
    assert len(table) == 2
    stale = [a for a in addrs[:3] if table.bucket(2, ip(a)).get(ip(a)) is not None]
    assert len(stale) == 1 and table.bucket(2, ip(addrs[4])).get(ip(addrs[4])) is not None


# -- lblcr -------------------------------------------------------------------------


def test_lblcr_grows_the_set_when_its_best_member_is_busy() -> None:
    lab = Lab("lblcr")
    assert lab.go(X, 0) == "C"
    lab.d["C"].activeconns = 2  # heuristically overloaded
    assert lab.go(X, 1) == "B"  # wlc over the service; B joins the set
    sched = lab.svc.scheduler
    assert isinstance(sched, LocalityLeastConnectionReplicated)
    entry = next(en for b in sched.table.buckets for en in b.values())
    assert [lab.names[id(d)] for d in entry.dests] == ["B", "C"]
    lab.d["B"].activeconns = 1
    assert lab.go(X, 2) == "B"  # set minimum: B 256/1 < C 512/1
    lab.d["C"].activeconns = 0
    assert lab.go(X, 3) == "C"  # C is the least loaded member again


def test_lblcr_old_set_drops_its_most_loaded_member() -> None:
    lab = Lab("lblcr")
    sched = lab.svc.scheduler
    assert isinstance(sched, LocalityLeastConnectionReplicated)
    sched.table.expiration = 100.0  # lblcr_expiration
    lab.go(X, 0)
    lab.d["C"].activeconns = 2
    assert lab.go(X, 1) == "B"  # set {B, C}, lastmod 1
    lab.d["C"].activeconns = 0
    lab.d["B"].activeconns = 1
    assert lab.go(X, 101) == "C"  # not yet older than 100 s: no shrink
    entry = next(en for b in sched.table.buckets for en in b.values())
    assert len(entry.dests) == 2
    assert lab.go(X, 101.5) == "C"  # now > lastmod + 100: B (most loaded) is dropped
    assert [lab.names[id(d)] for d in entry.dests] == ["C"]
    assert entry.lastmod == 101.5


def test_lblcr_skips_weight_zero_and_deleted_members() -> None:
    lab = Lab("lblcr")
    assert lab.go(X, 0) == "C"
    lab.edit("C", 0)
    assert lab.go(X, 1) == "B"  # no usable member: wlc, B joins
    lab.table.del_dest(lab.svc.key, 2, lab.d["B"].addr, 80)
    assert lab.go(X, 2) == "A"


def test_lblcr_no_destination_at_all() -> None:
    lab = Lab("lblcr", (0, 0, 0))
    assert lab.go(X, 0) == "-"
    lab2 = Lab("lblc", (0, 0, 0))
    assert lab2.go(X, 0) == "-"
