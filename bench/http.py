"""HTTP requests/s through the pylvs director vs. the same real server reached directly.

Builds the lab (``pylvs.lab``) in ``--mode dr|tun|nat`` with the chosen
datapath (python by default), programs ``-A -t VIP:80 -s rr`` with both real
servers (``-g``, ``-i``, or ``-m`` to port 8080 for NAT), then runs wrk from
the client namespace against the VIP and "directly", alternating, for
``--rounds`` rounds, with keep-alive connections and with a new connection
per request (``Connection: close``); ``--variant`` runs only one of the two.

"Direct" is rs1 itself for DR and TUN (it shares the client's segment). A
NAT real server sits behind the director, so there "direct" is rs1's port 80
reached through the director's plain kernel IP forwarding: for that phase the
client gets a route to the real servers' segment via the director (removed
right after; the director's ``ip_forward`` is switched on for it if it was
off), and the replies from port 80 are not the service's (port 8080), so the
datapath leaves them to the kernel.

Prints each round, the median, spread, the director's CPU per request and
the datapath's counters; the last line is
``mode=... ratio_vs_direct=... ratio_newconn_vs_direct=... via_rps=... direct_rps=...``
(medians; keep-alive figures unless only ``--variant close`` ran). The lab is
removed at the end, also on failure.

    .venv/bin/python bench/http.py [--mode dr] [--duration 10] [--connections 32]
        [--threads 1] [--rounds 3] [--variant both|keepalive|close] [--py-spy OUT.svg]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from labshell import sh

from pylvs.lab.lab import Lab
from pylvs.lab.topology import DIP, VIP, Topology, build

RPS = re.compile(r"^Requests/sec:\s+([0-9.]+)", re.M)
CLK_TCK = os.sysconf("SC_CLK_TCK")
NAT_SEGMENT = "198.19.0.0/24"
NAT_PORT = 8080  # NAT: the service's real server port; "direct" uses 80
FLAG = {"dr": "-g", "tun": "-i", "nat": "-m"}


def wrk(lab: Lab, url: str, opts: argparse.Namespace, close: bool) -> float:
    """Requests/s that wrk measured against ``url``."""
    cmd = ["wrk", f"-t{opts.threads}", f"-c{opts.connections}", f"-d{opts.duration:g}s", url]
    if close:
        cmd[1:1] = ["-H", "Connection: close"]
    out = sh(lab, "client", *cmd, timeout=opts.duration + 60)
    m = RPS.search(out)
    if m is None:
        raise SystemExit(f"no Requests/sec in wrk's output:\n{out}")
    errors = re.search(r"Socket errors: .*|Non-2xx.*", out)
    if errors:
        print(f"  wrk {url}: {errors.group(0)}")
    return float(m.group(1))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


@contextmanager
def direct_path(lab: Lab, mode: str) -> Iterator[None]:
    """NAT: a client route to the real servers via the director (and forwarding) meanwhile."""
    if mode != "nat":
        yield
        return
    forwarding = sh(lab, "director", "sysctl", "-n", "net.ipv4.ip_forward").strip()
    if forwarding != "1":
        sh(lab, "director", "sysctl", "-qw", "net.ipv4.ip_forward=1")
    sh(lab, "client", "ip", "route", "add", NAT_SEGMENT, "via", DIP)
    try:
        yield
    finally:
        sh(lab, "client", "ip", "route", "del", NAT_SEGMENT, "via", DIP)
        if forwarding != "1":
            sh(lab, "director", "sysctl", "-qw", f"net.ipv4.ip_forward={forwarding}")


@dataclass
class Figures:
    """Requests/s per round, via the VIP and direct, and the director's CPU while via."""

    via: list[float] = field(default_factory=list)
    direct: list[float] = field(default_factory=list)
    cpu: float = 0.0  # director CPU seconds during the "via" phases
    wall: float = 0.0

    def ratio(self) -> float:
        """Median via / median direct."""
        d = statistics.median(self.direct)
        return statistics.median(self.via) / d if d else 0.0

    def line(self, name: str) -> str:
        """One summary line for this variant."""
        ratios = sorted(v / d for v, d in zip(self.via, self.direct, strict=True) if d)
        via_med = statistics.median(self.via)
        busy = self.cpu / self.wall if self.wall else 0.0
        return (f"{name}: via {via_med:8.0f} req/s (min {min(self.via):.0f} max"
                f" {max(self.via):.0f}), direct {statistics.median(self.direct):8.0f} req/s"
                f" (min {min(self.direct):.0f} max {max(self.direct):.0f}); ratio median"
                f" {self.ratio():.2f}, per round {ratios[0]:.2f}..{ratios[-1]:.2f};"
                f" director CPU {busy * 100:.0f}% of a core,"
                f" {busy / via_med * 1e6 if via_med else 0:.1f} us per request")


def program(lab: Lab, topo: Topology, mode: str) -> None:
    """The service on VIP:80 with every real server in ``mode``."""
    sh(lab, "director", "pylvs-ipvsadm", "-A", "-t", f"{VIP}:80", "-s", "rr")
    port = NAT_PORT if mode == "nat" else 80
    for rs in topo.real_servers:
        sh(lab, "director", "pylvs-ipvsadm", "-a", "-t", f"{VIP}:80", "-r",
           f"{rs.address}:{port}", FLAG[mode])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", default="dr", choices=("dr", "tun", "nat"))
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per phase")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3, help="alternating via/direct rounds")
    ap.add_argument("--variant", default="both", choices=("both", "keepalive", "close"))
    ap.add_argument("--close", action="store_true", help="same as --variant close")
    ap.add_argument("--datapath", default="python", choices=("python", "auto", "xdp"))
    ap.add_argument("--prefix", default=None, help="lab prefix (default: a fresh one)")
    ap.add_argument("--py-spy", dest="py_spy", metavar="FILE", default=None,
                    help="record pylvsd with py-spy during the first 'via' phase into FILE"
                         " (flame graph SVG; needs py-spy)")
    opts = ap.parse_args()
    if opts.close:
        opts.variant = "close"
    if os.geteuid() != 0:
        print("bench/http.py needs root (network namespaces)", file=sys.stderr)
        return 2
    if shutil.which("wrk") is None:
        print("bench/http.py needs wrk (Debian package wrk; make venv installs it)",
              file=sys.stderr)
        return 2
    if opts.py_spy and shutil.which("py-spy") is None:
        print("--py-spy needs py-spy on PATH (pip install py-spy)", file=sys.stderr)
        return 2
    if opts.rounds < 1 or opts.duration <= 0 or opts.connections < 1 or opts.threads < 1:
        print("--rounds, --duration, --connections and --threads must be positive",
              file=sys.stderr)
        return 2
    variants = {"both": (False, True), "keepalive": (False,), "close": (True,)}[opts.variant]
    lab = Lab(opts.prefix or f"hb{secrets.token_hex(2)}-")
    try:
        st = lab.up(opts.mode, 2, opts.datapath)
        if st.daemon_datapath == "none" or st.daemon_pid is None:
            raise SystemExit(f"the lab director does not forward packets: {st.daemon_note}")
        topo = build(lab.prefix, opts.mode, 2)
        rs1 = topo.host("rs1").address
        program(lab, topo, opts.mode)
        via_url, direct_url = f"http://{VIP}/", f"http://{rs1}/"
        for url in (via_url, via_url):  # warm up, ARP
            sh(lab, "client", "curl", "-sf", "-m", "5", "-o", "/dev/null", url)
        with direct_path(lab, opts.mode):
            sh(lab, "client", "curl", "-sf", "-m", "5", "-o", "/dev/null", direct_url)
        print(f"mode {opts.mode}, datapath {st.daemon_datapath}, wrk -t{opts.threads}"
              f" -c{opts.connections}, {opts.duration:g} s per phase, {opts.rounds} rounds")
        if opts.mode == "nat":
            print(f"direct = rs1:80 through the director's kernel IP forwarding (client route"
                  f" {NAT_SEGMENT} via {DIP} during those phases only); via = VIP:80 ->"
                  f" RIP:{NAT_PORT}")
        else:
            print(f"direct = rs1 ({rs1}) on the client's segment")
        results: dict[bool, Figures] = {close: Figures() for close in variants}
        for rnd in range(1, opts.rounds + 1):
            for close in variants:
                fig = results[close]
                with direct_path(lab, opts.mode):
                    fig.direct.append(wrk(lab, direct_url, opts, close))
                cpu0, t0 = cpu_seconds(st.daemon_pid), time.monotonic()
                spy = None
                if opts.py_spy and rnd == 1 and close == variants[0]:
                    spy = subprocess.Popen(
                        ["py-spy", "record", "-p", str(st.daemon_pid), "-o", opts.py_spy,
                         "-d", str(max(1, int(opts.duration) - 1))],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                fig.via.append(wrk(lab, via_url, opts, close))
                if spy is not None and spy.wait(timeout=60) == 0:
                    print(f"  py-spy profile of pylvsd written to {opts.py_spy}")
                fig.cpu += cpu_seconds(st.daemon_pid) - cpu0
                fig.wall += time.monotonic() - t0
                name = "new connection per request" if close else "keep-alive"
                print(f"round {rnd} {name:27s} via {fig.via[-1]:8.0f}  direct"
                      f" {fig.direct[-1]:8.0f}  ratio {fig.via[-1] / fig.direct[-1]:.2f}",
                      flush=True)
        for close, fig in results.items():
            print(fig.line("new connection per request" if close else "keep-alive"))
        stats = sh(lab, "director", "pylvs-ipvsadm", "-Ln", "--stats")
        print(stats.rstrip())
        status = sh(lab, "director", "pylvs", "director", "status")
        counters = [ln.strip() for ln in status.splitlines() if "rx=" in ln]
        print("datapath counters:", counters[0] if counters else "(not reported)")
        found = dict(re.findall(r"(\w+)=(\d+)", counters[0])) if counters else {}
        if int(found.get("wakeups", 0)):
            print(f"frames per wakeup: {int(found['rx']) / int(found['wakeups']):.1f}")
        main_fig = results.get(False) or results[True]
        newconn = f"{results[True].ratio():.2f}" if True in results else "nan"
        keep = f"{results[False].ratio():.2f}" if False in results else "nan"
        print(f"mode={opts.mode} ratio_vs_direct={keep} ratio_newconn_vs_direct={newconn}"
              f" via_rps={statistics.median(main_fig.via):.0f}"
              f" direct_rps={statistics.median(main_fig.direct):.0f}")
        return 0
    finally:
        lab.down()


if __name__ == "__main__":
    sys.exit(main())
