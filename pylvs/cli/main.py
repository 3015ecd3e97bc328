"""``pylvs``: the command with subcommands (director, service, realserver, lab, ...)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from pylvs.cli import director, health, lab, realserver, service
from pylvs.control.client import ControlError, DaemonUnavailable

# Each module adds its subcommand with ``register(subparsers)``; its parsers set ``func``.
# A module may also provide ``run(args) -> int`` to wrap its commands (its own errors).
SUBCOMMAND_MODULES: tuple[ModuleType, ...] = (director, service, realserver, lab, health)


def build_parser() -> argparse.ArgumentParser:
    """The ``pylvs`` argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="pylvs", description="pylvs: Linux Virtual Server in Python"
    )
    parser.set_defaults(func=lambda _a: parser.error("choose a command"), runner=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMAND_MODULES:
        before = set(sub.choices)
        module.register(sub)
        runner: Callable[[argparse.Namespace], int] | None = getattr(module, "run", None)
        for name in set(sub.choices) - before:
            sub.choices[name].set_defaults(runner=runner)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``pylvs``; errors are one line on stderr and a non-zero exit."""
    args = build_parser().parse_args(argv)
    try:
        if args.runner is not None:
            return int(args.runner(args))
        return int(args.func(args))
    except DaemonUnavailable as exc:
        print(f"pylvs: {exc}", file=sys.stderr)
        return 1
    except ControlError as exc:
        print(f"pylvs: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
