"""Control protocol round trips through the in-process transport: results and errnos."""

from __future__ import annotations

import errno
import json
from collections.abc import Callable
from typing import Any

import pytest

from pylvs.control import client as client_module
from pylvs.control.client import Client, ControlError
from pylvs.control.dispatch import Dispatcher
from pylvs.control.transport import InProcess
from pylvs.core.constants import AF_INET, AF_INET6, IPPROTO_UDP, FwdMethod, SvcFlag
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import TCP_SYN, Direction, PacketMeta
from pylvs.core.model import DestSpec, ServiceKey, ServiceSpec

VIP = bytes([198, 18, 0, 150])
RS1 = bytes([198, 18, 0, 171])
RS2 = bytes([198, 18, 0, 172])
VIP6 = bytes.fromhex("20010db8000000000000000000000150")
KEY = ServiceKey(AF_INET, 6, VIP, 80)


def _client() -> tuple[Client, IPVS]:
    ipvs = IPVS()
    return Client(transport=InProcess(ipvs)), ipvs


def _watched_client(ipvs: IPVS, watch: Callable[[bytes], Any]) -> Client:
    """An in-process client of ``ipvs``; ``watch`` sees each request line before it is served."""
    transport = InProcess(ipvs)
    inner = transport.exchange

    def watched(line: bytes) -> bytes:
        watch(line)
        return inner(line)

    transport.exchange = watched  # type: ignore[method-assign]
    return Client(transport=transport)


def _add_service_calls(n: int) -> list[tuple[str, tuple[ServiceSpec]]]:
    """``n`` add_service calls for distinct services 198.19.x.y:80."""
    return [
        ("add_service", (ServiceSpec(addr=bytes([198, 19, i >> 8, i & 255]), port=80,
                                     sched_name="rr"),))
        for i in range(n)
    ]


def _errno_of(fn, *args) -> int:
    with pytest.raises(ControlError) as exc:
        fn(*args)
    return exc.value.errno


def _with_service() -> tuple[Client, IPVS]:
    c, ipvs = _client()
    c.add_service(ServiceSpec(addr=VIP, port=80, sched_name="rr"))
    return c, ipvs


def test_add_service_reaches_the_table_and_lists_back() -> None:
    c, ipvs = _client()
    spec = ServiceSpec(addr=VIP, port=80, sched_name="rr", flags=SvcFlag.PERSISTENT, timeout=300)
    c.add_service(spec)
    assert KEY in ipvs.services
    [view] = c.list_services()
    assert (view.af, view.protocol, view.addr, view.port) == (AF_INET, 6, VIP, 80)
    assert view.sched_name == "rr"
    assert view.timeout == 300
    assert view.flags & SvcFlag.PERSISTENT


def test_duplicate_service_is_eexist() -> None:
    c, _ = _with_service()
    assert _errno_of(c.add_service, ServiceSpec(addr=VIP, port=80)) == errno.EEXIST


def test_unknown_scheduler_is_enoent_with_message() -> None:
    c, ipvs = _client()
    with pytest.raises(ControlError) as exc:
        c.add_service(ServiceSpec(addr=VIP, port=80, sched_name="nope"))
    assert exc.value.errno == errno.ENOENT
    assert "nope" in exc.value.message
    assert ipvs.services == {}


def test_edit_service_changes_scheduler_and_missing_is_esrch() -> None:
    c, ipvs = _with_service()
    c.edit_service(ServiceSpec(addr=VIP, port=80, sched_name="rr", timeout=9))
    assert ipvs.services[KEY].timeout == 9
    missing = ServiceSpec(addr=VIP, port=81, sched_name="rr")
    assert _errno_of(c.edit_service, missing) == errno.ESRCH


def test_del_service_and_missing_is_esrch() -> None:
    c, ipvs = _with_service()
    c.del_service(KEY)
    assert ipvs.services == {}
    assert _errno_of(c.del_service, KEY) == errno.ESRCH


def test_dest_operations_round_trip() -> None:
    c, ipvs = _with_service()
    c.add_dest(KEY, DestSpec(addr=RS1, port=80, weight=3))
    c.add_dest(KEY, DestSpec(addr=RS2, port=80, conn_flags=FwdMethod.MASQ, u_threshold=7))
    [view] = c.list_services(KEY)
    assert [d.addr for d in view.dests] == [RS2, RS1]  # newest first, as the kernel
    assert view.dests[0].fwd_method == FwdMethod.MASQ
    assert view.dests[0].u_threshold == 7
    assert view.dests[1].weight == 3
    c.edit_dest(KEY, DestSpec(addr=RS1, port=80, weight=0))
    assert ipvs.services[KEY].find_dest(AF_INET, RS1, 80).weight == 0  # type: ignore[union-attr]
    c.del_dest(KEY, AF_INET, RS2, 80)
    assert [d.addr for d in ipvs.services[KEY].dests] == [RS1]


def test_dest_errors_carry_kernel_errnos() -> None:
    c, _ = _with_service()
    c.add_dest(KEY, DestSpec(addr=RS1, port=80))
    assert _errno_of(c.add_dest, KEY, DestSpec(addr=RS1, port=80)) == errno.EEXIST
    assert _errno_of(c.edit_dest, KEY, DestSpec(addr=RS2, port=80)) == errno.ENOENT
    assert _errno_of(c.del_dest, KEY, AF_INET, RS2, 80) == errno.ENOENT
    assert _errno_of(c.add_dest, KEY, DestSpec(addr=RS2, port=80, weight=-1)) == errno.ERANGE
    other = ServiceKey(AF_INET, 6, VIP, 81)
    assert _errno_of(c.add_dest, other, DestSpec(addr=RS2, port=80)) == errno.ESRCH
    assert _errno_of(c.list_services, other) == errno.ESRCH


def test_ipv6_and_fwmark_services_round_trip() -> None:
    c, ipvs = _client()
    c.add_service(ServiceSpec(af=AF_INET6, addr=VIP6, port=443, protocol=IPPROTO_UDP,
                              sched_name="rr", netmask=128))
    c.add_service(ServiceSpec(fwmark=7, sched_name="rr"))
    views = c.list_services()
    assert [(v.af, v.addr, v.port, v.fwmark) for v in views] == [
        (AF_INET6, VIP6, 443, 0), (AF_INET, b"", 0, 7)
    ]
    c.del_service(ServiceKey.for_fwmark(AF_INET, 7))
    assert len(ipvs.services) == 1


def test_flush_zero_timeouts_info() -> None:
    c, ipvs = _with_service()
    ipvs.services[KEY].stats.conns = 5
    [view] = c.list_services()
    assert view.stats.conns == 5
    c.zero(KEY)
    [view] = c.list_services()
    assert view.stats.conns == 0
    c.zero()
    assert _errno_of(c.zero, ServiceKey(AF_INET, 6, VIP, 99)) == errno.ESRCH
    c.set_timeouts(10, 0, 30)
    t = c.get_timeouts()
    assert (t.tcp, t.tcpfin, t.udp) == (10, 120, 30)
    assert _errno_of(c.set_timeouts, -1, 0, 0) == errno.EINVAL
    assert c.get_info() == (0x010201, 4096)
    c.flush()
    assert ipvs.services == {}
    assert c.list_services() == []


def test_list_conns_round_trips_a_connection_and_status_counts_it() -> None:
    ipvs = IPVS()
    c = Client(transport=InProcess(ipvs, Dispatcher(ipvs, clock=lambda: 10.0)))
    assert c.list_conns() == []
    c.add_service(ServiceSpec(addr=VIP, port=80, sched_name="rr"))
    c.add_dest(KEY, DestSpec(addr=RS1, port=8080))
    cip = bytes([198, 18, 0, 100])
    syn = PacketMeta(AF_INET, 6, cip, VIP, 40000, 80, TCP_SYN, 60, Direction.IN)
    ipvs.process(syn, 0.0, lambda: 1)
    [conn] = c.list_conns()
    assert (conn.caddr, conn.cport, conn.vaddr, conn.vport) == (cip, 40000, VIP, 80)
    assert (conn.daddr, conn.dport, conn.state) == (RS1, 8080, "SYN_RECV")
    assert conn.expires == pytest.approx(50.0)  # 60 s SYN_RECV timeout, listed at t=10
    assert c.status()["conns"] == 1


def test_apply_continues_after_errors_and_reports_each() -> None:
    c, ipvs = _client()
    results = c.apply([
        ("add_service", (ServiceSpec(addr=VIP, port=80, sched_name="rr"),)),
        ("add_service", (ServiceSpec(addr=VIP, port=80, sched_name="rr"),)),
        ("add_dest", (KEY, DestSpec(addr=RS1, port=80))),
        ("del_service", (ServiceKey(AF_INET, 6, VIP, 81),)),
        ("add_dest", (KEY, DestSpec(addr=RS2, port=80))),
    ])
    assert [None if r is None else r.errno for r in results] == [
        None, errno.EEXIST, None, errno.ESRCH, None
    ]
    assert len(ipvs.services[KEY].dests) == 2


def test_apply_big_batch_is_chunked_under_the_request_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(client_module, "BATCH_BYTES", 8192)
    ipvs = IPVS()
    sizes: list[int] = []
    c = _watched_client(ipvs, lambda line: sizes.append(len(line)))
    results = c.apply(_add_service_calls(400))
    assert results == [None] * 400
    assert len(ipvs.services) == 400
    assert len(sizes) > 1
    assert max(sizes) <= 8192 + 100


def test_restore_is_all_or_nothing_and_names_the_call() -> None:
    c, ipvs = _with_service()
    c.add_dest(KEY, DestSpec(addr=RS1, port=80))
    bad = [
        ("add_service", (ServiceSpec(addr=VIP, port=81, sched_name="rr"),)),
        ("add_service", (ServiceSpec(addr=VIP, port=82, sched_name="bogus"),)),
    ]
    with pytest.raises(ControlError) as exc:
        c.restore(bad)
    assert exc.value.errno == errno.ENOENT
    assert "call 2" in exc.value.message
    assert list(ipvs.services) == [KEY]  # untouched
    assert len(ipvs.services[KEY].dests) == 1
    good = [("add_service", (ServiceSpec(addr=VIP, port=81, sched_name="rr"),))]
    c.restore(good)
    assert list(ipvs.services) == [ServiceKey(AF_INET, 6, VIP, 81)]


def test_restore_big_batch_is_staged_and_all_or_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "BATCH_BYTES", 8192)
    ipvs = IPVS()
    ops: list[str] = []
    c = _watched_client(ipvs, lambda line: ops.append(json.loads(line)["op"]))
    calls = _add_service_calls(300)
    c.add_service(ServiceSpec(addr=VIP, port=80, sched_name="rr"))
    with pytest.raises(ControlError) as exc:
        c.restore([*calls, calls[0]])  # the last call is a duplicate: EEXIST
    assert exc.value.errno == errno.EEXIST
    assert "call 301" in exc.value.message
    assert list(ipvs.services) == [KEY]
    assert ops.count("stage") > 1
    c.restore(calls)
    assert len(ipvs.services) == 300
    assert KEY not in ipvs.services


def test_on_change_called_only_after_successful_mutations() -> None:
    ipvs = IPVS()
    changes: list[int] = []
    c = Client(transport=InProcess(ipvs, Dispatcher(ipvs, on_change=lambda: changes.append(1))))
    c.add_service(ServiceSpec(addr=VIP, port=80, sched_name="rr"))
    c.list_services()
    c.get_timeouts()
    with pytest.raises(ControlError):
        c.add_service(ServiceSpec(addr=VIP, port=80, sched_name="rr"))
    assert len(changes) == 1
    c.apply([("flush", ())])
    assert len(changes) == 2


def test_sync_daemon_operations_are_enosys() -> None:
    c, _ = _client()
    with pytest.raises(ControlError) as exc:
        c.start_daemon(state="master", mcast_interface="eth0", syncid=1)
    assert exc.value.errno == errno.ENOSYS
    assert "not available in this version" in exc.value.message
    assert _errno_of(c.stop_daemon, "master") == errno.ENOSYS
    assert _errno_of(c.list_daemons) == errno.ENOSYS


def _add_service_line(**override: object) -> bytes:
    """An add_service request for 198.18.0.150:80 with some fields replaced."""
    fields = {"af": 2, "protocol": 6, "addr": "198.18.0.150", "port": 80, "fwmark": 0,
              "sched_name": "rr", "flags": 0, "timeout": 0, "netmask": 0xFFFFFFFF,
              "pe_name": ""}
    fields.update(override)
    msg = {"v": 1, "op": "add_service", "args": [list(fields.values())]}
    return json.dumps(msg).encode() + b"\n"


def test_the_well_formed_base_request_is_accepted() -> None:
    ipvs = IPVS()
    reply = json.loads(Dispatcher(ipvs).handle_line(_add_service_line()))
    assert reply == {"ok": True, "result": None}
    assert KEY in ipvs.services


@pytest.mark.parametrize(
    ("line", "err"),
    [
        (b"garbage\n", errno.EINVAL),
        (b"[1,2]\n", errno.EINVAL),
        (b'{"v":2,"op":"flush","args":[]}\n', errno.EPROTONOSUPPORT),
        (b'{"v":1,"op":"format_disk","args":[]}\n', errno.EOPNOTSUPP),
        (b'{"v":1,"op":"del_service","args":[]}\n', errno.EINVAL),
        (b'{"v":1,"op":"del_service","args":[[2]]}\n', errno.EINVAL),
        (b'{"v":1,"op":"del_service","args":[{"af":2}]}\n', errno.EINVAL),
        (_add_service_line(addr="not-an-ip"), errno.EINVAL),
        (_add_service_line(addr="198.18.0.1.5"), errno.EINVAL),
        (_add_service_line(port="80"), errno.EINVAL),
        (_add_service_line(port=True), errno.EINVAL),
        (_add_service_line(sched_name=5), errno.EINVAL),
        (_add_service_line(extra=1), errno.EINVAL),
        (b'{"v":1,"op":"apply","args":[[["list_services",[null]]]]}\n', errno.EINVAL),
        (b"\xff\xfe\n", errno.EINVAL),
        (b"[" * 200_000 + b"\n", errno.EINVAL),
        (b'{"v":1,"op":"flush","args":[],"n":' + b"9" * 5000 + b"}\n", errno.EINVAL),
    ],
)
def test_malformed_requests_get_error_replies(line: bytes, err: int) -> None:
    ipvs = IPVS()
    reply = json.loads(Dispatcher(ipvs).handle_line(line))
    assert reply["ok"] is False
    assert reply["errno"] == err
    assert reply["error"]
    assert ipvs.services == {}


def test_oversized_request_is_emsgsize() -> None:
    line = b'{"v":1,"op":"flush","args":[],"pad":"' + b"x" * (1 << 20) + b'"}\n'
    reply = json.loads(Dispatcher(IPVS()).handle_line(line))
    assert (reply["ok"], reply["errno"]) == (False, errno.EMSGSIZE)


def test_wire_carries_addresses_as_text() -> None:
    sent: list[bytes] = []
    _watched_client(IPVS(), sent.append).add_service(
        ServiceSpec(addr=VIP, port=80, sched_name="rr"))
    msg = json.loads(sent[0])
    assert msg["v"] == 1
    assert msg["op"] == "add_service"
    assert "198.18.0.150" in msg["args"][0]


class _BrokenFlush:
    """An IPVS whose flush fails with a bug (core classes take no monkeypatching)."""

    def __init__(self, inner: IPVS) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def flush(self) -> None:
        raise TypeError("bug")


def test_an_unexpected_failure_is_an_eio_reply_not_a_crash() -> None:
    ipvs = IPVS()
    c = Client(transport=InProcess(_BrokenFlush(ipvs)))  # type: ignore[arg-type]
    c.add_service(ServiceSpec(addr=VIP, port=80, sched_name="rr"))
    with pytest.raises(ControlError) as exc:
        c.flush()
    assert exc.value.errno == errno.EIO
    assert "internal error" in exc.value.message
    c.add_service(ServiceSpec(addr=VIP, port=81, sched_name="rr"))  # the next is served
    assert len(ipvs.services) == 2
