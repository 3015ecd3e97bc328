"""HTTP requests/s through the pylvs director (LVS-DR) vs. straight to one real server.

Builds the DR lab (``pylvs.lab``) with the python datapath, programs the
seed's service without persistence (``-A -t VIP:80 -s rr``, both real
servers ``-g``), then runs wrk from the client namespace twice with the same
settings and duration: to the VIP, and directly to rs1. Keep-alive by
default (wrk's), ``--close`` for a new connection per request. Prints both
rates, their ratio, the director's CPU per request and the datapath's
counters; the last line is ``ratio_vs_direct=... via_rps=... direct_rps=...``.
The lab is removed at the end, also on failure.

    .venv/bin/python bench/http.py [--duration 10] [--connections 32] [--threads 1]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

from pylvs.lab.lab import Lab
from pylvs.lab.topology import VIP, build

RPS = re.compile(r"^Requests/sec:\s+([0-9.]+)", re.M)
CLK_TCK = os.sysconf("SC_CLK_TCK")


def sh(lab: Lab, role: str, *cmd: str, timeout: float = 120) -> str:
    """Run ``cmd`` on a lab host; its stdout (fails loudly with stderr)."""
    argv, env = lab.exec_argv(role, list(cmd))
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{role}: {' '.join(cmd)} failed ({proc.returncode}):"
                         f" {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout


def wrk(lab: Lab, url: str, opts: argparse.Namespace, duration: float) -> float:
    """Requests/s that wrk measured against ``url``."""
    cmd = ["wrk", f"-t{opts.threads}", f"-c{opts.connections}", f"-d{duration:g}s", url]
    if opts.close:
        cmd[1:1] = ["-H", "Connection: close"]
    out = sh(lab, "client", *cmd, timeout=duration + 60)
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per phase")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--close", action="store_true", help="a new connection per request")
    ap.add_argument("--datapath", default="python", choices=("python", "auto", "xdp"))
    ap.add_argument("--prefix", default=None, help="lab prefix (default: a fresh one)")
    opts = ap.parse_args()
    if os.geteuid() != 0:
        print("bench/http.py needs root (network namespaces)", file=sys.stderr)
        return 2
    if shutil.which("wrk") is None:
        print("bench/http.py needs wrk (Debian package wrk; make venv installs it)",
              file=sys.stderr)
        return 2
    lab = Lab(opts.prefix or f"hb{secrets.token_hex(2)}-")
    try:
        st = lab.up("dr", 2, opts.datapath)
        if st.daemon_datapath == "none" or st.daemon_pid is None:
            raise SystemExit(f"the lab director does not forward packets: {st.daemon_note}")
        topo = build(lab.prefix, "dr", 2)
        rs1 = topo.host("rs1").address
        sh(lab, "director", "pylvs-ipvsadm", "-A", "-t", f"{VIP}:80", "-s", "rr")
        for rs in topo.real_servers:
            sh(lab, "director", "pylvs-ipvsadm", "-a", "-t", f"{VIP}:80", "-r", rs.address, "-g")
        for url in (f"http://{VIP}/", f"http://{VIP}/", f"http://{rs1}/"):  # warm up, ARP
            sh(lab, "client", "curl", "-sf", "-m", "5", "-o", "/dev/null", url)
        mode = "new connection per request" if opts.close else "keep-alive"
        print(f"wrk -t{opts.threads} -c{opts.connections}, {opts.duration:g} s per phase, {mode}")
        direct = wrk(lab, f"http://{rs1}/", opts, opts.duration)
        print(f"direct to rs1 ({rs1}):      {direct:10.0f} requests/s")
        cpu0 = cpu_seconds(st.daemon_pid)
        t0 = time.monotonic()
        via = wrk(lab, f"http://{VIP}/", opts, opts.duration)
        busy = (cpu_seconds(st.daemon_pid) - cpu0) / (time.monotonic() - t0)
        print(f"via the director ({VIP}): {via:10.0f} requests/s")
        print(f"director CPU: {busy * 100:.0f}% of one core,"
              f" {busy / via * 1e6 if via else 0:.1f} us per request")
        stats = sh(lab, "director", "pylvs-ipvsadm", "-Ln", "--stats")
        print(stats.rstrip())
        status = sh(lab, "director", "pylvs", "director", "status")
        counters = [ln.strip() for ln in status.splitlines() if "rx=" in ln]
        print("datapath counters:", counters[0] if counters else "(not reported)")
        found = dict(re.findall(r"(\w+)=(\d+)", counters[0])) if counters else {}
        if int(found.get("wakeups", 0)):
            print(f"frames per wakeup: {int(found['rx']) / int(found['wakeups']):.1f}")
        ratio = via / direct if direct else 0.0
        print(f"ratio_vs_direct={ratio:.2f} via_rps={via:.0f} direct_rps={direct:.0f}")
        return 0
    finally:
        lab.down()


if __name__ == "__main__":
    sys.exit(main())
