"""Scheduling, persistence, quiescing and deletion, end to end in the DR lab.

One DR lab for the module; each test loads its own rules. The client is a small
Python program in the client namespace that opens HTTP/1.1 connections to the VIP
on command and keeps them open, so tests can hold connections (load for wlc, a
live connection through a quiesced server) while they make new ones.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from labhelpers import on_director, unique_prefix

from pylvs.core.ipvs import IPVS
from pylvs.core.meta import TCP_SYN, PacketMeta
from pylvs.core.model import DestSpec, ServiceSpec
from pylvs.lab.demo import parse_stats
from pylvs.lab.lab import Lab
from pylvs.lab.topology import CIP, VIP, rip

pytestmark = pytest.mark.lab

RS1, RS2 = rip(1), rip(2)
SERVICE = f"{VIP}:80"

CLIENT = r"""
import socket, sys
conns = []
def ask(s):
    s.sendall(b"GET / HTTP/1.1\r\nHost: vip\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int([l.split(b":")[1] for l in head.split(b"\r\n")
                  if l.lower().startswith(b"content-length")][0])
    while len(body) < length:
        body += s.recv(4096)
    return body.decode().split()[0]  # the real server's name
PORT = int(sys.argv[2])
for line in sys.stdin:
    cmd, *args = line.split()
    try:
        if cmd == "open":  # a new connection, kept open
            s = socket.create_connection((sys.argv[1], PORT), timeout=3)
            conns.append(s)
            print(len(conns) - 1, s.getsockname()[1], ask(s), flush=True)
        elif cmd == "again":  # another request on a held connection
            print(ask(conns[int(args[0])]), flush=True)
        elif cmd == "once":  # N connections, each closed after its answer
            names = []
            for _ in range(int(args[0])):
                with socket.create_connection((sys.argv[1], PORT), timeout=3) as s:
                    names.append(ask(s))
            print(" ".join(names), flush=True)
        elif cmd == "close":
            for s in conns:
                s.close()
            conns = []
            print("closed", flush=True)
    except OSError as exc:
        print("error", exc, flush=True)
"""


class Client:
    """The client program in the lab's client namespace, driven line by line."""

    def __init__(self, lab: Lab, port: int = 80) -> None:
        netns = lab.topology().host("client").netns
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", netns, sys.executable, "-c", CLIENT, VIP, str(port)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )

    def say(self, line: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        assert answer and not answer.startswith("error"), f"{line!r}: {answer!r}"
        return answer

    def open(self) -> tuple[int, int, str]:
        """A held connection: (index, client port, server name)."""
        index, port, name = self.say("open").split()
        return int(index), int(port), name

    def again(self, index: int) -> str:
        return self.say(f"again {index}")

    def once(self, n: int) -> list[str]:
        return self.say(f"once {n}").split()

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture(scope="module", params=["python", "xdp"])
def lab(request: pytest.FixtureRequest) -> Iterator[Lab]:
    """The DR lab, once with each datapath: both must give the same results."""
    lab = Lab(unique_prefix())
    try:
        state = lab.up("dr", 2, request.param)
        assert state.daemon_datapath == request.param, f"pylvsd: {state.daemon_note}"
        yield lab
    finally:
        lab.down()


@pytest.fixture
def client(lab: Lab) -> Iterator[Client]:
    c = Client(lab)
    try:
        yield c
    finally:
        c.stop()


def ipvsadm(lab: Lab, *args: str, stdin: str | None = None) -> str:
    return on_director(lab, "pylvs-ipvsadm", *args, stdin=stdin)


def load(lab: Lab, rules: str) -> None:
    """Replace the director's table (and restore the default timeouts)."""
    ipvsadm(lab, "-C")
    ipvsadm(lab, "--set", "900", "120", "300")
    ipvsadm(lab, "-R", stdin=rules)


def name_of(addr: str) -> str:
    return {RS1: "rs1", RS2: "rs2"}[addr]


def dest_rows(listing: str) -> dict[str, list[str]]:
    """``-Ln`` destination lines by address:port: [forward, weight, active, inactive]."""
    return {p[1]: p[2:] for p in (line.split() for line in listing.splitlines())
            if len(p) == 6 and p[0] == "->" and p[1][:1].isdigit()}


def test_wrr_gives_each_server_its_weight_over_300_connections(lab: Lab, client: Client) -> None:
    load(lab, f"-A -t {SERVICE} -s wrr\n-a -t {SERVICE} -r {RS1}:80 -g -w 3\n"
              f"-a -t {SERVICE} -r {RS2}:80 -g -w 1\n")
    names = client.once(300)
    assert Counter(names) == {"rs1": 225, "rs2": 75}
    stats = parse_stats(ipvsadm(lab, "-Ln", "--stats", "--exact"))
    assert stats[SERVICE].conns == 300  # one connection per request, all counted
    assert (stats[f"->{RS1}:80"].conns, stats[f"->{RS2}:80"].conns) == (225, 75)
    assert stats[SERVICE].outpkts == 0


def test_wlc_sends_new_connections_to_the_less_loaded_server(lab: Lab, client: Client) -> None:
    load(lab, f"-A -t {SERVICE} -s wlc\n-a -t {SERVICE} -r {RS1}:80 -g\n")
    held = [client.open()[2] for _ in range(3)]
    assert held == ["rs1"] * 3
    ipvsadm(lab, "-a", "-t", SERVICE, "-r", f"{RS2}:80", "-g")
    # rs1 holds three active connections, rs2 none: the next three all go to rs2
    assert [client.open()[2] for _ in range(3)] == ["rs2"] * 3
    rows = dest_rows(ipvsadm(lab, "-Ln"))
    assert rows[f"{RS1}:80"][:3] == ["Route", "1", "3"]
    assert rows[f"{RS2}:80"][:3] == ["Route", "1", "3"]


def test_sh_maps_the_client_to_the_server_the_algorithm_names(lab: Lab, client: Client) -> None:
    load(lab, f"-A -t {SERVICE} -s sh\n-a -t {SERVICE} -r {RS1}:80 -g\n"
              f"-a -t {SERVICE} -r {RS2}:80 -g\n")
    names = client.once(12)
    assert len(set(names)) == 1, names
    # the same table in core, the same client: the same choice as the director made
    t = IPVS()
    svc = t.add_service(ServiceSpec(addr=bytes(map(int, VIP.split("."))), port=80,
                                    sched_name="sh"))
    for r in (RS1, RS2):
        t.add_dest(svc.key, DestSpec(addr=bytes(map(int, r.split("."))), port=80))
    meta = PacketMeta(2, 6, bytes(map(int, CIP.split("."))), svc.addr, 40000, 80, TCP_SYN)
    chosen = svc.scheduler.schedule(svc, meta, 0.0, lambda: 0)  # type: ignore[union-attr]
    assert chosen is not None
    assert names[0] == name_of(".".join(map(str, chosen.addr)))


def test_persistence_holds_within_the_timeout_and_lets_go_after(lab: Lab, client: Client) -> None:
    load(lab, f"-A -t {SERVICE} -s rr -p 2\n-a -t {SERVICE} -r {RS1}:80 -g\n"
              f"-a -t {SERVICE} -r {RS2}:80 -g\n")
    ipvsadm(lab, "--set", "0", "1", "0")  # closed connections expire 1 s after their FIN
    first = client.once(6)
    assert len(set(first)) == 1, first  # every request within 2 s on one server
    conns = ipvsadm(lab, "-Lnc")
    assert f"{CIP}:0" in conns and "ASSURED" in conns  # the template, client port 0
    deadline = time.monotonic() + 15
    while f"{CIP}:0" in ipvsadm(lab, "-Lnc"):  # template gone once its connections are
        assert time.monotonic() < deadline, "the persistence template never expired"
        time.sleep(0.5)
    # rr's cursor is on the server the template chose: a fresh choice is the other one
    [after] = client.once(1)
    assert after != first[0]


def test_weight_zero_quiesces_new_connections_while_held_ones_go_on(
    lab: Lab, client: Client
) -> None:
    load(lab, f"-A -t {SERVICE} -s rr\n-a -t {SERVICE} -r {RS1}:80 -g\n"
              f"-a -t {SERVICE} -r {RS2}:80 -g\n")
    index, _, server = client.open()
    addr = RS1 if server == "rs1" else RS2
    ipvsadm(lab, "-e", "-t", SERVICE, "-r", f"{addr}:80", "-g", "-w", "0")
    other = "rs2" if server == "rs1" else "rs1"
    assert client.once(6) == [other] * 6
    assert [client.again(index) for _ in range(3)] == [server] * 3  # still served


def test_a_deleted_server_gets_no_new_connections(lab: Lab, client: Client) -> None:
    load(lab, f"-A -t {SERVICE} -s rr\n-a -t {SERVICE} -r {RS1}:80 -g\n"
              f"-a -t {SERVICE} -r {RS2}:80 -g\n")
    assert sorted(client.once(2)) == ["rs1", "rs2"]
    ipvsadm(lab, "-d", "-t", SERVICE, "-r", f"{RS2}:80")
    assert client.once(5) == ["rs1"] * 5
    assert RS2 not in ipvsadm(lab, "-Ln")


def test_lnc_shows_the_real_connections_in_their_states(lab: Lab) -> None:
    # its own service port, so no entry of an earlier test is in the way
    svc = f"{VIP}:8080"
    load(lab, f"-A -t {svc} -s rr\n-a -t {svc} -r {RS1}:8080 -g\n"
              f"-a -t {svc} -r {RS2}:8080 -g\n")
    client = Client(lab, 8080)
    try:
        assert sorted(client.once(4)) == ["rs1", "rs1", "rs2", "rs2"]
        _, port, server = client.open()
        addr = RS1 if server == "rs1" else RS2
        rows = [line.split() for line in ipvsadm(lab, "-Lnc").splitlines()[2:]]
        mine = [r for r in rows if r[4] == svc]
        held = [r for r in mine if r[3] == f"{CIP}:{port}"]
        assert held == [["TCP", held[0][1], "ESTABLISHED", f"{CIP}:{port}", svc,
                         f"{addr}:8080"]]
        assert held[0][1].startswith("14:") or held[0][1] == "15:00"  # 900 s, just refreshed
        closed = [r for r in mine if r[3] != f"{CIP}:{port}"]
        assert len(closed) == 4 and {r[2] for r in closed} == {"FIN_WAIT"}
        stats = parse_stats(ipvsadm(lab, "-Ln", "--stats", "--exact"))
        assert stats[svc].conns == 5
        rows_ln = dest_rows(ipvsadm(lab, "-Ln"))
        assert rows_ln[f"{addr}:8080"][2] == "1"  # the held connection is active
    finally:
        client.stop()
