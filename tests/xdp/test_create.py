"""``create("xdp"|"auto")`` builds the XDP datapath when the program loads."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest

from pylvs.core.ipvs import IPVS
from pylvs.datapath import create
from pylvs.datapath.xdp.datapath import XdpDatapath, attach_mode
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


def test_the_xdp_mode_reaches_the_datapath(program: FastPathProgram,
                                           loop: asyncio.AbstractEventLoop) -> None:
    dp = create("xdp", IPVS(), ["eth0"], loop, logging.getLogger("test.xdp"),
                xdp_mode="native")
    assert isinstance(dp, XdpDatapath) and dp.xdp_mode == "native"
    assert dp.program is not None
    dp.program.close()


@pytest.mark.parametrize(("requested", "kind", "mode"), [
    ("auto", "veth", "generic"),  # driver mode on veth copies frames, needs the peer's XDP
    ("auto", "", "auto"),  # a NIC: the kernel picks driver mode where the driver has it
    ("auto", "bond", "auto"),
    ("native", "veth", "native"),  # asked for: as asked, whatever the link
    ("generic", "", "generic"),
])
def test_attach_mode(requested: str, kind: str, mode: str) -> None:
    assert attach_mode(requested, kind)[0] == mode


def test_an_unknown_xdp_mode_fails_before_anything_starts(
        program: FastPathProgram, loop: asyncio.AbstractEventLoop) -> None:
    with pytest.raises(ValueError, match="unknown XDP mode 'driver'"):
        XdpDatapath(IPVS(), ["eth0"], loop, logging.getLogger("test.xdp"), program=program,
                    xdp_mode="driver")
