"""``pylvs.datapath.create``: the kinds the daemon can ask for."""

from __future__ import annotations

import asyncio
import logging

import pytest

from pylvs.core.ipvs import IPVS
from pylvs.datapath import DatapathError, NullDatapath, create
from pylvs.datapath.python import PythonDatapath


@pytest.fixture
def loop() -> asyncio.AbstractEventLoop:
    lp = asyncio.new_event_loop()
    yield lp  # type: ignore[misc]
    lp.close()


def _no_xdp(monkeypatch: pytest.MonkeyPatch) -> None:
    """The XDP program cannot be loaded (as without root or clang)."""
    from pylvs.datapath.xdp import datapath as xdp_datapath

    def refuse() -> None:
        raise RuntimeError("no BPF here")

    monkeypatch.setattr(xdp_datapath, "load_program", refuse)


def test_auto_is_the_python_datapath_and_says_so(loop: asyncio.AbstractEventLoop,
                                                  caplog: pytest.LogCaptureFixture,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _no_xdp(monkeypatch)
    log = logging.getLogger("test.datapath")
    with caplog.at_level(logging.INFO, logger="test.datapath"):
        dp = create("auto", IPVS(), ["eth0"], loop, log)
    assert isinstance(dp, PythonDatapath)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "python" in lines[0] and "no BPF here" in lines[0]


def test_python_is_not_started_by_create(loop: asyncio.AbstractEventLoop) -> None:
    dp = create("python", IPVS(), ["eth0"], loop)
    assert isinstance(dp, PythonDatapath) and not dp.running
    assert dp.counters() == {"rx": 0, "tx": 0, "pass": 0, "queued": 0, "wakeups": 0,
                             "drops": 0}


def test_xdp_fails_clearly(loop: asyncio.AbstractEventLoop,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    _no_xdp(monkeypatch)
    with pytest.raises(DatapathError, match=r"xdp fast path cannot be loaded: no BPF here"):
        create("xdp", IPVS(), ["eth0"], loop)


def test_none_does_nothing(loop: asyncio.AbstractEventLoop) -> None:
    dp = create("none", IPVS(), [], loop)
    assert isinstance(dp, NullDatapath)
    dp.start()
    dp.table_changed()
    dp.stop()
    assert dp.counters() == {}


@pytest.mark.parametrize(("kind", "ifaces", "message"), [
    ("fast", ["eth0"], "unknown datapath 'fast'"),
    ("python", [], "at least one interface"),
])
def test_bad_requests_are_refused(loop: asyncio.AbstractEventLoop, kind: str,
                                  ifaces: list[str], message: str) -> None:
    with pytest.raises(DatapathError, match=message):
        create(kind, IPVS(), ifaces, loop)
