"""The nftables table that drops the kernel's copy of the datapath's traffic."""

from __future__ import annotations

import ipaddress
import os
import secrets
import shutil
import subprocess

import pytest

from pylvs.core.constants import AF_INET, AF_INET6
from pylvs.datapath.capture import CaptureSpec, Match
from pylvs.datapath.nft import render


def a(text: str) -> bytes:
    return ipaddress.ip_address(text).packed


SPEC = CaptureSpec(
    to_vip=frozenset({Match(AF_INET, a("198.18.0.150"), 6, 80),
                      Match(AF_INET, a("198.18.0.150"), 17, 0),
                      Match(AF_INET6, a("2001:db8::150"), 132, 9000)}),
    from_nat_rs=frozenset({Match(AF_INET, a("198.19.0.171"), 6, 8080)}),
)


def set_block(script: str, name: str) -> str:
    start = script.index(f"set {name} {{")
    return script[start : script.index("}", start + len(name) + 6) + 1]


def test_script_replaces_only_its_own_table_atomically() -> None:
    script = render(SPEC, ["eth1", "eth0"])
    lines = script.splitlines()
    assert lines[:3] == ["table inet pylvs", "delete table inet pylvs", "table inet pylvs {"]
    assert 'iifname != { "eth0", "eth1" } accept' in script
    assert "hook prerouting priority raw" in script
    assert script.count("table inet pylvs") == 3 and "flush ruleset" not in script


def test_sets_hold_exactly_the_services() -> None:
    script = render(SPEC, ["eth0"])
    assert "198.18.0.150 . tcp . 80" in set_block(script, "vip4")
    assert "udp" not in set_block(script, "vip4")
    assert "198.18.0.150 . udp" in set_block(script, "vipany4")  # port 0: every port
    assert "2001:db8::150 . sctp . 9000" in set_block(script, "vip6")
    assert "198.19.0.171 . tcp . 8080" in set_block(script, "nat4")
    assert "elements" not in set_block(script, "nat6")


def test_empty_table_drops_nothing_but_is_valid_text() -> None:
    script = render(CaptureSpec(frozenset(), frozenset()), ["eth0"])
    assert "elements" not in script
    assert script.count("drop") == 10  # the rules are there, over empty sets


@pytest.mark.root
@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("nft") is None,
                    reason="needs root and nft")
def test_nft_accepts_the_script() -> None:
    ns = "h7" + secrets.token_hex(3) + "-nft"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        for spec in (SPEC, CaptureSpec(frozenset(), frozenset())):
            proc = subprocess.run(["ip", "netns", "exec", ns, "nft", "-c", "-f", "-"],
                                  input=render(spec, ["eth0"]), text=True,
                                  capture_output=True, check=False)
            assert proc.returncode == 0, proc.stderr
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=False)
