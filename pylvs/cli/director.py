"""``pylvs director run|start|stop|status``: run and supervise pylvsd."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

from pylvs.control import daemon
from pylvs.control.client import Client, ControlError, DaemonUnavailable
from pylvs.control.transport import default_socket_path

STATUS_NOT_RUNNING = 3  # LSB: program is not running


def pidfile_for(socket_path: str) -> str:
    """The pidfile next to a control socket (``x.sock`` -> ``x.pid``)."""
    return _next_to_socket(socket_path, ".pid")


def logfile_for(socket_path: str) -> str:
    """Where a background pylvsd logs (``x.sock`` -> ``x.log``)."""
    return _next_to_socket(socket_path, ".log")


def _next_to_socket(socket_path: str, suffix: str) -> str:
    base = socket_path[: -len(".sock")] if socket_path.endswith(".sock") else socket_path
    return base + suffix


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``director`` command to the ``pylvs`` command line."""
    parser = subparsers.add_parser(
        "director", help="run and supervise the director daemon (pylvsd)",
        description="Run pylvsd in the foreground, start it in the background, stop it, "
        "or show whether it runs.",
    )
    parser.set_defaults(func=lambda _a: parser.error("choose run, start, stop or status"))
    sub = parser.add_subparsers(dest="director_command", metavar="{run,start,stop,status,reload}")
    p = sub.add_parser("run", help="run pylvsd in the foreground (same options as pylvsd)")
    daemon.add_daemon_options(p)
    p.set_defaults(func=_run)
    p = sub.add_parser("start", help="start pylvsd in the background; wait until it answers")
    daemon.add_daemon_options(p)
    p.add_argument("--log-file", metavar="FILE", default=None,
                   help="the daemon's log (default: next to the socket, .log)")
    p.add_argument("--wait", type=float, default=60.0, metavar="S",
                   help="seconds to wait for the socket to answer (default 60)")
    p.set_defaults(func=_start)
    p = sub.add_parser("stop", help="stop pylvsd (SIGTERM) and wait until it is gone")
    add_target_options(p)
    p.add_argument("--wait", type=float, default=20.0, metavar="S",
                   help="seconds to wait for it to exit (default 20)")
    p.set_defaults(func=_stop)
    p = sub.add_parser("status", help="whether pylvsd runs, with a summary")
    add_target_options(p)
    p.set_defaults(func=_status)
    p = sub.add_parser("reload", help="re-read the --config file, apply only the difference")
    add_target_options(p)
    p.set_defaults(func=_reload)


def add_target_options(p: argparse.ArgumentParser) -> None:
    """``--socket`` and ``--pidfile`` naming which daemon a command is about."""
    p.add_argument("--socket", metavar="PATH", default=None,
                   help="control socket (default: $PYLVS_SOCKET or /run/pylvs/pylvsd.sock)")
    p.add_argument("--pidfile", metavar="FILE", default=None,
                   help="pidfile (default: next to the socket, .pid)")


def _err(message: str) -> None:
    print(f"pylvs director: {message}", file=sys.stderr)


def _reload(args: argparse.Namespace) -> int:
    from pylvs.cli.health import reload_command

    return reload_command(args)


def _run(args: argparse.Namespace) -> int:
    return daemon.run(args)


def daemon_status(socket_path: str) -> dict[str, Any] | None:
    """The daemon's status summary, or None when no daemon answers."""
    try:
        with Client(socket_path) as client:
            return client.status()
    except DaemonUnavailable as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise
        return None


def start_daemon(argv: Sequence[str], socket_path: str, log_file: str, wait: float) -> int:
    """Start ``pylvsd argv`` in the background and wait until it answers; exit status."""
    running = daemon_status(socket_path)
    if running is not None:
        print(f"pylvsd already running (pid {running.get('pid')}) on {socket_path}")
        return 0
    os.makedirs(os.path.dirname(os.path.abspath(log_file)), mode=0o755, exist_ok=True)
    with open(log_file, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pylvs.control.daemon", *argv],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
        )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        code = proc.poll()
        if code is not None:
            _err(f"pylvsd exited with status {code} while starting:")
            for line in _tail(log_file, 5):
                print(f"  {line}", file=sys.stderr)
            return 1
        status = daemon_status(socket_path)
        if status is not None:
            print(f"pylvsd started (pid {status.get('pid')}) on {socket_path}; "
                  f"{status.get('services', 0)} service(s) restored from {status.get('rules')}")
            return 0
        time.sleep(0.05)
    _err(f"pylvsd (pid {proc.pid}) did not answer on {socket_path} within {wait:g} s; "
         f"see {log_file}")
    return 1


def _tail(path: str, n: int) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    return lines[-n:]


def _start(args: argparse.Namespace) -> int:
    socket_path = args.socket or default_socket_path()
    args.socket = socket_path
    args.pidfile = args.pidfile or pidfile_for(socket_path)
    log_file = args.log_file or logfile_for(socket_path)
    return start_daemon(daemon.daemon_argv(args), socket_path, log_file, args.wait)


def _read_pid(path: str) -> int | None:
    try:
        with open(path, encoding="ascii") as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _is_pylvsd(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
    except OSError:
        return False
    return any(b"pylvsd" in a or a == b"pylvs.control.daemon" for a in argv) or (
        b"director" in argv and b"run" in argv
    )


def stop_daemon(socket_path: str, pidfile: str, wait: float) -> int:
    """SIGTERM the daemon of ``socket_path`` and wait until it is gone; exit status."""
    status = daemon_status(socket_path)
    if status is not None:
        pid = status.get("pid")
    else:  # not answering (hung, or still starting): trust the pidfile only for a pylvsd
        pid = _read_pid(pidfile)
        if pid is not None and not _is_pylvsd(pid):
            pid = None
    if not isinstance(pid, int) or not _alive(pid):
        print(f"pylvsd is not running on {socket_path}")
        with contextlib.suppress(OSError):
            os.unlink(pidfile)
        return 0
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return 0
    except PermissionError:
        _err(f"not allowed to signal pid {pid}: pylvs needs root")
        return 1
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not _alive(pid):
            print(f"pylvsd (pid {pid}) stopped")
            return 0
        time.sleep(0.05)
    _err(f"pylvsd (pid {pid}) still runs {wait:g} s after SIGTERM")
    return 1


def _stop(args: argparse.Namespace) -> int:
    socket_path = args.socket or default_socket_path()
    return stop_daemon(socket_path, args.pidfile or pidfile_for(socket_path), args.wait)


def describe(status: dict[str, Any]) -> list[str]:
    """Human lines summarising a daemon's status."""
    lines = [
        f"pylvsd is running (pid {status.get('pid')}, up {status.get('uptime')} s) "
        f"on {status.get('socket')}",
        f"  table: {status.get('services')} service(s), {status.get('dests')} "
        f"destination(s), {status.get('conns')} connection(s)",
        f"  rules file: {status.get('rules')}",
    ]
    interfaces = status.get("interfaces") or []
    if interfaces:
        where = status.get("datapath_detail") or ", ".join(interfaces)
        lines.append(f"  datapath: {status.get('datapath')} on {where}")
    else:
        lines.append("  datapath: none (control only)")
    if status.get("code"):
        lines.append(f"  core and packet: {status['code']}")
    counters = status.get("datapath_counters") or {}
    if counters:
        lines.append("  " + " ".join(f"{k}={v}" for k, v in sorted(counters.items())))
    return lines


def _status(args: argparse.Namespace) -> int:
    socket_path = args.socket or default_socket_path()
    try:
        with Client(socket_path) as client:
            status = client.status()
    except DaemonUnavailable as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            _err(str(exc))
            return 1
        print(f"pylvsd is not running: {exc}")
        return STATUS_NOT_RUNNING
    except ControlError as exc:
        _err(exc.message)
        return 1
    print("\n".join(describe(status)))
    return 0
