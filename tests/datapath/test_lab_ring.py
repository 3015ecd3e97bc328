"""The PACKET_RX_RING drain: frames in order, a frame too big for a slot read whole."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest

from tests.datapath import netlab

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
]


def test_ring_hands_over_every_frame_whole_and_in_order() -> None:
    ns = "h7" + secrets.token_hex(3) + "-rg"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        for cmd in (["link", "add", "eth0", "mtu", "9000", "type", "veth", "peer", "name",
                     "peer0", "mtu", "9000"],
                    ["link", "set", "eth0", "up"], ["link", "set", "peer0", "up"]):
            subprocess.run(["ip", "-n", ns, *cmd], check=True)
        proc = subprocess.run(["ip", "netns", "exec", ns, sys.executable,
                               str(netlab.HERE / "ring_proc.py")], capture_output=True,
                              text=True, timeout=60, env=netlab.env(), check=False)
        assert proc.returncode == 0, proc.stderr[-3000:]
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=False)
    assert out["seen"] == [max(s, 60) for s in out["sent"]]  # the 4000-byte one whole too
    assert out["got"] == 4 and out["again"] == 0
    assert out["unmapped"] is True
