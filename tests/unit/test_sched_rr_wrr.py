"""rr and wrr: sequences derived by hand from ip_vs_rr.c / ip_vs_wrr.c, and the wrr cycle law."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from pylvs.core.constants import DestFlag
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import PacketMeta
from pylvs.core.model import Dest, DestSpec, Service, ServiceSpec

VIP = bytes([198, 18, 0, 100])
PKT = PacketMeta(2, 6, bytes([198, 19, 0, 1]), VIP, 40000, 80, tcp_flags=0x02)


class Lab:
    """One service driven through IPVS; dests named by letters."""

    def __init__(self, sched: str) -> None:
        self.table = IPVS()
        self.svc: Service = self.table.add_service(
            ServiceSpec(addr=VIP, port=80, sched_name=sched))
        self.names: dict[int, str] = {}

    def _addr(self, name: str) -> bytes:
        return bytes([198, 18, 9, ord(name)])

    def add(self, name: str, weight: int = 1) -> Dest:
        d = self.table.add_dest(self.svc.key, DestSpec(addr=self._addr(name), port=80,
                                                      weight=weight))
        self.names[id(d)] = name
        return d

    def edit(self, name: str, weight: int) -> None:
        self.table.edit_dest(self.svc.key, DestSpec(addr=self._addr(name), port=80,
                                                   weight=weight))

    def delete(self, name: str) -> None:
        self.table.del_dest(self.svc.key, 2, self._addr(name), 80)

    def switch_to(self, sched: str) -> None:
        """Edit the service to use ``sched`` (the new scheduler binds to the dests there)."""
        spec = self.svc.spec()
        spec.sched_name = sched
        self.table.edit_service(spec)

    def dest(self, name: str) -> Dest:
        d = self.svc.find_dest(2, self._addr(name), 80)
        assert d is not None
        return d

    def picks(self, n: int) -> str:
        out = []
        sched = self.svc.scheduler
        assert sched is not None
        for _ in range(n):
            d = sched.schedule(self.svc, PKT, 0.0, lambda: 0)
            out.append("-" if d is None else self.names[id(d)])
        return "".join(out)


# -- rr ------------------------------------------------------------------------


def test_rr_starts_with_the_last_added_and_walks_the_list() -> None:
    lab = Lab("rr")
    for n in "ABC":
        lab.add(n)  # list order C B A
    assert lab.picks(7) == "CBACBAC"


def test_rr_delete_of_the_cursor_moves_it_to_the_predecessor() -> None:
    lab = Lab("rr")
    for n in "ABC":
        lab.add(n)
    assert lab.picks(2) == "CB"  # cursor on B
    lab.delete("B")  # cursor -> C, so A is next
    assert lab.picks(3) == "ACA"


def test_rr_delete_before_and_after_the_cursor_keeps_its_place() -> None:
    lab = Lab("rr")
    for n in "ABCD":
        lab.add(n)  # D C B A
    assert lab.picks(2) == "DC"  # cursor on C
    lab.delete("D")  # before the cursor
    assert lab.picks(1) == "B"
    lab.delete("A")  # after the cursor (list C B)
    assert lab.picks(3) == "CBC"


def test_rr_add_goes_to_the_head_and_does_not_move_the_cursor() -> None:
    lab = Lab("rr")
    lab.add("A")
    lab.add("B")  # B A
    assert lab.picks(1) == "B"
    lab.add("C")  # C B A, cursor still on B
    assert lab.picks(4) == "ACBA"


def test_rr_skips_weight_zero_and_overloaded_and_fails_when_none_left() -> None:
    lab = Lab("rr")
    for n in "ABC":
        lab.add(n)
    lab.edit("B", 0)
    lab.dest("C").flags |= DestFlag.OVERLOAD
    assert lab.picks(3) == "AAA"
    lab.edit("A", 0)
    assert lab.picks(2) == "--"
    lab.dest("C").flags &= ~DestFlag.OVERLOAD
    assert lab.picks(2) == "CC"


def test_rr_second_pass_includes_the_cursor_itself() -> None:
    lab = Lab("rr")
    lab.add("A")
    lab.add("B")  # B A
    assert lab.picks(1) == "B"
    lab.edit("A", 0)
    assert lab.picks(2) == "BB"


# -- wrr -----------------------------------------------------------------------


def test_wrr_new_service_opening_follows_the_first_added_weight() -> None:
    # bound empty: cw = mw = 0; adding A(4) first sets cw = mw = 1, later adds keep it
    lab = Lab("wrr")
    lab.add("A", 4)
    lab.add("B", 3)
    lab.add("C", 2)  # list C B A
    # cw=1: C B A; cw=4: A; cw=3: B A; cw=2: C B A; cw=1: C B A; cw=4: A ...
    assert lab.picks(18) == "CBA" + "A" + "BA" + "CBA" + "CBA" + "A" + "BA" + "CBA"


def test_wrr_bound_to_a_populated_service_starts_at_the_maximum() -> None:
    lab = Lab("rr")
    lab.add("C", 2)
    lab.add("B", 3)
    lab.add("A", 4)  # list A B C
    lab.switch_to("wrr")  # init_service with dests: cw = mw = 4
    assert lab.picks(18) == "AABABCABC" * 2


def test_wrr_gcd_stepping_with_weights_2_and_4() -> None:
    lab = Lab("rr")
    lab.add("B", 4)
    lab.add("A", 2)  # list A B; di = 2, mw = 3
    lab.switch_to("wrr")
    # cw=3: B; cw=1: A B; then again
    assert lab.picks(9) == "BAB" * 3


def test_wrr_weight_change_mid_stream() -> None:
    lab = Lab("wrr")
    lab.add("A", 4)
    lab.add("B", 3)
    lab.add("C", 2)
    assert lab.picks(4) == "CBAA"  # cw now 4, cursor on A
    lab.edit("B", 1)  # cursor to head, mw stays 4, cw 4 kept
    # cw=4: A; cw=3: A; cw=2: C A; cw=1: C B A; cw=4: A; cw=3: A
    assert lab.picks(9) == "A" + "A" + "CA" + "CBA" + "A" + "A"
    lab.edit("A", 0)  # mw = 2 < cw 3 -> cw = mw = 2
    # cw=2: C; cw=1: C B; cw=2: C; ...
    assert lab.picks(6) == "CCBCCB"


def test_wrr_weight_zero_dest_never_picked_and_all_zero_fails() -> None:
    lab = Lab("wrr")
    lab.add("Z", 0)
    lab.add("A", 1)
    assert lab.picks(4) == "AAAA"
    lab.edit("A", 0)
    assert lab.picks(2) == "--"


def test_wrr_overloaded_dest_is_skipped_and_all_overloaded_fails() -> None:
    lab = Lab("wrr")
    lab.add("A", 3)
    lab.add("B", 1)  # list B A
    lab.dest("A").flags |= DestFlag.OVERLOAD
    assert lab.picks(3) == "BBB"
    lab.dest("B").flags |= DestFlag.OVERLOAD
    assert lab.picks(2) == "--"
    lab.dest("A").flags &= ~DestFlag.OVERLOAD
    assert lab.picks(4) == "AAAA"


def test_wrr_all_overloaded_leaves_the_cursor_on_the_last_choice() -> None:
    lab = Lab("wrr")
    for n in "ABC":
        lab.add(n)  # all weight 1: list C B A
    assert lab.picks(2) == "CB"
    for n in "ABC":
        lab.dest(n).flags |= DestFlag.OVERLOAD
    # last pass: after B to the end, then from the head up to the stop element B
    assert lab.picks(1) == "-"
    for n in "ABC":
        lab.dest(n).flags &= ~DestFlag.OVERLOAD
    assert lab.picks(3) == "ACB"  # the walk goes on after B, not from the head


def test_wrr_delete_restarts_from_the_head() -> None:
    lab = Lab("wrr")
    lab.add("A", 2)
    lab.add("B", 1)
    lab.add("C", 2)  # list C B A; the first add set cw = 1, later adds keep it
    assert lab.picks(5) == "CBA" + "CA"  # cw=1: C B A; cw=2: C A
    lab.delete("C")  # list B A, di 1, mw 2: cw 2 kept
    # cw=2: A; cw=1: B A; cw=2: A
    assert lab.picks(4) == "ABAA"


@settings(max_examples=60, deadline=None)
@given(
    weights=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=8),
    warmup=st.integers(min_value=0, max_value=40),
)
def test_wrr_one_full_cycle_gives_each_dest_exactly_its_weight(
    weights: list[int], warmup: int
) -> None:
    lab = Lab("wrr")
    names = "ABCDEFGH"
    for name, w in zip(names, weights, strict=False):
        lab.add(name, w)
    total = sum(weights)
    if total == 0:
        assert lab.picks(3) == "---"
        return
    # a cycle is sum(weights) / gcd picks long only after gcd scaling: use whole weights,
    # any window of `total` consecutive picks (after the opening) holds each weight once
    lab.picks(total + warmup)
    window = lab.picks(total)
    for name, w in zip(names, weights, strict=False):
        assert window.count(name) == w, (weights, window)


class LiteralWrr:
    """ip_vs_wrr.c transcribed element by element (no candidate lists), as a reference."""

    def __init__(self) -> None:
        self.cl, self.cw, self.mw, self.di = -1, 0, 0, 1

    def changed(self, svc: Service) -> None:
        g = 0
        for d in svc.dests:
            if d.weight > 0:
                g = math.gcd(g, d.weight)
        self.cl, self.di = -1, g or 1
        self.mw = max((d.weight for d in svc.dests), default=0) - (self.di - 1)
        if self.cw > self.mw or self.cw == 0:
            self.cw = self.mw
        elif self.di > 1:
            self.cw = (self.cw // self.di) * self.di + 1

    def schedule(self, svc: Service) -> Dest | None:
        if self.mw == 0:
            return None
        dests, n = svc.dests, len(svc.dests)
        last = i = self.cl
        stop, last_pass, restarted = -2, False, False
        while True:
            i += 1
            while i < n:
                d = dests[i]
                if d.weight >= self.cw and not d.overloaded:
                    self.cl = i
                    return d
                if i == stop:
                    self.cl = i
                    return None
                i += 1
            self.cw -= self.di
            if self.cw <= 0:
                self.cw = self.mw
                if last_pass or last == -1:
                    self.cl = -1
                    return None
                restarted = True
            last_pass = self.cw <= self.di
            if last_pass and restarted and last != -1:
                stop = last
            i = -1


ops = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.sampled_from("ABCDEF"), st.integers(0, 6)),
        st.tuples(st.just("edit"), st.sampled_from("ABCDEF"), st.integers(0, 6)),
        st.tuples(st.just("del"), st.sampled_from("ABCDEF"), st.just(0)),
        st.tuples(st.just("over"), st.sampled_from("ABCDEF"), st.integers(0, 1)),
        st.tuples(st.just("pick"), st.just(""), st.integers(1, 15)),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(ops)
def test_wrr_walk_over_candidate_lists_equals_the_literal_kernel_walk(
    steps: list[tuple[str, str, int]],
) -> None:
    lab = Lab("wrr")
    ref = LiteralWrr()
    for op, name, arg in steps:
        present = lab.svc.find_dest(2, lab._addr(name), 80) is not None if name else False
        if op == "add" and not present:
            lab.add(name, arg)
            ref.changed(lab.svc)
        elif op == "edit" and present:
            lab.edit(name, arg)
            ref.changed(lab.svc)
        elif op == "del" and present:
            lab.delete(name)
            ref.changed(lab.svc)
        elif op == "over" and present:
            if arg:
                lab.dest(name).flags |= DestFlag.OVERLOAD
            else:
                lab.dest(name).flags &= ~DestFlag.OVERLOAD
        elif op == "pick":
            sched = lab.svc.scheduler
            assert sched is not None
            for _ in range(arg):
                assert sched.schedule(lab.svc, PKT, 0.0, lambda: 0) is ref.schedule(lab.svc)
