"""The daemon in process: datapath seam, timers, save on exit (no subprocess)."""

from __future__ import annotations

import asyncio
import json
import sys
import types
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

import pylvs
from pylvs.control import daemon as daemon_module
from pylvs.control.daemon import Daemon, build_parser


class FakeDatapathError(Exception):
    pass


class FakeDatapath:
    def __init__(self, kind: str, ipvs: Any, interfaces: list[str], loop: Any,
                 xdp_mode: str) -> None:
        self.kind, self.ipvs, self.interfaces, self.loop = kind, ipvs, interfaces, loop
        self.xdp_mode = xdp_mode
        self.detail = f"{', '.join(interfaces)} (as {xdp_mode})"
        self.events: list[str] = []

    def start(self) -> None:
        self.events.append("start")
        if "bad0" in self.interfaces:
            raise LookupError("no interface named 'bad0'")  # not only DatapathError

    def stop(self) -> None:
        self.events.append("stop")

    def table_changed(self) -> None:
        self.events.append("changed")

    def sync(self) -> None:
        self.events.append("sync")

    def counters(self) -> dict[str, Any]:
        return {"rx": 7}


def _install_fake_datapath(monkeypatch: pytest.MonkeyPatch) -> list[FakeDatapath]:
    made: list[FakeDatapath] = []
    fake = types.ModuleType("pylvs.datapath")

    def create(kind: str, ipvs: Any, interfaces: list[str], loop: Any,
               xdp_mode: str = "auto") -> FakeDatapath:
        made.append(FakeDatapath(kind, ipvs, interfaces, loop, xdp_mode))
        return made[-1]

    fake.create = create  # type: ignore[attr-defined]
    fake.DatapathError = FakeDatapathError  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pylvs.datapath", fake)
    monkeypatch.setattr(pylvs, "datapath", fake, raising=False)
    return made


async def _request(path: str, line: str) -> dict[str, Any]:
    reader, writer = await asyncio.open_unix_connection(path)
    writer.write(line.encode() + b"\n")
    await writer.drain()
    reply: dict[str, Any] = json.loads(await reader.readline())
    writer.close()
    await writer.wait_closed()
    return reply


async def _until_serving(d: Daemon) -> None:
    for _ in range(200):
        if Path(d.socket_path).exists():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("daemon did not bind its socket")


ADD = '{"v":1,"op":"add_service","args":[[2,6,"198.18.0.150",80,0,"rr",0,0,4294967295,""]]}'


T = TypeVar("T")


def _serve(d: Daemon, body: Callable[[], Awaitable[T]]) -> T:
    """Run ``d``; once it binds its socket await ``body()``, then stop ``d`` and wait for it."""

    async def scenario() -> T:
        task = asyncio.create_task(d.run())
        await _until_serving(d)
        result = await body()
        d._stop.set()
        await task
        return result

    return asyncio.run(scenario())


async def _add_ok(d: Daemon) -> None:
    assert (await _request(d.socket_path, ADD))["ok"]


def _daemon(tmp_path: Path, *extra: str) -> Daemon:
    opts = build_parser().parse_args(
        ["--socket", str(tmp_path / "d.sock"), "--rules", str(tmp_path / "rules"), *extra]
    )
    return Daemon(opts)


def test_datapath_built_started_notified_and_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _install_fake_datapath(monkeypatch)
    d = _daemon(tmp_path, "--interface", "veth0", "--interface", "veth1", "--datapath", "python",
                "--xdp-mode", "native")

    async def requests() -> dict[str, Any]:
        ok = await _request(d.socket_path, ADD)
        dup = await _request(d.socket_path, ADD)
        listed = await _request(d.socket_path, '{"v":1,"op":"list_services","args":[null]}')
        status = await _request(d.socket_path, '{"v":1,"op":"status","args":[]}')
        assert ok["ok"] and not dup["ok"] and listed["ok"]
        return status

    status = _serve(d, requests)
    [dp] = made
    assert (dp.kind, dp.interfaces, dp.ipvs) == ("python", ["veth0", "veth1"], d.ipvs)
    assert dp.xdp_mode == "native"
    # only the successful add notified; each listing first folded the fast path's counters
    assert dp.events == ["start", "changed", "sync", "sync", "stop"]
    assert status["result"]["datapath"] == "python"
    assert status["result"]["datapath_detail"] == "veth0, veth1 (as native)"
    argv = status["result"]["argv"]  # a restart keeps the mode
    assert argv[argv.index("--xdp-mode") + 1] == "native"
    assert status["result"]["datapath_counters"] == {"rx": 7}
    assert not Path(d.socket_path).exists()


def test_without_interface_no_datapath_module_is_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(sys.modules, "pylvs.datapath", raising=False)
    monkeypatch.delattr(pylvs, "datapath", raising=False)
    d = _daemon(tmp_path)

    _serve(d, lambda: _add_ok(d))
    assert d.datapath is None
    assert "pylvs.datapath" not in sys.modules


def test_timers_run_expire_and_estimate_on_the_real_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(daemon_module, "EXPIRE_PERIOD", 0.01)
    monkeypatch.setattr(daemon_module, "ESTIMATOR_PERIOD", 0.05)
    d = _daemon(tmp_path)
    expired: list[float] = []
    estimated: list[float] = []
    loop_time: list[float] = []

    class Recording:  # stands in for the table: core classes take no monkeypatching
        def expire(self, now: float) -> None:
            expired.append(now)

        def estimate(self) -> None:
            estimated.append(loop_time[-1])

    d.ipvs = Recording()  # type: ignore[assignment]

    async def tick() -> None:
        for _ in range(30):
            loop_time.append(asyncio.get_running_loop().time())
            await asyncio.sleep(0.01)

    _serve(d, tick)
    assert len(expired) >= 5
    assert expired == sorted(expired)  # monotonic time passed in
    assert 1 <= len(estimated) < len(expired)


def test_save_on_exit_writes_the_rules_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved: list[tuple[str, int]] = []
    monkeypatch.setattr(
        daemon_module, "save_rules", lambda path, views: saved.append((path, len(views)))
    )
    d = _daemon(tmp_path, "--save-on-exit")

    _serve(d, lambda: _add_ok(d))
    assert saved == [(str(tmp_path / "rules"), 1)]


def test_datapath_failing_to_start_refuses_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _install_fake_datapath(monkeypatch)
    d = _daemon(tmp_path, "--interface", "bad0")
    with pytest.raises(daemon_module.StartupError) as exc:
        asyncio.run(d.run())
    assert "bad0" in str(exc.value)
    assert made[0].events == ["start", "stop"]  # what start did is undone
    assert not Path(d.socket_path).exists()


def test_an_unknown_xdp_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--interface", "veth0", "--xdp-mode", "driver"])
