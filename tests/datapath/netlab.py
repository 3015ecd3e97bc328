"""A small LVS-DR segment in network namespaces for datapath tests (always cleaned up).

Hosts: ``client`` 198.18.0.100, ``director`` 198.18.0.151 + VIP 198.18.0.150,
``rs1``/``rs2`` 198.18.0.171/.172 with the VIP on ``lo`` and ARP suppressed;
each host's ``eth0`` is a veth into a bridge living in its own namespace.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VIP = "198.18.0.150"
DIP = "198.18.0.151"
CIP = "198.18.0.100"
RIPS = {"rs1": "198.18.0.171", "rs2": "198.18.0.172"}
VIP6 = "2001:db8::150"
RIPS6 = {"rs1": "2001:db8::171", "rs2": "2001:db8::172"}
V6 = {"client": "2001:db8::100", "director": "2001:db8::151", **RIPS6}
HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=30)


def sysctl(ns: str, key: str, value: str) -> None:
    path = "/proc/sys/" + key.replace(".", "/")
    subprocess.run(["ip", "netns", "exec", ns, "sh", "-c", f"echo {value} > {path}"],
                   check=True, timeout=30)


@dataclass
class Segment:
    """The namespaces of one test segment."""

    prefix: str
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def ns(self, host: str) -> str:
        return self.prefix + host

    def run(self, host: str, *argv: str, timeout: float = 60,
            check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["ip", "netns", "exec", self.ns(host), *argv], text=True,
                              capture_output=True, timeout=timeout, check=check)

    def spawn(self, host: str, *argv: str, **kw: object) -> subprocess.Popen[bytes]:
        proc: subprocess.Popen[bytes] = subprocess.Popen(
            ["ip", "netns", "exec", self.ns(host), *argv], **kw)  # type: ignore[call-overload]
        self.procs.append(proc)
        return proc

    def python(self, host: str, code: str, timeout: float = 60) -> str:
        return self.run(host, sys.executable, "-c", code, timeout=timeout).stdout


def _host(seg: Segment, host: str, addr: str, index: int) -> None:
    ns = seg.ns(host)
    br = seg.ns("br")
    ip("netns", "add", ns)
    # no duplicate address detection: the kernel sends no neighbour solicitation while
    # its link-local address is still tentative (the first second of a fresh link)
    sysctl(ns, "net.ipv6.conf.default.accept_dad", "0")
    ip("-n", ns, "link", "set", "lo", "up")
    peer = f"{seg.prefix[:6]}p{index}"
    ip("-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", peer,
       "netns", br)
    ip("-n", ns, "link", "set", "eth0", "address", f"02:00:00:00:00:{index:02x}")
    ip("-n", br, "link", "set", peer, "master", "br0")
    ip("-n", br, "link", "set", peer, "up")
    ip("-n", ns, "addr", "add", f"{addr}/24", "dev", "eth0")
    ip("-n", ns, "addr", "add", f"{V6[host]}/64", "dev", "eth0", "nodad")
    ip("-n", ns, "link", "set", "eth0", "up")


@contextmanager
def segment(real_servers: int = 2, mode: str = "dr") -> Iterator[Segment]:
    """Build the segment; every namespace (and process in it) is removed on exit.

    ``mode="nat"``: the real servers hold no VIP and reach the client through the
    director (a host route), so their replies come back to it (one-armed NAT).
    """
    seg = Segment("h7" + secrets.token_hex(3) + "-")
    try:
        ip("netns", "add", seg.ns("br"))
        ip("-n", seg.ns("br"), "link", "add", "br0", "type", "bridge")
        ip("-n", seg.ns("br"), "link", "set", "br0", "up")
        _host(seg, "client", CIP, 1)
        _host(seg, "director", DIP, 2)
        ip("-n", seg.ns("director"), "addr", "add", f"{VIP}/32", "dev", "eth0")
        ip("-n", seg.ns("director"), "addr", "add", f"{VIP6}/128", "dev", "eth0", "nodad")
        for i, (name, rip) in enumerate(list(RIPS.items())[:real_servers]):
            _host(seg, name, rip, 10 + i)
            ns = seg.ns(name)
            if mode == "nat":
                ip("-n", ns, "route", "add", f"{CIP}/32", "via", DIP)
                continue
            for scope in ("all", "default", "lo", "eth0"):
                sysctl(ns, f"net.ipv4.conf.{scope}.arp_ignore", "1")
                sysctl(ns, f"net.ipv4.conf.{scope}.arp_announce", "2")
            ip("-n", ns, "addr", "add", f"{VIP}/32", "dev", "lo")
            ip("-n", ns, "addr", "add", f"{VIP6}/128", "dev", "lo", "nodad")
        yield seg
    finally:
        for proc in seg.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
        for host in ("client", "director", *RIPS, "br"):
            subprocess.run(["ip", "netns", "del", seg.ns(host)], capture_output=True,
                           check=False)


def start_http(seg: Segment, host: str, body: str, port: int = 80) -> subprocess.Popen[bytes]:
    """A tiny HTTP server (IPv4 and IPv6) on ``port`` of ``host`` answering ``body``."""
    code = (
        "import http.server as h, socket\n"
        f"B={body!r}.encode()\n"
        "class H(h.BaseHTTPRequestHandler):\n"
        "    protocol_version='HTTP/1.1'\n"
        "    def do_GET(self):\n"
        "        self.send_response(200); self.send_header('Content-Length', str(len(B)))\n"
        "        self.end_headers(); self.wfile.write(B)\n"
        "    def log_message(self, *a): pass\n"
        "class S(h.ThreadingHTTPServer):\n"
        "    address_family = socket.AF_INET6\n"
        f"S(('::', {port}), H).serve_forever()\n"
    )
    proc = seg.spawn(host, sys.executable, "-c", code, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        out = seg.run(host, "ss", "-ltnH", f"sport = :{port}", check=False).stdout
        if out.strip():
            return proc
        time.sleep(0.05)
    raise RuntimeError(f"http server on {host} did not start")


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(REPO) + os.pathsep + e.get("PYTHONPATH", "")
    return e


def run_in_new_ns(suffix: str, setup: list[list[str]], script: str,
                  timeout: float) -> dict[str, Any]:
    """Run ``script`` (a file next to this one) in a new namespace set up by ``ip -n NS SETUP``.

    Returns the JSON object on the script's last stdout line; the script must exit 0.
    The namespace is deleted afterwards, whatever happened.
    """
    ns = "h7" + secrets.token_hex(3) + "-" + suffix
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        for cmd in setup:
            subprocess.run(["ip", "-n", ns, *cmd], check=True)
        proc = subprocess.run(["ip", "netns", "exec", ns, sys.executable, str(HERE / script)],
                              capture_output=True, text=True, timeout=timeout, env=env(),
                              check=False)
        assert proc.returncode == 0, proc.stderr[-3000:]
        out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
        return out
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=False)
