"""``pylvs realserver setup|teardown|check``: prepare a host to be an LVS-DR real server."""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path

from pylvs.realserver.check import Level, check, ready
from pylvs.realserver.errors import RealServerError
from pylvs.realserver.network import IPAddress
from pylvs.realserver.setup import DEFAULT_STATE_DIR, check_mode, setup, teardown


def _vip(text: str) -> IPAddress:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an IPv4 or IPv6 address: {text!r}") from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``realserver`` command to the ``pylvs`` command line."""
    parser = subparsers.add_parser(
        "realserver",
        help="prepare this host as an LVS-DR or LVS-TUN real server",
        description="Put VIPs on lo with ARP suppressed (LVS-DR real server; with --mode tun "
        "also decapsulate the director's tunnel packets), undo it, or check that the host "
        "is ready.",
    )
    _add_commands(parser)


def _add_commands(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(func=lambda _args: parser.error("choose setup, teardown or check"))
    sub = parser.add_subparsers(dest="realserver_command", metavar="{setup,teardown,check}")
    state = argparse.ArgumentParser(add_help=False)
    state.add_argument(
        "--state-dir",
        type=Path,
        default=DEFAULT_STATE_DIR,
        help=f"where setup records what it changed (default {DEFAULT_STATE_DIR})",
    )
    vips = argparse.ArgumentParser(add_help=False)
    vips.add_argument(
        "--vip", type=_vip, action="append", required=True, metavar="ADDR",
        help="a virtual IP (IPv4 or IPv6); repeat for several",
    )
    vips.add_argument(
        "--mode", choices=("dr", "tun", "nat"), default="dr",
        help="forwarding method (default dr; nat needs no real-server setup)"
    )

    p = sub.add_parser("setup", parents=[vips, state], help="put the VIPs on lo, suppress ARP")
    p.add_argument("--persist", action="store_true", help="also apply at every boot (dr)")
    p.add_argument(
        "--interface", action="append", metavar="IFACE",
        help="with --mode tun: where tunnel packets arrive (default every interface up)",
    )
    p.add_argument(
        "--root", type=Path, default=Path("/"),
        help="with --persist: write /etc files under this directory (default /)",
    )
    p.set_defaults(func=_setup)
    p = sub.add_parser("teardown", parents=[state], help="undo exactly what setup did")
    p.set_defaults(func=_teardown)
    p = sub.add_parser("check", parents=[vips], help="explain what keeps this host from serving")
    p.set_defaults(func=_check)


def _setup(args: argparse.Namespace) -> int:
    check_mode(args.mode)
    done = setup(
        args.vip, mode=args.mode, state_dir=args.state_dir,
        persist_root=args.root if args.persist else None, interfaces=args.interface,
    )
    for line in done or ["nothing to change: already set up"]:
        print(line)
    return 0


def _teardown(args: argparse.Namespace) -> int:
    for line in teardown(state_dir=args.state_dir) or ["nothing was left to undo"]:
        print(line)
    return 0


def _check(args: argparse.Namespace) -> int:
    check_mode(args.mode)
    findings = check(args.vip, mode=args.mode)
    ok = ready(findings)
    method = "LVS-TUN" if args.mode == "tun" else "LVS-DR"
    print(f"ready: this host can serve as an {method} real server" if ok else "NOT READY")
    order = {Level.PROBLEM: 0, Level.WARNING: 1, Level.OK: 2}
    for finding in sorted(findings, key=lambda f: order[f.level]):
        print(f"{finding.level.value}: {finding.text}")
    return 0 if ok else 1


def run(args: argparse.Namespace) -> int:
    """Run a parsed ``realserver`` command; errors become one line on stderr and exit 1."""
    try:
        return int(args.func(args))
    except RealServerError as exc:
        print(f"pylvs realserver: {exc}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point: ``python -m pylvs.cli.realserver setup ...``."""
    parser = argparse.ArgumentParser(prog="pylvs realserver")
    _add_commands(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
