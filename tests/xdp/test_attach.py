"""Attaching through a BPF link: on the interface while the process lives, gone when it
stops, and gone too when it is killed (no stale fast path without its daemon)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

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
prog.attach(socket.if_nametoindex("veth0"))
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


def xdp_prog(ns: str) -> str | None:
    out = subprocess.run(["ip", "-n", ns, "-j", "link", "show", "veth0"], check=True,
                         capture_output=True, text=True).stdout
    xdp = json.loads(out)[0].get("xdp")
    return xdp["prog"]["name"] if xdp else None


@pytest.mark.parametrize("end", ["close", "kill"])
def test_attached_while_alive_only(netns: str, end: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    proc = subprocess.Popen(["ip", "netns", "exec", netns, sys.executable, "-c", HOLDER, end],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "attached", proc.stderr
        if end == "close":
            assert proc.stdout.readline().strip() == "closed"
        else:
            assert xdp_prog(netns) == "pylvs_fastpath"
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        assert xdp_prog(netns) is None
    finally:
        proc.kill()
        proc.wait(10)
