"""The compiled fast-path program, loaded once per test module (needs root and clang)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from pylvs.datapath.xdp.build import BuildError
from pylvs.datapath.xdp.libbpf import LibbpfError
from pylvs.datapath.xdp.loader import FastPathProgram


@pytest.fixture(scope="module")
def program() -> Iterator[FastPathProgram]:
    """The program loaded into the kernel (skipped without root)."""
    if os.geteuid() != 0:
        pytest.skip("loading BPF programs needs root")
    try:
        prog = FastPathProgram()
    except BuildError:
        raise
    except LibbpfError as exc:
        pytest.skip(f"this kernel does not load the program: {exc}")
    yield prog
    prog.close()


@pytest.fixture
def clean(program: FastPathProgram) -> FastPathProgram:
    """The program with an empty flow map."""
    for key in program.flow_keys():
        program.delete_flow(key)
    return program
