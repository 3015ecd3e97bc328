"""Malformed keepalived.conf files and the exact error of each (golden/keepalived/malformed).

``NAME.err`` holds the message with the file named relative to the corpus directory.
Regenerate after a deliberate change with ``PYLVS_REGEN=1``.
"""

from __future__ import annotations

import os
import pathlib

import pytest

from pylvs.config import ConfigError, load_config

CORPUS = pathlib.Path(__file__).resolve().parents[1] / "golden" / "keepalived" / "malformed"
NAMES = sorted(p.stem for p in CORPUS.glob("*.conf"))


def _error(name: str) -> str:
    path = CORPUS / f"{name}.conf"
    with pytest.raises(ConfigError) as info:
        load_config(str(path))
    return str(info.value).replace(str(CORPUS) + "/", "") + "\n"


def test_corpus_size() -> None:
    assert len(NAMES) >= 10


@pytest.mark.parametrize("name", NAMES)
def test_malformed_file_error(name: str) -> None:
    got = _error(name)
    golden = CORPUS / f"{name}.err"
    if os.environ.get("PYLVS_REGEN"):
        golden.write_text(got)
    assert got == golden.read_text()
    assert got.startswith(f"{name}.conf:")  # every error names the file and line
