"""``pylvs lab demo``: the seed's walk-through, which must never pretend to work."""

from __future__ import annotations

import pytest
from labhelpers import DATAPATHS, assert_demo_carried_by, in_netns, namespaces_with, pylvs

from pylvs.lab.demo import parse_stats, run_demo
from pylvs.lab.lab import Lab

pytestmark = pytest.mark.lab

STATS = """IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  198.18.0.150:80                    12       84        0     5616        0
  -> 198.18.0.171:80                     6      42K        0     2808        0
  -> 198.18.0.172:80                     6       42        3     2808        0
"""


def test_parse_stats_reads_service_and_destination_counters() -> None:
    stats = parse_stats(STATS)
    assert set(stats) == {"198.18.0.150:80", "->198.18.0.171:80", "->198.18.0.172:80"}
    assert (stats["198.18.0.150:80"].conns, stats["198.18.0.150:80"].inpkts) == (12, 84)
    assert stats["->198.18.0.171:80"].inpkts == 42_000
    assert stats["->198.18.0.172:80"].outpkts == 3


def test_demo_fails_loudly_when_the_director_forwards_nothing(prefix: str) -> None:
    out = pylvs("lab", "demo", "--prefix", prefix, "--datapath", "none")
    assert out.returncode == 1
    assert "TCP  198.18.0.150:80 rr persistent 5" in out.stdout  # the seed's rules went in
    assert "demo FAILED: the director's pylvsd serves no packets" in out.stdout
    assert "demo: OK" not in out.stdout
    assert namespaces_with(prefix) == []


@pytest.mark.parametrize("datapath", DATAPATHS)
def test_demo_end_to_end(prefix: str, datapath: str) -> None:
    state = Lab(prefix).up("dr", 2, datapath)
    assert state.daemon_datapath == datapath, f"pylvsd: {state.daemon_note}"
    peer = in_netns(prefix + "switch", "ip", "link", "show", "dev", "director").stdout
    # XDP attaches in generic mode on the lab's veth (pylvsd --xdp-mode auto): no program on
    # the switch side (driver mode would need one there: --xdp-mode native)
    assert (state.peer_xdp, "prog/xdp" in peer) == (False, False)
    lines: list[str] = []
    code = run_demo(prefix, datapath=datapath, progress=lambda _l: None, say=lines.append)
    text = "\n".join(lines)
    assert code == 0, text
    assert "persistence: every request went to rs" in text
    assert "round robin: requests alternate between rs1, rs2" in text
    assert "inbound packets and 0 outbound" in text
    assert "is answered only by the director" in text
    for listing in ("Timeout (tcp tcpfin udp)", "PersistConn", "IPVS connection entries"):
        assert listing in text
    assert_demo_carried_by(text, datapath)
    if datapath == "xdp":
        assert "datapath: xdp on eth0 (generic mode: veth)" in text
    assert namespaces_with(prefix) == []
