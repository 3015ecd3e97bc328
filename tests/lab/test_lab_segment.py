"""The DR segment: nginx on every RIP, and ARP for the VIP answered by the director alone."""

from __future__ import annotations

import pytest
from labhelpers import arp_answers, in_netns, mac_of, pylvs

from pylvs.lab.lab import Lab
from pylvs.lab.topology import VIP

pytestmark = pytest.mark.lab


def test_nginx_answers_on_each_rip_with_its_host_name(shared_lab: Lab) -> None:
    topo = shared_lab.topology()
    client = topo.host("client").netns
    for rs in topo.real_servers:
        got = in_netns(client, "curl", "-sS", "-m", "3", f"http://{rs.address}/")
        assert got.returncode == 0, got.stderr
        assert got.stdout.strip() == rs.role


def test_client_has_tx_checksum_offload_off(shared_lab: Lab) -> None:
    out = in_netns(shared_lab.topology().host("client").netns, "ethtool", "-k", "eth0")
    assert "tx-checksumming: off" in out.stdout


def test_vip_arp_is_answered_only_by_the_director(shared_lab: Lab) -> None:
    topo = shared_lab.topology()
    answers = arp_answers(topo.host("client").netns, VIP)
    assert answers == [mac_of(topo.host("director").netns)]
    # Each real server does hold the VIP (on lo): it just keeps quiet about it.
    for rs in topo.real_servers:
        assert f"inet {VIP}/32" in in_netns(rs.netns, "ip", "addr", "show", "dev", "lo").stdout


def test_each_rip_is_answered_by_its_own_server(shared_lab: Lab) -> None:
    topo = shared_lab.topology()
    for rs in topo.real_servers:
        assert arp_answers(topo.host("client").netns, rs.address) == [mac_of(rs.netns)]


def test_pylvs_realserver_check_on_a_lab_real_server(shared_lab: Lab) -> None:
    out = pylvs("lab", "exec", "--prefix", shared_lab.prefix, "rs1", "--",
                "pylvs", "realserver", "check", "--vip", VIP)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("ready")
    assert f"ok: VIP {VIP} is on lo" in out.stdout
