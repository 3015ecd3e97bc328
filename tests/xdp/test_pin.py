"""Maps are pinned under a pylvs directory of a bpffs and removed on close (run in a
private mount namespace with its own bpffs, so the host's mounts are untouched)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.root,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root"),
    pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare (util-linux)"),
]

SCRIPT = """
import json, os, subprocess, sys
from pathlib import Path
from pylvs.datapath.xdp.loader import FastPathProgram
fs = Path(sys.argv[1])
plain = FastPathProgram()
unmounted = plain.pin("eth0", fs / "pylvs")  # not a bpffs yet: nothing pinned
plain.close()
subprocess.run(["mount", "-t", "bpf", "bpf", str(fs)], check=True)
prog = FastPathProgram()
where = prog.pin("eth0-eth1", fs / "pylvs")
pinned = sorted(os.listdir(where))
prog.close()
print(json.dumps({"unmounted": unmounted is None, "where": str(where), "pinned": pinned,
                  "left": os.path.exists(fs / "pylvs")}))
"""


def test_pinned_under_pylvs_and_removed(tmp_path: Path) -> None:
    fs = tmp_path / "bpffs"
    fs.mkdir()
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable,
                           "-c", SCRIPT, str(fs)], capture_output=True, text=True, timeout=60,
                          env=env)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got == {"unmounted": True, "where": str(fs / "pylvs" / "eth0-eth1"),
                   "pinned": ["flow_stats", "flows", "stat_counters"], "left": False}
