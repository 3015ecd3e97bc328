"""The choice between the compiled (mypyc) modules and their sources."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pylvs.compiled as compiled

EXT = compiled._EXT


def _tree(root: Path, *, stale: str | None = None, missing: str | None = None) -> None:
    """A fake package tree with sources, extensions and the shared library."""
    for name in ("a", "b"):
        src = root / "pkg" / f"{name}.py"
        src.parent.mkdir(parents=True, exist_ok=True)
        src.write_text("x = 1\n")
        (src.parent / "__init__.py").write_text("")
        os.utime(src, (1000, 1000))
        if name != missing:
            ext = src.with_name(name + EXT)
            ext.write_bytes(b"")
            os.utime(ext, (2000, 2000))
    lib = root / ("grp__mypyc" + EXT)
    lib.write_bytes(b"")
    os.utime(lib, (2000, 2000))
    if stale is not None:
        os.utime(root / "pkg" / f"{stale}.py", (3000, 3000))


def test_fresh_extensions_are_used(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert compiled.stale_reason(["pkg"], tmp_path, "grp") is None


def test_a_source_newer_than_its_extension_means_sources(tmp_path: Path) -> None:
    _tree(tmp_path, stale="b")
    reason = compiled.stale_reason(["pkg"], tmp_path, "grp")
    assert reason is not None and "pkg/b.py changed" in reason


def test_a_module_without_extension_or_no_build_means_sources(tmp_path: Path) -> None:
    _tree(tmp_path, missing="a")
    assert "pkg/a.py has no compiled module" in str(compiled.stale_reason(["pkg"], tmp_path, "grp"))
    assert "not compiled" in str(compiled.stale_reason(["pkg"], tmp_path, "other"))


def test_init_files_are_never_compiled(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert [p.name for p in compiled.sources(["pkg"], tmp_path)] == ["a.py", "b.py"]


def _loaded_from(env: dict[str, str]) -> list[str]:
    code = ("import pylvs.compiled as c, pylvs.core.engine as e, pylvs.packet.parse as p;"
            "print(c.status()); print(e.__file__); print(p.__file__)")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env},
                         capture_output=True, text=True, check=True).stdout
    return out.splitlines()


def test_pylvs_pure_loads_every_compiled_package_from_source() -> None:
    status, engine, parse = _loaded_from({"PYLVS_PURE": "1"})
    assert status == "sources (PYLVS_PURE is set)"
    assert engine.endswith("core/engine.py") and parse.endswith("packet/parse.py")


def test_without_pylvs_pure_the_status_names_what_runs() -> None:
    status, engine, parse = _loaded_from({"PYLVS_PURE": ""})
    if compiled.stale_reason() is None:  # `make native` ran and nothing changed since
        assert status == "compiled (mypyc)"
        assert engine.endswith(EXT) and parse.endswith(EXT)
    else:
        assert status.startswith("sources (")
        assert engine.endswith(".py") and parse.endswith(".py")


def test_director_status_says_which_code_runs() -> None:
    from pylvs.cli.director import describe

    lines = describe({"pid": 1, "uptime": 2.0, "socket": "s", "interfaces": [],
                      "code": compiled.status()})
    assert f"  core and packet: {compiled.status()}" in lines
