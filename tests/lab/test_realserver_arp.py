"""``pylvs realserver``: the LVS-DR ARP problem, its check, its fix, and an exact undo."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from labhelpers import arp_answers, in_netns, mac_of, ndp_answers, realserver, unique_prefix

from pylvs.lab.lab import Lab
from pylvs.lab.topology import CIP6, VIP, VIP6, rip6

pytestmark = pytest.mark.lab


def sysctl(netns: str, name: str) -> int:
    """A ``net.ipv4.conf`` value inside ``netns``."""
    return int(in_netns(netns, "sysctl", "-n", f"net.ipv4.conf.{name}").stdout)


def test_without_arp_suppression_a_real_server_steals_the_vip(prefix: str, tmp_path: Path) -> None:
    lab = Lab(prefix)
    lab.up("dr", 2, "none")
    topo = lab.topology()
    client, rs1 = topo.host("client").netns, topo.host("rs1").netns
    director_mac, rs1_mac = mac_of(topo.host("director").netns), mac_of(rs1)

    # Undo the lab's setup on rs1, then give it the VIP on lo the naive way (sysctls at 0).
    undo = realserver(rs1, "teardown", "--state-dir", str(lab.dir / "rs1"))
    assert undo.returncode == 0, undo.stderr
    assert sysctl(rs1, "all.arp_ignore") == 0 and sysctl(rs1, "all.arp_announce") == 0
    assert in_netns(rs1, "ip", "addr", "add", f"{VIP}/32", "dev", "lo").returncode == 0

    assert sorted(arp_answers(client, VIP)) == sorted([director_mac, rs1_mac])
    check = realserver(rs1, "check", "--vip", VIP)
    assert check.returncode != 0
    assert "NOT READY" in check.stdout
    assert "ARP not suppressed on eth0: arp_ignore is 0" in check.stdout
    assert "steals the VIP from the director" in check.stdout

    fix = realserver(rs1, "setup", "--vip", VIP, "--state-dir", str(tmp_path))
    assert fix.returncode == 0, fix.stderr
    assert f"added {VIP}/32 to lo" not in fix.stdout  # it was there already
    check = realserver(rs1, "check", "--vip", VIP)
    assert check.returncode == 0, check.stdout
    assert arp_answers(client, VIP) == [director_mac]


def test_check_reports_a_missing_vip(bare_netns: str) -> None:
    check = realserver(bare_netns, "check", "--vip", "198.18.0.150")
    assert check.returncode != 0
    assert "VIP 198.18.0.150 is missing from lo" in check.stdout


def test_check_reports_a_vip_on_a_real_interface(bare_netns: str, tmp_path: Path) -> None:
    done = realserver(bare_netns, "setup", "--vip", VIP, "--state-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    in_netns(bare_netns, "ip", "addr", "add", f"{VIP}/32", "dev", "eth0")
    check = realserver(bare_netns, "check", "--vip", VIP)
    assert check.returncode != 0
    assert f"VIP {VIP} is also on eth0" in check.stdout


def test_check_warns_about_strict_rp_filter_against_the_default_route(
    bare_netns: str, tmp_path: Path
) -> None:
    ns = bare_netns
    assert realserver(ns, "setup", "--vip", VIP, "--state-dir", str(tmp_path)).returncode == 0
    for cmd in (["addr", "add", "198.18.2.10/24", "dev", "eth1"],
                ["route", "add", "default", "via", "198.18.2.1", "dev", "eth1"]):
        assert in_netns(ns, "ip", *cmd).returncode == 0
    in_netns(ns, "sysctl", "-w", "net.ipv4.conf.eth0.rp_filter=1")
    check = realserver(ns, "check", "--vip", VIP)
    assert check.returncode == 0, check.stdout  # a warning, not a reason to refuse
    assert "warning: rp_filter is strict (1) on eth0 but the default route leaves by eth1" in (
        check.stdout
    )


def test_teardown_restores_the_previous_sysctls_and_removes_the_vip(
    bare_netns: str, tmp_path: Path
) -> None:
    ns = bare_netns
    in_netns(ns, "sysctl", "-w", "net.ipv4.conf.all.arp_announce=1")
    in_netns(ns, "sysctl", "-w", "net.ipv4.conf.lo.arp_ignore=2")
    before = {n: sysctl(ns, n) for n in ("all.arp_ignore", "default.arp_ignore", "lo.arp_ignore",
                                         "all.arp_announce", "default.arp_announce",
                                         "lo.arp_announce")}
    state = str(tmp_path / "state")

    setup = realserver(ns, "setup", "--vip", VIP, "--vip", "2001:db8::150", "--state-dir", state)
    assert setup.returncode == 0, setup.stderr
    for scope in ("all", "default", "lo"):
        assert sysctl(ns, f"{scope}.arp_ignore") == 1
        assert sysctl(ns, f"{scope}.arp_announce") == 2
    lo = in_netns(ns, "ip", "addr", "show", "dev", "lo").stdout
    assert f"inet {VIP}/32" in lo and "inet6 2001:db8::150/128" in lo
    assert f"{VIP} dev lo" in in_netns(ns, "ip", "route", "show", "table", "main").stdout
    assert realserver(ns, "check", "--vip", VIP, "--vip", "2001:db8::150").returncode == 0
    again = realserver(ns, "setup", "--vip", VIP, "--state-dir", state)
    assert again.returncode == 0 and "already set up" in again.stdout

    down = realserver(ns, "teardown", "--state-dir", state)
    assert down.returncode == 0, down.stderr
    assert {n: sysctl(ns, n) for n in before} == before
    lo = in_netns(ns, "ip", "addr", "show", "dev", "lo").stdout
    assert VIP not in lo and "2001:db8::150" not in lo
    assert VIP not in in_netns(ns, "ip", "route", "show", "table", "main").stdout

    twice = realserver(ns, "teardown", "--state-dir", state)
    assert twice.returncode != 0 and "nothing to undo" in twice.stderr


def test_teardown_keeps_what_was_there_before_setup(bare_netns: str, tmp_path: Path) -> None:
    ns = bare_netns
    in_netns(ns, "ip", "addr", "add", f"{VIP}/32", "dev", "lo")
    assert realserver(ns, "setup", "--vip", VIP, "--state-dir", str(tmp_path)).returncode == 0
    assert realserver(ns, "teardown", "--state-dir", str(tmp_path)).returncode == 0
    assert f"inet {VIP}/32" in in_netns(ns, "ip", "addr", "show", "dev", "lo").stdout


def test_teardown_leaves_lo_as_setup_found_it(tmp_path: Path) -> None:
    ns = unique_prefix() + "bare"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        assert "state DOWN" in in_netns(ns, "ip", "link", "show", "lo").stdout
        done = realserver(ns, "setup", "--vip", VIP, "--state-dir", str(tmp_path))
        assert done.returncode == 0, done.stderr
        assert "brought lo up" in done.stdout
        assert realserver(ns, "check", "--vip", VIP).returncode == 0
        assert realserver(ns, "teardown", "--state-dir", str(tmp_path)).returncode == 0
        assert "state DOWN" in in_netns(ns, "ip", "link", "show", "lo").stdout
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=False)


def test_persist_writes_boot_files_and_teardown_removes_them(
    bare_netns: str, tmp_path: Path
) -> None:
    root, state = tmp_path / "root", str(tmp_path / "state")
    done = realserver(bare_netns, "setup", "--vip", VIP, "--persist", "--root", str(root),
                      "--state-dir", state)
    assert done.returncode == 0, done.stderr
    conf = (root / "etc/sysctl.d/60-pylvs-realserver.conf").read_text()
    for scope in ("all", "default", "lo"):
        assert f"net.ipv4.conf.{scope}.arp_ignore = 1" in conf
        assert f"net.ipv4.conf.{scope}.arp_announce = 2" in conf
    unit = (root / "etc/systemd/system/pylvs-realserver.service").read_text()
    assert f"addr replace {VIP}/32 dev lo" in unit and "WantedBy=multi-user.target" in unit
    link = root / "etc/systemd/system/multi-user.target.wants/pylvs-realserver.service"
    assert str(link.readlink()) == "/etc/systemd/system/pylvs-realserver.service"

    assert realserver(bare_netns, "teardown", "--state-dir", state).returncode == 0
    assert not (root / "etc/sysctl.d/60-pylvs-realserver.conf").exists()
    assert not link.is_symlink()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["setup", "--vip", VIP, "--mode", "nat"], "a NAT real server needs no setup"),
        (["setup", "--vip", VIP, "--mode", "gre"], "invalid choice: 'gre'"),
        (["setup", "--vip", "198.18.0"], "not an IPv4 or IPv6 address"),
        (["setup"], "--vip"),
    ],
)
def test_setup_refuses_bad_input_and_changes_nothing(
    bare_netns: str, tmp_path: Path, args: list[str], message: str
) -> None:
    out = realserver(bare_netns, *args, "--state-dir", str(tmp_path))
    assert out.returncode != 0
    assert message in out.stderr
    assert VIP not in in_netns(bare_netns, "ip", "addr", "show", "dev", "lo").stdout
    assert sysctl(bare_netns, "all.arp_ignore") == 0
    assert list(tmp_path.iterdir()) == []


def test_an_ipv6_vip_on_lo_is_not_answered_by_neighbour_discovery(shared_lab: Lab) -> None:
    topo = shared_lab.topology()
    client, rs1 = topo.host("client").netns, topo.host("rs1").netns
    # The lab gives every host its IPv6 address and each real server the IPv6 VIP on lo.
    assert f"inet6 {VIP6}/128" in in_netns(rs1, "ip", "addr", "show", "dev", "lo").stdout
    assert ndp_answers(client, CIP6, rip6(1)) == [mac_of(rs1)]  # the probe sees answers
    # Nobody but the director answers for the VIP (the real servers hold it on lo).
    assert ndp_answers(client, CIP6, VIP6) == [mac_of(topo.host("director").netns)]
    check = realserver(rs1, "check", "--vip", VIP6)
    assert check.returncode == 0, check.stdout
    assert "an IPv6 VIP needs no suppression" in check.stdout
