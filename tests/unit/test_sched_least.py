"""lc, wlc, sed, nq, fo, ovf: hand-derived choices from the kernel sources, plus load properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pylvs.core.constants import DestFlag
from pylvs.core.meta import PacketMeta
from pylvs.core.model import Dest, Service, ServiceKey
from pylvs.core.schedulers import scheduler_class

VIP = bytes([198, 18, 0, 100])
PKT = PacketMeta(2, 6, bytes([198, 19, 0, 1]), VIP, 40000, 80, tcp_flags=0x02)


def service(*dests: tuple[int, int, int]) -> Service:
    """A service whose list (kernel order) holds dests of (weight, active, inactive)."""
    svc = Service(ServiceKey(2, 6, VIP, 80), 2, 6, VIP, 80, 0, "wlc", 0, 0, 0xFFFFFFFF)
    for i, (w, act, inact) in enumerate(dests):
        d = Dest(2, bytes([198, 18, 9, i + 1]), 80, weight=w, last_weight=w)
        d.activeconns, d.inactconns = act, inact
        d.svc = svc
        svc.dests.append(d)
    return svc


def pick(sched: str, svc: Service) -> int | None:
    """Index in the list of the dest ``sched`` chooses, or None."""
    cls = scheduler_class(sched)
    assert cls is not None
    d = cls(svc).schedule(svc, PKT, 0.0, lambda: 0)
    return None if d is None else svc.dests.index(d)


def _usable_pick(sched: str, svc: Service, usable: list[Dest]) -> Dest | None:
    """The dest ``sched`` chooses, checked to be one of ``usable`` (None: none is usable)."""
    k = pick(sched, svc)
    if not usable:
        assert k is None
        return None
    assert k is not None
    chosen = svc.dests[k]
    assert chosen in usable
    return chosen


def overload(svc: Service, *indexes: int) -> Service:
    for i in indexes:
        svc.dests[i].flags |= DestFlag.OVERLOAD
    return svc


# -- lc --------------------------------------------------------------------------


def test_lc_counts_active_as_256_inactive() -> None:
    # overheads: 1*256+0=256, 0*256+255=255, 0*256+300=300
    assert pick("lc", service((1, 1, 0), (1, 0, 255), (1, 0, 300))) == 1


def test_lc_ignores_weights_but_skips_weight_zero_and_overload() -> None:
    assert pick("lc", service((100, 2, 0), (1, 1, 0))) == 1
    assert pick("lc", service((0, 0, 0), (1, 1, 0))) == 1
    assert pick("lc", overload(service((1, 0, 0), (1, 1, 0)), 0)) == 1
    assert pick("lc", overload(service((0, 0, 0), (1, 1, 0)), 1)) is None


def test_lc_tie_goes_to_the_first_in_list_order() -> None:
    assert pick("lc", service((1, 1, 3), (1, 1, 3), (1, 0, 500))) == 0


# -- wlc -------------------------------------------------------------------------


def test_wlc_weighs_overhead_by_weight() -> None:
    # overhead/weight: 512/1, 768/3=256, 256/2=128 -> last one
    assert pick("wlc", service((1, 2, 0), (3, 3, 0), (2, 1, 0))) == 2


def test_wlc_strict_comparison_keeps_the_earlier_on_ties() -> None:
    # 256/1 vs 512/2: equal, the first stays
    assert pick("wlc", service((1, 1, 0), (2, 2, 0))) == 0


def test_wlc_weight_zero_cannot_win_even_when_idle() -> None:
    # first usable is index 1 (weight 0 is skipped to start), idle weight-0 later never wins
    assert pick("wlc", service((0, 0, 0), (1, 5, 0), (0, 0, 0))) == 1
    assert pick("wlc", service((0, 0, 0), (0, 0, 0))) is None


def test_wlc_skips_overloaded() -> None:
    assert pick("wlc", overload(service((5, 0, 0), (1, 9, 0)), 0)) == 1
    assert pick("wlc", overload(service((5, 0, 0)), 0)) is None


# -- sed / nq ----------------------------------------------------------------------


def test_sed_uses_active_plus_one_and_ignores_inactive() -> None:
    # (a+1)/w: (0+1)/1 = 1, (2+1)/4 = 0.75 -> second; inactive counts do not matter
    assert pick("sed", service((1, 0, 0), (4, 2, 900))) == 1
    # (0+1)/1 vs (3+1)/4: tie, first stays
    assert pick("sed", service((1, 0, 0), (4, 3, 0))) == 0


def test_nq_takes_the_first_idle_dest_whatever_its_weight() -> None:
    assert pick("nq", service((10, 1, 0), (1, 0, 50), (5, 0, 0))) == 1


def test_nq_without_idle_dest_behaves_as_sed() -> None:
    # (1+1)/1 = 2, (5+1)/4 = 1.5, (2+1)/2 = 1.5 -> index 1 (first of the tie)
    assert pick("nq", service((1, 1, 0), (4, 5, 0), (2, 2, 0))) == 1


def test_nq_skips_idle_but_unusable_dests() -> None:
    assert pick("nq", service((0, 0, 0), (1, 3, 0))) == 1
    assert pick("nq", overload(service((1, 0, 0), (1, 3, 0)), 0)) == 1


# -- fo / ovf ----------------------------------------------------------------------


def test_fo_highest_weight_first_on_ties() -> None:
    assert pick("fo", service((1, 0, 0), (3, 50, 0), (3, 0, 0))) == 1
    assert pick("fo", overload(service((1, 0, 0), (3, 0, 0), (3, 0, 0)), 1)) == 2
    assert pick("fo", service((0, 0, 0), (0, 0, 0))) is None


def test_ovf_highest_weight_with_room_left() -> None:
    # active <= weight: B(3) has 3 active -> still allowed; at 4 it overflows to A
    assert pick("ovf", service((2, 0, 0), (3, 3, 0))) == 1
    assert pick("ovf", service((2, 0, 0), (3, 4, 0))) == 0
    assert pick("ovf", service((2, 3, 0), (3, 4, 0))) is None
    # inactive connections do not count
    assert pick("ovf", service((2, 0, 0), (3, 0, 1000))) == 1


# -- properties --------------------------------------------------------------------

loads = st.lists(
    st.tuples(st.integers(0, 20), st.integers(0, 50), st.integers(0, 600), st.booleans()),
    min_size=1, max_size=10,
)


def _svc_from(spec: list[tuple[int, int, int, bool]]) -> Service:
    svc = service(*[(w, a, i) for w, a, i, _ in spec])
    return overload(svc, *[k for k, (*_, over) in enumerate(spec) if over])


@settings(max_examples=150, deadline=None)
@given(loads)
def test_lc_never_picks_a_worse_dest_than_some_usable_one(spec: list) -> None:
    svc = _svc_from(spec)
    usable = [d for d in svc.dests if d.weight != 0 and not d.overloaded]
    chosen = _usable_pick("lc", svc, usable)
    if chosen is None:
        return
    assert all(chosen.overhead() <= d.overhead() for d in usable)
    # and it is the first of the least loaded
    assert chosen is next(d for d in usable if d.overhead() == chosen.overhead())


@settings(max_examples=150, deadline=None)
@given(loads)
def test_wlc_never_picks_a_dest_with_worse_overhead_per_weight(spec: list) -> None:
    svc = _svc_from(spec)
    usable = [d for d in svc.dests if d.weight > 0 and not d.overloaded]
    chosen = _usable_pick("wlc", svc, usable)
    if chosen is None:
        return
    for d in usable:  # chosen.overhead/chosen.weight <= d.overhead/d.weight
        assert chosen.overhead() * d.weight <= d.overhead() * chosen.weight
