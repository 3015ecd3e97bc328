"""Helpers for lab tests: unique prefixes, running commands in namespaces, ARP probes."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pylvs.control.client import Client
from pylvs.lab.lab import Lab

VENV_BIN = Path(sys.executable).parent
DATAPATHS = ("python", "xdp")  # every lab test that forwards through the director runs on each


def unique_prefix() -> str:
    """A fresh lab prefix, e.g. ``t3fa9c1-``."""
    return f"t{secrets.token_hex(3)}-"


def pylvs(*args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the ``pylvs`` command."""
    return subprocess.run(
        [str(VENV_BIN / "pylvs"), *args], capture_output=True, text=True, timeout=120,
        check=check,
    )


def in_netns(netns: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` inside ``netns``; never raises on a non-zero exit."""
    return subprocess.run(
        ["ip", "netns", "exec", netns, *argv], capture_output=True, text=True, timeout=60
    )


def realserver(netns: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``pylvs realserver ARGS`` inside ``netns``."""
    return in_netns(netns, sys.executable, "-m", "pylvs.cli.realserver", *args)


def arp_answers(netns: str, address: str) -> list[str]:
    """The MACs that answer an ARP request for ``address`` sent from ``netns``'s eth0."""
    done = in_netns(netns, sys.executable, "-m", "pylvs.lab.arpprobe", "eth0", address)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout.split()


def mac_of(netns: str, interface: str = "eth0") -> str:
    """The MAC address of ``interface`` in ``netns``."""
    return in_netns(netns, "cat", f"/sys/class/net/{interface}/address").stdout.strip()


def namespaces_with(prefix: str) -> list[str]:
    """Existing namespaces whose name starts with ``prefix``."""
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.startswith(prefix)]


NDP_PROBE = """
import socket, sys
from scapy.all import (Ether, IPv6, ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, conf, get_if_hwaddr,
                       in6_getnsma, in6_getnsmac, srp)
conf.verb = 0
src, target = sys.argv[1], sys.argv[2]
nsma = in6_getnsma(socket.inet_pton(socket.AF_INET6, target))
mac = get_if_hwaddr("eth0")
ns = (Ether(src=mac, dst=in6_getnsmac(nsma))
      / IPv6(src=src, dst=socket.inet_ntop(socket.AF_INET6, nsma))
      / ICMPv6ND_NS(tgt=target) / ICMPv6NDOptSrcLLAddr(lladdr=mac))
answered, _ = srp(ns, iface="eth0", timeout=1.5, multi=True)
print(" ".join(sorted({reply.src for _, reply in answered})))
"""


def ndp_answers(netns: str, source: str, target: str) -> list[str]:
    """The MACs that answer a neighbour solicitation for ``target`` sent from ``netns``'s eth0."""
    out = in_netns(netns, sys.executable, "-c", NDP_PROBE, source, target)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def on_director(lab: Lab, *command: str, stdin: str | None = None) -> str:
    """Run ``command`` on the lab's director (with its daemon's socket); its stdout."""
    argv, env = lab.exec_argv("director", list(command))
    done = subprocess.run(argv, env=env, input=stdin, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def datapath_counters(lab: Lab, datapath: str) -> dict[str, int]:
    """The director daemon's datapath counters (``xdp.*`` ones only when XDP runs), after
    checking that the daemon runs ``datapath``."""
    with Client(str(lab.socket)) as client:
        status = client.status()
    assert status["datapath"] == datapath, status
    return {k: int(v) for k, v in (status.get("datapath_counters") or {}).items()}


def assert_carried(datapath: str, before: dict[str, int], after: dict[str, int]) -> None:
    """Between two snapshots of the datapath counters, ``datapath`` carried packets.

    XDP: the program itself forwarded packets (``xdp.forwarded`` grew), so a silent fall
    back to Python cannot pass; Python: its sockets received them and no program is there.
    """
    if datapath == "xdp":
        assert "xdp.forwarded" in after, f"no XDP program runs: {after}"
        assert after["xdp.forwarded"] > before.get("xdp.forwarded", 0), (
            f"XDP forwarded nothing: {after}")
    else:
        assert not any(name.startswith("xdp.") for name in after), after
        assert after["rx"] > before.get("rx", 0), after


@contextmanager
def carried_by(lab: Lab, datapath: str) -> Iterator[None]:
    """Check that the traffic of the ``with`` block went through ``datapath``."""
    before = datapath_counters(lab, datapath)
    yield
    assert_carried(datapath, before, datapath_counters(lab, datapath))


def assert_demo_carried_by(text: str, datapath: str) -> None:
    """The demo's output ends with ``pylvs director status``: ``datapath`` carried it."""
    _, found, status = text.partition("director# pylvs director status")
    assert found, text
    assert f"datapath: {datapath} on eth" in status, status
    counters = {name: int(n) for name, n in re.findall(r"([\w.]+)=(\d+)", status)}
    assert_carried(datapath, {}, counters)
