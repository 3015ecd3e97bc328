"""``pylvs lab up/down/status/exec``: what gets built, and that nothing is left behind."""

from __future__ import annotations

import subprocess

import pytest
from labhelpers import namespaces_with, pylvs

from pylvs.lab.errors import LabError
from pylvs.lab.lab import Lab
from pylvs.lab.system import alive, stop_processes

pytestmark = pytest.mark.lab


def test_up_then_down_leaves_no_namespace_and_no_process(prefix: str) -> None:
    up = pylvs("lab", "up", "--prefix", prefix, "--datapath", "none")
    assert up.returncode == 0, up.stderr
    expected = {prefix + role for role in ("switch", "client", "director", "rs1", "rs2")}
    assert set(namespaces_with(prefix)) == expected
    state = Lab(prefix).state()
    assert state is not None and state.daemon_pid is not None
    pids = [state.daemon_pid, *state.nginx_pids.values()]
    assert all(alive(pid) for pid in pids)
    status = pylvs("lab", "status", "--prefix", prefix)
    assert status.returncode == 0, status.stdout
    assert "198.18.0.150/32" in status.stdout and "real server ready" in status.stdout

    down = pylvs("lab", "down", "--prefix", prefix)
    assert down.returncode == 0, down.stderr
    assert namespaces_with(prefix) == []
    assert not any(alive(pid) for pid in pids)
    assert not Lab(prefix).dir.exists()
    assert pylvs("lab", "status", "--prefix", prefix).returncode == 1


def test_up_is_idempotent_and_repairs_a_broken_lab(prefix: str) -> None:
    first = Lab(prefix).up("dr", 1, "none")
    again = Lab(prefix).up("dr", 1, "none")
    assert again == first
    assert set(namespaces_with(prefix)) == {prefix + r for r in ("switch", "client", "director",
                                                                 "rs1")}
    stop_processes([first.nginx_pids["rs1"]])
    status = pylvs("lab", "status", "--prefix", prefix)
    assert status.returncode == 1
    assert "! nginx" in status.stdout and "is not running" in status.stdout
    repaired = Lab(prefix).up("dr", 1, "none")
    assert repaired.nginx_pids["rs1"] != first.nginx_pids["rs1"]
    assert pylvs("lab", "status", "--prefix", prefix).returncode == 0


def test_failure_in_the_middle_of_up_removes_everything(prefix: str) -> None:
    lab = Lab(prefix, nginx_path="/nonexistent/nginx")
    with pytest.raises(LabError, match="nginx"):
        lab.up("dr", 2, "none")
    assert namespaces_with(prefix) == []
    assert not lab.dir.exists()


def test_down_cleans_up_after_a_crash(prefix: str) -> None:
    # What a killed `lab up` leaves: some namespaces, a process in one, no state file.
    for role in ("switch", "client", "rs1"):
        subprocess.run(["ip", "netns", "add", prefix + role], check=True)
    stray = subprocess.Popen(["ip", "netns", "exec", prefix + "rs1", "sleep", "60"])
    unrelated = prefix + "notalabhost"
    subprocess.run(["ip", "netns", "add", unrelated], check=True)
    try:
        down = pylvs("lab", "down", "--prefix", prefix)
        assert down.returncode == 0, down.stderr
        assert namespaces_with(prefix) == [unrelated]
        assert stray.wait(timeout=10) != 0  # stopped by a signal
    finally:
        stray.kill()
        subprocess.run(["ip", "netns", "del", unrelated], check=False)


def test_exec_runs_in_the_host_with_the_labs_socket(shared_lab: Lab) -> None:
    out = pylvs(
        "lab", "exec", "--prefix", shared_lab.prefix, "director", "--",
        "sh", "-c", "echo $PYLVS_SOCKET; command -v pylvs-ipvsadm; ip -br addr show dev eth0",
    )
    assert out.returncode == 0, out.stderr
    socket, ipvsadm, addrs = out.stdout.splitlines()
    assert socket == str(shared_lab.socket)
    assert ipvsadm.endswith("/bin/pylvs-ipvsadm")
    assert "198.18.0.151/24" in addrs and "198.18.0.150/32" in addrs
    code = pylvs("lab", "exec", "--prefix", shared_lab.prefix, "client", "--", "sh", "-c",
                 "exit 7")
    assert code.returncode == 7


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lab", "exec", "HOST", "--", "true"], "no host 'nosuchhost'"),
        (["lab", "exec", "client"], "give a command"),
    ],
)
def test_exec_refuses_bad_input(shared_lab: Lab, args: list[str], message: str) -> None:
    args = [a.replace("HOST", "nosuchhost") for a in args]
    out = pylvs(*args[:2], "--prefix", shared_lab.prefix, *args[2:])
    assert out.returncode != 0
    assert message in out.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mode", "gre"], "invalid choice: 'gre'"),
        (["--real-servers", "0"], "--real-servers must be between"),
    ],
)
def test_up_refuses_bad_input_and_builds_nothing(
    prefix: str, args: list[str], message: str
) -> None:
    out = pylvs("lab", "up", "--prefix", prefix, *args)
    assert out.returncode != 0
    assert message in out.stderr
    assert namespaces_with(prefix) == []


def test_bad_prefix_is_refused() -> None:
    out = pylvs("lab", "up", "--prefix", "bad/prefix")
    assert out.returncode != 0
    assert "bad prefix" in out.stderr
