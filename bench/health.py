"""Health-check throughput: how many checks per second pylvs's checkers sustain.

Usage: .venv/bin/python bench/health.py [--servers N] [--seconds S] [--kind tcp|http]
                                        [--delay-loop S]

A helper process serves N listeners on 127.0.0.1 (TCP: accept and close; HTTP: a
200 answer). This process runs a HealthManager for one virtual server with N real
servers, each checked every ``--delay-loop`` seconds (default 0.1) (TCP_CHECK or HTTP_GET, via
connect_ip/connect_port) for S seconds, and counts the concluded checks. While the
checks run it also measures how late a 10 ms timer fires on the same event loop
(the control socket and timers share that loop): p50/p99/max lateness in ms.
Ends with one ``key=value`` summary line.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time

from pylvs.config import parse_text
from pylvs.health.manager import HealthManager

SERVER = r"""
import asyncio, sys
kind, n = sys.argv[1], int(sys.argv[2])
async def tcp(reader, writer):
    writer.close()
async def http(reader, writer):
    try:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        await writer.drain()
    except Exception:
        pass
    writer.close()
async def main():
    servers = [await asyncio.start_server(tcp if kind == "tcp" else http, "127.0.0.1", 0,
                                          backlog=1024) for _ in range(n)]
    print(" ".join(str(s.sockets[0].getsockname()[1]) for s in servers), flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
"""


def config(ports: list[int], kind: str, delay_loop: float) -> str:
    check = ("TCP_CHECK {\n connect_ip 127.0.0.1\n connect_port %d\n connect_timeout 2\n}"
             if kind == "tcp" else
             "HTTP_GET {\n url {\n path /\n status_code 200\n }\n connect_ip 127.0.0.1\n"
             " connect_port %d\n connect_timeout 2\n}")
    rs = "".join(
        f"real_server 198.18.{1 + i // 250}.{1 + i % 250} 80 {{\n{check % port}\n}}\n"
        for i, port in enumerate(ports)
    )
    return f"virtual_server 198.18.0.150 80 {{\nprotocol TCP\ndelay_loop {delay_loop}\n{rs}}}\n"


async def lateness_ms(seconds: float) -> list[float]:
    """How late a 10 ms sleep returns, sample after sample, for ``seconds``."""
    out = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t = time.monotonic()
        await asyncio.sleep(0.01)
        out.append((time.monotonic() - t - 0.01) * 1000)
    return sorted(out)


async def run(ports: list[int], kind: str, seconds: float, delay_loop: float
              ) -> dict[str, float]:
    idle = await lateness_ms(1.0)  # the machine's own noise, before any check runs
    cfg = parse_text(config(ports, kind, delay_loop), "bench.conf")
    ops: list[int] = []
    manager = HealthManager(cfg, lambda o: ops.append(len(o)))
    manager.start()
    cpu0 = time.process_time()
    lateness = await lateness_ms(seconds)
    cpu = time.process_time() - cpu0
    checks = sum(st.checks for st in manager.states.values())
    failures = sum(st.failures for st in manager.states.values())
    await manager.stop()
    return {
        "idle_lag_p99_ms": idle[int(len(idle) * 0.99)],
        "checks": checks, "failures": failures, "checks_per_s": checks / seconds,
        "cpu_s": cpu, "lag_p50_ms": statistics.median(lateness),
        "lag_p99_ms": lateness[int(len(lateness) * 0.99)], "lag_max_ms": lateness[-1],
        "ops_batches": len(ops),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--servers", type=int, default=200)
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--kind", choices=("tcp", "http"), default="tcp")
    p.add_argument("--delay-loop", type=float, default=0.1)
    args = p.parse_args()
    helper = subprocess.Popen([sys.executable, "-c", SERVER, args.kind, str(args.servers)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert helper.stdout is not None
        ports = [int(x) for x in helper.stdout.readline().split()]
        r = asyncio.run(run(ports, args.kind, args.seconds, args.delay_loop))
    finally:
        helper.kill()
        helper.wait()
    ideal = args.servers / args.delay_loop
    print(f"{args.kind}: {args.servers} real servers, delay_loop {args.delay_loop:g} s "
          f"(ideal {ideal:.0f}/s): "
          f"{r['checks_per_s']:.0f} checks/s, {r['failures']:.0f} failures, "
          f"CPU {r['cpu_s']:.2f} s in {args.seconds:g} s")
    print(f"event-loop lateness of a 10 ms timer: p50 {r['lag_p50_ms']:.1f} ms, "
          f"p99 {r['lag_p99_ms']:.1f} ms, max {r['lag_max_ms']:.1f} ms "
          f"(before the checks started: p99 {r['idle_lag_p99_ms']:.1f} ms)")
    print(f"kind={args.kind} servers={args.servers} delay_loop={args.delay_loop:g} "
          f"checks_per_s={r['checks_per_s']:.0f} "
          f"ideal_per_s={ideal:.0f} failures={r['failures']:.0f} cpu_s={r['cpu_s']:.2f} "
          f"lag_p99_ms={r['lag_p99_ms']:.1f} lag_max_ms={r['lag_max_ms']:.1f} "
          f"idle_lag_p99_ms={r['idle_lag_p99_ms']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
