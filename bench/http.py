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

The peers are measured in the same run, in the same rounds (after "direct"
and "via"), with the same wrk options: HAProxy in TCP mode and nginx stream
proxying (``bench/peers.py``), started in the director's namespace, each on an
address of its own next to the VIP (198.18.0.160 and .161), balancing
round-robin over the same real servers' port 80. Own addresses rather than the
VIP keep pylvs's service untouched between phases (its counters and connection
table cover only the "via" traffic). By default (``--peer-link own``) those
addresses sit on a second link from the director to the client segment that
carries no XDP program, so a proxy does not pay for pylvs's XDP (a proxy's
traffic crosses the director's link four times per request; on veth, XDP mode
copies every locally sent frame); ``--peer-link shared`` puts them on the
director's ``eth0`` instead. A peer whose package is missing is skipped with a
line naming it; ``--peers none`` skips both.

Prints each round, the median, spread, the director's CPU per request (and
each peer's), and the datapath's counters; the last line is
``mode=... ratio_vs_direct=... ratio_newconn_vs_direct=... via_rps=... direct_rps=...
ratio_vs_haproxy=... ratio_newconn_vs_haproxy=... haproxy_vs_direct=...
haproxy_newconn_vs_direct=... nginx_stream_vs_direct=... nginx_stream_newconn_vs_direct=...
haproxy_rps=... nginx_stream_rps=...`` (ratios of medians; ``nan`` for what did not run;
``*_rps`` are keep-alive figures unless only ``--variant close`` ran). The peers and the
lab are removed at the end, also on failure or SIGTERM.

    .venv/bin/python bench/http.py [--mode dr] [--datapath python|auto|xdp] [--duration 10]
        [--connections 32] [--threads 1] [--rounds 3] [--variant both|keepalive|close]
        [--peers haproxy,nginx_stream|none] [--peer-link own|shared] [--py-spy OUT.svg]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from labshell import cpu_seconds, sh
from peers import PEERS, Peer, PeerSpec, running_peers

from pylvs.lab.lab import Lab
from pylvs.lab.topology import DIP, VIP, Topology, build

RPS = re.compile(r"^Requests/sec:\s+([0-9.]+)", re.M)
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
    """Requests/s per round, via the VIP, direct and through each peer, and the CPU used.

    ``cpu``/``wall``: the director daemon's CPU seconds and the wall time of the "via"
    phases; ``peer_cpu``/``peer_wall``: the same for each peer's processes in its phases.
    """

    via: list[float] = field(default_factory=list)
    direct: list[float] = field(default_factory=list)
    cpu: float = 0.0
    wall: float = 0.0
    peers: dict[str, list[float]] = field(default_factory=dict)
    peer_cpu: dict[str, float] = field(default_factory=dict)
    peer_wall: dict[str, float] = field(default_factory=dict)

    def ratio(self) -> float:
        """Median via / median direct."""
        d = statistics.median(self.direct)
        return statistics.median(self.via) / d if d else 0.0

    def peer_vs_direct(self, name: str) -> float | None:
        """Median through peer ``name`` / median direct (None if the peer did not run)."""
        d = statistics.median(self.direct)
        got = self.peers.get(name)
        return statistics.median(got) / d if got and d else None

    def via_vs_peer(self, name: str) -> float | None:
        """Median via / median through peer ``name`` (None if the peer did not run)."""
        got = self.peers.get(name)
        p = statistics.median(got) if got else 0.0
        return statistics.median(self.via) / p if p else None

    def peer_line(self, name: str, label: str, variant: str) -> str:
        """One summary line for peer ``name`` in this variant."""
        got = self.peers[name]
        med = statistics.median(got)
        ratios = sorted(p / d for p, d in zip(got, self.direct, strict=True) if d)
        wall = self.peer_wall.get(name, 0.0)
        busy = self.peer_cpu.get(name, 0.0) / wall if wall else 0.0
        return (f"{variant}: {label} {med:8.0f} req/s (min {min(got):.0f} max {max(got):.0f});"
                f" vs direct {fmt(self.peer_vs_direct(name))}, per round"
                f" {ratios[0]:.2f}..{ratios[-1]:.2f}; pylvs via / {name}"
                f" {fmt(self.via_vs_peer(name))}; {name} CPU {busy * 100:.0f}% of a core,"
                f" {busy / med * 1e6 if med else 0:.1f} us per request")

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


def fmt(value: float | None) -> str:
    """A ratio for the summary line; ``nan`` for one that was not measured."""
    return "nan" if value is None else f"{value:.2f}"


def summary(mode: str, results: dict[bool, Figures]) -> str:
    """The last line: ``key=value`` pairs, the keys of older versions first, unchanged."""
    keep, new = results.get(False), results.get(True)
    main_fig = keep or new
    assert main_fig is not None
    pairs = [
        ("mode", mode),
        ("ratio_vs_direct", fmt(keep.ratio() if keep else None)),
        ("ratio_newconn_vs_direct", fmt(new.ratio() if new else None)),
        ("via_rps", f"{statistics.median(main_fig.via):.0f}"),
        ("direct_rps", f"{statistics.median(main_fig.direct):.0f}"),
        ("ratio_vs_haproxy", fmt(keep.via_vs_peer("haproxy") if keep else None)),
        ("ratio_newconn_vs_haproxy", fmt(new.via_vs_peer("haproxy") if new else None)),
    ]
    for spec in PEERS:
        pairs += [
            (f"{spec.name}_vs_direct", fmt(keep.peer_vs_direct(spec.name) if keep else None)),
            (f"{spec.name}_newconn_vs_direct",
             fmt(new.peer_vs_direct(spec.name) if new else None)),
        ]
    for spec in PEERS:
        got = main_fig.peers.get(spec.name)
        pairs.append((f"{spec.name}_rps", f"{statistics.median(got):.0f}" if got else "nan"))
    return " ".join(f"{k}={v}" for k, v in pairs)


def measure_peer(lab: Lab, peer: Peer, fig: Figures, opts: argparse.Namespace,
                 close: bool) -> float:
    """One wrk phase through ``peer``, recorded in ``fig`` with the peer's CPU time."""
    name = peer.spec.name
    cpu0, t0 = peer.cpu_seconds(), time.monotonic()
    rps = wrk(lab, peer.url, opts, close)
    fig.peer_cpu[name] = fig.peer_cpu.get(name, 0.0) + peer.cpu_seconds() - cpu0
    fig.peer_wall[name] = fig.peer_wall.get(name, 0.0) + time.monotonic() - t0
    fig.peers.setdefault(name, []).append(rps)
    return rps


def peer_specs(text: str) -> list[PeerSpec]:
    """The peers named in ``--peers`` (comma-separated, or ``none``)."""
    if text == "none":
        return []
    by_name = {spec.name: spec for spec in PEERS}
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in by_name]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown peer {', '.join(unknown) or repr(text)}: use"
            f" {','.join(by_name)} (comma-separated) or none")
    return [by_name[n] for n in dict.fromkeys(names)]


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


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
    ap.add_argument("--xdp-mode", dest="xdp_mode", default="auto",
                    choices=("auto", "native", "generic"),
                    help="how pylvsd attaches XDP (default auto: generic on the lab's veth)")
    ap.add_argument("--peers", type=peer_specs, default=list(PEERS),
                    help="peers measured in the same run: haproxy,nginx_stream (default)"
                         " or a subset, or none")
    ap.add_argument("--peer-link", dest="peer_link", default="own", choices=("own", "shared"),
                    help="the peers' addresses on a link of their own without XDP (default)"
                         " or on the director's eth0, shared with pylvs")
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
    signal.signal(signal.SIGTERM, _terminate)  # clean up (finally) on kill too
    variants = {"both": (False, True), "keepalive": (False,), "close": (True,)}[opts.variant]
    lab = Lab(opts.prefix or f"hb{secrets.token_hex(2)}-")
    stack = ExitStack()
    try:
        st = lab.up(opts.mode, 2, opts.datapath, xdp_mode=opts.xdp_mode)
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
        backends = [rs.address for rs in topo.real_servers]
        peers = stack.enter_context(running_peers(lab, opts.peers, backends,
                                                  own_link=opts.peer_link == "own"))
        for peer in peers.values():
            print(f"peer {peer.spec.label} on {peer.spec.address}:80 (director's"
                  f" {peer.link}), round-robin over {', '.join(backends)} port 80")
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
                extra = ""
                for name, peer in peers.items():
                    rps = measure_peer(lab, peer, fig, opts, close)
                    extra += f"  {name} {rps:8.0f} ({rps / fig.direct[-1]:.2f})"
                variant = "new connection per request" if close else "keep-alive"
                print(f"round {rnd} {variant:27s} via {fig.via[-1]:8.0f}  direct"
                      f" {fig.direct[-1]:8.0f}  ratio {fig.via[-1] / fig.direct[-1]:.2f}{extra}",
                      flush=True)
        for close, fig in results.items():
            variant = "new connection per request" if close else "keep-alive"
            print(fig.line(variant))
            for name, peer in peers.items():
                print(fig.peer_line(name, peer.spec.label, variant))
        stats = sh(lab, "director", "pylvs-ipvsadm", "-Ln", "--stats")
        print(stats.rstrip())
        status = sh(lab, "director", "pylvs", "director", "status")
        counters = [ln.strip() for ln in status.splitlines() if "rx=" in ln]
        print("datapath counters:", counters[0] if counters else "(not reported)")
        found = dict(re.findall(r"(\w+)=(\d+)", counters[0])) if counters else {}
        if int(found.get("wakeups", 0)):
            print(f"frames per wakeup: {int(found['rx']) / int(found['wakeups']):.1f}")
        stack.close()  # peers stopped before the summary line, which comes last
        print(summary(opts.mode, results))
        return 0
    finally:
        stack.close()
        lab.down()


if __name__ == "__main__":
    sys.exit(main())
