"""MISC_CHECK: an external script decides (exit 0 up, 1 down; 2..255 weight-2 if dynamic)."""

from __future__ import annotations

import asyncio
import contextlib
import shlex

from pylvs.health.base import Checker, CheckResult


class MiscChecker(Checker):
    """Runs ``misc_path`` (split like a shell command line, not run by a shell)."""

    kind = "MISC_CHECK"

    def time_limit(self) -> float:
        """``misc_timeout`` (default: the delay loop), plus a moment to reap the script."""
        return (self.cfg.misc_timeout or self.cfg.delay_loop) + 1.0

    async def attempt(self) -> CheckResult:
        """Run the script once and read its exit status."""
        argv = shlex.split(self.cfg.misc_path)
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL, start_new_session=True,
            )
        except OSError as exc:
            return CheckResult(False, f"cannot run {argv[0]}: {exc.strerror or exc}")
        timeout = self.cfg.misc_timeout or self.cfg.delay_loop
        try:
            code = await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
            return CheckResult(False, f"script timed out after {timeout:g}s")
        return interpret_exit(code, self.cfg.misc_dynamic)


def interpret_exit(code: int, dynamic: bool) -> CheckResult:
    """keepalived's convention for a MISC_CHECK exit status."""
    if code == 0:
        return CheckResult(True, "exit 0")
    if dynamic and 2 <= code <= 255:
        return CheckResult(True, f"exit {code}: weight {code - 2}", weight=code - 2)
    if code < 0:
        return CheckResult(False, f"killed by signal {-code}")
    return CheckResult(False, f"exit {code}")
