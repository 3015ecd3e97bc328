"""Next-hop resolution and the bounded wait queue for unresolved neighbours."""

from __future__ import annotations

import pytest

from pylvs.core.constants import AF_INET
from pylvs.datapath import neigh
from pylvs.datapath.kernel import NUD_FAILED, NUD_STALE
from pylvs.datapath.neigh import Resolver, WaitQueue
from tests.datapath.fakenet import FakeNet

RS1 = bytes([198, 18, 0, 171])
RS2 = bytes([198, 18, 0, 172])
MAC1 = bytes.fromhex("020000000011")
MAC1B = bytes.fromhex("0200000000aa")


def test_queue_keeps_frames_in_order_until_released() -> None:
    q = WaitQueue(max_wait=1.0)
    assert q.add(RS1, b"a", 0.0) and q.add(RS1, b"b", 0.1) and q.add(RS2, b"c", 0.2)
    assert len(q) == 3
    assert sorted(q.waiting_for()) == sorted([RS1, RS2])
    assert q.release(RS1) == [b"a", b"b"]
    assert q.release(RS1) == []
    assert len(q) == 1


def test_queue_is_bounded_per_neighbour_and_in_total() -> None:
    q = WaitQueue(per_key=2, total=3)
    assert q.add(RS1, b"1", 0) and q.add(RS1, b"2", 0)
    assert not q.add(RS1, b"3", 0)  # this neighbour's share is full
    assert q.add(RS2, b"4", 0)
    assert not q.add(bytes([198, 18, 0, 173]), b"5", 0)  # the whole queue is full
    assert len(q) == 3
    q.release(RS1)
    assert q.add(RS1, b"6", 0)


def test_queue_drops_frames_that_waited_too_long() -> None:
    q = WaitQueue(max_wait=0.5)
    q.add(RS1, b"old", 0.0)
    q.add(RS1, b"newer", 0.4)  # the wait is counted from the first frame for a neighbour
    q.add(RS2, b"other", 0.3)
    assert q.expire(0.49) == 0
    assert q.expire(0.5) == 2
    assert q.waiting_for() == [RS2]
    assert q.expire(0.8) == 1
    assert len(q) == 0


def test_resolver_caches_the_hop_and_rechecks_after_its_ttl() -> None:
    net = FakeNet()
    net.on_link(RS1, ifindex=3, mtu=1400)
    net.resolve(RS1, MAC1)
    r = Resolver(net, neigh_ttl=1.0, route_ttl=5.0)
    hop = r.lookup(AF_INET, RS1, 10.0)
    assert hop is not None and (hop.ifindex, hop.mac, hop.mtu) == (3, MAC1, 1400)
    for t in (10.1, 10.5, 10.99):
        assert r.lookup(AF_INET, RS1, t) is hop
    assert (net.route_queries, net.neigh_queries) == (1, 1)
    net.resolve(RS1, MAC1B)  # the real server's MAC changed
    hop2 = r.lookup(AF_INET, RS1, 11.0)
    assert hop2 is not None and hop2.mac == MAC1B
    assert net.route_queries == 1  # the route is still cached
    assert not net.probes


def test_unresolved_neighbour_is_probed_and_found_later() -> None:
    net = FakeNet()
    net.on_link(RS1)
    r = Resolver(net)
    assert r.lookup(AF_INET, RS1, 0.0) is None
    assert net.probes == [RS1]
    assert r.has_route(AF_INET, RS1, 0.0)
    net.resolve(RS1, MAC1)
    hop = r.refresh(AF_INET, RS1, 0.05)
    assert hop is not None and hop.mac == MAC1


def test_a_known_mac_is_kept_while_the_kernel_re_resolves_it() -> None:
    net = FakeNet()
    net.on_link(RS1)
    net.resolve(RS1, MAC1)
    r = Resolver(net, neigh_ttl=1.0)
    assert r.lookup(AF_INET, RS1, 0.0) is not None
    net.neighbours[RS1] = (None, NUD_FAILED)
    hop = r.lookup(AF_INET, RS1, 2.0)
    assert hop is not None and hop.mac == MAC1
    assert net.probes == [RS1]


def test_stale_neighbour_is_used_and_confirmed() -> None:
    net = FakeNet()
    net.on_link(RS1)
    net.resolve(RS1, MAC1, NUD_STALE)
    hop = Resolver(net).lookup(AF_INET, RS1, 0.0)
    assert hop is not None and hop.mac == MAC1
    assert net.probes == [RS1]


def test_no_route_gives_no_hop_and_no_probe() -> None:
    net = FakeNet()
    r = Resolver(net)
    assert r.lookup(AF_INET, RS2, 0.0) is None
    assert not r.has_route(AF_INET, RS2, 0.0)
    assert net.probes == []


def test_the_caches_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neigh, "MAX_CACHED", 8)
    net = FakeNet()
    r = Resolver(net)
    for i in range(20):
        addr = bytes([198, 18, 1, i])
        net.on_link(addr)
        net.resolve(addr, MAC1)
        assert r.lookup(AF_INET, addr, 0.0) is not None
    assert len(r.hops) <= 8 and len(r._regions) <= 8
