"""``pylvs lab demo --mode tun|nat``: the seed's walk-through with the other two methods,
each on both datapaths (python, xdp)."""

from __future__ import annotations

import pytest
from labhelpers import DATAPATHS, assert_demo_carried_by, namespaces_with

from pylvs.lab.demo import run_demo

pytestmark = pytest.mark.lab


@pytest.mark.parametrize(
    ("mode", "says"),
    [
        ("tun", "TUN: the director saw"),
        ("nat", "NAT: the director saw"),
    ],
    ids=["tun", "nat"],
)
@pytest.mark.parametrize("datapath", DATAPATHS)
def test_demo_end_to_end(prefix: str, mode: str, says: str, datapath: str) -> None:
    lines: list[str] = []
    code = run_demo(prefix, mode=mode, datapath=datapath, progress=lambda _l: None,
                    say=lines.append)
    text = "\n".join(lines)
    assert code == 0, text
    assert says in text
    flag = {"tun": "Tunnel", "nat": "Masq"}[mode]
    port = 8080 if mode == "nat" else 80
    for rs in ("171", "172"):
        assert any(flag in line and f".{rs}:{port}" in line for line in text.splitlines())
    assert ("inbound packets and 0 outbound" in text) == (mode == "tun")
    assert "persistence: every request went to rs" in text
    names = "rs1 8080, rs2 8080" if mode == "nat" else "rs1, rs2"  # NAT: the mapped port
    assert f"round robin: requests alternate between {names}" in text
    assert_demo_carried_by(text, datapath)
    assert namespaces_with(prefix) == []
