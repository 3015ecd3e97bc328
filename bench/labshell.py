"""Running commands on lab hosts, shared by the lab benchmarks (http.py, pps.py, peers.py)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pylvs.lab.lab import Lab

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (OSError once it is gone)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def attempt(lab: Lab, role: str, *cmd: str, timeout: float = 120) -> tuple[int, str]:
    """Run ``cmd`` on a lab host; its exit status and its stdout + stderr (never raises)."""
    argv, env = lab.exec_argv(role, list(cmd))
    try:
        proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        return 124, f"timed out after {timeout:g} s"
    return proc.returncode, proc.stdout + proc.stderr


def sh(lab: Lab, role: str, *cmd: str, timeout: float = 120) -> str:
    """Run ``cmd`` on a lab host; its stdout (fails loudly with stderr)."""
    argv, env = lab.exec_argv(role, list(cmd))
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{role}: {' '.join(cmd)} failed ({proc.returncode}):"
                         f" {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout


def spawn(lab: Lab, role: str, *cmd: str, log: Path) -> subprocess.Popen[bytes]:
    """Start ``cmd`` in the background on a lab host, its output into ``log``.

    ``ip netns exec`` replaces itself with ``cmd``, so the returned process is ``cmd``.
    """
    argv, env = lab.exec_argv(role, list(cmd))
    with log.open("wb") as out:
        return subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
