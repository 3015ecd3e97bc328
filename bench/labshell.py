"""Running commands on lab hosts, shared by the lab benchmarks (http.py, pps.py)."""

from __future__ import annotations

import subprocess

from pylvs.lab.lab import Lab


def sh(lab: Lab, role: str, *cmd: str, timeout: float = 120) -> str:
    """Run ``cmd`` on a lab host; its stdout (fails loudly with stderr)."""
    argv, env = lab.exec_argv(role, list(cmd))
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{role}: {' '.join(cmd)} failed ({proc.returncode}):"
                         f" {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout
