"""The lab director's daemon (``pylvsd`` in the director namespace) and other lab processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pylvs.lab.errors import LabError
from pylvs.lab.system import alive, in_netns, stop_processes

DATAPATHS = ("auto", "python", "xdp", "none")
START_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class DaemonStart:
    """How the lab director's daemon ended up running."""

    pid: int
    datapath: str  # what was asked for the packets: auto/python/xdp, or none (control only)
    argv: tuple[str, ...]
    note: str = ""


def venv_bin() -> Path:
    """The directory of this Python's commands (the venv's ``bin``)."""
    return Path(sys.executable).parent


def daemon_argv(socket: Path, workdir: Path, datapath: str,
                interfaces: tuple[str, ...] = ("eth0",), config: str | None = None,
                xdp_mode: str = "auto") -> list[str]:
    """The ``pylvsd`` command line for the lab director (``config``: its ``--config``)."""
    argv = [
        str(venv_bin() / "pylvsd"),
        "--socket", str(socket),
        "--rules", str(workdir / "rules"),
        "--pidfile", str(workdir / "pylvsd.pid"),
    ]
    if config:
        argv += ["--config", config]
    if datapath != "none":
        for name in interfaces:
            argv += ["--interface", name]
        argv += ["--datapath", datapath]
        if xdp_mode != "auto":
            argv += ["--xdp-mode", xdp_mode]
    return argv


def start(netns: str, socket: Path, workdir: Path, datapath: str,
          interfaces: tuple[str, ...] = ("eth0",), config: str | None = None,
          xdp_mode: str = "auto") -> DaemonStart:
    """Start pylvsd in ``netns`` and wait for its control socket.

    With ``datapath="auto"``, a daemon that cannot serve packets on eth0 yet is restarted
    control-only, and the returned note says so; any other choice fails loudly.
    """
    if datapath not in DATAPATHS:
        raise LabError(f"unknown datapath {datapath!r}: choose one of {', '.join(DATAPATHS)}")
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "rules").touch()
    try:
        return _start(netns, socket, workdir, datapath, interfaces, config, xdp_mode)
    except LabError as exc:
        if datapath != "auto":
            raise
        started = _start(netns, socket, workdir, "none", interfaces, config)
        where = " ".join(f"--interface {name}" for name in interfaces)
        note = f"packets are not served (control only): with {where}, {exc}"
        return DaemonStart(started.pid, "none", started.argv, note)


def _start(netns: str, socket: Path, workdir: Path, datapath: str,
           interfaces: tuple[str, ...], config: str | None = None,
           xdp_mode: str = "auto") -> DaemonStart:
    argv = daemon_argv(socket, workdir, datapath, interfaces, config, xdp_mode)
    log = workdir / "pylvsd.log"
    socket.unlink(missing_ok=True)
    env = dict(os.environ, PYLVS_SOCKET=str(socket))
    with log.open("ab") as out:
        proc = subprocess.Popen(
            in_netns(netns, argv), stdin=subprocess.DEVNULL, stdout=out, stderr=out,
            env=env, start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LabError(f"pylvsd exited at start (status {proc.returncode}): {_tail(log)}")
        if socket.exists():
            return DaemonStart(proc.pid, datapath, tuple(argv))
        time.sleep(0.05)
    stop_processes([proc.pid])
    raise LabError(f"pylvsd did not open {socket} within {START_TIMEOUT:.0f} s: {_tail(log)}")


def running(pid: int | None) -> bool:
    """Whether the recorded daemon still runs."""
    return pid is not None and alive(pid)


def _tail(log: Path, lines: int = 1) -> str:
    try:
        text = log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return "(no log)"
    text = [t for t in text if "Warning:" not in t]
    return " | ".join(t.strip() for t in text[-lines:]) or "(empty log)"


def spawn(argv: list[str], log: Path, pidfile: Path, timeout: float = START_TIMEOUT) -> int:
    """Start a long-running lab process and wait until it writes ``pidfile``; its pid."""
    pidfile.unlink(missing_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LabError(f"{' '.join(argv[-6:])} exited at start: {_tail(log)}")
        try:
            return int(pidfile.read_text().strip())
        except (OSError, ValueError):
            time.sleep(0.05)
    stop_processes([proc.pid])
    raise LabError(f"{argv[-1]} did not start within {timeout:.0f} s: {_tail(log)}")
