"""pylvs-ipvsadm beyond what the golden files cover: no daemon, sync daemon, help, messages."""

from __future__ import annotations

import errno
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pylvs.cli.ipvsadm import main
from pylvs.control.client import Client
from pylvs.control.transport import InProcess
from pylvs.core.ipvs import IPVS
from pylvs.ipvsadm.messages import kernel_message
from pylvs.ipvsadm.options import OPTIONS
from pylvs.ipvsadm.resolve import StaticResolver


def run(argv: list[str], client: Client, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    rc = main(argv, client=client, stdin=io.StringIO(stdin), stdout=out, stderr=err,
              resolver=StaticResolver(), prog="ipvsadm")
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture
def client() -> Client:
    return Client(transport=InProcess(IPVS()))


@pytest.mark.parametrize("argv", [
    [], ["-Ln"], ["-A", "-t", "198.18.0.150:80"], ["-a", "-t", "198.18.0.150:80", "-r",
    "198.18.0.171"], ["-C"], ["-S", "-n"], ["-Z"], ["--set", "1", "2", "3"], ["-R"],
    ["-Lnc"], ["-L", "--timeout"], ["-D", "-t", "198.18.0.150:80"],
])
def test_no_daemon_prints_one_line_and_fails(argv: list[str], tmp_path: object) -> None:
    sock = f"{tmp_path}/missing.sock"
    rc, out, err = run(argv, Client(sock), "-A -t 198.18.0.150:80\n")
    assert rc != 0
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n")
    assert sock in err


def test_bad_command_line_is_refused_before_the_daemon_is_needed(tmp_path: object) -> None:
    rc, _, err = run(["-A", "-t", "198.18.0.150:80", "-w", "3"], Client(f"{tmp_path}/x"))
    assert (rc, err) == (2, "Illegal 'weight' option with the 'add-service' command\n")


@pytest.mark.parametrize("argv", [
    ["--start-daemon", "master"],
    ["--start-daemon", "backup", "--mcast-interface", "eth1", "--syncid", "7"],
    ["--stop-daemon", "master"],
])
def test_sync_daemon_commands_fail_clearly(client: Client, argv: list[str]) -> None:
    rc, out, err = run(argv, client)
    assert rc == 255
    assert out == ""
    assert "not available in this version" in err


def test_sync_daemon_listing_fails_clearly(client: Client) -> None:
    assert run(["-L", "--daemon"], client) == (
        1, "", "the connection synchronisation daemon is not available in this version\n")


def test_help_covers_every_option_and_exits_like_ipvsadm(tmp_path: object) -> None:
    rc, out, err = run(["-h"], Client(f"{tmp_path}/no-daemon-needed"))
    assert (rc, err) == (0, "")
    for opt in OPTIONS:
        if opt.long:
            assert f"--{opt.long}" in out, opt.long
        if opt.short:
            assert f"-{opt.short}" in out, opt.short
    assert run(["--help"], Client(f"{tmp_path}/x"))[1] == out


def test_version_line(client: Client) -> None:
    assert run(["-v"], client) == (
        0, "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n", "")


def test_failed_restore_line_keeps_earlier_lines(client: Client) -> None:
    rc, _, err = run(["-R"], client, "-A -t 198.18.0.150:80\n-A -t 198.18.0.150:81 -w 1\n"
                     "-A -t 198.18.0.150:82\n")
    assert (rc, err) == (2, "Illegal 'weight' option with the 'add-service' command\n")
    listing = run(["-Ln"], client)[1]
    assert "198.18.0.150:80 " in listing
    assert "198.18.0.150:82" not in listing


@pytest.mark.parametrize(("op", "err", "detail", "want"), [
    ("add_service", errno.EEXIST, "", "Service already exists"),
    ("edit_service", errno.ENOENT, "scheduler 'x' not found",
     "Scheduler or persistence engine not found"),
    ("add_dest", errno.ERANGE, "weight less than zero", "Numerical result out of range"),
    ("del_dest", errno.ENOENT, "", "No such destination"),
    ("zero", errno.ESRCH, "", "No such service"),
    ("add_dest", errno.EINVAL, "not unicast",
     "Invalid operation.  Possibly wrong module version, address not unicast, ..."),
    ("start_daemon", errno.ENOSYS, "not available in this version",
     "not available in this version"),
    ("flush", errno.EPERM, "", "Permission denied (you must be root)"),
])
def test_kernel_messages(op: str, err: int, detail: str, want: str) -> None:
    assert kernel_message(op, err, detail) == want


class _BadStdin(io.StringIO):
    def read(self, size: int | None = -1) -> str:
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")


def test_unreadable_restore_input_is_refused(client: Client) -> None:
    out, err = io.StringIO(), io.StringIO()
    rc = main(["-R"], client=client, stdin=_BadStdin(), stdout=out, stderr=err,
              resolver=StaticResolver(), prog="ipvsadm")
    assert rc == 2
    assert err.getvalue().startswith("ipvsadm: cannot read the rules on standard input")
    assert client.list_services() == []


_WORDS = st.sampled_from([
    "-A", "-E", "-D", "-C", "-R", "-S", "-a", "-e", "-d", "-L", "-Z", "--set", "-n", "-c",
    "-t", "-u", "--sctp-service", "-f", "-6", "-s", "-p", "-M", "-r", "-g", "-i", "-m", "-w",
    "-x", "-y", "-b", "--pe", "-o", "--tun-type", "--tun-port", "--tun-csum", "--stats",
    "--rate", "--exact", "--timeout", "--daemon", "--start-daemon", "--stop-daemon", "master",
    "--syncid", "--mcast-group", "198.18.0.1:80", "[2001:db8::1]:80", "rr", "sh", "mh",
    "flag-1", "sh-port", "gue", "7", "0", "-1", "--", "-", "x",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_WORDS, st.text(max_size=12)), max_size=8))
def test_any_command_line_gives_a_status_never_an_exception(argv: list[str]) -> None:
    client = Client(transport=InProcess(IPVS()))
    out, err = io.StringIO(), io.StringIO()
    rc = main(argv, client=client, stdin=io.StringIO("-A -t 198.18.0.1:80\n"), stdout=out,
              stderr=err, resolver=StaticResolver(), prog="ipvsadm")
    assert rc in (0, 1, 2, 255)
    if rc not in (0, 1):
        assert err.getvalue().endswith("\n")
