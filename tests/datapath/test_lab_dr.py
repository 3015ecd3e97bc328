"""End to end: a client's HTTP connections to VIP:80 forwarded by the python datapath (DR)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.datapath import netlab

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces"),
    pytest.mark.skipif(shutil.which("nft") is None, reason="needs nft (Debian nftables)"),
]

REQUESTS = 20

CLIENT = """
import socket, sys
bodies = []
for i in range({requests}):
    s = socket.create_connection(("{vip}", 80), timeout=5)
    s.sendall(b"GET / HTTP/1.1\\r\\nHost: vip\\r\\nConnection: close\\r\\n\\r\\n")
    data = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    bodies.append(data.split(b"\\r\\n\\r\\n", 1)[1].decode())
print(",".join(bodies))
"""


def client_code(vip: str = netlab.VIP) -> str:
    return CLIENT.format(requests=REQUESTS, vip=vip)


def _director(seg: netlab.Segment, *extra: str, vip: str = netlab.VIP,
              rips: tuple[str, ...] = tuple(netlab.RIPS.values())) -> subprocess.Popen[bytes]:
    argv = [sys.executable, str(netlab.HERE / "director_proc.py"), "--interface", "eth0",
            "--vip", vip, *[a for r in rips for a in ("--rs", r)], *extra]
    proc = seg.spawn("director", *argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, env=netlab.env())
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    if not line.startswith("ready"):
        proc.kill()
        _, err = proc.communicate(timeout=10)
        pytest.fail(f"director did not start: {line!r} {err.decode()[-2000:]}")
    assert line.split()[1] == "nft-table"  # the kernel's copy is dropped while we run
    return proc


def _finish(proc: subprocess.Popen[bytes]) -> dict[str, object]:
    out, err = proc.communicate(b"", timeout=30)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert "still referenced" not in err.decode()  # the receive ring was unmapped cleanly
    result: dict[str, object] = json.loads(out.decode().strip().splitlines()[-1])
    return result


def test_dr_forwarding_spreads_connections_and_replies_bypass_the_director() -> None:
    with netlab.segment() as seg:
        for name in netlab.RIPS:
            netlab.start_http(seg, name, name)
        director = _director(seg)
        bodies = seg.python("client", client_code(), timeout=60).strip().split(",")
        result = _finish(director)
    assert len(bodies) == REQUESTS
    assert sorted(set(bodies)) == ["rs1", "rs2"]  # rr over both real servers
    assert abs(bodies.count("rs1") - bodies.count("rs2")) <= 1
    svc = result["service"]
    assert isinstance(svc, dict)
    assert svc["conns"] == REQUESTS
    assert svc["inpkts"] >= 4 * REQUESTS  # SYN, ACK, request, FIN/ACK at least
    assert svc["outpkts"] == 0  # DR: replies go straight to the client
    dp = result["datapath"]
    assert isinstance(dp, dict)
    assert dp["rx"] == svc["inpkts"]  # the filter let through only the service's packets
    assert dp["tx"] == dp["rx"]
    assert dp["drops"] == 0
    assert result["nft_table_left"] is False


def test_nat_rewrites_requests_and_replies_through_the_director() -> None:
    with netlab.segment(mode="nat") as seg:
        for name in netlab.RIPS:
            netlab.start_http(seg, name, name, port=8080)
        director = _director(seg, "--method", "nat", "--rport", "8080")
        bodies = seg.python("client", client_code(), timeout=60).strip().split(",")
        result = _finish(director)
    assert sorted(set(bodies)) == ["rs1", "rs2"] and len(bodies) == REQUESTS
    svc = result["service"]
    assert isinstance(svc, dict)
    assert svc["conns"] == REQUESTS
    assert svc["outpkts"] >= 3 * REQUESTS  # SYN-ACK, response, FIN at least, all via us
    dp = result["datapath"]
    assert isinstance(dp, dict)
    assert dp["rx"] == svc["inpkts"] + svc["outpkts"]  # neighbour probes send the RS nothing
    assert dp["tx"] == dp["rx"] and dp["drops"] == 0 and dp["pass"] == 0


NO_RESET = f"""
import socket, struct, time
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
raw.settimeout(0.2)
def tcp(sport, flags):
    hdr = struct.pack("!HHIIBBHHH", sport, 80, 1, 1, 5 << 4, flags, 1024, 0, 0)
    src = socket.inet_aton("{netlab.CIP}"); dst = socket.inet_aton("{netlab.VIP}")
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(hdr))
    data = pseudo + hdr
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s & 0xFFFF) + (s >> 16); s = (s & 0xFFFF) + (s >> 16)
    return hdr[:16] + struct.pack("!H", ~s & 0xFFFF) + hdr[18:]
raw.sendto(tcp(45678, 0x10), ("{netlab.VIP}", 0))  # an ACK for no connection
resets = 0
deadline = time.monotonic() + 1.0
while time.monotonic() < deadline:
    try:
        pkt = raw.recv(2048)
    except socket.timeout:
        continue
    ihl = (pkt[0] & 15) * 4
    sport, dport = struct.unpack("!HH", pkt[ihl:ihl + 4])
    if pkt[12:16] == socket.inet_aton("{netlab.VIP}") and dport == 45678 and pkt[ihl + 13] & 4:
        resets += 1
print(resets)
"""


PING = f"""
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.settimeout(2)
body = struct.pack("!BBHHH", 8, 0, 0, 77, 1) + b"pylvs!"
c = sum(struct.unpack("!7H", body))
c = (c & 0xFFFF) + (c >> 16); c = (c & 0xFFFF) + (c >> 16)
s.sendto(body[:2] + struct.pack("!H", ~c & 0xFFFF) + body[4:], ("{netlab.VIP}", 0))
while True:
    pkt = s.recv(2048)
    ihl = (pkt[0] & 15) * 4
    if pkt[12:16] == socket.inet_aton("{netlab.VIP}") and pkt[ihl] == 0:
        print("echo-reply")
        break
"""


def test_director_owns_the_vip_but_never_resets_service_traffic() -> None:
    with netlab.segment() as seg:
        for name in netlab.RIPS:
            netlab.start_http(seg, name, name)
        director = _director(seg)
        resets = seg.python("client", NO_RESET, timeout=30).strip()
        ping = seg.python("client", PING, timeout=30).strip()
        neigh = seg.run("client", "ip", "neigh", "show", netlab.VIP).stdout
        result = _finish(director)
    assert resets == "0"  # the kernel's copy was dropped: no RST for the stray ACK
    assert ping == "echo-reply"  # the director still answers for its VIP
    assert "02:00:00:00:00:02" in neigh  # ... and only it answers ARP (the director's MAC)
    dp = result["datapath"]
    assert isinstance(dp, dict)
    assert dp["pass"] == 1 and dp["tx"] == 0  # core passed the ACK; nothing forwarded


def test_dr_over_ipv6() -> None:
    with netlab.segment() as seg:
        for name in netlab.RIPS:
            netlab.start_http(seg, name, name)
        director = _director(seg, vip=netlab.VIP6, rips=tuple(netlab.RIPS6.values()))
        bodies = seg.python("client", client_code(netlab.VIP6), timeout=60).strip().split(",")
        result = _finish(director)
    assert sorted(set(bodies)) == ["rs1", "rs2"] and len(bodies) == REQUESTS
    svc = result["service"]
    dp = result["datapath"]
    assert isinstance(svc, dict) and isinstance(dp, dict)
    assert svc["conns"] == REQUESTS and svc["outpkts"] == 0
    assert dp["rx"] == svc["inpkts"] == dp["tx"] and dp["drops"] == 0, (dp, svc)
