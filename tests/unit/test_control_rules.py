"""The rules file: atomic saves, missing file, all-or-nothing checks with line numbers."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pylvs.control import rules
from pylvs.control.rules import RulesFileError, read_rules_text, write_atomically


def test_write_atomically_replaces_whole_file_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "etc" / "rules"
    write_atomically(str(path), "old\n")
    write_atomically(str(path), "-A -t 198.18.0.150:80 -s rr\n")
    assert path.read_text() == "-A -t 198.18.0.150:80 -s rr\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(path.parent) == ["rules"]  # no temp file left


def test_failed_write_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "rules"
    path.write_text("old\n")

    def crash(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rules.os, "fsync", crash)
    with pytest.raises(OSError):
        write_atomically(str(path), "new\n" * 1000)
    assert path.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["rules"]


def test_missing_file_is_an_empty_ruleset(tmp_path: Path) -> None:
    assert read_rules_text(str(tmp_path / "none")) == ""
    assert rules.load_rules(str(tmp_path / "none")) == []


def test_unreadable_rules_path_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(RulesFileError) as exc:
        read_rules_text(str(tmp_path))  # a directory
    assert str(tmp_path) in str(exc.value)
