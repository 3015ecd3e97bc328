"""pylvs-ipvsadm against the real ipvsadm 1.31: same stdout, stderr and exit code, byte for byte.

Each scenario in tests/golden/ipvsadm runs, command by command, through
``pylvs.cli.ipvsadm.main`` on a fresh in-process table (the daemon's own
request dispatch, no socket); the seed's scenario also runs against a real pylvsd
over its unix socket. Regenerate the outputs with ``tests/golden/ipvsadm/regen.sh``.
"""

from __future__ import annotations

import io
import ipaddress
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pylvs.cli.ipvsadm import main
from pylvs.control.client import Client
from pylvs.control.transport import InProcess
from pylvs.core.ipvs import IPVS
from pylvs.core.schedulers import scheduler_class
from pylvs.ipvsadm.help import VERSION_LINE, usage
from pylvs.ipvsadm.resolve import StaticResolver, SystemResolver

SYNC_UNAVAILABLE_LINE = "the connection synchronisation daemon is not available in this version\n"
GOLDEN_DIR = Path(__file__).resolve().parents[1] / "golden" / "ipvsadm"
_SECTION = re.compile(rb"--- (stdin|stdout|stderr) \((\d+) bytes\):\n")


@dataclass
class Step:
    """One command of a scenario and what the real ipvsadm did."""

    argv: list[str]
    stdin: str
    stdout: str
    stderr: str
    rc: int


def oracle_resolver(script: str = "") -> StaticResolver:
    """Name look-ups as in the oracle VM: its /etc/hosts (no DNS) plus the lines a scenario
    appends to it (``echo 'ADDR NAME' >> /etc/hosts``), and the usual services file."""
    lo4, lo6 = bytes([127, 0, 0, 1]), bytes(15) + b"\x01"
    resolver = StaticResolver(
        hosts={"localhost": lo4}, names={lo4: "localhost", lo6: "localhost"},
        fallback=SystemResolver(),
    )
    for addr, name in re.findall(r"^echo '(\S+) (\S+)' >> /etc/hosts$", script, flags=re.M):
        packed = ipaddress.ip_address(addr).packed
        resolver.names.setdefault(packed, name)
        if len(packed) == 4:
            resolver.hosts[name] = packed
    return resolver


def scenario_names() -> list[str]:
    """Every scenario with a recorded output."""
    return sorted(p.stem for p in GOLDEN_DIR.glob("*.out"))


def _argvs(script: str) -> list[list[str]]:
    out = []
    for line in script.splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "run":
            out.append(words[2:])
        elif words and words[0] == "runin":
            out.append(words[3:])
    return out


def load(name: str) -> list[Step]:
    """The steps of scenario ``name``: argv from NAME.sh, results from NAME.out."""
    argvs = _argvs((GOLDEN_DIR / f"{name}.sh").read_text())
    data = (GOLDEN_DIR / f"{name}.out").read_bytes()
    steps: list[Step] = []
    pos = 0
    while pos < len(data):
        end = data.index(b"\n", pos)
        header = data[pos:end].decode()
        assert header.startswith("### $ ipvsadm"), f"{name}: unexpected line {header!r}"
        pos = end + 1
        parts = {"stdin": b"", "stdout": b"", "stderr": b""}
        while m := _SECTION.match(data, pos):
            size = int(m.group(2))
            parts[m.group(1).decode()] = data[m.end() : m.end() + size]
            pos = m.end() + size
        m2 = re.compile(rb"### rc=(\d+)\n\n").match(data, pos)
        assert m2, f"{name}: no rc after {header!r}"
        pos = m2.end()
        argv = argvs[len(steps)]
        assert header == " ".join(["### $ ipvsadm", *argv]), (header, argv)
        steps.append(Step(argv, parts["stdin"].decode(), parts["stdout"].decode(),
                          parts["stderr"].decode(), int(m2.group(1))))
    assert len(steps) == len(argvs), f"{name}: {len(argvs)} commands, {len(steps)} results"
    return steps


KERNEL_SCHEDULERS = ("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo",
                     "ovf", "mh")


def _missing_schedulers(name: str) -> list[str]:
    script = (GOLDEN_DIR / f"{name}.sh").read_text()
    used = set(re.findall(r"(?:-s|--scheduler[ =])\s*(\w+)", script))
    return sorted(s for s in used if s in KERNEL_SCHEDULERS and scheduler_class(s) is None)


@pytest.mark.parametrize("name", scenario_names())
def test_scenario_matches_ipvsadm(name: str) -> None:
    missing = _missing_schedulers(name)
    if missing:
        pytest.skip(f"schedulers not in pylvs.core yet: {', '.join(missing)}")
    client = Client(transport=InProcess(IPVS()))
    resolver = oracle_resolver((GOLDEN_DIR / f"{name}.sh").read_text())
    for step in load(name):
        out, err = io.StringIO(), io.StringIO()
        rc = main(step.argv, client=client, stdin=io.StringIO(step.stdin), stdout=out,
                  stderr=err, resolver=resolver, prog="ipvsadm")
        where = f"{name}: ipvsadm {' '.join(step.argv)}"
        if step.stdout.startswith(VERSION_LINE + "Usage:"):  # our own help text instead
            assert (out.getvalue(), err.getvalue(), rc) == (usage("ipvsadm"), step.stderr,
                                                            step.rc), where
            continue
        if step.rc == 0 and "--daemon" in step.argv:  # no sync daemon yet: a clear failure
            assert (out.getvalue(), err.getvalue(), rc) == ("", SYNC_UNAVAILABLE_LINE, 1), where
            continue
        if step.stderr == "Segmentation fault\n":  # ipvsadm 1.31 crashes on "-b ,"
            assert rc != 0 and out.getvalue() == "", where
            continue
        assert err.getvalue() == step.stderr, where
        assert out.getvalue() == step.stdout, where
        assert rc == step.rc, where


# -- the same through a real pylvsd and its unix socket ----------------------------

BIN = Path(sys.executable).parent


@pytest.fixture
def daemon_socket(tmp_path: Path) -> Iterator[str]:
    sock = str(tmp_path / "pylvsd.sock")
    proc = subprocess.Popen(
        [str(BIN / "pylvsd"), "--socket", sock, "--rules", str(tmp_path / "rules"),
         "--datapath", "none", "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            if os.path.exists(sock) or proc.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(sock):
            errors = proc.stderr.read().decode() if proc.stderr else ""
            pytest.fail(f"pylvsd did not start: {errors}")
        yield sock
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_seed_scenario_over_the_socket(daemon_socket: str) -> None:
    client = Client(daemon_socket)
    resolver = oracle_resolver()
    for step in load("seed"):
        out, err = io.StringIO(), io.StringIO()
        rc = main(step.argv, client=client, stdin=io.StringIO(step.stdin), stdout=out,
                  stderr=err, resolver=resolver, prog="ipvsadm")
        assert (out.getvalue(), err.getvalue(), rc) == (step.stdout, step.stderr, step.rc), \
            step.argv
    client.close()


def test_console_script_talks_to_the_daemon(daemon_socket: str) -> None:
    env = dict(os.environ, PYLVS_SOCKET=daemon_socket)
    cmd = str(BIN / "pylvs-ipvsadm")
    add = subprocess.run([cmd, "-A", "-t", "198.18.0.150:80", "-s", "rr"], env=env,
                         capture_output=True, text=True, timeout=30)
    dup = subprocess.run([cmd, "-A", "-t", "198.18.0.150:80", "-s", "rr"], env=env,
                         capture_output=True, text=True, timeout=30)
    listing = subprocess.run([cmd, "-Ln"], env=env, capture_output=True, text=True, timeout=30)
    assert (add.returncode, add.stdout, add.stderr) == (0, "", "")
    assert (dup.returncode, dup.stderr) == (255, "Service already exists\n")
    assert listing.stdout.splitlines()[3] == "TCP  198.18.0.150:80 rr"
