"""A real pylvsd subprocess on a socket in a temp dir: serving, robustness, shutdown."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pylvs.control.client import Client, ControlError, DaemonUnavailable
from pylvs.core.constants import AF_INET
from pylvs.core.model import DestSpec, ServiceKey, ServiceSpec

VIP = bytes([198, 18, 0, 150])
RS1 = bytes([198, 18, 0, 171])


class Pylvsd:
    """One pylvsd subprocess and where it lives."""

    def __init__(self, tmp: Path, *extra: str) -> None:
        self.dir = tmp
        self.socket = str(tmp / "pylvsd.sock")
        self.rules = str(tmp / "rules")
        self.pidfile = str(tmp / "pylvsd.pid")
        self.log = tmp / "pylvsd.log"
        self.argv = [
            sys.executable, "-m", "pylvs.control.daemon", "--socket", self.socket,
            "--rules", self.rules, "--pidfile", self.pidfile, *extra,
        ]
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, wait: bool = True) -> Pylvsd:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.argv, stdout=log, stderr=log)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 15.0) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"pylvsd exited {self.proc.returncode}: {self.log_text()}")
            try:
                Client(self.socket).status()
                return
            except DaemonUnavailable:
                time.sleep(0.05)
        raise AssertionError("pylvsd did not answer in time")

    def wait_exit(self, timeout: float = 15.0) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout)

    def stop(self) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.wait_exit()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def client(self) -> Client:
        return Client(self.socket)


@contextlib.contextmanager
def running(tmp: Path, *extra: str) -> Iterator[Pylvsd]:
    """A started pylvsd in ``tmp``, killed on the way out if it still runs."""
    d = Pylvsd(tmp, *extra).start()
    try:
        yield d
    finally:
        if d.proc is not None and d.proc.poll() is None:
            d.proc.kill()
            d.proc.wait()


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[Pylvsd]:
    with running(tmp_path) as d:
        yield d


def _svc(i: int) -> ServiceSpec:
    return ServiceSpec(addr=bytes([198, 19, i >> 8, i & 255]), port=80, sched_name="rr")


def test_serves_operations_and_errors_with_kernel_errnos(daemon: Pylvsd) -> None:
    with daemon.client() as c:
        c.add_service(ServiceSpec(addr=VIP, port=80, sched_name="rr"))
        key = ServiceKey(AF_INET, 6, VIP, 80)
        c.add_dest(key, DestSpec(addr=RS1, port=80, weight=2))
        with pytest.raises(ControlError) as exc:
            c.add_service(ServiceSpec(addr=VIP, port=80, sched_name="rr"))
        assert exc.value.errno == errno.EEXIST
        [view] = c.list_services()
        assert view.dests[0].addr == RS1
        assert view.dests[0].weight == 2
        status = c.status()
    assert status["pid"] == daemon.proc.pid  # type: ignore[union-attr]
    assert (status["services"], status["dests"]) == (1, 1)
    assert status["datapath"] == "none"


def test_socket_is_mode_0600_and_pidfile_written(daemon: Pylvsd) -> None:
    st = os.stat(daemon.socket)
    assert stat.S_ISSOCK(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert st.st_uid == os.getuid()
    assert Path(daemon.pidfile).read_text().strip() == str(daemon.proc.pid)  # type: ignore[union-attr]


def test_sigterm_removes_socket_and_pidfile(daemon: Pylvsd) -> None:
    assert daemon.stop() == 0
    assert not os.path.exists(daemon.socket)
    assert not os.path.exists(daemon.pidfile)
    assert "SIGTERM" in daemon.log_text()


def test_sigint_also_shuts_down_cleanly(daemon: Pylvsd) -> None:
    daemon.proc.send_signal(signal.SIGINT)  # type: ignore[union-attr]
    assert daemon.wait_exit() == 0
    assert not os.path.exists(daemon.socket)


def test_concurrent_clients_hammering_add_and_list(daemon: Pylvsd) -> None:
    threads_n, per_thread = 6, 40
    errors: list[BaseException] = []

    def worker(t: int) -> None:
        try:
            with daemon.client() as c:
                for j in range(per_thread):
                    c.add_service(_svc(t * per_thread + j))
                    listed = c.list_services()
                    assert len(listed) >= j + 1
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with daemon.client() as c:
        views = c.list_services()
    assert len(views) == threads_n * per_thread
    assert len({v.addr for v in views}) == threads_n * per_thread


def _raw(path: str) -> socket.socket:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    return s


def _readline(s: socket.socket) -> bytes:
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    return buf


def test_garbage_gets_an_error_reply_and_the_connection_goes_on(daemon: Pylvsd) -> None:
    s = _raw(daemon.socket)
    try:
        s.sendall(b"this is not json\n")
        reply = json.loads(_readline(s))
        assert reply["ok"] is False
        assert reply["errno"] == errno.EINVAL
        s.sendall(b'{"v":1,"op":"get_info","args":[]}\n')
        assert json.loads(_readline(s)) == {"ok": True, "result": [0x010201, 4096]}
    finally:
        s.close()


def test_ten_megabyte_line_is_refused_and_others_are_still_served(daemon: Pylvsd) -> None:
    other = daemon.client()
    other.add_service(_svc(1))  # a second client connected before the flood
    s = _raw(daemon.socket)
    try:
        # the daemon may close the connection before all of it is sent: acceptable
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            s.sendall(b"x" * (10 << 20) + b"\n")
        try:
            reply = _readline(s)
        except ConnectionResetError:
            reply = b""
        if reply:
            msg = json.loads(reply)
            assert (msg["ok"], msg["errno"]) == (False, errno.EMSGSIZE)
    finally:
        s.close()
    assert len(other.list_services()) == 1
    with daemon.client() as c:
        c.add_service(_svc(2))
        assert len(c.list_services()) == 2
    other.close()
    assert daemon.proc.poll() is None  # type: ignore[union-attr]


def test_a_stalled_client_does_not_block_others(daemon: Pylvsd) -> None:
    s = _raw(daemon.socket)
    try:
        s.sendall(b'{"v":1,"op":"list_')  # never finished
        t0 = time.monotonic()
        with daemon.client() as c:
            c.add_service(_svc(3))
            assert len(c.list_services()) == 1
        assert time.monotonic() - t0 < 10
    finally:
        s.close()


def test_second_daemon_on_a_live_socket_refuses_to_start(daemon: Pylvsd, tmp_path: Path) -> None:
    second = Pylvsd(tmp_path)
    second.log = tmp_path / "second.log"
    second.pidfile = str(tmp_path / "second.pid")
    second.start(wait=False)
    assert second.wait_exit() == 1
    assert "already serving" in second.log_text()
    with daemon.client() as c:
        assert c.list_services() == []  # the first one still serves


def test_stale_socket_is_replaced(tmp_path: Path) -> None:
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(tmp_path / "pylvsd.sock"))
    stale.close()  # the file stays, nobody listens
    d = Pylvsd(tmp_path).start()
    try:
        assert d.client().get_info() == (0x010201, 4096)
    finally:
        assert d.stop() == 0


def test_datapath_without_interface_refuses_to_start(tmp_path: Path) -> None:
    d = Pylvsd(tmp_path, "--datapath", "python").start(wait=False)
    assert d.wait_exit() == 1
    assert "--interface" in d.log_text()
    assert not os.path.exists(d.socket)


def test_client_without_daemon_gets_one_clear_line(tmp_path: Path) -> None:
    path = str(tmp_path / "nobody.sock")
    with pytest.raises(DaemonUnavailable) as exc:
        Client(path).list_services()
    assert exc.value.socket == path
    text = str(exc.value)
    assert "\n" not in text
    assert path in text
    assert "pylvs director start" in text


def test_client_honours_pylvs_socket(daemon: Pylvsd, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYLVS_SOCKET", daemon.socket)
    with Client() as c:
        c.add_service(_svc(5))
    assert len(daemon.client().list_services()) == 1


@pytest.mark.root
def test_other_uid_gets_permission_denied(daemon: Pylvsd) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to switch uid")
    os.chmod(daemon.dir, 0o755)  # only the socket's own mode keeps them out
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: become nobody and try
        os.close(read_fd)
        code = 0
        try:
            os.setgid(65534)
            os.setuid(65534)
            try:
                Client(daemon.socket).list_services()
                message = "CONNECTED"
            except DaemonUnavailable as exc:
                message = f"{exc.errno} {exc}"
            os.write(write_fd, message.encode())
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as f:
        message = f.read().decode()
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert message.startswith(f"{errno.EACCES} ")
    assert f"permission denied on {daemon.socket}: pylvs needs root" in message
    with daemon.client() as c:
        assert c.list_services() == []  # the daemon did not mind


def test_pipelined_apply_over_the_socket_keeps_results_in_order(
    daemon: Pylvsd, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pylvs.control import client as client_module

    monkeypatch.setattr(client_module, "BATCH_BYTES", 4096)
    calls = [("add_service", (_svc(i % 250),)) for i in range(300)]  # the last 50 repeat
    with daemon.client() as c:
        results = c.apply(calls)
        assert [r is None for r in results] == [True] * 250 + [False] * 50
        assert {r.errno for r in results if r is not None} == {errno.EEXIST}
        assert len(c.list_services()) == 250
        bad = [("del_service", (_svc(i).key(),)) for i in range(100)]
        bad.insert(99, ("del_service", (ServiceKey(AF_INET, 6, b"\x01\x02\x03", 80),)))
        with pytest.raises(ControlError) as exc:
            c.apply(bad)  # call 100 cannot even be encoded: earlier chunks were sent
        assert exc.value.errno == errno.EINVAL
        # the same client stays usable and in step with its replies
        assert c.get_info() == (0x010201, 4096)
        assert len(c.list_services()) < 250
