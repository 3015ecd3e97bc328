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

    again = realserver(ns, "setup", "--mode", "tun", "--vip", "198.18.0.160",
                       "--interface", "eth0", "--state-dir", state)  # one more VIP
    assert again.returncode == 0, again.stderr
    assert "packets to 198.18.0.150, 2001:db8::150, 198.18.0.160 at tc ingress" in again.stdout
    filters = in_netns(ns, "tc", "filter", "show", "dev", "eth0", "ingress").stdout
    assert filters.count("pylvs_tun_decap") == 1  # replaced, not stacked

    undo = realserver(ns, "teardown", "--state-dir", state)
    assert undo.returncode == 0, undo.stderr
    assert "removed the decapsulation program and clsact qdisc of eth0" in undo.stdout
    assert "clsact" not in in_netns(ns, "tc", "qdisc", "show", "dev", "eth0").stdout
    assert rp_filter(ns, "eth0") == 1
    lo = in_netns(ns, "ip", "addr", "show", "dev", "lo").stdout
    assert VIP not in lo and "198.18.0.160" not in lo
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


DECAP_PROBE = """
import socket, sys
from scapy.all import IP, UDP, Ether, IPv6, Raw, conf, get_if_hwaddr, sendp
conf.verb = 0
mac = get_if_hwaddr("eth0")
sockets = {}
for addr in sys.argv[1:]:
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 7777))
    s.settimeout(0.5)
    sockets[addr] = s
for addr in sys.argv[1:]:
    if ":" in addr:
        outer = IPv6(src="2001:db8:9::1", dst="2001:db8:9::2") / IPv6(src="2001:db8:9::1", dst=addr)
    else:
        outer = IP(src="198.18.1.99", dst="198.18.1.10") / IP(src="198.18.1.99", dst=addr)
    sendp(Ether(dst=mac) / outer / UDP(sport=5555, dport=7777) / Raw(b"tunnelled"),
          iface="eth1")
got = []
for addr, s in sockets.items():
    try:
        if s.recv(100) == b"tunnelled":
            got.append(addr)
    except socket.timeout:
        pass
print(" ".join(got))
"""


def test_only_tunnel_packets_for_a_vip_are_decapsulated(bare_netns: str, tmp_path: Path) -> None:
    ns = bare_netns
    if kernel_has_ipip(ns):
        pytest.skip("this kernel has ipip: the BPF fallback is not what setup installs here")
    for address, dev in (("2001:db8:9::2/64", "eth0"), (f"{VIP}/32", "lo"),
                         (f"{VIP6}/128", "lo")):
        assert in_netns(ns, "ip", "addr", "add", address, "dev", dev, "nodad").returncode == 0
    # Encapsulated datagrams sent into eth0 (from its veth peer): to each VIP, and to the
    # host's own addresses, which are not VIPs and must be left alone.
    targets = [VIP, VIP6, "198.18.1.10", "2001:db8:9::2"]
    out = in_netns(ns, sys.executable, "-c", DECAP_PROBE, *targets)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == []  # this kernel alone decapsulates nothing
    done = realserver(ns, "setup", "--mode", "tun", "--vip", VIP, "--vip", VIP6,
                      "--interface", "eth0", "--state-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    out = in_netns(ns, sys.executable, "-c", DECAP_PROBE, *targets)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [VIP, VIP6]
