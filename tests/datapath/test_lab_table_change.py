"""The python datapath follows table changes: nftables table and socket filter rebuilt."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.datapath import netlab

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
    pytest.mark.skipif(shutil.which("nft") is None, reason="needs nft (Debian nftables)"),
]


def test_filter_and_nft_table_follow_the_rules() -> None:
    obs = netlab.run_in_new_ns(
        "tc",
        [["link", "set", "lo", "up"],
         ["link", "add", "eth0", "type", "veth", "peer", "name", "peer0"],
         ["link", "set", "eth0", "up"], ["link", "set", "peer0", "up"],
         ["addr", "add", "198.18.0.151/24", "dev", "eth0"],
         ["addr", "add", "198.18.0.150/32", "dev", "eth0"]],
        "table_change_proc.py", timeout=120)
    assert "198.18.0.150 . tcp . 80" in obs["start_nft"]
    assert "udp" not in obs["start_nft"].split("chain")[0]
    assert obs["start_seen"] == {"tcp80": 1, "udp53": 0, "other": 0}
    assert "198.18.0.150 . udp . 53" in obs["udp_nft"]
    assert obs["udp_seen"] == {"tcp80": 1, "udp53": 1, "other": 0}
    assert "tcp . 80" not in obs["deleted_nft"]
    assert obs["deleted_seen"] == {"tcp80": 0, "udp53": 1, "other": 0}
    assert obs["stopped_nft"] == ""  # the table is removed at stop
    counters = obs["counters"]
    assert counters["rx"] == 4
    assert counters["pass"] == 2  # the TCP ACKs without a connection


def test_start_failures_are_explained_and_leave_nothing_behind() -> None:
    out = netlab.run_in_new_ns(
        "sf",
        [["link", "add", "eth0", "type", "veth", "peer", "name", "peer0"],
         ["link", "set", "eth0", "up"]],
        "start_failure_proc.py", timeout=60)
    missing = out["no_such_interface"]
    assert "eth9" in missing["error"] and "\n" not in missing["error"]
    no_nft = out["no_nft"]
    assert "nftables" in no_nft["error"]
    for result in (missing, no_nft):
        assert result["table_left"] is False
        assert (result["rx_left"], result["tx_left"], result["running"]) == (0, 0, False)
