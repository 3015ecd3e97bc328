"""DR, TUN and NAT end to end: each method x {TCP, UDP} x {IPv4, IPv6} with real clients.

One lab per method (module scope): the client uses curl against nginx (TCP) and Python
sockets against the real servers' UDP echo server; the director's pylvsd forwards with the
method under test. NAT maps the ports (VIP:80 -> RIP:8080, VIP:9000 -> RIP:9090), which the
real servers' answers show. Counters: DR/TUN replies bypass the director (OutPkts 0), NAT
replies come back through it (OutPkts > 0).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator

import pytest
from labhelpers import arp_answers, in_netns, mac_of, ndp_answers, on_director, unique_prefix

from pylvs.lab.demo import Counters, parse_stats
from pylvs.lab.lab import Lab
from pylvs.lab.topology import CIP6, VIP, VIP6, rip, rip6

pytestmark = pytest.mark.lab

REQUESTS = 4
METHOD_FLAG = {"dr": "-g", "tun": "-i", "nat": "-m"}
SERVICE_PORT = {"tcp": 80, "udp": 9000, "closed": 9100, "pmtu": 9090}
MAPPED_PORT = {"tcp": 8080, "udp": 9090, "closed": 9191, "pmtu": 9090}  # NAT: where RSs listen

UDP_CLIENT = """
import json, socket, sys
family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
answers = []
for i in range(int(sys.argv[3])):
    s = socket.socket(family, socket.SOCK_DGRAM)  # a new source port: a new connection
    s.settimeout(3)
    s.sendto(b"ping%d" % i, (sys.argv[1], int(sys.argv[2])))
    data, peer = s.recvfrom(2048)
    answers.append([data.decode(), peer[0], peer[1]])
    s.close()
print(json.dumps(answers))
"""


def bracket(address: str) -> str:
    """``address`` as it appears in URLs and ipvsadm arguments."""
    return f"[{address}]" if ":" in address else address


def rules(method: str) -> str:
    """The ``ipvsadm -R`` text for the lab, on both VIPs, rr over both real servers.

    TCP 80 (nginx), UDP 9000 (the echo server), UDP 9100 (a port nobody listens on),
    UDP 9090 (the echo server's other port; one real server only, for the PMTU test).
    """
    lines = []
    for vip, rips in ((VIP, [rip(1, method), rip(2, method)]),
                      (VIP6, [rip6(1, method), rip6(2, method)])):
        for proto, flag in (("tcp", "-t"), ("udp", "-u"), ("closed", "-u"), ("pmtu", "-u")):
            vport = SERVICE_PORT[proto]
            rport = MAPPED_PORT[proto] if method == "nat" else vport
            lines.append(f"-A {flag} {bracket(vip)}:{vport} -s rr")
            for r in rips[:1] if proto == "pmtu" else rips:
                lines.append(f"-a {flag} {bracket(vip)}:{vport} -r {bracket(r)}:{rport} "
                             f"{METHOD_FLAG[method]} -w 1")
    return "\n".join(lines) + "\n"


@pytest.fixture(
    scope="module",
    params=[(m, d) for m in ("dr", "tun", "nat") for d in ("python", "xdp", "xdp-native")],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
def method_lab(request: pytest.FixtureRequest) -> Iterator[tuple[str, Lab]]:
    """A lab wired for the method, with the services of :func:`rules` applied; each method
    runs once with each datapath: Python, XDP as the daemon attaches it on veth by default
    (generic mode), and XDP in driver mode (XDP_PASS on the switch side of the veth)."""
    method, variant = request.param
    datapath, _, native = variant.partition("-")
    lab = Lab(unique_prefix())
    try:
        state = lab.up(method, 2, datapath, xdp_mode=native or "auto")
        assert state.daemon_datapath == datapath, f"pylvsd: {state.daemon_note}"
        if datapath == "xdp":
            status = on_director(lab, "pylvs", "director", "status")
            attached = "native mode" if native else "generic mode: veth"
            assert f"datapath: xdp on eth0 ({attached})" in status, status
        on_director(lab, "pylvs-ipvsadm", "-R", stdin=rules(method))
        yield method, lab
    finally:
        lab.down()


def service_counters(lab: Lab, proto: str, vip: str) -> Counters:
    """The exact counters of the service ``proto`` ``vip``:port."""
    listing = on_director(lab, "pylvs-ipvsadm", "-Ln", "--stats", "--exact")
    stats = parse_stats(listing)
    key = f"{bracket(vip)}:{SERVICE_PORT[proto]}"
    assert key in stats, listing
    return stats[key]


def expected_name(method: str, proto: str, host: str) -> str:
    """What real server ``host`` answers: NAT shows the mapped port it was reached on."""
    if proto == "tcp":
        return f"{host} 8080" if method == "nat" else host
    return f"{host} {MAPPED_PORT[proto] if method == 'nat' else SERVICE_PORT[proto]}"


@pytest.mark.parametrize("family", [4, 6])
def test_tcp_http_through_the_vip(method_lab: tuple[str, Lab], family: int) -> None:
    method, lab = method_lab
    vip = VIP if family == 4 else VIP6
    client = lab.topology().host("client").netns
    bodies = []
    for _ in range(REQUESTS):
        got = in_netns(client, "curl", "-sS", "-m", "5", f"http://{bracket(vip)}/")
        assert got.returncode == 0, f"{method} IPv{family}: {got.stderr}"
        bodies.append(got.stdout.strip())
    names = [expected_name(method, "tcp", h) for h in ("rs1", "rs2")]
    assert sorted(set(bodies)) == names, bodies  # round robin over both real servers
    assert bodies.count(names[0]) == REQUESTS // 2
    c = service_counters(lab, "tcp", vip)
    assert c.conns == REQUESTS
    assert c.inpkts >= 3 * REQUESTS  # SYN, request, ACKs, FIN at least
    if method == "nat":
        assert c.outpkts >= 2 * REQUESTS  # SYN-ACK, response, FIN come back through
    else:
        assert c.outpkts == 0  # replies go straight from the real server to the client


@pytest.mark.parametrize("family", [4, 6])
def test_udp_echo_through_the_vip(method_lab: tuple[str, Lab], family: int) -> None:
    method, lab = method_lab
    vip = VIP if family == 4 else VIP6
    client = lab.topology().host("client").netns
    port = SERVICE_PORT["udp"]
    out = in_netns(client, sys.executable, "-c", UDP_CLIENT, vip, str(port), str(REQUESTS))
    assert out.returncode == 0, f"{method} IPv{family}: {out.stderr}"
    answers = json.loads(out.stdout)
    for i, (data, source, sport) in enumerate(answers):
        assert (source, sport) == (vip, port)  # the answer comes from the VIP's service
        assert data.endswith(f" ping{i}")
    served = sorted({data.rsplit(" ", 1)[0] for data, _, _ in answers})
    assert served == [expected_name(method, "udp", h) for h in ("rs1", "rs2")]
    c = service_counters(lab, "udp", vip)
    assert (c.conns, c.inpkts) == (REQUESTS, REQUESTS)
    assert c.outpkts == (REQUESTS if method == "nat" else 0)


def test_only_the_director_answers_for_the_vips(method_lab: tuple[str, Lab]) -> None:
    method, lab = method_lab
    topo = lab.topology()
    client = topo.host("client").netns
    director_mac = mac_of(topo.host("director").netns)
    assert arp_answers(client, VIP) == [director_mac]
    assert ndp_answers(client, CIP6, VIP6) == [director_mac]
    for rs in topo.real_servers:
        lo = in_netns(rs.netns, "ip", "addr", "show", "dev", "lo").stdout
        # DR/TUN real servers hold both VIPs on lo (and keep quiet); NAT ones need neither.
        assert (f"inet {VIP}/32" in lo, f"inet6 {VIP6}/128" in lo) == (
            (method != "nat",) * 2
        )


def test_only_tun_real_servers_decapsulate(method_lab: tuple[str, Lab]) -> None:
    method, lab = method_lab
    state = lab.state()
    assert state is not None
    for rs in lab.topology().real_servers:
        shown = in_netns(rs.netns, "tc", "filter", "show", "dev", "eth0", "ingress").stdout
        if method != "tun":
            assert rs.role not in state.decap and "pylvs_tun_decap" not in shown
            continue
        ipip = in_netns(rs.netns, "ip", "link", "add", "probe0", "type", "ipip")
        in_netns(rs.netns, "ip", "link", "del", "probe0")
        expected = "kernel" if ipip.returncode == 0 else "bpf"  # this host's kernel decides
        assert state.decap[rs.role] == expected
        assert ("pylvs_tun_decap" in shown) == (expected == "bpf")


CLOSED_PORT_CLIENT = """
import json, socket, sys
family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
results = []
for i in range(int(sys.argv[3])):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.connect((sys.argv[1], int(sys.argv[2])))  # connected: ICMP errors reach the socket
    s.send(b"anyone?")
    try:
        s.recv(2048)
        results.append("answered")
    except ConnectionRefusedError:
        results.append("refused")
    except socket.timeout:
        results.append("timeout")
    s.close()
print(json.dumps(results))
"""


@pytest.mark.parametrize("family", [4, 6])
def test_port_unreachable_from_a_real_server_reaches_the_client(
    method_lab: tuple[str, Lab], family: int
) -> None:
    """The real server's ICMP port unreachable gets to the client's socket (NAT: rewritten)."""
    method, lab = method_lab
    vip = VIP if family == 4 else VIP6
    client = lab.topology().host("client").netns
    out = in_netns(client, sys.executable, "-c", CLOSED_PORT_CLIENT, vip,
                   str(SERVICE_PORT["closed"]), "2")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == ["refused", "refused"], f"{method} IPv{family}"
    c = service_counters(lab, "closed", vip)
    assert (c.conns, c.inpkts) == (2, 2)
    # NAT: the error comes back through the director, is matched to its connection and
    # rewritten inside (RIP:9191 -> VIP:9100); DR/TUN: it goes straight to the client.
    assert c.outpkts == (2 if method == "nat" else 0)


def test_the_directors_daemon_serves_every_lab_link(method_lab: tuple[str, Lab]) -> None:
    method, lab = method_lab
    state = lab.state()
    assert state is not None and state.daemon_pid is not None
    with open(f"/proc/{state.daemon_pid}/cmdline", "rb") as f:
        argv = f.read().decode().split("\0")
    links = [argv[i + 1] for i, a in enumerate(argv) if a == "--interface"]
    assert links == (["eth0", "eth1"] if method == "nat" else ["eth0"])


FRAG_NEEDED_CLIENT = """
import socket, sys
from scapy.all import ICMP, IP, UDP, ICMPv6PacketTooBig, IPv6, Raw, conf, send
conf.verb = 0
vip, cip, vport, mtu = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
family = socket.AF_INET6 if ":" in vip else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"big?", (vip, vport))
print(s.recvfrom(100)[0].decode())
# As a router on the way back would: the reply VIP:vport -> client did not fit, say so.
reply = (IP(src=vip, dst=cip) if family == socket.AF_INET else IPv6(src=vip, dst=cip)) / UDP(
    sport=vport, dport=s.getsockname()[1]) / Raw(b"x" * 1400)
if family == socket.AF_INET:
    send(IP(src=cip, dst=vip) / ICMP(type=3, code=4, nexthopmtu=mtu) / Raw(bytes(reply)[:548]))
else:
    send(IPv6(src=cip, dst=vip) / ICMPv6PacketTooBig(mtu=mtu) / Raw(bytes(reply)[:1232]))
"""


@pytest.mark.parametrize("family", [4, 6])
def test_frag_needed_from_the_client_side_reaches_the_real_server(
    method_lab: tuple[str, Lab], family: int
) -> None:
    """An ICMP error about a reply, sent to the VIP, is forwarded to the real server that sent
    the reply (NAT: rewritten inside to RIP:port), whose kernel then lowers its path MTU."""
    method, lab = method_lab
    topo = lab.topology()
    vip, cip = (VIP, topo.host("client").address) if family == 4 else (VIP6, CIP6)
    rs1 = topo.host("rs1").netns
    route = ["ip", "-6" if family == 6 else "-4", "route", "get", cip]
    assert "mtu 1300" not in in_netns(rs1, *route).stdout
    out = in_netns(topo.host("client").netns, sys.executable, "-c", FRAG_NEEDED_CLIENT, vip,
                   cip, str(SERVICE_PORT["pmtu"]), "1300")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[:2] == ["rs1", "9090"]
    deadline = time.monotonic() + 2
    while "mtu 1300" not in (learned := in_netns(rs1, *route).stdout):
        assert time.monotonic() < deadline, f"{method} IPv{family}: rs1 learned no MTU: {learned}"
        time.sleep(0.1)
    c = service_counters(lab, "pmtu", vip)
    assert (c.conns, c.inpkts) == (1, 2)  # the datagram, then the ICMP error about its reply
    assert c.outpkts == (1 if method == "nat" else 0)
