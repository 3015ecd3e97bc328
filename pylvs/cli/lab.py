"""``pylvs lab up|down|status|exec|demo``: the seed's LVS-DR cluster in network namespaces."""

from __future__ import annotations

import argparse
import os
import sys

from pylvs.datapath import XDP_MODES
from pylvs.lab.director import DATAPATHS
from pylvs.lab.errors import LabError
from pylvs.lab.lab import Lab
from pylvs.lab.topology import DEFAULT_PREFIX, MAX_REAL_SERVERS


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``lab`` command to the ``pylvs`` command line."""
    parser = subparsers.add_parser(
        "lab",
        help="build the seed's LVS cluster from network namespaces",
        description="Client, director and real servers (nginx, a UDP echo server) in network "
        "namespaces: one L2 segment for DR and TUN, the real servers on a second segment "
        "behind the director for NAT; addresses in 198.18.0.0/15 and 2001:db8::/32.",
    )
    _add_commands(parser)


def _prog_progress(line: str) -> None:
    print(f"pylvs lab: {line}", file=sys.stderr, flush=True)


def _add_commands(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(func=lambda _a: parser.error("choose up, down, status, exec or demo"))
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--prefix", default=DEFAULT_PREFIX,
        help=f"namespace name prefix, so several labs can coexist (default {DEFAULT_PREFIX})",
    )
    shape = argparse.ArgumentParser(add_help=False)
    shape.add_argument("--mode", choices=("dr", "tun", "nat"), default="dr",
                       help="forwarding method the lab is wired for: dr, tun (real servers "
                       "decapsulate) or nat (real servers behind the director) (default dr)")
    shape.add_argument("--real-servers", type=int, default=2, metavar="N",
                       help=f"number of real servers, 1-{MAX_REAL_SERVERS} (default 2)")
    shape.add_argument("--datapath", choices=DATAPATHS, default="auto",
                       help="pylvsd's packet path on the director's eth0; auto falls back to "
                       "control only when the daemon cannot serve packets (default auto)")
    shape.add_argument("--xdp-mode", choices=XDP_MODES, default="auto",
                       help="how the director's XDP program attaches: native (driver mode; "
                       "the lab then puts XDP_PASS on the switch side of its veth) or generic "
                       "(skb mode); auto: generic on the lab's veth (default auto)")
    sub = parser.add_subparsers(dest="lab_command", metavar="{up,down,status,exec,demo}")
    p = sub.add_parser("up", parents=[common, shape], help="build the lab (idempotent)")
    p.add_argument("--config", metavar="FILE", default=None,
                   help="start the director's pylvsd with this keepalived.conf/TOML "
                   "configuration (health checks; addresses are the lab's)")
    p.set_defaults(func=_up)
    p = sub.add_parser("down", parents=[common], help="remove the lab, even a half-built one")
    p.set_defaults(func=_down)
    p = sub.add_parser("status", parents=[common], help="what runs where; exit 0 when healthy")
    p.set_defaults(func=_status)
    p = sub.add_parser("exec", parents=[common], help="run a command on a lab host",
                       usage="pylvs lab exec [--prefix P] HOST -- CMD [ARG...]")
    p.add_argument("host", help="client, director, rs1, rs2, ...")
    p.add_argument("cmd", nargs=argparse.REMAINDER, help="the command, after --")
    p.set_defaults(func=_exec)
    p = sub.add_parser("demo", parents=[common, shape],
                       help="build the lab, apply the seed's rules, show DR at work, clean up")
    p.add_argument("--keep", action="store_true", help="leave the lab up afterwards")
    p.set_defaults(func=_demo)


def _up(args: argparse.Namespace) -> int:
    lab = Lab(args.prefix, progress=_prog_progress)
    config = os.path.abspath(args.config) if args.config else None
    if config is not None and not os.path.isfile(config):
        print(f"pylvs lab: {args.config}: no such file", file=sys.stderr)
        return 2
    lab.up(args.mode, args.real_servers, args.datapath, config=config, xdp_mode=args.xdp_mode)
    ok, lines = lab.status()
    print("\n".join(lines))
    return 0 if ok else 1


def _down(args: argparse.Namespace) -> int:
    removed = Lab(args.prefix, progress=_prog_progress).down()
    print(f"removed {len(removed)} namespaces" + (f": {' '.join(removed)}" if removed else ""))
    return 0


def _status(args: argparse.Namespace) -> int:
    ok, lines = Lab(args.prefix).status()
    print("\n".join(lines))
    return 0 if ok else 1


def _exec(args: argparse.Namespace) -> int:
    cmd = list(args.cmd)
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    argv, env = Lab(args.prefix).exec_argv(args.host, cmd)
    sys.stdout.flush()
    os.execvpe(argv[0], argv, env)


def _demo(args: argparse.Namespace) -> int:
    from pylvs.lab.demo import run_demo

    return run_demo(
        args.prefix, mode=args.mode, real_servers=args.real_servers, datapath=args.datapath,
        xdp_mode=args.xdp_mode, keep=args.keep, progress=_prog_progress,
    )


def run(args: argparse.Namespace) -> int:
    """Run a parsed ``lab`` command; a LabError is one line on stderr and exit 1."""
    try:
        return int(args.func(args))
    except LabError as exc:
        print(f"pylvs lab: {exc}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point: ``python -m pylvs.cli.lab up ...``."""
    parser = argparse.ArgumentParser(prog="pylvs lab")
    _add_commands(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
