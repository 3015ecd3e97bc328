"""TUN with a lowered link MTU: a client's 1 MB upload completes through path MTU discovery.

The client and the director's link run at MTU 1400. The client sends full-size segments
to the VIP; encapsulated for the real server (20 bytes of IPv4 or 40 of IPv6 more) they no
longer fit the director's egress link, so the director must answer with ICMP
fragmentation-needed / packet-too-big carrying the reduced MTU (1380 / 1360), as IPVS does.
The client's kernel then lowers its path MTU to the VIP and the transfer completes.
One lab per datapath (python, xdp), same expectations.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from labhelpers import DATAPATHS, carried_by, in_netns, unique_prefix

from pylvs.lab.lab import Lab
from pylvs.lab.topology import VIP, VIP6, rip, rip6

pytestmark = pytest.mark.lab

LINK_MTU = 1400
ECHO_PORT = 9000  # the real servers' TCP byte counter

UPLOAD = """
import hashlib, socket, sys
body = bytes(range(256)) * 4096  # 1 MiB
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=float(sys.argv[3]))
s.sendall(body)
s.shutdown(socket.SHUT_WR)
answer = b""
while chunk := s.recv(4096):
    answer += chunk
print(answer.decode().strip(), hashlib.sha256(body).hexdigest())
"""


@pytest.fixture(scope="module", params=DATAPATHS)
def low_mtu_lab(request: pytest.FixtureRequest) -> Iterator[tuple[str, Lab]]:
    """A TUN lab whose client segment runs at MTU 1400, with TCP 9000 on both VIPs; once
    with each datapath."""
    datapath: str = request.param
    lab = Lab(unique_prefix())
    try:
        state = lab.up("tun", 1, datapath)
        assert state.daemon_datapath == datapath, f"pylvsd: {state.daemon_note}"
        topo = lab.topology()
        for role in ("client", "director"):
            done = in_netns(topo.host(role).netns, "ip", "link", "set", "eth0", "mtu",
                            str(LINK_MTU))
            assert done.returncode == 0, done.stderr
        rules = (f"-A -t {VIP}:{ECHO_PORT} -s rr\n"
                 f"-a -t {VIP}:{ECHO_PORT} -r {rip(1)}:{ECHO_PORT} -i\n"
                 f"-A -t [{VIP6}]:{ECHO_PORT} -s rr\n"
                 f"-a -t [{VIP6}]:{ECHO_PORT} -r [{rip6(1)}]:{ECHO_PORT} -i\n")
        argv, env = lab.exec_argv("director", ["pylvs-ipvsadm", "-R"])
        applied = subprocess.run(argv, env=env, input=rules, capture_output=True, text=True,
                                 timeout=30)
        assert applied.returncode == 0, applied.stderr
        yield datapath, lab
    finally:
        lab.down()


@pytest.mark.parametrize(("vip", "overhead"), [(VIP, 20), (VIP6, 40)])
def test_large_upload_completes_through_path_mtu_discovery(
    low_mtu_lab: tuple[str, Lab], vip: str, overhead: int
) -> None:
    datapath, lab = low_mtu_lab
    client = lab.topology().host("client").netns
    with carried_by(lab, datapath):
        out = in_netns(client, sys.executable, "-c", UPLOAD, vip, str(ECHO_PORT), "20")
    assert out.returncode == 0, out.stderr
    name, count, digest, sent = out.stdout.split()
    assert (name, int(count)) == ("rs1", 1 << 20)  # every byte reached the real server
    assert digest == sent  # unchanged
    route = in_netns(client, "ip", "route", "get", vip).stdout
    learned = re.search(r"\bmtu (\d+)", route)
    assert learned is not None, route  # the director's ICMP error set a path MTU
    assert int(learned.group(1)) == LINK_MTU - overhead


def test_a_link_mtu_lowered_while_the_director_runs_is_honoured(
    low_mtu_lab: tuple[str, Lab]
) -> None:
    datapath, lab = low_mtu_lab
    topo = lab.topology()
    lowered = LINK_MTU - 100
    for role in ("client", "director"):
        done = in_netns(topo.host(role).netns, "ip", "link", "set", "eth0", "mtu",
                        str(lowered))
        assert done.returncode == 0, done.stderr
    client = topo.host("client").netns
    in_netns(client, "ip", "route", "flush", "cache")
    with carried_by(lab, datapath):
        out = in_netns(client, sys.executable, "-c", UPLOAD, VIP, str(ECHO_PORT), "5")
    assert out.returncode == 0, out.stderr[-300:]
    name, count, digest, sent = out.stdout.split()
    assert (name, int(count), digest) == ("rs1", 1 << 20, sent)
    route = in_netns(client, "ip", "route", "get", VIP).stdout
    assert f"mtu {lowered - 20}" in route, route
