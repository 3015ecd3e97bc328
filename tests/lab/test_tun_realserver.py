"""``pylvs realserver setup --mode tun``: decapsulation installed, checked and removed exactly."""

from __future__ import annotations

import ipaddress
import shutil
import sys
from pathlib import Path

import pytest
from labhelpers import in_netns, realserver

from pylvs.realserver import tunnel
from pylvs.realserver.errors import RealServerError

pytestmark = pytest.mark.lab

VIP = "198.18.0.150"
VIP6 = "2001:db8::150"


def rp_filter(netns: str, scope: str) -> int:
    return int(in_netns(netns, "sysctl", "-n", f"net.ipv4.conf.{scope}.rp_filter").stdout)


def kernel_has_ipip(netns: str) -> bool:
    probe = in_netns(netns, "ip", "link", "add", "probe0", "type", "ipip")
    in_netns(netns, "ip", "link", "del", "probe0")
    return probe.returncode == 0


def test_setup_check_and_teardown(bare_netns: str, tmp_path: Path) -> None:
    ns = bare_netns
    if kernel_has_ipip(ns):
        pytest.skip("this kernel has ipip: the BPF fallback is not what setup installs here")
    in_netns(ns, "sysctl", "-w", "net.ipv4.conf.eth0.rp_filter=1")
    state = str(tmp_path)
    before = realserver(ns, "check", "--mode", "tun", "--vip", VIP)
    assert before.returncode != 0
    assert "nothing decapsulates the director's tunnel packets" in before.stdout

    done = realserver(ns, "setup", "--mode", "tun", "--vip", VIP, "--vip", VIP6,
                      "--interface", "eth0", "--state-dir", state)
    assert done.returncode == 0, done.stderr
    assert "a BPF program strips the tunnel header" in done.stdout  # it says what it did
    assert "set net.ipv4.conf.eth0.rp_filter = 2 (was 1)" in done.stdout
    filters = in_netns(ns, "tc", "filter", "show", "dev", "eth0", "ingress").stdout
    assert "pylvs_tun_decap" in filters and "direct-action" in filters
    assert rp_filter(ns, "eth0") == 2
    check = realserver(ns, "check", "--mode", "tun", "--vip", VIP, "--vip", VIP6)
    assert check.returncode == 0, check.stdout
    assert check.stdout.startswith("ready: this host can serve as an LVS-TUN real server")
    assert "BPF decapsulation program is at tc ingress of eth0" in check.stdout

    # Strict rp_filter again: check names the problem.
    in_netns(ns, "sysctl", "-w", "net.ipv4.conf.eth0.rp_filter=1")
    bad = realserver(ns, "check", "--mode", "tun", "--vip", VIP)
    assert bad.returncode != 0 and "rp_filter is strict (1) on eth0" in bad.stdout
    in_netns(ns, "sysctl", "-w", "net.ipv4.conf.eth0.rp_filter=2")

    undo = realserver(ns, "teardown", "--state-dir", state)
    assert undo.returncode == 0, undo.stderr
    assert "removed the decapsulation program and clsact qdisc of eth0" in undo.stdout
    assert "clsact" not in in_netns(ns, "tc", "qdisc", "show", "dev", "eth0").stdout
    assert rp_filter(ns, "eth0") == 1
    assert VIP not in in_netns(ns, "ip", "addr", "show", "dev", "lo").stdout
    assert list(tmp_path.iterdir()) == []  # the compiled program is gone with the record


def test_teardown_keeps_a_clsact_qdisc_that_was_there(bare_netns: str, tmp_path: Path) -> None:
    ns = bare_netns
    if kernel_has_ipip(ns):
        pytest.skip("this kernel has ipip: the BPF fallback is not what setup installs here")
    assert in_netns(ns, "tc", "qdisc", "add", "dev", "eth0", "clsact").returncode == 0
    state = str(tmp_path)
    done = realserver(ns, "setup", "--mode", "tun", "--vip", VIP, "--interface", "eth0",
                      "--state-dir", state)
    assert done.returncode == 0, done.stderr
    assert realserver(ns, "teardown", "--state-dir", state).returncode == 0
    assert "clsact" in in_netns(ns, "tc", "qdisc", "show", "dev", "eth0").stdout
    assert "pylvs_tun_decap" not in in_netns(ns, "tc", "filter", "show", "dev", "eth0",
                                            "ingress").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--interface", "nosuch0"], "there is no interface nosuch0 here"),
        (["--persist"], "--persist is not available with --mode tun"),
    ],
)
def test_setup_refuses_bad_input(bare_netns: str, tmp_path: Path, args: list[str],
                                 message: str) -> None:
    out = realserver(bare_netns, "setup", "--mode", "tun", "--vip", VIP, *args,
                     "--state-dir", str(tmp_path), "--root", str(tmp_path / "root"))
    assert out.returncode != 0
    assert message in out.stderr
    assert VIP not in in_netns(bare_netns, "ip", "addr", "show", "dev", "lo").stdout
    assert list(tmp_path.iterdir()) == []  # nothing changed, nothing recorded
    assert "pylvs_tun_decap" not in in_netns(bare_netns, "tc", "filter", "show", "dev",
                                            "eth0", "ingress").stdout


def test_vips_are_compiled_in_network_byte_order_words() -> None:
    text = tunnel.vips_header([ipaddress.ip_address(VIP), ipaddress.ip_address(VIP6)])
    assert "#define PYLVS_VIP4_LIST 0xc6120096u" in text
    raw = ipaddress.IPv6Address(VIP6).packed
    first = int.from_bytes(raw[:4], sys.byteorder)
    assert f"{{{{{first:#010x}u," in text
    assert "#define PYLVS_VIP6_COUNT 1" in text


def test_missing_clang_fails_naming_the_package(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which",
                        lambda name, *a, **k: None if name == "clang" else real_which(name))
    with pytest.raises(RealServerError, match=r"clang is not installed.*apt-get install clang"):
        tunnel.compile_program([ipaddress.ip_address(VIP)], tmp_path)
    assert list(tmp_path.iterdir()) == []
