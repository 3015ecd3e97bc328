"""New-connection rate the director's slow path sustains (TCP SYNs scheduled per second),
python vs xdp datapath, and the fast path's cost per established packet, in one run.

Per round, each datapath (``python``; ``xdp`` in its default attach mode) gets a fresh DR
lab (``pylvs.lab``, its switch a plain bridge) with a TCP service
``VIP:8000 -s rr`` over both real servers ``-g``. Nothing listens on port 8000 on the real
servers: they answer each SYN with a RST straight to the client (cheap), so the SYNs cost
the director its scheduling only. The client sends TCP SYNs with the XDP generator of
``bench/pps.py`` (``bench/xdpgen.py --tcp``: frames as from a NIC, each from a new source
port, the TCP checksum fixed up in the program), at most ``--max-syns`` per burst. Every
SYN creates an IPVS connection (SYN_RECV, 60 s) and, with XDP, a flow in the program's
map (65,536 entries): so the service is flushed and added again (``pylvs-ipvsadm -C``)
before every burst, no source port is used twice in a lab, and a lab takes 64,000 SYNs
at most.

The director's capacity: one unpaced burst (``--probe`` SYNs) gives an estimate (SYNs
delivered per second from the first sent to the last delivered, counted by the switch
every 2 ms: ``bench/pps.py``'s ``send_watched``); then bursts of ``--seconds`` paced
(``xdpgen --rate``: trains every 25 ms) to 0.8 times it, then each 1.25 times faster than
the last, until one loses SYNs (under 99 % arrive at the real servers); when the lab has
source ports for one more burst only, that one is sent twice as fast as the last. The
first offered rate that lost SYNs is where the director starts dropping. Its capacity is
what it delivered there or just below (the fastest burst without loss), whichever is more:
SYNs that reached the real servers, and the connections it created (``-Ln --stats
--exact`` Conns), per second from the first SYN sent to the last delivered (an overloaded
slow path may deliver less than it did just below: the xdp datapath's does). Should no
burst lose SYNs, the output says the figure is a lower bound. The pylvsd daemon's CPU time
per connection at the fastest rate without loss is printed too.

The fast path's cost per established packet (at the end, on a fresh xdp lab): 2,000
connections are opened with SYNs (2,000 per second, none lost), then ``--acks`` TCP ACKs from those
ports are sent unpaced: the XDP program finds each flow and forwards it. The director's
CPU time per forwarded ACK is the whole path's CPU time (generator, ksoftirqd, the
daemon) less that of the same ACKs sent straight to rs1 (``bench/pps.py``'s method and
its ``direct`` reference), per ACK delivered; the program's own time per packet comes
from the kernel's BPF run-time statistics (one more burst with them on). Figures are
taken on whatever else the machine runs: use medians of several runs. Labs are removed
at the end, also on failure. Last line: ``syn_per_s_python=... syn_per_s_xdp=...
conns_per_s_python=... conns_per_s_xdp=... fastpath_ns_per_packet=...
fastpath_program_ns=...``.

    .venv/bin/python bench/synrate.py [--rounds 5] [--seconds 0.5] [--max-syns 12000]
        [--acks 200000]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pps
import progstats
import xdpgen
from labshell import sh

from pylvs.lab.topology import CIP, VIP, build

SYN_PORT = 8000  # the service's port: no listener on the real servers
FIRST_PORT = 1024  # the client's source ports: FIRST_PORT on, each used once per lab
LAB_SYNS = 64_000  # SYNs one lab takes at most (the XDP flow map has 65,536 entries)
LADDER_START = 0.8  # times the probe's estimate: the first paced rate
LADDER_STEP = 1.25  # each next rate, times the last (an unlucky probe says far too little)
LADDER_STEPS = 12
LAST_STEP = 2.0  # times the last rate: the step when the lab has ports for one more only
ACK_FLOWS = 2000  # connections the established packets belong to
OPEN_RATE = 2000  # SYNs per second that open them (both datapaths take far more)
DATAPATHS = ("python", "xdp")


@dataclass
class SynBurst:
    """One burst of SYNs, each from a new source port."""

    sent: int
    offered: float  # SYNs per second sent (paced), 0 unpaced
    delivered: int  # SYNs counted on the real servers' links
    conns: int  # connections the director created (Conns of the service)
    seconds: float  # from the first SYN sent to the last delivered
    daemon_ns: int  # CPU time of the director's processes (pylvsd)

    @property
    def share(self) -> float:
        return self.delivered / self.sent if self.sent else 0.0

    @property
    def syn_per_s(self) -> float:
        return self.delivered / self.seconds if self.seconds > 0 else 0.0

    @property
    def conns_per_s(self) -> float:
        return self.conns / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Capacity:
    """What one lab's ladder found."""

    estimate: float  # SYNs per second of the unpaced probe
    dropped_at: SynBurst | None  # the first paced burst that lost SYNs
    lossless: SynBurst | None  # the fastest paced burst that lost none

    @property
    def best(self) -> SynBurst | None:
        """Of the two, the one that delivered more SYNs per second."""
        found = [b for b in (self.dropped_at, self.lossless) if b]
        return max(found, key=lambda b: b.syn_per_s) if found else None

    @property
    def syn_per_s(self) -> float:
        return self.best.syn_per_s if self.best else 0.0

    @property
    def conns_per_s(self) -> float:
        return self.best.conns_per_s if self.best else 0.0


class SynLab:
    """A DR lab whose director serves VIP:SYN_PORT, and the SYNs to send to it."""

    def __init__(self, datapath: str, gen: pps.Generator) -> None:
        self.datapath = datapath
        self.gen = gen
        self.lab, _ = pps.new_lab(datapath, "auto")
        try:
            topo = build(self.lab.prefix, "dr", 2)
            self.real_servers = [h.address for h in topo.real_servers]
            self.rs1_mac = pps._mac(str(pps.link_info(self.lab, "rs1")["address"]))
            self.director_mac = pps._mac(str(pps.link_info(self.lab, "director")["address"]))
            self.client_mac = pps._mac(str(pps.link_info(self.lab, "client")["address"]))
            pps.xdp_pass_on_peer(self.lab, "client")
            frame = xdpgen.tcp_frame(self.director_mac, self.client_mac, pps._ip(CIP),
                                     pps._ip(VIP), FIRST_PORT, SYN_PORT)
            self.setup = pps.Setup(datapath, self.lab, topo.host("director").netns,
                                   [h.role for h in topo.real_servers], frame, 1,
                                   Path("/dev/null"), tcp=True)
            self.next_port = FIRST_PORT
            self.reset()
            self.send(16, gap_ms=2)  # neighbours resolved
        except BaseException:
            self.lab.down()
            raise

    def reset(self) -> None:
        """The service flushed (``-C``) and added again: its Conns count from 0."""
        rules = [f"-A -t {VIP}:{SYN_PORT} -s rr"] + [
            f"-a -t {VIP}:{SYN_PORT} -r {rs} -g" for rs in self.real_servers]
        sh(self.lab, "director", "sh", "-c", "pylvs-ipvsadm -C && printf '%s\\n' "
           + " ".join(f"'{rule}'" for rule in rules) + " | pylvs-ipvsadm -R")

    def left(self) -> int:
        """Source ports (SYNs) this lab has left."""
        return min(65536 - self.next_port, LAB_SYNS + FIRST_PORT - self.next_port)

    def ports(self, count: int, frame: bytes | None = None) -> pps.Setup:
        """The next ``count`` unused source ports, as a Setup to send ``frame`` from."""
        if count > self.left():
            raise SystemExit(f"{self.datapath} lab: {count} SYNs asked, {self.left()} left")
        s = dataclasses.replace(self.setup, ports=count, sport_base=self.next_port,
                                frame=frame or self.setup.frame)
        self.next_port += count
        return s

    def send(self, count: int, rate: float = 0.0, gap_ms: float = 0.0) -> SynBurst:
        """``count`` SYNs from new source ports (unpaced, paced to ``rate`` per second, or
        one every ``gap_ms``) to a freshly added service; what arrived and was created."""
        s = self.ports(count)
        self.reset()
        time.sleep(0.3)
        if gap_ms:
            self.gen.send(s, count, gap_ms=gap_ms)
            return SynBurst(count, 0.0, count, self.conns(), 0.0, 0)
        d0 = pps.namespace_ns(s.director_netns)
        delivered, _, seconds = pps.send_watched(s, self.gen, count, rate)
        d1 = pps.namespace_ns(s.director_netns)
        return SynBurst(count, rate, delivered, self.conns(), seconds, d1 - d0)

    def conns(self) -> int:
        """Connections the service has counted (``-Ln --stats --exact``)."""
        out = sh(self.lab, "director", "pylvs-ipvsadm", "-Ln", "--stats", "--exact")
        for line in out.splitlines():
            fields = line.split()
            if fields[:2] == ["TCP", f"{VIP}:{SYN_PORT}"]:
                return int(fields[2])
        raise SystemExit(f"no TCP {VIP}:{SYN_PORT} in pylvs-ipvsadm -Ln --stats:\n{out}")


def ladder(lab: SynLab, opts: argparse.Namespace, r: int) -> Capacity:
    """Probe, then paced bursts ever faster until one loses SYNs (see the docstring)."""
    probe = lab.send(opts.probe)
    cap = Capacity(probe.syn_per_s, None, None)
    print(f"round {r + 1} {lab.datapath:6s} probe: {probe.sent} SYNs unpaced,"
          f" {probe.share * 100:5.1f} % delivered, {probe.syn_per_s:7.0f} SYN/s", flush=True)
    rate = LADDER_START * cap.estimate
    for step in range(LADDER_STEPS):
        count = min(opts.max_syns, max(500, int(rate * opts.seconds)))
        if count > lab.left():
            print(f"round {r + 1} {lab.datapath}: the lab's source ports are used up")
            break
        if lab.left() < 2 * count or step == LADDER_STEPS - 1:  # the last: surely too fast
            rate *= LAST_STEP
            count = min(opts.max_syns, lab.left(), max(500, int(rate * opts.seconds)))
        b = lab.send(count, rate=rate)
        print(f"round {r + 1} {lab.datapath:6s} offered {rate:7.0f} SYN/s ({count} SYNs):"
              f" {b.share * 100:5.1f} % delivered, {b.syn_per_s:7.0f} SYN/s,"
              f" {b.conns_per_s:7.0f} conns/s, pylvsd"
              f" {b.daemon_ns / 1000 / max(b.conns, 1):5.1f} us per connection", flush=True)
        if b.share < pps.SATURATED_SHARE:
            cap.dropped_at = b
            break
        cap.lossless = b
        rate *= LADDER_STEP
    if cap.dropped_at is None:
        print(f"round {r + 1} {lab.datapath}: no burst lost SYNs, its capacity"
              f" {cap.syn_per_s:.0f} SYN/s is a lower bound")
    return cap


def fastpath_cost(lab: SynLab, opts: argparse.Namespace) -> dict[str, float]:
    """The director's CPU ns per established packet on the fast path (ACKs of ACK_FLOWS
    connections, path minus the direct reference) and the XDP program's own ns per packet."""
    opened = lab.send(ACK_FLOWS, rate=OPEN_RATE)  # flows installed, none lost
    if opened.share < pps.SATURATED_SHARE:
        raise SystemExit(f"opening {ACK_FLOWS} connections lost SYNs ({opened.share:.3f})")
    base = lab.next_port - ACK_FLOWS
    cip, vip = pps._ip(CIP), pps._ip(VIP)
    rs1 = pps._ip(lab.real_servers[0])

    def acks(dst_mac: bytes, daddr: bytes) -> pps.Setup:
        frame = xdpgen.tcp_frame(dst_mac, lab.client_mac, cip, daddr, base, SYN_PORT,
                                 xdpgen.TCP_ACK, seq=2, ack=1)
        return dataclasses.replace(lab.setup, frame=frame, ports=ACK_FLOWS, sport_base=base)

    via, direct = acks(lab.director_mac, vip), acks(lab.rs1_mac, rs1)
    direct_ns, director = [], []
    for _ in range(5):
        d = pps.lossless_burst(direct, lab.gen, opts.acks, 0)
        v = pps.lossless_burst(via, lab.gen, opts.acks, 0)
        direct_ns.append(d.path_ns)
        director.append(pps.director_ns(v, d.path_ns))
        print(f"established ACKs: direct {d.path_ns:5.0f} ns per packet ({d.share * 100:.1f} %"
              f" delivered), through the director {v.path_ns:5.0f} ns ({v.share * 100:.1f} %):"
              f" director {director[-1]:5.0f} ns per packet", flush=True)
    prog_id = xdp_prog_id(lab)
    with progstats.run_time_stats():
        t0, n0 = progstats.run_totals(prog_id)
        pps.burst(via, lab.gen, opts.acks)
        t1, n1 = progstats.run_totals(prog_id)
    print(f"xdp datapath counters: {pps.counters_of(lab.setup)}")
    return {"director": statistics.median(director),
            "program": (t1 - t0) / (n1 - n0) if n1 > n0 else float("nan")}


def xdp_prog_id(lab: SynLab) -> int:
    xdp = pps.link_info(lab.lab, "director").get("xdp")
    prog = xdp.get("prog", {}) if isinstance(xdp, dict) else {}
    return int(prog.get("id", 0)) if isinstance(prog, dict) else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5, help="rounds (medians count)")
    ap.add_argument("--seconds", type=float, default=0.5, help="length of a paced burst")
    ap.add_argument("--probe", type=int, default=4000, help="SYNs of the unpaced probe")
    ap.add_argument("--max-syns", type=int, default=12_000, help="SYNs per burst at most")
    ap.add_argument("--acks", type=int, default=200_000,
                    help="established packets per fast-path burst")
    opts = ap.parse_args()
    if os.geteuid() != 0:
        print("bench/synrate.py needs root (network namespaces)", file=sys.stderr)
        return 2
    if shutil.which("clang") is None:
        print("bench/synrate.py needs clang (Debian package clang)", file=sys.stderr)
        return 2
    if not 0 < opts.max_syns <= 30_000 or opts.probe > opts.max_syns or opts.rounds < 1:
        ap.error("--max-syns must be 1-30000, --probe at most that, --rounds >= 1")
    caps: dict[str, list[Capacity]] = {name: [] for name in DATAPATHS}
    cost: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="pylvs-synrate-") as tmp:
        gen = pps.Generator("xdp", xdpgen.build(Path(tmp) / "xdp_gen.o"))
        for r in range(opts.rounds):
            for datapath in DATAPATHS:
                lab = SynLab(datapath, gen)
                try:
                    caps[datapath].append(ladder(lab, opts, r))
                finally:
                    lab.lab.down()
        lab = SynLab("xdp", gen)  # its flow map empty
        try:
            cost = fastpath_cost(lab, opts)
        finally:
            lab.lab.down()
        hit = pps.program_cost(ACK_FLOWS, Path(tmp))["hit"]
    report(caps, cost, hit)
    return 0


def report(caps: dict[str, list[Capacity]], cost: dict[str, float], hit: float) -> None:
    """Per-round figures, medians and the summary line."""
    med: dict[str, dict[str, float]] = {}
    for name, runs in caps.items():
        lossless = [c.lossless for c in runs if c.lossless]
        med[name] = {
            "syn": statistics.median(c.syn_per_s for c in runs),
            "conns": statistics.median(c.conns_per_s for c in runs),
            "offered": statistics.median(dropped) if (dropped := [
                c.dropped_at.offered for c in runs if c.dropped_at]) else 0.0,
            "lossless": statistics.median(b.offered for b in lossless) if lossless else 0.0,
            "us": statistics.median(b.daemon_ns / 1000 / max(b.conns, 1) for b in lossless)
            if lossless else float("nan"),
        }
        print(f"{name}: capacity (SYNs delivered per second) per round "
              + ", ".join(f"{c.syn_per_s:.0f}" + ("" if c.dropped_at else " (no drop)")
                          for c in runs)
              + f"; median {med[name]['syn']:.0f} SYN/s, {med[name]['conns']:.0f} conns/s;"
              f" drops began at {med[name]['offered']:.0f} SYN/s offered; fastest lossless"
              f" {med[name]['lossless']:.0f} SYN/s, pylvsd {med[name]['us']:.1f} us per"
              " connection there")
    print(f"fast path per established packet: director {cost['director']:.0f} ns (path minus"
          f" direct), XDP program {cost['program']:.0f} ns in place,"
          f" {hit:.0f} ns per hit in BPF_PROG_TEST_RUN")
    print(f"syn_per_s_python={med['python']['syn']:.0f} syn_per_s_xdp={med['xdp']['syn']:.0f}"
          f" conns_per_s_python={med['python']['conns']:.0f}"
          f" conns_per_s_xdp={med['xdp']['conns']:.0f}"
          f" syn_lossless_python={med['python']['lossless']:.0f}"
          f" syn_lossless_xdp={med['xdp']['lossless']:.0f}"
          f" syn_drop_offered_python={med['python']['offered']:.0f}"
          f" syn_drop_offered_xdp={med['xdp']['offered']:.0f}"
          f" pylvsd_us_per_conn_python={med['python']['us']:.1f}"
          f" pylvsd_us_per_conn_xdp={med['xdp']['us']:.1f}"
          f" fastpath_ns_per_packet={cost['director']:.0f}"
          f" fastpath_program_ns={cost['program']:.0f} xdp_hit_ns={hit:.0f}")


if __name__ == "__main__":
    sys.exit(main())
