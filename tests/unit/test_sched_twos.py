"""twos (Linux 6.5+, random): properties with a seeded rand32 and hand-steered draws."""

from __future__ import annotations

import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from pylvs.core.constants import DestFlag
from pylvs.core.meta import PacketMeta
from pylvs.core.model import Dest, Service, ServiceKey
from pylvs.core.schedulers.twos import TwoChoices, random_below

VIP = bytes([198, 18, 0, 100])
PKT = PacketMeta(2, 6, bytes([198, 19, 0, 1]), VIP, 40000, 80, tcp_flags=0x02)


def service(*dests: tuple[int, int, bool]) -> Service:
    """Dests of (weight, overhead as active*256, overloaded) in list order."""
    svc = Service(ServiceKey(2, 6, VIP, 80), 2, 6, VIP, 80, 0, "twos", 0, 0, 0xFFFFFFFF)
    for i, (w, active, over) in enumerate(dests):
        d = Dest(2, bytes([198, 18, 9, i + 1]), 80, weight=w, last_weight=w)
        d.activeconns = active
        if over:
            d.flags |= DestFlag.OVERLOAD
        svc.dests.append(d)
    return svc


def seeded(seed: int):  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    return lambda: rng.getrandbits(32)


def draws_for(*ks: int, total: int):  # type: ignore[no-untyped-def]
    """A rand32 whose successive random_below(total) results are ``ks``."""
    # aim at the middle of k's share: the product's low word is far from the rejection zone
    values = iter([((2 * k + 1) << 32) // (2 * total) for k in ks])
    return lambda: next(values)


def test_random_below_is_the_multiply_shift_draw() -> None:
    for total in (1, 2, 7, 10, 1000):
        for k in range(min(total, 12)):
            assert random_below(total, draws_for(k, total=total)) == k
    rng = seeded(3)
    assert all(0 <= random_below(5, rng) < 5 for _ in range(500))


def test_random_below_rejects_draws_from_the_uneven_remainder() -> None:
    # ceil 3: 2^32 mod 3 = 1, so a draw whose low product word is 0 (rand 0) is redrawn
    draws = iter([0, 1 << 31])
    assert random_below(3, lambda: next(draws)) == (3 << 31) >> 32
    # ceil 4 divides 2^32: nothing is ever rejected, rand 0 gives 0
    assert random_below(4, lambda: 0) == 0


def test_two_choice_rule_prefers_the_less_loaded_per_weight() -> None:
    # A(w1, idle) B(w1, 1 active): total = 2 + 1 = 3; draw 0/1 -> A, 2 -> B
    svc = service((1, 0, False), (1, 1, False))
    sched = TwoChoices(svc)
    assert sched.schedule(svc, PKT, 0, draws_for(2, 0, total=3)) is svc.dests[0]
    assert sched.schedule(svc, PKT, 0, draws_for(0, 2, total=3)) is svc.dests[0]
    assert sched.schedule(svc, PKT, 0, draws_for(2, 2, total=3)) is svc.dests[1]
    # equal load per weight: the first draw wins
    svc = service((1, 1, False), (2, 2, False))  # total 4: 0,1 -> A; 2,3 -> B
    sched = TwoChoices(svc)
    assert sched.schedule(svc, PKT, 0, draws_for(3, 0, total=4)) is svc.dests[1]
    assert sched.schedule(svc, PKT, 0, draws_for(0, 3, total=4)) is svc.dests[0]


def test_draws_walk_only_usable_dests() -> None:
    # X(w5, overloaded) Z(w0) A(w2) B(w1): total 2 + 1 + 1 = 4; 0..2 -> A, 3 -> B
    svc = service((5, 0, True), (0, 0, False), (2, 0, False), (1, 0, False))
    sched = TwoChoices(svc)
    assert sched.schedule(svc, PKT, 0, draws_for(3, 3, total=4)) is svc.dests[3]
    assert sched.schedule(svc, PKT, 0, draws_for(2, 2, total=4)) is svc.dests[2]
    none_usable = service((0, 0, False), (3, 0, True))
    assert TwoChoices(none_usable).schedule(none_usable, PKT, 0, seeded(1)) is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4), st.booleans()),
             min_size=1, max_size=8),
    st.integers(0, 2**32 - 1),
)
def test_never_picks_overloaded_or_weight_zero(dests: list, seed: int) -> None:
    svc = service(*dests)
    sched = TwoChoices(svc)
    rng = seeded(seed)
    usable = [d for d in svc.dests if d.weight > 0 and not d.overloaded]
    for _ in range(30):
        d = sched.schedule(svc, PKT, 0, rng)
        if not usable:
            assert d is None
        else:
            assert d in usable


def test_idle_dests_are_picked_in_proportion_to_weight() -> None:
    # all idle: the first draw always stands, so P(d) = w / (sum + 1), plus 1/(sum+1) for
    # the first usable dest (a draw of 0)
    weights = [5, 1, 3, 0, 1]
    svc = service(*[(w, 0, False) for w in weights])
    sched = TwoChoices(svc)
    rng = seeded(42)
    n = 40_000
    got = Counter(svc.dests.index(sched.schedule(svc, PKT, 0, rng)) for _ in range(n))
    total = sum(weights) + 1
    expected = [(w + (i == 0)) / total for i, w in enumerate(weights)]
    for i, p in enumerate(expected):
        assert abs(got[i] / n - p) < 0.01, (i, got[i] / n, p)
    assert got[3] == 0
