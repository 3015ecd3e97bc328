"""Rules across restarts, malformed rules files, and the `pylvs director|service` commands."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pylvs.control.client import Client
from pylvs.ipvsadm import format_save, parse_rules
from tests.test_daemon import Pylvsd, running

RULES = """\
-A -t 198.18.0.150:80 -s rr
-a -t 198.18.0.150:80 -r 198.18.0.171:80 -g -w 1
-a -t 198.18.0.150:80 -r 198.18.0.172:80 -g -w 3
-A -u 198.18.0.150:53 -s rr
-a -u 198.18.0.150:53 -r 198.18.0.171:53 -m -w 1
"""


def pylvs(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `pylvs` command against the daemon of ``tmp``."""
    env = {**os.environ, "PYLVS_SOCKET": str(tmp / "pylvsd.sock")}
    return subprocess.run(
        [sys.executable, "-m", "pylvs.cli.main", *args], env=env, capture_output=True,
        text=True, timeout=60, check=False,
    )


def _saved(client: Client) -> str:
    return format_save(client.list_services(), numeric=True)


def _saved_after_restart(tmp: Path) -> str:
    """What a pylvsd started again in ``tmp`` holds (as ``ipvsadm -S -n``); it is stopped."""
    again = Pylvsd(tmp).start()
    try:
        with again.client() as c:
            return _saved(c)
    finally:
        again.stop()


@pytest.fixture
def rules_daemon(tmp_path: Path) -> Iterator[Pylvsd]:
    (tmp_path / "rules").write_text(RULES)
    with running(tmp_path) as d:
        yield d


def test_rules_file_restored_at_start(rules_daemon: Pylvsd) -> None:
    with rules_daemon.client() as c:
        views = c.list_services()
        assert _saved(c) == format_save(views)
    assert sorted((v.port, len(v.dests)) for v in views) == [(53, 1), (80, 2)]


def test_save_then_restart_keeps_rules(rules_daemon: Pylvsd, tmp_path: Path) -> None:
    with rules_daemon.client() as c:
        c.flush()
        c.apply(parse_rules(RULES + "-A -t 198.18.0.151:443 -s rr -p 300\n"))
        before = _saved(c)
    done = pylvs(tmp_path, "service", "save")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "rules").read_text() == before
    assert rules_daemon.stop() == 0
    assert _saved_after_restart(tmp_path) == before


def test_save_on_exit_then_start_restores(tmp_path: Path) -> None:
    d = Pylvsd(tmp_path, "--save-on-exit").start()
    with d.client() as c:
        c.apply(parse_rules(RULES))
        before = _saved(c)
    assert d.stop() == 0
    assert (tmp_path / "rules").read_text() == before
    assert _saved_after_restart(tmp_path) == before


@pytest.mark.parametrize(
    ("bad_line", "text"),
    [
        ("-A -t 198.18.0.151:80 -s rr --bogus-option", "bogus"),
        ("-a -t 198.18.0.199:80 -r 198.18.0.171:80 -g", "Service not defined"),
        ("-A -t 198.18.0.150:80 -s rr", "Service already exists"),
    ],
)
def test_malformed_rules_file_refuses_to_start_naming_the_line(
    tmp_path: Path, bad_line: str, text: str
) -> None:
    lines = RULES.splitlines()
    lines.insert(3, bad_line)  # becomes line 4
    (tmp_path / "rules").write_text("\n".join(lines) + "\n")
    d = Pylvsd(tmp_path).start(wait=False)
    assert d.wait_exit() == 1
    log = d.log_text()
    assert f"{tmp_path / 'rules'}:4:" in log
    assert text.lower() in log.lower()
    assert not os.path.exists(d.socket)


def test_service_restore_is_all_or_nothing(rules_daemon: Pylvsd, tmp_path: Path) -> None:
    with rules_daemon.client() as c:
        before = _saved(c)
    bad = tmp_path / "bad"
    bad.write_text("-C\n-A -t 198.18.0.160:80 -s rr\n-a -t 198.18.0.161:80 -r 198.18.0.1:80\n")
    done = pylvs(tmp_path, "service", "restore", "--rules", str(bad))
    assert done.returncode == 1
    assert f"{bad}:3:" in done.stderr
    assert "nothing changed" in done.stderr
    with rules_daemon.client() as c:
        assert _saved(c) == before
    done = pylvs(tmp_path, "service", "restore", "--rules", str(tmp_path / "typo"))
    assert done.returncode == 1
    assert "no such rules file" in done.stderr
    with rules_daemon.client() as c:
        assert _saved(c) == before
    garbage = tmp_path / "garbage"
    garbage.write_text("-A -t 198.18.0.160:80 -s rr\nhello world\n")
    done = pylvs(tmp_path, "service", "restore", "--rules", str(garbage))
    assert done.returncode == 1
    assert f"{garbage}:2:" in done.stderr
    good = tmp_path / "good"
    good.write_text("-A -t 198.18.0.160:80 -s rr\n-a -t 198.18.0.160:80 -r 198.18.0.1:80\n")
    done = pylvs(tmp_path, "service", "restore", "--rules", str(good))
    assert done.returncode == 0, done.stderr
    with rules_daemon.client() as c:
        views = c.list_services()
    assert [(v.addr, len(v.dests)) for v in views] == [(bytes([198, 18, 0, 160]), 1)]


def test_service_status_shows_the_table(rules_daemon: Pylvsd, tmp_path: Path) -> None:
    done = pylvs(tmp_path, "service", "status")
    assert done.returncode == 0, done.stderr
    assert "pylvsd is running" in done.stdout
    assert "IP Virtual Server version 1.2.1 (size=4096)" in done.stdout
    assert "TCP  198.18.0.150:80 rr" in done.stdout
    assert "-> 198.18.0.172:80" in done.stdout
    top = pylvs(tmp_path, "status")  # the top-level alias
    assert top.returncode == 0, top.stderr
    assert top.stdout.splitlines()[2:] == done.stdout.splitlines()[2:]  # all but pid/uptime


def test_director_start_status_stop_and_service_restart(tmp_path: Path) -> None:
    (tmp_path / "rules").write_text(RULES)
    rules = str(tmp_path / "rules")
    try:
        done = pylvs(tmp_path, "director", "start", "--rules", rules)
        assert done.returncode == 0, done.stderr
        assert "2 service(s) restored" in done.stdout
        pid = int((tmp_path / "pylvsd.pid").read_text())
        status = pylvs(tmp_path, "director", "status")
        assert status.returncode == 0
        assert f"pid {pid}" in status.stdout
        assert "2 service(s), 3 destination(s)" in status.stdout
        with Client(str(tmp_path / "pylvsd.sock")) as c:
            c.flush()  # restart must bring the file's rules back
        done = pylvs(tmp_path, "service", "restart")
        assert done.returncode == 0, done.stderr
        new_pid = int((tmp_path / "pylvsd.pid").read_text())
        assert new_pid != pid
        with Client(str(tmp_path / "pylvsd.sock")) as c:
            assert len(c.list_services()) == 2
    finally:
        done = pylvs(tmp_path, "director", "stop")
    assert done.returncode == 0, done.stderr
    assert "stopped" in done.stdout
    assert not (tmp_path / "pylvsd.sock").exists()
    assert not (tmp_path / "pylvsd.pid").exists()
    status = pylvs(tmp_path, "director", "status")
    assert status.returncode == 3
    assert "not running" in status.stdout


def test_director_start_with_bad_rules_fails_with_the_line(tmp_path: Path) -> None:
    (tmp_path / "rules").write_text("-A -t 198.18.0.150:80 -s nosuchsched\n")
    done = pylvs(tmp_path, "director", "start", "--rules", str(tmp_path / "rules"))
    assert done.returncode == 1
    assert "rules:1:" in done.stderr
    assert not (tmp_path / "pylvsd.sock").exists()


def test_commands_without_daemon_fail_with_one_line(tmp_path: Path) -> None:
    for args in (("service", "save"), ("service", "restore")):
        done = pylvs(tmp_path, *args)
        assert done.returncode == 1
        assert len(done.stderr.strip().splitlines()) == 1
        assert "pylvs director start" in done.stderr


def test_director_run_serves_in_the_foreground_until_sigterm(tmp_path: Path) -> None:
    sock = tmp_path / "deep" / "er" / "d.sock"  # directories are created as needed
    proc = subprocess.Popen(
        [sys.executable, "-m", "pylvs.cli.main", "director", "run", "--socket", str(sock),
         "--rules", str(tmp_path / "none")],
        stderr=subprocess.PIPE, text=True,
    )
    try:
        for _ in range(300):
            if sock.exists():
                break
            time.sleep(0.05)
        with Client(str(sock)) as c:
            assert c.get_info() == (0x010201, 4096)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert "serving" in err
    assert not sock.exists()


def test_stop_never_signals_a_stranger_named_by_a_stale_pidfile(tmp_path: Path) -> None:
    stranger = subprocess.Popen(["sleep", "30"])
    try:
        (tmp_path / "pylvsd.pid").write_text(f"{stranger.pid}\n")
        done = pylvs(tmp_path, "director", "stop")
        assert done.returncode == 0
        assert "not running" in done.stdout
        assert stranger.poll() is None  # untouched
    finally:
        stranger.kill()
        stranger.wait()


def _sighup_and_wait_for(d: Pylvsd, text: str) -> None:
    """Send SIGHUP; wait (about 5 s at most) until ``text`` shows in the daemon's log."""
    d.proc.send_signal(signal.SIGHUP)  # type: ignore[union-attr]
    for _ in range(100):
        if text in d.log_text():
            break
        time.sleep(0.05)


def test_sighup_reloads_the_rules_file_all_or_nothing(rules_daemon: Pylvsd, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.write_text("-A -t 198.18.0.160:80 -s rr\n-A -t 198.18.0.161:80 -s nosuch\n")
    _sighup_and_wait_for(rules_daemon, "table unchanged")
    assert f"{rules}:2:" in rules_daemon.log_text()
    with rules_daemon.client() as c:
        assert len(c.list_services()) == 2  # the start-up table, untouched
    rules.unlink()
    _sighup_and_wait_for(rules_daemon, "does not exist; table unchanged")
    with rules_daemon.client() as c:
        assert len(c.list_services()) == 2
    rules.write_text("-A -t 198.18.0.160:80 -s rr\n")
    _sighup_and_wait_for(rules_daemon, "reloaded 1 rule(s)")
    with rules_daemon.client() as c:
        assert [v.addr for v in c.list_services()] == [bytes([198, 18, 0, 160])]
