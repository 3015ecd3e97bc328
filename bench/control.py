"""Control-plane bench: restore and list a 10,000-service / 50,000-destination table.

Starts a real pylvsd on a socket in a temp dir, then times
  restore: `pylvs-ipvsadm -R` fed the ruleset (or Client.apply when the CLI is absent)
  list:    `pylvs-ipvsadm -Ln` (or Client.list_services)
and the same through the Client API for comparison. Target: both under 5 s.
Ends with one summary line: restore_s=... list_s=...
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pylvs.control.client import Client, DaemonUnavailable
from pylvs.core.model import DestSpec, ServiceSpec


def _addr(net: int, i: int) -> bytes:
    return bytes([198, 18 + net, (i >> 8) & 255, i & 255])


def ruleset(services: int, dests: int) -> tuple[str, list[tuple[str, tuple[object, ...]]]]:
    """The same table as ``ipvsadm -R`` text and as Client calls (VIPs in 198.18/16)."""
    lines: list[str] = []
    calls: list[tuple[str, tuple[object, ...]]] = []
    for i in range(services):
        vip = _addr(0, i)
        spec = ServiceSpec(addr=vip, port=80, sched_name="rr")
        calls.append(("add_service", (spec,)))
        vtext = ".".join(map(str, vip))
        lines.append(f"-A -t {vtext}:80 -s {spec.sched_name}")
        for j in range(dests):
            rip = _addr(1, (i * dests + j) % 65000 + 1)
            calls.append(("add_dest", (spec.key(), DestSpec(addr=rip, port=8000 + j, weight=1))))
            lines.append(f"-a -t {vtext}:80 -r {'.'.join(map(str, rip))}:{8000 + j} -g -w 1")
    return "\n".join(lines) + "\n", calls


def _wait_ready(sock: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(400):
        if proc.poll() is not None:
            raise SystemExit(f"pylvsd exited with {proc.returncode}")
        try:
            Client(sock).get_info()
            return
        except DaemonUnavailable:
            time.sleep(0.05)
    raise SystemExit("pylvsd did not answer")


def _have_ipvsadm_cli() -> bool:
    return importlib.util.find_spec("pylvs.cli.ipvsadm") is not None


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _ipvsadm(args: list[str], sock: str, stdin: str | None = None) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the pylvs-ipvsadm process, stdout)."""
    env = {**os.environ, "PYLVS_SOCKET": sock}
    c0 = _children_cpu()
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "pylvs.cli.ipvsadm", *args], input=stdin, env=env,
        capture_output=True, text=True, check=False,
    )
    elapsed = time.perf_counter() - t0
    if out.returncode != 0:
        raise SystemExit(f"pylvs-ipvsadm {' '.join(args)} failed: {out.stderr.strip()[:300]}")
    return elapsed, _children_cpu() - c0, out.stdout


class Daemon:
    """A pylvsd subprocess on a socket in ``tmp``."""

    def __init__(self, tmp: Path, name: str) -> None:
        self.socket = str(tmp / f"{name}.sock")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pylvs.control.daemon", "--socket", self.socket,
             "--rules", str(tmp / f"{name}.rules"), "--log-level", "warning"],
        )
        _wait_ready(self.socket, self.proc)

    def cpu(self) -> float:
        """CPU seconds (user + system) the daemon has used so far."""
        with open(f"/proc/{self.proc.pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--services", type=int, default=10_000)
    p.add_argument("--dests", type=int, default=5, help="destinations per service")
    opts = p.parse_args()

    text, calls = ruleset(opts.services, opts.dests)
    n_dests = opts.services * opts.dests
    print(f"table: {opts.services} services, {n_dests} destinations, "
          f"{len(text) / 1e6:.1f} MB of -R text")
    tmp = Path(tempfile.mkdtemp(prefix="pylvs-bench-"))
    daemons: list[Daemon] = []
    try:
        daemons.append(Daemon(tmp, "api"))
        api = daemons[-1]
        client = Client(api.socket)
        w0, c0, d0 = time.perf_counter(), time.process_time(), api.cpu()
        results = client.apply(calls)
        api_restore = time.perf_counter() - w0
        restore_cpu = (time.process_time() - c0, api.cpu() - d0)
        failed = sum(r is not None for r in results)
        print(f"Client.apply:           {api_restore:6.2f} s wall, CPU client "
              f"{restore_cpu[0]:.2f} s + daemon {restore_cpu[1]:.2f} s ({failed} failed calls)")
        w0, c0, d0 = time.perf_counter(), time.process_time(), api.cpu()
        views = client.list_services()
        api_list = time.perf_counter() - w0
        list_cpu = (time.process_time() - c0, api.cpu() - d0)
        print(f"Client.list_services:   {api_list:6.2f} s wall, CPU client "
              f"{list_cpu[0]:.2f} s + daemon {list_cpu[1]:.2f} s "
              f"({len(views)} services, {sum(len(v.dests) for v in views)} dests)")
        client.close()
        daemons.pop().stop()
        if failed or len(views) != opts.services:
            raise SystemExit("the API restore did not build the whole table")

        via = "api"
        restore_s, list_s = api_restore, api_list
        if _have_ipvsadm_cli():
            via = "pylvs-ipvsadm"
            daemons.append(Daemon(tmp, "cli"))  # a fresh, empty table for -R
            cli = daemons[-1]
            d0 = cli.cpu()
            restore_s, ccpu, _ = _ipvsadm(["-R"], cli.socket, stdin=text)
            print(f"pylvs-ipvsadm -R:       {restore_s:6.2f} s wall, CPU pylvs-ipvsadm "
                  f"{ccpu:.2f} s + daemon {cli.cpu() - d0:.2f} s")
            d0 = cli.cpu()
            list_s, ccpu, out = _ipvsadm(["-Ln"], cli.socket)
            print(f"pylvs-ipvsadm -Ln:      {list_s:6.2f} s wall, CPU pylvs-ipvsadm "
                  f"{ccpu:.2f} s + daemon {cli.cpu() - d0:.2f} s ({len(out.splitlines())} lines)")
            expected_lines = 3 + opts.services + n_dests
            if len(out.splitlines()) != expected_lines:
                raise SystemExit(f"-Ln printed {len(out.splitlines())} lines, "
                                 f"expected {expected_lines}")
        ok = restore_s < 5 and list_s < 5
        print(f"target < 5 s each: {'met' if ok else 'NOT met'} (load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        print(f"restore_s={restore_s:.2f} list_s={list_s:.2f} via={via} "
              f"api_restore_s={api_restore:.2f} api_list_s={api_list:.2f} "
              f"api_restore_cpu_s={sum(restore_cpu):.2f} api_list_cpu_s={sum(list_cpu):.2f} "
              f"services={opts.services} dests={n_dests}")
        return 0
    finally:
        for d in daemons:
            d.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
