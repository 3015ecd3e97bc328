"""Packet rate through the director, LVS-DR, small UDP datagrams from many source ports:
the XDP datapath vs the kernel's own IP forwarding over the same interfaces vs the Python
datapath (and a bare XDP forwarder for reference), counted at the real servers, all in
one run.

Five DR labs (``pylvs.lab``) are built, and ``--rounds`` interleaved rounds run (so
background load on the shared machine hits every phase alike) in which the client sends
the same number of 64-byte UDP frames from ``--ports`` source ports as fast as it can,
and the frames arriving on the real servers' links are counted.

The generator (``--generator``). ``xdp`` (default, ``bench/xdpgen.py``) sends like a
NIC receives: frames made by an XDP program in live-frame test runs, in pages with XDP
headroom, which the veth peers pass on without copying, so the director's eth0 gets them
as from a NIC's receive ring. ``trafgen`` (Debian netsniff-ng, ``-S 128KiB``, one CPU)
sends from a packet socket: its skbs have a few bytes of headroom, and a veth copies every
such frame into a new page before an XDP program (native or generic) may run on it, a
cost a NIC never has, which the XDP phases pay and the forwarding phase does not. With
``xdp``, the switch side of the client's link runs XDP_PASS (a veth drops XDP frames
otherwise). The lab's switch is a plain bridge: its calls into netfilter are off (with
br_netfilter loaded they would route every bridged frame: twice on the director's paths,
once on the direct one; a hardware switch does no such thing). Phases:

- ``direct``: the frames go to rs1 itself, through the switch only (no director): the
  reference the director's cost is measured against;
- ``forwarding``: the director (no pylvs datapath, ``ip_forward=1``, redirects off in its
  namespace) routes the frames, addressed to rs1, like kernel IPVS-DR would;
- ``bare``: the director's eth0 runs ``bench/xdp_bare.c`` in driver mode (MACs
  rewritten, TTL - 1, XDP_TX; no flow lookup, no counters): what XDP costs at the least;
- ``xdp``: pylvsd with the XDP datapath in its default attach mode (``--xdp-mode auto``:
  generic, skb mode, on veth); ``xdp_native``: the same in driver mode
  (``--xdp-mode native``; the lab puts XDP_PASS on the switch side of the director's
  link); ``python``: the Python datapath. In these three the frames go to VIP:9, a UDP
  service ``-s rr`` over both real servers ``-g``; each first gets one datagram per
  source port, slowly, so every flow is scheduled (by Python) before the bursts.

What is measured. On veth the whole path runs in the sender's softirq on the sender's CPU
(client -> switch -> director -> switch -> real server), so the generator saturates first:
the director never drops (the share delivered is ~100 %) and the delivered rate measures
the generator and the switch as much as the director. So, as issue #6 asks in that case,
the director's CPU time per forwarded packet is compared instead (``basis=director_cpu``):
the CPU time of the whole path (the generator with everything the kernel ran in its
context, ksoftirqd, and every process of the director's namespace: the pylvs daemon), less
the ``direct`` path's CPU time per frame (same round) for every frame sent, per frame
delivered. The generator's part is trafgen's process CPU time, or the CPU time xdpgen's
sending thread takes itself around the sending (so Python's start-up and loading the
program are not in it). That is the director's receive, its work and its send through the
switch to the real server; the median over the rounds counts. The Python datapath cannot
take what the generator offers (unpaced, it dropped 60-85 % of the frames, and the
kernel's work on those, veth receive, IP stack and nftables drop, a full packet-socket
ring, would be counted against the frames it forwarded), so it is measured at a rate it
sustains: three unpaced bursts first give its capacity (frames delivered per second from the
first frame sent to the last delivered, the best of the three, as one may catch a stall of
the director: ``python_pps=``), then its measured bursts are
paced by the generator (``xdpgen --rate``: trains of frames every 25 ms at their due
times, see ``bench/xdpgen.py``; trafgen: ``-t``, a gap between frames) to 85 % of that,
and a burst that lost frames (under 99 % delivered) is sent again 15 % slower, four times
at most; its CPU per packet comes from those (``python_vs_forwarding=``), measured against
a direct burst sent at the same pace right after each (pacing costs the generator CPU time
of its own), its rate ratio from the capacity (``python_rate_vs_forwarding=``). Other load
on the machine is not in these per-task CPU times, but it slows what is measured (caches,
the other CPU, the hypervisor): on the shared 2-core machine a phase's figure moves by up
to a third from one round to the next, so compare the medians of several runs. Now and
then frames are lost on the way (a veth's receive ring overflows when its processing falls
behind): a burst that lost frames is sent again, twice at most (python's, slower).
Should the director drop frames in both the forwarding and the XDP phase, it is the
bottleneck and the delivered rates are compared (``basis=rate``). The rate ratios are
printed either way, and the XDP programs' own cost per frame: from BPF_PROG_TEST_RUN (a
DR hit, a miss, the bare forwarder) and on the benchmark's traffic (one more burst with
the kernel's BPF run-time statistics on). Last line: ``xdp_vs_forwarding=...
xdp_native_vs_forwarding=... python_vs_forwarding=... bare_vs_forwarding=... basis=...
generator=... python_rate_vs_forwarding=... python_pps=...``. Labs are removed at the
end, also on failure.

    .venv/bin/python bench/pps.py [--generator xdp|trafgen] [--packets 200000]
        [--rounds 5] [--ports 256]
"""

from __future__ import annotations

import argparse
import dataclasses
import glob
import json
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import bare_forwarder
import progstats
import xdpgen
from labshell import sh

from pylvs.lab.lab import Lab
from pylvs.lab.topology import CIP, VIP, build

DISCARD_PORT = 9  # the benchmark's UDP service (no echo server listens there)
SPORT_BASE = 20000
SATURATED_SHARE = 0.99  # below this share delivered, the director dropped frames
RETRIES = 2  # a burst that lost frames is sent again this many times at most (not python)
PACE = 0.85  # python's measured bursts are paced to this share of its capacity
PACE_STEP = 0.85  # and a paced burst that lost frames is sent again this much slower
PACE_RETRIES = 4
PROBES = 3  # unpaced bursts, the best of which gives python's capacity (one may catch a stall)
PHASES = ("direct", "forwarding", "bare", "xdp", "xdp_native", "python")
# the labs: the director's datapath, its XDP attach mode and the phases run on it
LABS = (("none", "auto", ("direct", "forwarding")), ("none", "auto", ("bare",)),
        ("xdp", "auto", ("xdp",)), ("xdp", "native", ("xdp_native",)),
        ("python", "auto", ("python",)))
XDPGEN = Path(__file__).with_name("xdpgen.py")


@dataclass
class Burst:
    """One measured burst."""

    sent: int
    delivered: int
    seconds: float
    cpu_ns: int  # CPU time of the whole path (see the module docstring)

    @property
    def offered_pps(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    @property
    def pps(self) -> float:
        return self.delivered / self.seconds if self.seconds else 0.0

    @property
    def share(self) -> float:
        return self.delivered / self.sent if self.sent else 0.0

    @property
    def path_ns(self) -> float:
        return self.cpu_ns / self.delivered if self.delivered else float("inf")


def link_info(lab: Lab, role: str, ifname: str = "eth0") -> dict[str, object]:
    out = sh(lab, role, "ip", "-j", "-s", "link", "show", ifname)
    info: dict[str, object] = json.loads(out)[0]
    return info


def rx_packets(lab: Lab, roles: list[str]) -> int:
    total = 0
    for role in roles:
        stats = link_info(lab, role)["stats64"]
        assert isinstance(stats, dict)
        total += int(stats["rx"]["packets"])
    return total


# -- CPU time ---------------------------------------------------------------------------


def _task_ns(pid: int | str) -> int:
    """CPU time of every thread of a process so far (schedstat), nanoseconds."""
    total = 0
    for stat in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            with open(stat) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # the thread ended
    return total


def _ksoftirqd_pids() -> list[int]:
    pids = []
    for comm in glob.glob("/proc/[0-9]*/comm"):
        try:
            with open(comm) as f:
                if f.read().startswith("ksoftirqd/"):
                    pids.append(int(comm.split("/")[2]))
        except OSError:
            pass
    return pids


KSOFTIRQD = _ksoftirqd_pids()
XDP_ATTACH = {1: "native", 2: "generic"}  # `ip -j link` xdp.mode


def children_ns() -> int:
    """CPU time of this process's waited-for children so far (trafgen and its softirqs)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return int((ru.ru_utime + ru.ru_stime) * 1e9)


def kernel_threads_ns() -> int:
    """CPU time of the softirq threads so far (softirq work deferred out of trafgen)."""
    return sum(_task_ns(pid) for pid in KSOFTIRQD)


def namespace_ns(netns: str) -> int:
    """CPU time of the processes in a network namespace so far (the pylvs daemon)."""
    out = subprocess.run(["ip", "netns", "pids", netns], capture_output=True, text=True,
                         check=False).stdout
    return sum(_task_ns(pid) for pid in out.split())


# -- labs -------------------------------------------------------------------------------


def trafgen_config(dst_mac: str, src_mac: str, daddr: str, ports: int) -> str:
    """64-byte UDP frames (18 bytes of payload) from ``ports`` source ports in turn."""
    return (
        "{\n"
        f"  eth(da={dst_mac}, sa={src_mac}, type=0x0800),\n"
        f"  ipv4(saddr={CIP}, daddr={daddr}, ttl=64, df),\n"
        f"  udp(sport=dinc({SPORT_BASE}, {SPORT_BASE + ports - 1}), dport={DISCARD_PORT}),\n"
        "  fill(0x42, 18)\n"
        "}\n"
    )


@dataclass
class Generator:
    """How the client sends: ``xdp`` (bench/xdpgen.py, ``obj`` its compiled program) or
    ``trafgen``."""

    kind: str
    obj: Path | None = None

    def send(self, s: Setup, packets: int, gap_ms: float = 0,
             rate: float = 0) -> tuple[float, int | None]:
        """Send ``packets`` frames of ``s`` from the client's eth0, as fast as it can, paced
        to ``rate`` frames per second or one every ``gap_ms``: (wall seconds, the
        generator's own CPU ns around the sending, or None when only its process's CPU
        time tells)."""
        if self.kind == "trafgen":
            if s.tcp or s.sport_base != SPORT_BASE:
                raise SystemExit("trafgen sends only the UDP bursts of bench/pps.py")
            if rate:
                gap_ms = 1000 / rate
            cmd = ["trafgen", "--dev", "eth0", "--conf", str(s.conf), "-n", str(packets),
                   "-P", "1", "-S", "128KiB", "-C"]
            if gap_ms:
                cmd += ["-t", f"{gap_ms * 1e6:.0f}ns"]
            t0 = time.monotonic()
            sh(s.lab, "client", *cmd, timeout=120)
            return time.monotonic() - t0, None
        out = sh(s.lab, "client", sys.executable, str(XDPGEN), "--object", str(self.obj),
                 "--frame", s.frame.hex(), "--packets", str(packets), "--ports",
                 str(s.ports), "--sport-base", str(s.sport_base), "--gap-ms", str(gap_ms),
                 "--rate", str(rate), *(["--tcp"] if s.tcp else []), timeout=120)
        sent = json.loads(out.splitlines()[-1])
        return float(sent["seconds"]), int(sent["cpu_ns"])


@dataclass
class Setup:
    """One phase ready for bursts: its lab, where to count and what to send."""

    name: str
    lab: Lab
    director_netns: str
    real_servers: list[str]
    frame: bytes  # the frame sent (its source port: sport_base, n-th frame + n % ports)
    ports: int  # source ports in turn
    conf: Path  # the frames as a trafgen configuration
    bursts: list[Burst] = field(default_factory=list)
    rate: float = 0.0  # frames per second the measured bursts are paced to (0: unpaced)
    sport_base: int = SPORT_BASE  # the first source port
    tcp: bool = False  # the frame is TCP (xdpgen fixes its checksum up per port)
    capacity: float = 0.0  # delivered frames per second of an unpaced burst (python)
    references: list[Burst] = field(default_factory=list)  # direct bursts at this pace


def new_lab(datapath: str, xdp_mode: str) -> tuple[Lab, object]:
    """A DR lab (its switch a plain bridge, as ``Lab.up`` makes it)."""
    lab = Lab(f"pp{secrets.token_hex(2)}-")
    try:
        st = lab.up("dr", 2, datapath, xdp_mode=xdp_mode)
    except BaseException:
        lab.down()
        raise
    if datapath in ("xdp", "python") and st.daemon_datapath != datapath:
        lab.down()
        raise SystemExit(f"the lab director runs {st.daemon_datapath!r}, not {datapath!r}:"
                         f" {st.daemon_note}")
    return lab, st


def xdp_pass_on_peer(lab: Lab, role: str) -> None:
    """XDP_PASS on the switch side of ``role``'s link: a veth delivers the XDP frames sent
    out of one end (XDP_TX, redirect, xdpgen) only when its peer runs an XDP program."""
    topo = build(lab.prefix, "dr", 2)
    host = topo.host(role)
    subprocess.run(["ip", "netns", "exec", topo.switch, sys.executable, "-m",
                    "pylvs.lab.xdppass", host.peer_name(host.links[0])], check=True)


def prepare(name: str, lab: Lab, opts: argparse.Namespace, gen: Generator,
            workdir: Path) -> Setup:
    """Phase ``name`` on ``lab`` (built with the datapath the phase needs), flows warm."""
    topo = build(lab.prefix, "dr", 2)
    rs1 = topo.host("rs1").address
    dmac = str(link_info(lab, "director")["address"])
    cmac = str(link_info(lab, "client")["address"])
    daddr, to_mac = VIP, dmac
    if name == "direct":
        daddr, to_mac = rs1, str(link_info(lab, "rs1")["address"])
    elif name == "forwarding":
        for key in ("net.ipv4.ip_forward=1", "net.ipv4.conf.all.send_redirects=0",
                    "net.ipv4.conf.eth0.send_redirects=0"):
            sh(lab, "director", "sysctl", "-q", "-w", key)
        daddr = rs1
    elif name == "bare":
        obj = bare_forwarder.build(str(link_info(lab, "rs1")["address"]), dmac,
                                   workdir / f"{lab.prefix}bare.o")
        xdp_pass_on_peer(lab, "director")
        sh(lab, "director", *bare_forwarder.attach_argv(obj))
    else:
        sh(lab, "director", "pylvs-ipvsadm", "-A", "-u", f"{VIP}:{DISCARD_PORT}", "-s", "rr")
        for host in topo.real_servers:
            sh(lab, "director", "pylvs-ipvsadm", "-a", "-u", f"{VIP}:{DISCARD_PORT}",
               "-r", host.address, "-g")
    if name in ("xdp", "xdp_native", "bare"):
        xdp = link_info(lab, "director").get("xdp")
        xdp = xdp if isinstance(xdp, dict) else {}
        prog = xdp.get("prog", {})
        print(f"  {name}: director eth0 runs XDP program {prog.get('name')!r}"
              f" ({XDP_ATTACH.get(xdp.get('mode'), 'mode ' + str(xdp.get('mode')))})")
    if gen.kind == "xdp":
        xdp_pass_on_peer(lab, "client")
    conf = workdir / f"{name}.cfg"
    conf.write_text(trafgen_config(to_mac, cmac, daddr, opts.ports))
    frame = xdpgen.udp_frame(_mac(to_mac), _mac(cmac), _ip(CIP), _ip(daddr), SPORT_BASE,
                             DISCARD_PORT)
    s = Setup(name, lab, topo.host("director").netns, [h.role for h in topo.real_servers],
              frame, opts.ports, conf)
    gen.send(s, opts.ports, gap_ms=2)  # neighbours resolved, flows scheduled
    return s


def burst(s: Setup, gen: Generator, packets: int) -> Burst:
    """Send ``packets`` frames as fast as the generator can (or paced to ``s.rate``); count
    what the real servers got and the CPU time the whole path took."""
    time.sleep(0.3)
    before = rx_packets(s.lab, s.real_servers)
    k0, d0, c0 = kernel_threads_ns(), namespace_ns(s.director_netns), children_ns()
    seconds, own_ns = gen.send(s, packets, rate=s.rate)
    c1 = children_ns()
    time.sleep(0.3)  # frames still queued on the way
    k1, d1 = kernel_threads_ns(), namespace_ns(s.director_netns)
    delivered = rx_packets(s.lab, s.real_servers) - before
    sender_ns = own_ns if own_ns is not None else c1 - c0
    return Burst(packets, delivered, seconds, sender_ns + (k1 - k0) + (d1 - d0))


def lossless_burst(s: Setup, gen: Generator, packets: int, r: int) -> Burst:
    """A burst, sent again (up to RETRIES times) while frames are lost on the way; a paced
    burst (python) that lost frames is sent again at a lower rate (PACE_STEP, up to
    PACE_RETRIES times)."""
    b = burst(s, gen, packets)
    for _ in range(PACE_RETRIES if s.rate else RETRIES):
        if b.share >= SATURATED_SHARE:
            break
        if s.rate:
            s.rate *= PACE_STEP
        print(f"round {r + 1} {s.name}: {b.share * 100:.1f} % delivered, sending again"
              + (f" at {s.rate:.0f} pps" if s.rate else ""))
        b = burst(s, gen, packets)
    return b


# Counts the frames the switch passed to the real servers (tx of its ports to them) every
# 2 ms in the switch's namespace, from its start; after a line on stdin (the generator is
# done), it stops once none came for QUIET seconds and prints what came and when the last
# ones did (CLOCK_MONOTONIC, the same in every namespace).
_WATCH = r"""
import json, select, sys, time
quiet, paths = float(sys.argv[1]), [f"/sys/class/net/{n}/statistics/tx_packets"
                                    for n in sys.argv[2:]]
def count():
    total = 0
    for path in paths:
        with open(path) as f:
            total += int(f.read())
    return total
base = n0 = count()
last, armed = time.monotonic(), None
print("ready", flush=True)
while True:
    if armed is not None:
        time.sleep(0.002)
    elif select.select([sys.stdin], [], [], 0.002)[0]:
        sys.stdin.readline()
        armed = time.monotonic()
    n, now = count(), time.monotonic()
    if n != n0:
        n0, last = n, now
    elif armed is not None and now - max(last, armed) > quiet:
        break
print(json.dumps({"delivered": n0 - base, "last": last}), flush=True)
"""
QUIET = 0.3  # seconds without a frame after the sending: the burst has been delivered


def send_watched(s: Setup, gen: Generator, packets: int,
                 rate: float = 0.0) -> tuple[int, float, float]:
    """Send ``packets`` frames of ``s`` (paced to ``rate``, or unpaced) while the switch
    counts what it passes to the real servers every 2 ms: (frames delivered, the
    generator's seconds, seconds from the first frame sent to the last delivered)."""
    topo = build(s.lab.prefix, "dr", 2)
    peers = [h.peer_name(h.links[0]) for h in topo.real_servers]
    watch = subprocess.Popen(["ip", "netns", "exec", topo.switch, sys.executable, "-c",
                              _WATCH, str(QUIET), *peers], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert watch.stdin is not None and watch.stdout is not None
        if watch.stdout.readline().strip() != "ready":
            raise SystemExit("the delivery watcher did not start")
        seconds, _ = gen.send(s, packets, rate=rate)
        start = time.monotonic() - seconds
        watch.stdin.write("sent\n")
        watch.stdin.flush()
        out, _ = watch.communicate(timeout=60)
    finally:
        if watch.poll() is None:
            watch.kill()
            watch.wait()
    got = json.loads(out.splitlines()[-1])
    return int(got["delivered"]), seconds, max(float(got["last"]) - start, seconds)


def capacity(s: Setup, gen: Generator, packets: int) -> tuple[int, float]:
    """One unpaced burst of ``packets`` frames: (frames delivered, per second from the
    first frame sent to the last delivered, what the director drained from its queues after
    the sending included)."""
    time.sleep(0.3)
    delivered, _, seconds = send_watched(s, gen, packets)
    return delivered, delivered / seconds if seconds > 0 else 0.0


def counters_of(s: Setup) -> str:
    status = sh(s.lab, "director", "pylvs", "director", "status")
    found = [ln.strip() for ln in status.splitlines() if "rx=" in ln]
    return found[0] if found else "-"


# -- the programs' own cost ---------------------------------------------------------------


def _mac(text: str) -> bytes:
    return bytes.fromhex(text.replace(":", ""))


def _ip(text: str) -> bytes:
    return bytes(int(part) for part in text.split("."))


def udp_frame(sport: int, ttl: int = 255) -> bytes:
    """A 60-byte frame CIP:sport -> VIP:9 (TTL 255: repeated runs never reach TTL 1)."""
    mac = _mac("02:00:00:00:00:01")
    return xdpgen.udp_frame(mac, mac, _ip(CIP), _ip(VIP), sport, DISCARD_PORT, ttl, 0xFFFF)


def program_cost(flows: int, workdir: Path, repeat: int = 200,
                 tries: int = 50) -> dict[str, float]:
    """Least mean nanoseconds per frame (BPF_PROG_TEST_RUN, ``repeat`` runs on one frame,
    ``tries`` times) of the fast path with ``flows`` UDP DR flows installed: a hit, a miss;
    and of the bare forwarder."""
    from pylvs.datapath.xdp import schema
    from pylvs.datapath.xdp.loader import FastPathProgram

    mac = _mac("02:00:00:00:00:01")
    cip, vip = _ip(CIP), _ip(VIP)
    prog = FastPathProgram()
    out = {}
    try:
        value = schema.flow_value(schema.FLOW_DR, 1, mac, mac, daf=2)
        for i in range(flows):
            prog.put_flow(schema.flow_key(2, 17, cip, 30000 + i, vip, DISCARD_PORT), value)
        for name, sport in (("hit", 30000 + flows // 2), ("miss", 40000)):
            out[name] = float(min(prog.test_run(udp_frame(sport), repeat)[2]
                                  for _ in range(tries)))
    finally:
        prog.close()
    obj = bare_forwarder.build("02:00:00:00:00:01", "02:00:00:00:00:02", workdir / "bare.o")
    out["bare"] = bare_forwarder.cost_ns(obj, udp_frame(30000), repeat, tries)
    return out


def in_place_cost(setups: dict[str, Setup], gen: Generator, packets: int) -> dict[str, float]:
    """Nanoseconds per packet the XDP programs of the xdp and bare phases take on the
    benchmark's traffic (one more burst each, with the kernel's BPF run-time statistics
    on: they cost a little, so the rounds run without)."""
    out = {}
    with progstats.run_time_stats():
        for name in ("xdp", "xdp_native", "bare"):
            xdp = link_info(setups[name].lab, "director").get("xdp")
            prog = xdp.get("prog", {}) if isinstance(xdp, dict) else {}
            prog_id = int(prog.get("id", 0)) if isinstance(prog, dict) else 0
            t0, n0 = progstats.run_totals(prog_id)
            burst(setups[name], gen, packets)
            t1, n1 = progstats.run_totals(prog_id)
            out[f"{name}_in_place"] = (t1 - t0) / (n1 - n0) if n1 > n0 else float("nan")
    return out


# -- main -------------------------------------------------------------------------------


def director_ns(b: Burst, direct_ns: float) -> float:
    """The director's CPU time per packet it forwarded: the path's CPU time less what the
    direct path costs per frame sent (``direct_ns``: the generator and the switch work for
    dropped frames too), divided by the frames delivered."""
    if not b.delivered:
        return float("inf")
    return (b.cpu_ns - direct_ns * b.sent) / b.delivered


def reference(setups: dict[str, Setup], name: str, r: int) -> Burst:
    """The direct burst phase ``name``'s round ``r`` is measured against: the same round's,
    or the one sent at the phase's pace (python)."""
    own = setups[name].references
    return own[r] if own else setups["direct"].bursts[r]


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packets", type=int, default=200_000, help="frames per burst")
    ap.add_argument("--python-packets", type=int, default=50_000,
                    help="frames per python burst (it is much slower)")
    ap.add_argument("--ports", type=int, default=256, help="client source ports (flows)")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (medians count)")
    ap.add_argument("--generator", choices=("xdp", "trafgen"), default="xdp",
                    help="the client's sender: frames sent with XDP (NIC-like) or trafgen")
    opts = ap.parse_args()
    if os.geteuid() != 0:
        print("bench/pps.py needs root (network namespaces)", file=sys.stderr)
        return 2
    tools = (("clang", "clang"), ("trafgen", "netsniff-ng"))
    for tool, package in tools[:2 if opts.generator == "trafgen" else 1]:
        if shutil.which(tool) is None:
            print(f"bench/pps.py needs {tool} (Debian package {package})", file=sys.stderr)
            return 2
    labs: list[Lab] = []
    setups: dict[str, Setup] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="pylvs-pps-") as tmp:
            work = Path(tmp)
            gen = Generator(opts.generator)
            if gen.kind == "xdp":
                gen.obj = xdpgen.build(work / "xdp_gen.o")
            for lab_datapath, xdp_mode, phases in LABS:
                print(f"building the lab for {' and '.join(phases)} ...", flush=True)
                lab, _ = new_lab(lab_datapath, xdp_mode)
                labs.append(lab)
                for name in phases:
                    setups[name] = prepare(name, lab, opts, gen, work)
            py = setups["python"]
            probes = [capacity(py, gen, opts.python_packets)[1] for _ in range(PROBES)]
            py.capacity = max(probes)
            py.rate = PACE * py.capacity
            print(f"python datapath capacity {py.capacity:.0f} pps (the best of"
                  f" {', '.join(f'{p:.0f}' for p in probes)}: unpaced bursts);"
                  f" its measured bursts are paced to {py.rate:.0f} pps", flush=True)
            for r in range(opts.rounds):  # interleaved: background load hits every phase
                for name in PHASES:
                    s = setups[name]
                    b = lossless_burst(s, gen, opts.python_packets if name == "python"
                                       else opts.packets, r)
                    s.bursts.append(b)
                    if s.rate:  # the direct reference at the same pace (see the docstring)
                        ref = dataclasses.replace(setups["direct"], rate=s.rate, bursts=[])
                        s.references.append(burst(ref, gen, b.sent))
                    direct_ns = reference(setups, name, r).path_ns
                    extra = (f", director {director_ns(b, direct_ns):6.0f} ns"
                             if name != "direct" else "")
                    if s.references:
                        extra += f" (direct at this pace {direct_ns:.0f} ns)"
                    print(f"round {r + 1} {name:10s} offered {b.offered_pps:9.0f} pps,"
                          f" delivered {b.pps:9.0f} pps ({b.share * 100:5.1f} %),"
                          f" path CPU {b.path_ns:6.0f} ns per packet{extra}", flush=True)
            for name in ("xdp", "xdp_native", "python"):
                print(f"{name} datapath counters: {counters_of(setups[name])}")
            cost = program_cost(opts.ports, work)
            cost.update(in_place_cost(setups, gen, opts.packets))
    finally:
        for lab in labs:
            lab.down()
    report(setups, cost, opts.generator)
    return 0


def report(setups: dict[str, Setup], cost: dict[str, float], generator: str) -> None:
    """Print the figures over the rounds and the summary line."""
    rounds = len(setups["direct"].bursts)
    director = {name: _median([director_ns(setups[name].bursts[r],
                                           reference(setups, name, r).path_ns)
                               for r in range(rounds)])
                for name in PHASES if name != "direct"}
    rate = {name: _median([b.pps for b in setups[name].bursts]) for name in PHASES}
    share = {name: _median([b.share for b in setups[name].bursts]) for name in PHASES}
    saturated = share["forwarding"] < SATURATED_SHARE and share["xdp"] < SATURATED_SHARE
    basis = "rate" if saturated else "director_cpu"
    print("XDP programs per frame, BPF_PROG_TEST_RUN: fast path hit"
          f" {cost['hit']:.0f} ns, miss {cost['miss']:.0f} ns, bare forwarder"
          f" {cost['bare']:.0f} ns; on the benchmark's traffic (kernel run-time statistics):"
          f" fast path {cost['xdp_in_place']:.0f} ns (native mode"
          f" {cost['xdp_native_in_place']:.0f} ns), bare forwarder"
          f" {cost['bare_in_place']:.0f} ns")
    print("median delivered pps: " + ", ".join(f"{n} {rate[n]:.0f}" for n in PHASES)
          + f" (python paced; its capacity {setups['python'].capacity:.0f})")
    print("median director CPU per forwarded packet (path minus direct): "
          + ", ".join(f"{n} {director[n]:.0f} ns" for n in director))
    if saturated:
        print("the director dropped frames: its delivered rate is its capacity (basis=rate)")
    else:
        print("the director kept up with the generator (share delivered"
              f" {share['forwarding'] * 100:.1f} % / {share['xdp'] * 100:.1f} %): the ratios"
              " compare the director's CPU time per packet (basis=director_cpu)")

    def ratio(name: str, basis_: str) -> float:
        if basis_ == "rate":
            return rate[name] / rate["forwarding"] if rate["forwarding"] else 0.0
        return director["forwarding"] / director[name] if director[name] > 0 else 0.0

    # python's rate: its capacity (its measured bursts are paced below it)
    python_rate = setups["python"].capacity / rate["forwarding"] if rate["forwarding"] else 0.0
    print(f"xdp_vs_forwarding={ratio('xdp', basis):.2f}"
          f" xdp_native_vs_forwarding={ratio('xdp_native', basis):.2f}"
          f" python_vs_forwarding={ratio('python', basis):.2f}"
          f" bare_vs_forwarding={ratio('bare', basis):.2f} basis={basis}"
          f" generator={generator}"
          f" xdp_rate_vs_forwarding={ratio('xdp', 'rate'):.2f}"
          f" python_rate_vs_forwarding={python_rate:.2f}"
          f" director_ns_forwarding={director['forwarding']:.0f}"
          f" director_ns_xdp={director['xdp']:.0f}"
          f" director_ns_xdp_native={director['xdp_native']:.0f}"
          f" director_ns_bare={director['bare']:.0f}"
          f" director_ns_python={director['python']:.0f}"
          f" xdp_pps={rate['xdp']:.0f} forwarding_pps={rate['forwarding']:.0f}"
          f" python_pps={setups['python'].capacity:.0f}"
          f" python_paced_pps={setups['python'].rate:.0f}"
          f" xdp_hit_ns={cost['hit']:.0f} bare_ns={cost['bare']:.0f}"
          f" xdp_in_place_ns={cost['xdp_in_place']:.0f}"
          f" bare_in_place_ns={cost['bare_in_place']:.0f}")


if __name__ == "__main__":
    sys.exit(main())
