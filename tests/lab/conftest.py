"""Fixtures for lab tests: unique prefixes and namespaces that are always removed."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from labhelpers import namespaces_with, unique_prefix

from pylvs.lab.lab import Lab


def _lab_requirements() -> str | None:
    if os.geteuid() != 0:
        return "lab tests need root (network namespaces)"
    for tool in ("ip", "nginx", "curl", "ethtool"):
        if shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin") is None:
            return f"lab tests need {tool} (make venv installs it)"
    return None


@pytest.fixture(autouse=True, scope="session")
def _needs_lab_host() -> None:
    reason = _lab_requirements()
    if reason:
        pytest.skip(reason)


@pytest.fixture
def prefix() -> Iterator[str]:
    """A unique lab prefix; whatever lab gets built with it is removed afterwards."""
    p = unique_prefix()
    try:
        yield p
    finally:
        Lab(p).down()
        for leftover in namespaces_with(p):
            subprocess.run(["ip", "netns", "del", leftover], check=False)


@pytest.fixture(scope="session")
def shared_lab() -> Iterator[Lab]:
    """One DR lab (control-only director) for tests that only look at it."""
    lab = Lab(unique_prefix())
    try:
        lab.up("dr", 2, "none")
        yield lab
    finally:
        lab.down()


@pytest.fixture
def bare_netns() -> Iterator[str]:
    """A namespace with lo and a veth pair eth0/eth1 (both up), as a plain host; removed after."""
    name = unique_prefix() + "host"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        for cmd in (
            ["link", "set", "lo", "up"],
            ["link", "add", "eth0", "type", "veth", "peer", "name", "eth1"],
            ["link", "set", "eth0", "up"],
            ["link", "set", "eth1", "up"],
            ["addr", "add", "198.18.1.10/24", "dev", "eth0"],
        ):
            subprocess.run(["ip", "-n", name, *cmd], check=True)
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False)
