"""End to end in the lab: the same traffic through the Python datapath and through the XDP
datapath gives the same service stats and connection entries, and the fast path carries
most of it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from typing import Any

import pytest

from tests.datapath import netlab

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
    pytest.mark.skipif(shutil.which("nft") is None, reason="needs nft (Debian nftables)"),
    pytest.mark.skipif(shutil.which("ethtool") is None, reason="needs ethtool"),
]

CONNS, REQUESTS = 8, 5  # TCP connections, keep-alive requests on each
UDP_PORTS, UDP_PACKETS, UDP_PAYLOAD = 20, 10, 100

CLIENT = """
import json, socket, time

def tcp_segments():
    rows = [l.split() for l in open("/proc/net/snmp") if l.startswith("Tcp:")]
    d = dict(zip(rows[0][1:], map(int, rows[1][1:])))
    return d["OutSegs"] + d["RetransSegs"]

def response(s, buf):
    while b"\\r\\n\\r\\n" not in buf:
        chunk = s.recv(4096)
        if not chunk:
            raise EOFError("connection closed mid-response")
        buf += chunk
    head, buf = buf.split(b"\\r\\n\\r\\n", 1)
    n = int([l.split(b":")[1] for l in head.split(b"\\r\\n")
             if l.lower().startswith(b"content-length")][0])
    while len(buf) < n:
        buf += s.recv(4096)
    return buf[:n].decode(), buf[n:]

before = tcp_segments()
bodies = []
for c in range({conns}):
    s = socket.create_connection(("{vip}", 80), timeout=5)
    buf = b""
    for r in range({requests}):
        close = b"Connection: close\\r\\n" if r == {requests} - 1 else b""
        s.sendall(b"GET / HTTP/1.1\\r\\nHost: vip\\r\\n" + close + b"\\r\\n")
        body, buf = response(s, buf)
        bodies.append(body)
    while s.recv(4096):
        pass
    s.close()
time.sleep(0.3)
segs = tcp_segments() - before
for p in range({udp_ports}):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("{cip}", 41000 + p))
    u.settimeout(3)
    for i in range({udp_packets}):
        u.sendto(b"x" * {payload}, ("{vip}", {udp_port}))
        u.recv(2048)  # the echo: nothing arrives after the socket is gone (no ICMP back)
    u.close()
print(json.dumps({{"tcp_segments": segs, "bodies": bodies}}))
"""


def _client(seg: netlab.Segment) -> dict[str, Any]:
    code = CLIENT.format(conns=CONNS, requests=REQUESTS, vip=netlab.VIP, cip=netlab.CIP,
                         udp_ports=UDP_PORTS, udp_packets=UDP_PACKETS, payload=UDP_PAYLOAD,
                         udp_port=53)
    out: dict[str, Any] = json.loads(seg.python("client", code, timeout=90).strip())
    return out


def _run(seg: netlab.Segment, datapath: str, method: str) -> tuple[dict[str, Any],
                                                                   dict[str, Any]]:
    argv = [sys.executable, str(netlab.HERE.parent / "xdp" / "lab_director.py"),
            "--interface", "eth0", "--vip", netlab.VIP, "--method", method,
            "--datapath", datapath, *[a for r in netlab.RIPS.values() for a in ("--rs", r)]]
    proc = seg.spawn("director", *argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, env=netlab.env())
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    if line.split()[:2] != ["ready", datapath]:
        proc.kill()
        _, err = proc.communicate(timeout=10)
        pytest.fail(f"director did not start as {datapath}: {line!r} {err.decode()[-2000:]}")
    try:
        traffic = _client(seg)
    finally:
        out, err = proc.communicate(b"", timeout=30)
    assert proc.returncode == 0, err.decode()[-2000:]
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return traffic, result


ECHO = """
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 53))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(data, peer)
"""


def _prepare(seg: netlab.Segment, mode: str) -> None:
    for name in netlab.RIPS:
        netlab.start_http(seg, name, name)
        seg.spawn(name, sys.executable, "-c", ECHO, stdout=subprocess.DEVNULL,
                  stderr=subprocess.DEVNULL)  # UDP replies (no ICMP, which is rate-limited)
    # a veth peer must run an XDP program for XDP_TX / redirect to deliver (lab facts)
    peer = f"{seg.prefix[:6]}p2"
    seg.run("br", sys.executable, "-m", "pylvs.lab.xdppass", peer)
    # XDP re-sends frames as they are: no checksum left to offload on the senders
    for host in ("client", *netlab.RIPS):
        seg.run(host, "ethtool", "-K", "eth0", "tx", "off")


@pytest.mark.parametrize("method", ["dr", "nat"])
def test_same_stats_and_entries_through_both_datapaths(method: str) -> None:
    with netlab.segment(mode="nat" if method == "nat" else "dr") as seg:
        _prepare(seg, method)
        if method == "nat":  # the director routes the replies back to the client
            netlab.sysctl(seg.ns("director"), "net.ipv4.ip_forward", "1")
        runs = {dp: _run(seg, dp, method) for dp in ("python", "xdp")}
    for dp, (traffic, result) in runs.items():
        assert sorted(set(traffic["bodies"])) == ["rs1", "rs2"], dp
        assert len(traffic["bodies"]) == CONNS * REQUESTS, dp
        web, udp = result["services"]["80"], result["services"]["53"]
        assert web["conns"] == CONNS, dp
        assert web["inpkts"] == traffic["tcp_segments"], dp  # every client segment counted
        assert (udp["conns"], udp["inpkts"], udp["inbytes"]) == \
            (UDP_PORTS, UDP_PORTS * UDP_PACKETS, UDP_PORTS * UDP_PACKETS * (28 + UDP_PAYLOAD)), dp
    (_, py), (_, xdp) = runs["python"], runs["xdp"]
    assert xdp["conns"] == py["conns"]  # -Lnc: same protocols, states, real servers
    assert xdp["services"]["53"] == py["services"]["53"]
    if method == "nat":  # replies are counted too, packet for packet
        assert xdp["services"]["80"]["outpkts"] > 0
        assert py["services"]["53"]["outpkts"] == UDP_PORTS * UDP_PACKETS
    fast = xdp["datapath"]
    assert fast["xdp.forwarded"] >= UDP_PORTS * (UDP_PACKETS - 2), fast
    assert fast["xdp.flows"] == 0  # every flow removed at stop
