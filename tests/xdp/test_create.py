"""``create("xdp"|"auto")`` builds the XDP datapath when the program loads."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest

from pylvs.core.ipvs import IPVS
from pylvs.datapath import create
from pylvs.datapath.xdp.datapath import XdpDatapath
from pylvs.datapath.xdp.loader import FastPathProgram


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    lp = asyncio.new_event_loop()
    yield lp
    lp.close()


@pytest.mark.parametrize("kind", ["xdp", "auto"])
def test_xdp_and_auto_build_the_xdp_datapath(program: FastPathProgram,
                                             loop: asyncio.AbstractEventLoop,
                                             kind: str) -> None:
    dp = create(kind, IPVS(), ["eth0"], loop, logging.getLogger("test.xdp"))
    assert isinstance(dp, XdpDatapath) and dp.kind == "xdp"
    assert dp.fallback == (kind == "auto")
    assert dp.counters() == {"rx": 0, "tx": 0, "pass": 0, "queued": 0, "wakeups": 0,
                             "drops": 0, **{f"xdp.{n}": 0 for n in program.counters()}}
    assert dp.program is not None
    dp.program.close()
