"""Control operations on the IPVS table: validation, errnos, nothing half-applied."""

from __future__ import annotations

import copy
import errno

import pytest

from pylvs.core.constants import AF_INET6, DestFlag, FwdMethod, SvcFlag, TunType
from pylvs.core.errors import IPVSError
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import TCP_SYN, PacketMeta
from pylvs.core.model import DestSpec, ServiceKey, ServiceSpec

VIP = bytes([198, 18, 0, 150])
RS1 = bytes([198, 18, 0, 171])
RS2 = bytes([198, 18, 0, 172])


def _table() -> tuple[IPVS, ServiceKey]:
    t = IPVS()
    svc = t.add_service(ServiceSpec(addr=VIP, port=80, sched_name="rr"))
    return t, svc.key


def _err(fn, *args) -> int:
    with pytest.raises(IPVSError) as exc:
        fn(*args)
    return exc.value.errno


def test_duplicate_service_is_eexist() -> None:
    t, _ = _table()
    assert _err(t.add_service, ServiceSpec(addr=VIP, port=80)) == errno.EEXIST


def test_unknown_scheduler_is_enoent_and_adds_nothing() -> None:
    t = IPVS()
    assert _err(t.add_service, ServiceSpec(addr=VIP, port=80, sched_name="nope")) == errno.ENOENT
    assert t.services == {}


def test_ipv6_netmask_range() -> None:
    t = IPVS()
    spec = ServiceSpec(af=AF_INET6, addr=bytes(15) + b"\1", port=80, sched_name="rr", netmask=129)
    assert _err(t.add_service, spec) == errno.EINVAL


def test_missing_service_is_esrch_for_every_operation() -> None:
    t = IPVS()
    key = ServiceKey(2, 6, VIP, 80)
    assert _err(t.edit_service, ServiceSpec(addr=VIP, port=80)) == errno.ESRCH
    assert _err(t.del_service, key) == errno.ESRCH
    assert _err(t.zero, key) == errno.ESRCH
    assert _err(t.add_dest, key, DestSpec(addr=RS1, port=80)) == errno.ESRCH
    assert _err(t.del_dest, key, 2, RS1, 80) == errno.ESRCH


def test_dest_errors() -> None:
    t, key = _table()
    t.add_dest(key, DestSpec(addr=RS1, port=80))
    assert _err(t.add_dest, key, DestSpec(addr=RS1, port=80)) == errno.EEXIST
    assert _err(t.edit_dest, key, DestSpec(addr=RS2, port=80)) == errno.ENOENT
    assert _err(t.del_dest, key, 2, RS2, 80) == errno.ENOENT
    assert _err(t.add_dest, key, DestSpec(addr=RS2, port=80, weight=-1)) == errno.ERANGE
    assert _err(t.add_dest, key, DestSpec(addr=RS2, port=80, l_threshold=5)) == errno.ERANGE
    gue = DestSpec(addr=RS2, port=80, conn_flags=FwdMethod.TUNNEL, tun_type=TunType.GUE)
    assert _err(t.add_dest, key, gue) == errno.EINVAL
    assert _err(t.add_dest, key, DestSpec(addr=bytes([224, 0, 0, 1]), port=80)) == errno.EINVAL
    v6 = DestSpec(af=AF_INET6, addr=bytes(15) + b"\1", port=80)
    assert _err(t.add_dest, key, v6) == errno.EINVAL


def test_failed_operation_leaves_table_unchanged() -> None:
    t, key = _table()
    t.add_dest(key, DestSpec(addr=RS1, port=80, weight=3))
    before = [(d.addr, d.weight, d.conn_flags) for d in t.services[key].dests]
    bad = DestSpec(addr=RS1, port=80, weight=7, u_threshold=1, l_threshold=2)
    assert _err(t.edit_dest, key, bad) == errno.ERANGE
    assert [(d.addr, d.weight, d.conn_flags) for d in t.services[key].dests] == before
    snapshot = copy.copy(t.services[key].sched_name)
    assert _err(t.edit_service, ServiceSpec(addr=VIP, port=80, sched_name="bogus")) == errno.ENOENT
    assert t.services[key].sched_name == snapshot


def test_dest_list_is_newest_first_and_flags_follow_method() -> None:
    t, key = _table()
    t.add_dest(key, DestSpec(addr=RS1, port=80, conn_flags=FwdMethod.MASQ))
    t.add_dest(key, DestSpec(addr=RS2, port=80))
    dests = t.services[key].dests
    assert [d.addr for d in dests] == [RS2, RS1]
    assert dests[0].conn_flags == FwdMethod.DROUTE | 0x0100 | 0x0080  # INACTIVE|NOOUTPUT
    assert dests[1].conn_flags == FwdMethod.MASQ | 0x0100


def test_last_weight_keeps_latest_nonzero() -> None:
    t, key = _table()
    d = t.add_dest(key, DestSpec(addr=RS1, port=80, weight=5))
    t.edit_dest(key, DestSpec(addr=RS1, port=80, weight=0))
    assert (d.weight, d.last_weight) == (0, 5)


def test_edit_threshold_clears_overload_when_raised() -> None:
    t, key = _table()
    d = t.add_dest(key, DestSpec(addr=RS1, port=80, u_threshold=2))
    d.flags |= DestFlag.OVERLOAD
    t.edit_dest(key, DestSpec(addr=RS1, port=80, u_threshold=2))
    assert d.overloaded
    t.edit_dest(key, DestSpec(addr=RS1, port=80, u_threshold=3))
    assert not d.overloaded


def test_deleted_dest_comes_back_from_trash_with_its_counters() -> None:
    t, key = _table()
    d = t.add_dest(key, DestSpec(addr=RS1, port=80))
    d.refcnt, d.inactconns = 1, 1
    d.stats.conns = 7
    t.del_dest(key, 2, RS1, 80)
    assert not d.available and d in t.trash
    again = t.add_dest(key, DestSpec(addr=RS1, port=80))
    assert again is d and d.available and d.inactconns == 1 and d.stats.counters().conns == 7


def test_trash_expires_unreferenced_dests_after_period() -> None:
    t, key = _table()
    t.add_dest(key, DestSpec(addr=RS1, port=80))
    t.del_dest(key, 2, RS1, 80)
    t.expire_trash(100.0)
    assert len(t.trash) == 1
    t.expire_trash(219.0)
    assert len(t.trash) == 1
    t.expire_trash(220.0)
    assert t.trash == []


def test_edit_service_replaces_everything() -> None:
    t = IPVS()
    t.add_service(ServiceSpec(addr=VIP, port=80, sched_name="rr", flags=SvcFlag.PERSISTENT,
                              timeout=5))
    svc = t.edit_service(ServiceSpec(addr=VIP, port=80, sched_name="rr"))
    assert not svc.persistent and svc.timeout == 0
    assert svc.flags == SvcFlag.HASHED


def test_zero_all_and_one() -> None:
    t, key = _table()
    d = t.add_dest(key, DestSpec(addr=RS1, port=80))
    svc = t.services[key]
    svc.stats.conns = d.stats.conns = t.stats.conns = 4
    t.zero(key)
    assert svc.stats.counters().conns == 0 and d.stats.counters().conns == 0
    assert t.stats.counters().conns == 4
    t.zero()
    assert t.stats.counters().conns == 0


def test_set_timeouts_zero_keeps() -> None:
    t = IPVS()
    t.set_timeouts(1, 0, 1)
    assert (t.timeouts.tcp, t.timeouts.tcpfin, t.timeouts.udp) == (1, 120, 1)


def test_service_lookup_order() -> None:
    t = IPVS()
    t.add_service(ServiceSpec(addr=VIP, port=21, sched_name="rr", flags=SvcFlag.PERSISTENT))
    t.add_service(ServiceSpec(fwmark=7, sched_name="rr"))
    assert t.lookup_service(2, 6, VIP, 21, fwmark=7).fwmark == 7
    assert t.lookup_service(2, 6, VIP, 21).port == 21
    assert t.lookup_service(2, 6, VIP, 40000).port == 21  # FTP data via the port-21 service
    assert t.lookup_service(2, 6, VIP, 80) is None


def test_an_ipv6_service_never_stands_for_the_ipv4_one_with_the_same_low_bits() -> None:
    """::198.18.0.150 port 80 and 198.18.0.150:80 are two services, added and removed apart."""
    t = IPVS()
    v6 = bytes(12) + VIP
    svc4 = t.add_service(ServiceSpec(addr=VIP, port=80, sched_name="rr"))
    t.add_dest(svc4.key, DestSpec(addr=RS1, port=80))
    t.add_service(ServiceSpec(af=AF_INET6, addr=v6, port=80, sched_name="rr", netmask=128))
    t.add_service(ServiceSpec(fwmark=80, sched_name="rr"))
    # the packet path's index holds IPv4 services without a mark only
    assert [list(by_port.values()) for by_port in t.index4.values()] == [[svc4], [], []]
    syn = PacketMeta(2, 6, RS2, VIP, 40000, 80, TCP_SYN, 60)
    syn6 = PacketMeta(AF_INET6, 6, bytes(12) + RS2, v6, 40000, 80, TCP_SYN, 60)
    assert t.process(syn, 0.0, lambda: 0).daddr == RS1
    assert t.process(syn6, 0.0, lambda: 0).reason == "no-dest"
    t.del_service(ServiceKey(AF_INET6, 6, v6, 80))
    t.del_service(ServiceKey.for_fwmark(2, 80))
    assert [list(by_port.values()) for by_port in t.index4.values()] == [[svc4], [], []]
    assert t.process(syn6, 0.0, lambda: 0).reason == "no-service"
    t.add_service(ServiceSpec(af=AF_INET6, addr=v6, port=80, sched_name="rr", netmask=128))
    t.del_service(svc4.key)
    assert not any(t.index4.values())
    syn.sport += 1
    assert t.process(syn, 0.0, lambda: 0).reason == "no-service"
    syn6.sport += 1
    assert t.process(syn6, 0.0, lambda: 0).reason == "no-dest"
