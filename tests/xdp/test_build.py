"""Building and loading: the verifier accepts the program; a missing tool or header
fails loudly, naming the Debian package."""

from __future__ import annotations

from pathlib import Path

import pytest

from pylvs.datapath.xdp import build
from pylvs.datapath.xdp.loader import FastPathProgram


def test_verifier_accepts_the_program(program: FastPathProgram) -> None:
    assert program.prog_fd > 0
    assert set(program.map_fds) == {"flows", "flow_stats", "stat_counters"}
    assert set(program.counters()) == {"forwarded", "miss", "state", "unhandled", "not_ip"}


def test_missing_clang_names_the_package(monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    monkeypatch.setattr(build.shutil, "which", lambda name: None)
    with pytest.raises(build.BuildError, match="install the Debian packages clang"):
        build.build(tmp_path)
    assert not list(tmp_path.glob("*.o"))


@pytest.mark.parametrize(("header", "package"), [("bpf/bpf_helpers.h", "libbpf-dev"),
                                                 ("asm/types.h", "linux-libc-dev")])
def test_missing_header_names_the_package(header: str, package: str) -> None:
    stderr = f"fastpath.c:3:10: fatal error: '{header}' file not found\n"
    assert build._explain(stderr).endswith(f"install the Debian package {package}")


def test_build_is_cached_and_keyed_by_the_sources(tmp_path: Path) -> None:
    if build.shutil.which("clang") is None:
        pytest.skip("clang is not installed")
    first = build.build(tmp_path)
    assert first.exists() and first.read_bytes()[:4] == b"\x7fELF"
    mtime = first.stat().st_mtime_ns
    assert build.build(tmp_path) == first and first.stat().st_mtime_ns == mtime
    assert (tmp_path / "gen" / "tcp_table.h").read_text() == build.tcp_table_header()
