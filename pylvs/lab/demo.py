"""``pylvs lab demo``: the seed's LVS walk-through, run for real on a lab.

Builds the lab, applies the seed's rules with ``pylvs-ipvsadm`` (with the lab's forwarding
method: DR ``-g``, TUN ``-i``, NAT ``-m`` with port mapping to 8080), sends HTTP requests
from the client, shows persistence and round robin, checks that in DR and TUN the director
only ever sees the inbound half (OutPkts 0) while the client gets every reply, and that in
NAT the replies come back through it, prints the seed's listings and the daemon's datapath
counters (which path carried the packets), and removes the lab. Any step that does not do
what it should stops the demo with an error.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

from pylvs.lab.errors import LabError
from pylvs.lab.lab import Lab
from pylvs.lab.topology import VIP, Topology

REQUESTS = 6
CURL_TIMEOUT = 3
SERVICE = f"{VIP}:80"
METHOD_FLAGS = {"dr": "-g", "tun": "-i", "nat": "-m"}

Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Counters:
    """One line of ``-Ln --stats``: Conns InPkts OutPkts InBytes OutBytes."""

    conns: int
    inpkts: int
    outpkts: int


def parse_stats(listing: str) -> dict[str, Counters]:
    """The counters of each line of ``-Ln --stats``: services by address, dests as ``->RIP``."""
    found = {}
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) == 7 and parts[0] in ("TCP", "UDP", "SCTP", "FWM"):
            name, numbers = parts[1], parts[2:5]
        elif len(parts) == 7 and parts[0] == "->" and parts[2][:1].isdigit():
            name, numbers = "->" + parts[1], parts[2:5]
        else:
            continue
        found[name] = Counters(*(_number(p) for p in numbers))
    return found


def _number(text: str) -> int:
    """ipvsadm's large numbers: 1234, 12K, 3M..."""
    scale = {"K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
    if text[-1:] in scale:
        return int(text[:-1]) * scale[text[-1]]
    return int(text)


class Demo:
    """The demo's steps on one lab."""

    def __init__(self, lab: Lab, topo: Topology, say: Say) -> None:
        self.lab, self.topo, self.say = lab, topo, say

    def on(self, role: str, *command: str, check: bool = True) -> str:
        """Run ``command`` on lab host ``role``; returns its output."""
        argv, env = self.lab.exec_argv(role, list(command))
        try:
            done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise LabError(f"{role}: {' '.join(command)}: {exc}") from exc
        if check and done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()
            last = detail[-1] if detail else f"exit status {done.returncode}"
            raise LabError(f"{role}: {' '.join(command)} failed: {last}")
        return done.stdout

    def real_servers_tx(self) -> int:
        """Packets sent so far by the real servers' eth0, all together."""
        return sum(
            int(self.on(h.role, "cat", "/sys/class/net/eth0/statistics/tx_packets"))
            for h in self.topo.real_servers
        )

    def ipvsadm(self, *args: str) -> str:
        """``pylvs-ipvsadm ARGS`` on the director, echoed like a shell session."""
        self.say(f"director# pylvs-ipvsadm {' '.join(args)}")
        return self.on("director", "pylvs-ipvsadm", *args)

    def request(self, n: int) -> str:
        """One HTTP request from the client to the VIP (a new TCP connection); the body."""
        try:
            return self.on(
                "client", "curl", "-sS", "-m", str(CURL_TIMEOUT), f"http://{VIP}/"
            ).strip()
        except LabError as exc:
            raise LabError(
                f"request {n} from the client to {VIP}:80 got no answer ({exc}): the director "
                "is not forwarding to the real servers"
            ) from exc

    def requests(self, count: int) -> list[str]:
        """``count`` requests, each on its own connection; the bodies in order."""
        bodies = [self.request(i + 1) for i in range(count)]
        self.say(f"client: {count} requests to http://{VIP}/ answered by: {' '.join(bodies)}")
        return bodies


def run_demo(
    prefix: str,
    *,
    mode: str = "dr",
    real_servers: int = 2,
    datapath: str = "auto",
    xdp_mode: str = "auto",
    keep: bool = False,
    progress: Say = print,
    say: Say = print,
) -> int:
    """Run the demo on lab ``prefix``; 0 when every step showed what it should."""
    lab = Lab(prefix, progress=progress)
    try:
        progress(f"building the {mode.upper()} lab {prefix!r}")
        state = lab.up(mode, real_servers, datapath, xdp_mode=xdp_mode)
        demo = Demo(lab, lab.topology(), say)
        _steps(demo, state.daemon_datapath, state.daemon_note, progress)
        say("demo: OK")
        return 0
    except LabError as exc:
        say(f"demo FAILED: {exc}")
        return 1
    finally:
        if not keep:
            progress("removing the lab")
            lab.down()


def _steps(demo: Demo, daemon_datapath: str, daemon_note: str, progress: Say) -> None:
    rips = [h.address for h in demo.topo.real_servers]
    progress(f"ARP: who answers for the VIP {VIP} on the segment")
    director_mac = demo.on("director", "cat", "/sys/class/net/eth0/address").strip()
    answers = demo.on("client", sys.executable, "-m", "pylvs.lab.arpprobe", "eth0", VIP,
                      check=False).split()
    if answers != [director_mac]:
        raise LabError(f"ARP for {VIP} should be answered by the director ({director_mac}) "
                       f"alone, answered by: {answers or 'nobody'}")
    where = ("sit behind the director on their own segment" if demo.topo.mode == "nat"
             else "hold it on lo and keep quiet")
    demo.say(f"ARP: {VIP} is answered only by the director ({director_mac}); the real "
             f"servers {where}")
    mode = demo.topo.mode
    flag, rport = METHOD_FLAGS[mode], 8080 if mode == "nat" else 80
    progress("applying the seed's rules")
    demo.ipvsadm("-C")
    demo.ipvsadm("-A", "-t", SERVICE, "-s", "rr", "-p", "5")
    for rip in rips:
        demo.ipvsadm("-a", "-t", SERVICE, "-r", f"{rip}:{rport}", flag)
    demo.say(demo.ipvsadm("-Ln").rstrip())
    if daemon_datapath == "none":
        raise LabError(
            "the director's pylvsd serves no packets, so no request can reach a real server"
            + (f" ({daemon_note})" if daemon_note else "")
        )

    sent_before = demo.real_servers_tx()
    progress(f"persistence: {REQUESTS} requests with -p 5")
    sticky = demo.requests(REQUESTS)
    if len(set(sticky)) != 1:
        raise LabError(f"with -p 5 one client should stick to one real server, got {sticky}")
    demo.say(f"persistence: every request went to {sticky[0]}")

    progress("round robin: removing persistence")
    demo.ipvsadm("-E", "-t", SERVICE, "-s", "rr")
    spread = demo.requests(REQUESTS)
    n = len(rips)
    for i in range(len(spread) - n + 1):
        if len(set(spread[i:i + n])) != n:
            raise LabError(f"rr without -p should alternate between the real servers: {spread}")
    demo.say(f"round robin: requests alternate between {', '.join(sorted(set(spread)))}")

    sent = demo.real_servers_tx() - sent_before
    stats_text = demo.ipvsadm("-Ln", "--stats")
    demo.say(stats_text.rstrip())
    stats = parse_stats(stats_text)
    service = stats.get(SERVICE)
    if service is None:
        raise LabError(f"no line for {SERVICE} in -Ln --stats")
    if service.inpkts == 0:
        raise LabError("the director counted no inbound packet")
    if mode == "nat":
        if service.outpkts == 0:
            raise LabError("in NAT replies come back through the director, yet OutPkts is 0")
        demo.say(
            f"NAT: the director saw {service.inpkts} inbound packets and rewrote "
            f"{service.outpkts} outbound ones from {rport} back to the VIP's port 80; the "
            f"client got all {2 * REQUESTS} replies"
        )
    else:
        if service.outpkts != 0:
            raise LabError(f"in {mode.upper()} replies bypass the director, yet OutPkts is "
                           f"{service.outpkts}")
        demo.say(
            f"{mode.upper()}: the director saw {service.inpkts} inbound packets and 0 "
            f"outbound; the real servers sent {sent} packets straight to the client, which "
            f"got all {2 * REQUESTS} replies"
        )
    for args in (["-Ln", "--persistent-conn"], ["-Lnc"], ["-Ln", "--timeout"]):
        demo.say(demo.ipvsadm(*args).rstrip())
    demo.say("director# pylvs director status")  # which datapath carried the packets
    demo.say(demo.on("director", "pylvs", "director", "status").rstrip())
