"""The lab's pylvsd with ``--datapath xdp`` vs ``--datapath python``: the same traffic
gives the same ``ipvsadm -Ln --stats --exact`` and ``-Lnc`` (expiry and client ports
aside), for DR, TUN and NAT; the fast path carries most of the packets."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
from typing import Any

import pytest

from pylvs.lab.lab import Lab
from pylvs.lab.topology import VIP, rip
from tests.xdp.test_lab_xdp import CLIENT

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
]

CONNS, REQUESTS = 6, 4
UDP_PORTS, UDP_PACKETS, UDP_PAYLOAD = 10, 8, 64
FLAG = {"dr": "-g", "tun": "-i", "nat": "-m"}
UDP_PORT = 9000  # the lab's echo servers answer on 9000 (and 9090, NAT's mapped port)
SYNC_WAIT = 1.2  # seconds: more than the XDP datapath's counter-sync period


def on(lab: Lab, role: str, *cmd: str, stdin: str | None = None) -> str:
    argv, env = lab.exec_argv(role, list(cmd))
    done = subprocess.run(argv, env=env, input=stdin, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, f"{' '.join(cmd)}: {done.stderr}"
    return done.stdout


def rules(method: str) -> str:
    lines = []
    for flag, vport, rport in (("-t", 80, 8080), ("-u", UDP_PORT, 9090)):
        lines.append(f"-A {flag} {VIP}:{vport} -s rr")
        for i in (1, 2):
            port = rport if method == "nat" else vport
            lines.append(f"-a {flag} {VIP}:{vport} -r {rip(i, method)}:{port} {FLAG[method]}")
    return "\n".join(lines) + "\n"


def conn_rows(listing: str) -> list[tuple[str, ...]]:
    """``-Lnc`` rows without expiry and client port: protocol, state, client, VIP, RS."""
    rows = []
    for line in listing.splitlines()[2:]:
        f = line.split()
        if len(f) == 6:
            rows.append((f[0], f[2], f[3].rsplit(":", 1)[0], f[4], f[5]))
    return sorted(rows)


def run(method: str, datapath: str) -> dict[str, Any]:
    lab = Lab(f"x{secrets.token_hex(3)}-")
    try:
        st = lab.up(method, 2, datapath)
        assert st.daemon_datapath == datapath, st.daemon_note
        on(lab, "director", "pylvs-ipvsadm", "-R", stdin=rules(method))
        client = lab.topology().host("client").netns
        code = CLIENT.format(conns=CONNS, requests=REQUESTS, vip=VIP,
                             cip=lab.topology().host("client").address, udp_ports=UDP_PORTS,
                             udp_packets=UDP_PACKETS, payload=UDP_PAYLOAD, udp_port=UDP_PORT)
        done = subprocess.run(["ip", "netns", "exec", client, sys.executable, "-c", code],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        traffic = json.loads(done.stdout)
        time.sleep(SYNC_WAIT)
        stats = on(lab, "director", "pylvs-ipvsadm", "-Ln", "--stats", "--exact")
        conns = on(lab, "director", "pylvs-ipvsadm", "-Lnc")
        status = on(lab, "director", "pylvs", "director", "status")
        return {"traffic": traffic, "stats": stats, "conns": conn_rows(conns),
                "counters": dict(re.findall(r"([\w.]+)=(\d+)", status))}
    finally:
        lab.down()


def service_line(stats: str, proto: str, port: int) -> list[int]:
    for line in stats.splitlines():
        f = line.split()
        if f[:2] == [proto, f"{VIP}:{port}"]:
            return [int(x) for x in f[2:]]
    raise AssertionError(f"no {proto} {VIP}:{port} in\n{stats}")


@pytest.mark.parametrize("method", ["dr", "tun", "nat"])
def test_xdp_lists_what_python_lists(method: str) -> None:
    py, xdp = run(method, "python"), run(method, "xdp")
    for name, r in (("python", py), ("xdp", xdp)):
        assert len(r["traffic"]["bodies"]) == CONNS * REQUESTS, name
        tcp = service_line(r["stats"], "TCP", 80)
        assert tcp[0] == CONNS and tcp[1] == r["traffic"]["tcp_segments"], (name, r["stats"])
    # UDP: conns, packets and bytes both ways are exact, whichever path carried them
    assert service_line(xdp["stats"], "UDP", UDP_PORT) == service_line(py["stats"], "UDP", UDP_PORT)
    assert service_line(py["stats"], "UDP", UDP_PORT)[:2] == [UDP_PORTS, UDP_PORTS * UDP_PACKETS]
    assert xdp["conns"] == py["conns"]
    assert int(xdp["counters"]["xdp.forwarded"]) >= UDP_PORTS * (UDP_PACKETS - 2)
