"""Attaching through a BPF link: on the interface while the process lives, gone when it
stops, and gone too when it is killed (no stale fast path without its daemon); in the mode
asked for (driver or generic)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [
    pytest.mark.root,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root"),
]

HOLDER = """
import sys, time
from pylvs.datapath.xdp.loader import FastPathProgram
import socket
prog = FastPathProgram()
prog.attach(socket.if_nametoindex("veth0"), sys.argv[2])
print("attached", flush=True)
if sys.argv[1] == "close":
    prog.close()
    print("closed", flush=True)
time.sleep(60)
"""


@pytest.fixture
def netns() -> Iterator[str]:
    name = f"x{secrets.token_hex(3)}-attach"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        subprocess.run(["ip", "-n", name, "link", "add", "veth0", "type", "veth", "peer",
                        "name", "veth1"], check=True)
        for dev in ("veth0", "veth1"):
            subprocess.run(["ip", "-n", name, "link", "set", dev, "up"], check=True)
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False)


def xdp_attached(ns: str) -> dict[str, Any] | None:
    out = subprocess.run(["ip", "-n", ns, "-j", "link", "show", "veth0"], check=True,
                         capture_output=True, text=True).stdout
    xdp: dict[str, Any] | None = json.loads(out)[0].get("xdp")
    return xdp


def xdp_prog(ns: str) -> str | None:
    xdp = xdp_attached(ns)
    return xdp["prog"]["name"] if xdp else None


XDP_ATTACHED = {"native": 1, "generic": 2}  # IFLA_XDP_ATTACHED: DRV, SKB


@pytest.mark.parametrize(("end", "mode"), [("close", "native"), ("kill", "native"),
                                           ("kill", "generic")])
def test_attached_while_alive_only(netns: str, end: str, mode: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    proc = subprocess.Popen(["ip", "netns", "exec", netns, sys.executable, "-c", HOLDER, end,
                             mode],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "attached", proc.stderr
        if end == "close":
            assert proc.stdout.readline().strip() == "closed"
        else:
            xdp = xdp_attached(netns)
            assert xdp is not None and xdp["prog"]["name"] == "pylvs_fastpath", xdp
            assert xdp["mode"] == XDP_ATTACHED[mode], xdp
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        assert xdp_prog(netns) is None
    finally:
        proc.kill()
        proc.wait(10)


def test_unknown_mode_is_refused_before_the_kernel_is_asked() -> None:
    from pylvs.datapath.xdp.loader import FastPathProgram

    prog = FastPathProgram()
    try:
        with pytest.raises(ValueError, match="unknown XDP mode 'fast'"):
            prog.attach(1, "fast")
        assert prog.attached == {}
    finally:
        prog.close()
