"""The PACKET_RX_RING drain: frames in order, a frame too big for a slot read whole."""

from __future__ import annotations

import os

import pytest

from tests.datapath import netlab

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
]


def test_ring_hands_over_every_frame_whole_and_in_order() -> None:
    out = netlab.run_in_new_ns(
        "rg",
        [["link", "add", "eth0", "mtu", "9000", "type", "veth", "peer", "name", "peer0", "mtu",
          "9000"],
         ["link", "set", "eth0", "up"], ["link", "set", "peer0", "up"]],
        "ring_proc.py", timeout=60)
    assert out["seen"] == [max(s, 60) for s in out["sent"]]  # the 4000-byte one whole too
    assert out["got"] == 4 and out["again"] == 0
    assert out["unmapped"] is True
