"""pylvsd --config as a subprocess: programs the file, checks health, reloads, status.

The real servers' checks go to servers in this process on 127.0.0.1 (connect_ip), so
no root and no namespaces are needed; the daemon serves no packets.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pylvs.cli.main import main as pylvs_main
from pylvs.control.client import Client, ControlError
from pylvs.ipvsadm.save import format_save


class Listener:
    """A TCP server on 127.0.0.1 that can be switched off and on (accepts and closes)."""

    def __init__(self) -> None:
        self.sock: socket.socket | None = None
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(64)
        self.sock = sock
        self.thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
        self.thread.start()

    def _serve(self, sock: socket.socket) -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            conn.close()

    def stop(self) -> None:
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
            self.sock.close()
            self.sock = None


CONF = """\
virtual_server 198.18.0.150 80 {{
    protocol TCP
    lb_algo rr
    lb_kind DR
    delay_loop 0.2
    sorry_server 198.18.0.180 80
    real_server 198.18.0.171 80 {{
        weight 1
        TCP_CHECK {{
            connect_ip 127.0.0.1
            connect_port {p1}
            connect_timeout 0.5
            retry 1
            delay_before_retry 0.1
        }}
    }}
    real_server 198.18.0.172 80 {{
        weight 2
        TCP_CHECK {{
            connect_ip 127.0.0.1
            connect_port {p2}
            connect_timeout 0.5
            retry 1
            delay_before_retry 0.1
        }}
    }}
{more}}}
vrrp_instance VI_1 {{
    state MASTER
}}
"""


@pytest.fixture
def listeners() -> Iterator[tuple[Listener, Listener]]:
    a, b = Listener(), Listener()
    a.start()
    b.start()
    yield a, b
    a.stop()
    b.stop()


@pytest.fixture
def daemon(tmp_path: Path, listeners: tuple[Listener, Listener]) -> Iterator[dict[str, object]]:
    conf = tmp_path / "keepalived.conf"
    a, b = listeners
    conf.write_text(CONF.format(p1=a.port, p2=b.port, more=""))
    sock = str(tmp_path / "d.sock")
    log = open(tmp_path / "d.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "pylvs.control.daemon", "--socket", sock, "--config", str(conf),
         "--rules", str(tmp_path / "rules"), "--log-level", "info"],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        _wait(lambda: os.path.exists(sock), "socket")
        yield {"proc": proc, "socket": sock, "conf": conf, "log": tmp_path / "d.log",
               "listeners": listeners}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait(cond: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _save(sock: str) -> str:
    with Client(sock) as c:
        return format_save(c.list_services(), numeric=True)


def test_config_is_programmed_and_health_follows_servers(daemon: dict[str, object]) -> None:
    sock = str(daemon["socket"])
    a, b = daemon["listeners"]  # type: ignore[misc]
    _wait(lambda: "198.18.0.172:80 -g -w 2" in _save(sock), "both real servers")
    assert "198.18.0.171:80 -g -w 1" in _save(sock)
    assert "198.18.0.180" not in _save(sock)
    t0 = time.monotonic()
    b.stop()
    # delay_loop 0.2 + (retry 1) x (0.1 + timeout 0.5) + timeout: well within 3 s
    _wait(lambda: "198.18.0.172" not in _save(sock), "rs2 to leave")
    assert time.monotonic() - t0 < 3.0
    with Client(sock) as c:
        health = c.call("health")
    assert isinstance(health, dict)
    rows = {r["real_server"]: r for r in health["real_servers"]}
    assert rows["198.18.0.172:80"]["alive"] is False
    assert rows["198.18.0.172:80"]["reason"] == "TCP_CHECK: connection refused"
    a.stop()
    _wait(lambda: "198.18.0.180:80" in _save(sock), "the sorry server")
    assert "198.18.0.171" not in _save(sock)
    b.start()
    _wait(lambda: "198.18.0.172:80 -g -w 2" in _save(sock), "rs2 to return")
    assert "198.18.0.180" not in _save(sock)
    a.start()
    log = Path(str(daemon["log"])).read_text()
    assert log.count("real server 198.18.0.172:80 down (TCP_CHECK: connection refused)") == 1
    assert "vrrp_instance ignored (VRRP/other section, not handled by pylvs)" in log


def test_reload_applies_the_difference_and_rejects_bad_files(
    daemon: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    sock = str(daemon["socket"])
    conf = Path(str(daemon["conf"]))
    a, b = daemon["listeners"]  # type: ignore[misc]
    _wait(lambda: "198.18.0.172:80 -g -w 2" in _save(sock), "both real servers")
    more = "    real_server 198.18.0.173 80 {\n        weight 5\n    }\n"
    conf.write_text(CONF.format(p1=a.port, p2=b.port, more=more))
    assert pylvs_main(["director", "reload", "--socket", sock]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"reloaded {conf}: 1 operation(s), 1 service(s)")
    assert "vrrp_instance ignored" in out
    assert "198.18.0.173:80 -g -w 5" in _save(sock)
    # a broken file is refused; the running configuration stays
    conf.write_text("virtual_server 198.18.0.150 80 {\n lb_kind XX\n}\n")
    assert pylvs_main(["director", "reload", "--socket", sock]) == 1
    err = capsys.readouterr().err
    assert "reload rejected, running configuration kept" in err
    assert f"{conf}:2:10: lb_kind: unknown value 'XX'" in err
    assert "198.18.0.173:80 -g -w 5" in _save(sock)
    # SIGHUP reloads too: drop the third real server
    conf.write_text(CONF.format(p1=a.port, p2=b.port, more=""))
    proc = daemon["proc"]
    assert isinstance(proc, subprocess.Popen)
    proc.send_signal(signal.SIGHUP)
    _wait(lambda: "198.18.0.173" not in _save(sock), "SIGHUP reload")
    with Client(sock) as c, pytest.raises(ControlError):
        c.call("no_such_op")


def test_status_table(daemon: dict[str, object], capsys: pytest.CaptureFixture[str]) -> None:
    sock = str(daemon["socket"])
    _, b = daemon["listeners"]  # type: ignore[misc]
    _wait(lambda: "198.18.0.172:80 -g -w 2" in _save(sock), "both real servers")
    b.stop()
    _wait(lambda: "198.18.0.172" not in _save(sock), "rs2 to leave")
    assert pylvs_main(["health", "--socket", sock]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "config" in out[0] and "1 service(s)" in out[0]
    assert out[1].split()[:4] == ["SERVICE", "SCHED", "REAL", "SERVER"]
    assert pylvs_main(["status", "--socket", sock]) == 0  # the same table after the summary
    status_out = capsys.readouterr().out.splitlines()
    assert [r.split()[:5] for r in status_out[-len(out) + 1:]] == [r.split()[:5] for r in out[1:]]
    rs1 = next(line for line in out if "198.18.0.171:80" in line)
    assert rs1.split()[:8] == ["TCP", "198.18.0.150:80", "rr", "198.18.0.171:80", "DR", "up",
                               "1/1", "0"]
    rs2 = next(line for line in out if "198.18.0.172:80" in line)
    assert "down" in rs2 and "not in table: TCP_CHECK: connection refused" in rs2
    sorry = next(line for line in out if "198.18.0.180:80" in line)
    assert "sorry(off)" in sorry
