"""Every kernel scheduler is registered under its kernel name and works through IPVS."""

from __future__ import annotations

import errno

import pytest

from pylvs.core.errors import IPVSError
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import PacketMeta
from pylvs.core.model import DestSpec, ServiceSpec
from pylvs.core.schedulers import SCHEDULERS, scheduler_class

KERNEL_NAMES = ["rr", "wrr", "lc", "wlc", "sed", "nq", "lblc", "lblcr", "dh", "sh", "mh",
                "fo", "ovf", "twos"]
VIP = bytes([198, 18, 0, 100])


def test_all_fourteen_names_are_registered() -> None:
    assert sorted(SCHEDULERS) == sorted(KERNEL_NAMES)
    for name in KERNEL_NAMES:
        cls = scheduler_class(name)
        assert cls is not None and cls.name == name
    assert scheduler_class("nosuch") is None


@pytest.mark.parametrize("name", KERNEL_NAMES)
def test_each_scheduler_serves_and_refuses_through_the_table(name: str) -> None:
    table = IPVS()
    svc = table.add_service(ServiceSpec(addr=VIP, port=80, sched_name=name))
    pkt = PacketMeta(2, 6, bytes([198, 19, 0, 1]), VIP, 40000, 80, tcp_flags=0x02)
    assert svc.scheduler is not None
    assert svc.scheduler.schedule(svc, pkt, 0.0, lambda: 12345) is None  # no dest
    d = table.add_dest(svc.key, DestSpec(addr=bytes([198, 18, 9, 1]), port=80, weight=2))
    assert svc.scheduler.schedule(svc, pkt, 1.0, lambda: 12345) is d
    table.edit_dest(svc.key, DestSpec(addr=d.addr, port=80, weight=0))
    assert svc.scheduler.schedule(svc, pkt, 2.0, lambda: 12345) is None  # quiesced
    table.del_dest(svc.key, 2, d.addr, 80)
    assert svc.scheduler.schedule(svc, pkt, 3.0, lambda: 12345) is None


def test_unknown_scheduler_is_refused() -> None:
    with pytest.raises(IPVSError) as exc:
        IPVS().add_service(ServiceSpec(addr=VIP, port=80, sched_name="nosuch"))
    assert exc.value.errno == errno.ENOENT
