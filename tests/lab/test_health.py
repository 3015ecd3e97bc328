"""Health checks in the lab: pylvsd --config (keepalived.conf) on the director.

One DR lab for the module, started with ``pylvs lab up --config``. Each scenario has
its own port on the VIP so they do not disturb each other:

* :80  TCP_CHECK on rs1 and rs2 (nginx): stop nginx on rs2 -> it leaves in time and
  clients keep getting answers from rs1; start it -> it returns. Before that, a reload
  adds rs2 while a client's established connection to rs1 stays alive.
* :81  HTTP_GET expecting 204 from rs1 (nginx answers 200) -> rs1 is taken out.
* :82  HTTP_GET against a slow server on rs2 -> connect_timeout takes rs2 out.
* :83  MISC_CHECK: a script on the director decides about rs1.
* :84  TCP_CHECK on a port nobody listens on -> both down -> the sorry server.

The tests whose clients go through the VIP run on a lab per datapath (python, xdp) with the
same expectations; the checks themselves go from the director straight to the real servers,
never through its datapath, so the tests that only watch them run once (on the xdp lab).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from labhelpers import DATAPATHS, carried_by, in_netns, unique_prefix

from pylvs.lab import nginx
from pylvs.lab.lab import Lab
from pylvs.lab.system import stop_processes

pytestmark = pytest.mark.lab

DELAY_LOOP, RETRY, DELAY_BEFORE_RETRY, TIMEOUT = 1.0, 1, 0.5, 1.0
# the longest a dead server can stay in: one loop, the retries, the last attempt's timeout
DETECTION_BOUND = DELAY_LOOP + RETRY * (DELAY_BEFORE_RETRY + TIMEOUT) + TIMEOUT
SLOW_PORT = 8081

TCP = f"""TCP_CHECK {{
            connect_timeout {TIMEOUT}
            retry {RETRY}
            delay_before_retry {DELAY_BEFORE_RETRY}
        }}"""


def config_text(misc_flag: Path, with_rs2_on_80: bool) -> str:
    rs2 = f"""
    real_server 198.18.0.172 80 {{
        weight 1
        {TCP}
    }}""" if with_rs2_on_80 else ""
    return f"""\
! lab configuration for tests/lab/test_health.py
global_defs {{
    router_id LAB
}}
virtual_server 198.18.0.150 80 {{
    delay_loop {DELAY_LOOP}
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server 198.18.0.171 80 {{
        weight 1
        {TCP}
    }}{rs2}
}}
virtual_server 198.18.0.150 81 {{
    delay_loop {DELAY_LOOP}
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server 198.18.0.171 81 {{
        HTTP_GET {{
            url {{
                path /
                status_code 204
            }}
            connect_port 80
            connect_timeout {TIMEOUT}
            retry 0
        }}
    }}
    real_server 198.18.0.172 81 {{
        HTTP_GET {{
            url {{
                path /
                status_code 200
            }}
            connect_port 80
            connect_timeout {TIMEOUT}
            retry 0
        }}
    }}
}}
virtual_server 198.18.0.150 82 {{
    delay_loop {DELAY_LOOP}
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server 198.18.0.172 82 {{
        HTTP_GET {{
            url {{
                path /
            }}
            connect_port {SLOW_PORT}
            connect_timeout {TIMEOUT}
            retry 0
        }}
    }}
}}
virtual_server 198.18.0.150 83 {{
    delay_loop {DELAY_LOOP}
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server 198.18.0.171 83 {{
        MISC_CHECK {{
            misc_path "/bin/sh -c 'test ! -e {misc_flag}'"
            misc_timeout 2
            retry 0
        }}
    }}
}}
virtual_server 198.18.0.150 84 {{
    delay_loop {DELAY_LOOP}
    lb_algo rr
    lb_kind DR
    protocol TCP
    sorry_server 198.18.0.180 84
    real_server 198.18.0.171 84 {{
        TCP_CHECK {{
            connect_port 9
            connect_timeout {TIMEOUT}
            retry 0
        }}
    }}
    real_server 198.18.0.172 84 {{
        TCP_CHECK {{
            connect_port 9
            connect_timeout {TIMEOUT}
            retry 0
        }}
    }}
}}
vrrp_instance VI_1 {{
    state MASTER
    interface eth0
    virtual_router_id 51
}}
"""


SLOW_SERVER = """
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(16)
while True:
    c, _ = s.accept()
    time.sleep(5)
    c.close()
"""

KEEPALIVE_CLIENT = """
import socket, sys
s = socket.create_connection(("198.18.0.150", 80), timeout=10)
def get():
    s.sendall(b"GET / HTTP/1.1\\r\\nHost: vip\\r\\n\\r\\n")
    data = b""
    while b"\\r\\n\\r\\n" not in data or not data.rstrip().endswith((b"rs1", b"rs2")):
        chunk = s.recv(4096)
        if not chunk:
            raise SystemExit("connection closed")
        data += chunk
    return data.rstrip().split(b"\\n")[-1].decode()
print(get(), flush=True)
sys.stdin.readline()
print(get(), flush=True)
"""


# For the tests that send no client traffic: only the checks, which bypass the datapath.
CHECKS_ONLY = pytest.mark.parametrize("hlab", ["xdp"], indirect=True)


class HealthLab:
    """The lab, its configuration file and helpers to look at the director's table."""

    def __init__(self, lab: Lab, conf: Path, misc_flag: Path, datapath: str) -> None:
        self.lab, self.conf, self.misc_flag = lab, conf, misc_flag
        self.datapath = datapath

    def director(self, *command: str) -> subprocess.CompletedProcess[str]:
        argv, env = self.lab.exec_argv("director", list(command))
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)

    def table(self) -> str:
        done = self.director("pylvs-ipvsadm", "-S", "-n")
        assert done.returncode == 0, done.stderr
        return done.stdout

    def dests(self, port: int) -> list[str]:
        prefix = f"-a -t 198.18.0.150:{port} -r "
        return [line[len(prefix):].split()[0] for line in self.table().splitlines()
                if line.startswith(prefix)]

    def wait(self, cond: Callable[[], bool], what: str, timeout: float) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if cond():
                return time.monotonic() - start
            time.sleep(0.1)
        raise AssertionError(f"{what}: not within {timeout:.1f} s; table:\n{self.table()}")

    def curl(self, port: int = 80) -> str:
        client = self.lab.topology().host("client").netns
        got = in_netns(client, "curl", "-sS", "-m", "3", f"http://198.18.0.150:{port}/")
        assert got.returncode == 0, got.stderr
        return got.stdout.strip()

    def health(self, service: str, real_server: str) -> dict[str, object]:
        done = self.director("pylvs", "health", "--json")
        assert done.returncode == 0, done.stderr
        rows = json.loads(done.stdout)["health"]["real_servers"]
        return next(r for r in rows if (r["service"], r["real_server"]) == (service, real_server))

    def log(self) -> str:
        return (self.lab.dir / "director" / "pylvsd.log").read_text(errors="replace")


@pytest.fixture(scope="module", params=DATAPATHS)
def hlab(request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[HealthLab]:
    """The health lab with the director's datapath ``request.param``."""
    datapath: str = request.param
    tmp = tmp_path_factory.mktemp(f"health-{datapath}")
    conf, flag = tmp / "keepalived.conf", tmp / "rs1-misc-down"
    conf.write_text(config_text(flag, with_rs2_on_80=False))
    lab = Lab(unique_prefix())
    slow: subprocess.Popen[bytes] | None = None
    try:
        up = subprocess.run(
            [str(Path(sys.executable).parent / "pylvs"), "lab", "up", "--prefix", lab.prefix,
             "--config", str(conf), "--datapath", datapath], capture_output=True, text=True,
            timeout=300)
        assert up.returncode == 0, up.stdout + up.stderr
        state = lab.state()
        assert state is not None and state.config == str(conf)
        assert state.daemon_datapath == datapath, f"pylvsd: {state.daemon_note}"
        rs2 = lab.topology().host("rs2").netns
        slow = subprocess.Popen(["ip", "netns", "exec", rs2, sys.executable, "-c", SLOW_SERVER,
                                 str(SLOW_PORT)], stdin=subprocess.DEVNULL)
        yield HealthLab(lab, conf, flag, datapath)
    finally:
        if slow is not None:
            slow.kill()
            slow.wait()
        lab.down()


def test_reload_keeps_an_established_connection_while_rs2_is_added(hlab: HealthLab) -> None:
    assert hlab.dests(80) == ["198.18.0.171:80"]
    client = hlab.lab.topology().host("client").netns
    with carried_by(hlab.lab, hlab.datapath):
        conn = subprocess.Popen(["ip", "netns", "exec", client, sys.executable, "-c",
                                 KEEPALIVE_CLIENT], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert conn.stdout is not None and conn.stdin is not None
            assert conn.stdout.readline().strip() == "rs1"
            hlab.conf.write_text(config_text(hlab.misc_flag, with_rs2_on_80=True))
            done = hlab.director("pylvs", "director", "reload")
            assert done.returncode == 0, done.stderr
            assert done.stdout.startswith(f"reloaded {hlab.conf}: 1 operation(s)")
            assert "vrrp_instance ignored" in done.stdout
            assert hlab.dests(80) == ["198.18.0.171:80", "198.18.0.172:80"]
            with carried_by(hlab.lab, hlab.datapath):  # the established connection goes on
                conn.stdin.write("\n")
                conn.stdin.flush()
                assert conn.stdout.readline().strip() == "rs1"  # same connection, same server
            assert conn.wait(10) == 0, conn.stderr.read() if conn.stderr else ""
        finally:
            if conn.poll() is None:
                conn.kill()
                conn.wait()
    with carried_by(hlab.lab, hlab.datapath):
        assert sorted({hlab.curl() for _ in range(4)}) == ["rs1", "rs2"]


@CHECKS_ONLY
def test_invalid_reload_is_rejected_and_the_table_stays(hlab: HealthLab) -> None:
    good = hlab.conf.read_text()
    before = hlab.table()
    hlab.conf.write_text(good.replace("lb_algo rr", "lb_algo nosuch", 1))
    try:
        done = hlab.director("pylvs", "director", "reload")
        assert done.returncode == 1
        assert "reload rejected, running configuration kept" in done.stderr
        assert "lb_algo: unknown scheduler 'nosuch'" in done.stderr
        assert hlab.table() == before
    finally:
        hlab.conf.write_text(good)


def test_stopped_nginx_leaves_in_time_and_returns(hlab: HealthLab) -> None:
    hlab.wait(lambda: "198.18.0.172:80" in hlab.dests(80), "rs2 in :80", 10)
    state = hlab.lab.state()
    assert state is not None
    stop_processes([state.nginx_pids["rs2"]])
    took = hlab.wait(lambda: "198.18.0.172:80" not in hlab.dests(80), "rs2 to leave :80",
                     DETECTION_BOUND + 2)
    assert took <= DETECTION_BOUND + 1.0, took
    with carried_by(hlab.lab, hlab.datapath):
        assert [hlab.curl() for _ in range(4)] == ["rs1"] * 4  # clients keep getting answers
    log = hlab.log()
    assert log.count("TCP 198.18.0.150:80: real server 198.18.0.172:80 down") == 1
    assert "(TCP_CHECK: connection refused)" in log
    rs2 = hlab.lab.topology().host("rs2")
    pid = hlab.lab._start_nginx(rs2, nginx.nginx_binary())
    state.nginx_pids["rs2"] = pid
    state.save(hlab.lab.state_file)
    hlab.wait(lambda: "198.18.0.172:80" in hlab.dests(80), "rs2 to return", DELAY_LOOP + 3)
    with carried_by(hlab.lab, hlab.datapath):
        assert sorted({hlab.curl() for _ in range(4)}) == ["rs1", "rs2"]
    assert "TCP 198.18.0.150:80: real server 198.18.0.172:80 up" in hlab.log()


@CHECKS_ONLY
def test_http_get_with_a_wrong_status_code(hlab: HealthLab) -> None:
    hlab.wait(lambda: hlab.dests(81) == ["198.18.0.172:81"], "rs1 out of :81", 10)
    assert "real server 198.18.0.171:81 down (HTTP_GET: /: status 200)" in hlab.log()


@CHECKS_ONLY
def test_slow_server_hits_connect_timeout(hlab: HealthLab) -> None:
    hlab.wait(lambda: hlab.dests(82) == [], "rs2 out of :82", 10)
    assert "real server 198.18.0.172:82 down (HTTP_GET: " in hlab.log()
    # (the first check may have found the slow server not listening yet)
    hlab.wait(lambda: hlab.health("TCP 198.18.0.150:82", "198.18.0.172:82")["reason"]
              == f"HTTP_GET: timeout after {TIMEOUT:g}s", "a timeout", 10)


@CHECKS_ONLY
def test_misc_check_script_decides(hlab: HealthLab) -> None:
    assert hlab.dests(83) == ["198.18.0.171:83"]
    hlab.misc_flag.touch()
    try:
        hlab.wait(lambda: hlab.dests(83) == [], "rs1 out of :83", DELAY_LOOP + 4)
        assert "real server 198.18.0.171:83 down (MISC_CHECK: exit 1)" in hlab.log()
    finally:
        hlab.misc_flag.unlink()
    hlab.wait(lambda: hlab.dests(83) == ["198.18.0.171:83"], "rs1 back in :83",
              DELAY_LOOP + 4)


@CHECKS_ONLY
def test_sorry_server_when_both_are_down(hlab: HealthLab) -> None:
    hlab.wait(lambda: hlab.dests(84) == ["198.18.0.180:84"], "the sorry server on :84", 10)
    assert "TCP 198.18.0.150:84: lost quorum" in hlab.log()
    status = hlab.director("pylvs", "status")
    assert status.returncode == 0, status.stderr
    rows = [line for line in status.stdout.splitlines() if ":84" in line]
    assert any("198.18.0.180:84" in r and "sorry" in r for r in rows), status.stdout
    assert any("198.18.0.171:84" in r and "down" in r for r in rows), status.stdout


@CHECKS_ONLY
def test_health_state_in_the_control_protocol(hlab: HealthLab) -> None:
    done = hlab.director("pylvs", "health", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["health"]["config"] == str(hlab.conf)
    assert data["health"]["quorum"]["TCP 198.18.0.150:84"] is False
    rows = {(r["service"], r["real_server"]): r for r in data["health"]["real_servers"]}
    assert rows[("TCP 198.18.0.150:81", "198.18.0.171:81")]["alive"] is False
    assert os.path.isabs(data["health"]["config"])
