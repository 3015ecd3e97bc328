"""HealthManager: transitions, retries, inhibit, sorry server, quorum, scripts, reloads."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from pylvs.config import parse_text
from pylvs.config.diff import Operation
from pylvs.config.model import CheckerConfig, RealServer
from pylvs.core.constants import AF_INET, IPPROTO_TCP
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import PacketMeta
from pylvs.core.views import service_views
from pylvs.health.base import Checker, CheckResult, Target
from pylvs.health.manager import HealthManager
from pylvs.ipvsadm.save import format_save

SYN, ACK = 0x02, 0x10
CONF = """\
virtual_server 198.18.0.150 80 {
    protocol TCP
    lb_algo rr
    lb_kind DR
    delay_loop 0.05
    %(extra)s
    real_server 198.18.0.171 80 {
        weight 2
        %(rs1)s
        TCP_CHECK {
            retry 2
            delay_before_retry 0.01
        }
    }
    real_server 198.18.0.172 80 {
        weight 3
        notify_up "/bin/up 172"
        notify_down "/bin/down 172"
        TCP_CHECK {
            retry 0
        }
    }
}
"""


def _config(extra: str = "", rs1: str = "") -> Any:
    return parse_text(CONF % {"extra": extra, "rs1": rs1}, "t.conf")


class Table:
    """A real IPVS table the manager programs, plus the scripts it ran."""

    def __init__(self) -> None:
        self.ipvs = IPVS()
        self.ops: list[Operation] = []
        self.scripts: list[str] = []

    def apply(self, ops: list[Operation]) -> None:
        self.ops.extend(ops)
        for op, args in ops:
            getattr(self.ipvs, op)(*args)

    def run_script(self, command: str, args: Any) -> None:
        self.scripts.append(command)

    def save(self) -> str:
        return format_save(service_views(self.ipvs), numeric=True)


def _manager(config: Any, table: Table, **kw: Any) -> HealthManager:
    return HealthManager(config, table.apply, run_script=table.run_script, **kw)


def _report(m: HealthManager, port_last: int, ok: bool, reason: str = "x",
            weight: int | None = None) -> None:
    for (_key, ident), st in m.states.items():
        if ident[1][3] == port_last:
            m.report(st, 0, CheckResult(ok, reason, weight))
            return
    raise AssertionError(port_last)


def _start(m: HealthManager) -> None:
    assert m.program()  # the initial table, without running checkers


def test_failure_removes_and_recovery_restores(caplog: pytest.LogCaptureFixture) -> None:
    t = Table()
    m = _manager(_config(), t)
    _start(m)
    assert "-r 198.18.0.172:80 -g -w 3" in t.save()
    caplog.set_level(logging.INFO, "pylvs.health")
    _report(m, 172, False, "connection refused")
    _report(m, 172, False, "connection refused")  # still down: nothing new
    assert "198.18.0.172" not in t.save()
    assert "-r 198.18.0.171:80 -g -w 2" in t.save()
    downs = [r.getMessage() for r in caplog.records if "down" in r.getMessage()]
    assert downs == ["TCP 198.18.0.150:80: real server 198.18.0.172:80 down "
                     "(TCP_CHECK: connection refused)"]
    assert t.scripts == ["/bin/down 172"]
    _report(m, 172, True, "connected")
    assert "-r 198.18.0.172:80 -g -w 3" in t.save()
    assert t.scripts == ["/bin/down 172", "/bin/up 172"]
    assert t.ops[-1][0] == "add_dest"


def test_inhibit_on_failure_keeps_weight_zero() -> None:
    t = Table()
    m = _manager(_config(rs1="inhibit_on_failure"), t)
    _start(m)
    _report(m, 171, False)
    assert "-r 198.18.0.171:80 -g -w 0" in t.save()
    assert t.ops[-1][0] == "edit_dest"
    _report(m, 171, True)
    assert "-r 198.18.0.171:80 -g -w 2" in t.save()


def test_sorry_server_when_all_are_down() -> None:
    t = Table()
    m = _manager(_config(extra="sorry_server 198.18.0.180 80"), t)
    _start(m)
    assert "198.18.0.180" not in t.save()
    _report(m, 171, False)
    assert "198.18.0.180" not in t.save()
    _report(m, 172, False)
    assert t.save().splitlines()[1:] == ["-a -t 198.18.0.150:80 -r 198.18.0.180:80 -g -w 1"]
    _report(m, 171, True)
    assert t.save().splitlines()[1:] == ["-a -t 198.18.0.150:80 -r 198.18.0.171:80 -g -w 2"]


def test_quorum_with_hysteresis_runs_scripts() -> None:
    t = Table()
    extra = ('quorum 4\n hysteresis 1\n quorum_up "/bin/qup"\n quorum_down "/bin/qdown"\n'
             " sorry_server 198.18.0.180 80")
    m = _manager(_config(extra=extra), t)
    _start(m)  # 2 + 3 = 5 >= 4
    _report(m, 171, False)  # 3: not below 4 - 1
    assert m.quorum_snapshot() == {"TCP 198.18.0.150:80": True}
    _report(m, 172, False)  # 0: lost
    assert t.scripts[-1] == "/bin/qdown"
    assert "198.18.0.180" in t.save()
    _report(m, 172, True)  # 3: below 4 + 1, still lost
    assert m.quorum_snapshot() == {"TCP 198.18.0.150:80": False}
    assert "198.18.0.172" not in t.save()
    _report(m, 171, True)  # 5: gained
    assert t.scripts[-1] == "/bin/qup"
    assert "198.18.0.180" not in t.save() and "198.18.0.172" in t.save()


def test_dynamic_weight_from_a_checker() -> None:
    t = Table()
    m = _manager(_config(), t)
    _start(m)
    _report(m, 171, True, "exit 12", weight=10)
    assert "-r 198.18.0.171:80 -g -w 10" in t.save()
    assert [h["weight"] for h in m.snapshot() if h["real_server"].endswith("171:80")] == [10]


class ScriptedChecker(Checker):
    """Returns the next scripted result on each attempt; counts attempts."""

    results: dict[int, list[bool]] = {}
    attempts: dict[int, int] = {}

    async def attempt(self) -> CheckResult:
        port = int(self.target.host.rsplit(".", 1)[1])
        self.attempts[port] = self.attempts.get(port, 0) + 1
        plan = self.results.setdefault(port, [])
        ok = plan.pop(0) if plan else True
        return CheckResult(ok, "scripted")


def _scripted(cfg: CheckerConfig, rs: RealServer) -> Checker:
    host = ".".join(str(b) for b in rs.addr)
    return ScriptedChecker(cfg, Target(host, rs.port))


def test_retries_before_a_server_counts_as_down() -> None:
    ScriptedChecker.results = {171: [False, False, True], 172: [False]}
    ScriptedChecker.attempts = {}
    t = Table()

    async def go() -> None:
        m = _manager(_config(), t, checker_factory=_scripted)
        m.start()
        await asyncio.sleep(0.3)
        await m.stop()

    asyncio.run(go())
    # 171: two failures are retried (retry 2) and the third attempt passes: never down
    assert all(not (op == "del_dest" and args[2][3] == 171) for op, args in t.ops)
    # 172: retry 0, one failure takes it out; the next loop brings it back
    dels = [args[2][3] for op, args in t.ops if op == "del_dest"]
    assert dels == [172]
    assert ScriptedChecker.attempts[171] >= 3
    assert "198.18.0.172" in t.save()


def test_reload_applies_only_the_difference_and_keeps_connections() -> None:
    t = Table()
    m = _manager(_config(), t)
    _start(m)
    _report(m, 172, False)
    vip, cip = bytes([198, 18, 0, 150]), bytes([198, 18, 0, 100])
    v1 = t.ipvs.process(PacketMeta(AF_INET, IPPROTO_TCP, cip, vip, 40000, 80, SYN), 1.0,
                        lambda: 7)
    assert v1.daddr == bytes([198, 18, 0, 171])
    before = list(t.ops)
    text = CONF % {"extra": "", "rs1": ""}
    text = text.replace("}\n}\n", "}\n    real_server 198.18.0.173 80 {\n    weight 4\n"
                        "    }\n}\n")
    new = parse_text("# a comment shifts every line\n" + text, "t.conf")
    ops = m.reload(new)
    assert ops == t.ops[len(before):]
    assert [(op, args[1].addr[3]) for op, args in ops] == [("add_dest", 173)]
    # 172 stays down (its checker did not change), 171's connection carries on
    assert "198.18.0.172" not in t.save()
    v2 = t.ipvs.process(PacketMeta(AF_INET, IPPROTO_TCP, cip, vip, 40000, 80, ACK), 2.0,
                        lambda: 7)
    assert v2.daddr == bytes([198, 18, 0, 171])


def test_reload_with_changed_checker_starts_it_afresh() -> None:
    t = Table()
    m = _manager(_config(), t)
    _start(m)
    _report(m, 172, False)
    text = (CONF % {"extra": "", "rs1": ""}).replace("retry 0", "retry 5")
    m.reload(parse_text(text, "t.conf"))
    assert "-r 198.18.0.172:80 -g -w 3" in t.save()


def test_snapshot_reports_health() -> None:
    t = Table()
    m = _manager(_config(extra="sorry_server 198.18.0.180 80"), t)
    _start(m)
    _report(m, 172, False, "timeout after 5s")
    rows = {h["real_server"]: h for h in m.snapshot()}
    assert rows["198.18.0.172:80"]["alive"] is False
    assert rows["198.18.0.172:80"]["in_table"] is False
    assert rows["198.18.0.172:80"]["reason"] == "TCP_CHECK: timeout after 5s"
    assert rows["198.18.0.171:80"]["in_table"] is True
    assert rows["198.18.0.180:80"]["checkers"] == ["sorry_server"]


def test_a_service_starts_without_quorum_until_quorum_plus_hysteresis() -> None:
    t = Table()
    m = _manager(_config(extra="quorum 5\n hysteresis 1\n sorry_server 198.18.0.180 80"), t)
    _start(m)  # 2 + 3 = 5 < 5 + 1: the sorry server from the start, as keepalived
    assert t.save().splitlines()[1:] == ["-a -t 198.18.0.150:80 -r 198.18.0.180:80 -g -w 1"]
    assert m.quorum_snapshot() == {"TCP 198.18.0.150:80": False}
