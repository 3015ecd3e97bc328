"""Whether pylvs runs its mypyc-compiled modules or their Python sources.

``make native`` compiles the pure layers (:data:`COMPILED`) with mypyc into C
extensions placed beside their sources. Python would import such an extension
even after its source changed, so :func:`guard` (run when ``pylvs`` is
imported) makes the whole set load from source when any extension is older
than its source, when one is missing, or when ``PYLVS_PURE=1`` is set. The
choice is all or nothing: compiled and interpreted copies of these layers
never mix in one process.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

COMPILED = ("pylvs.core", "pylvs.packet")  # packages compiled by `make native`
GROUP = "pylvs.native"  # mypyc's shared library: pylvs/native__mypyc.*.so
ROOT = Path(__file__).resolve().parent.parent
_EXT = importlib.machinery.EXTENSION_SUFFIXES[0]

_reason: str | None = None  # why sources are used; None while compiled modules are used


def sources(packages: Sequence[str] = COMPILED, root: Path = ROOT) -> list[Path]:
    """The modules of ``packages`` under ``root`` that get compiled.

    Package ``__init__`` files stay interpreted: a compiled ``__init__`` whose
    shared library lives in a parent package computes a wrong ``__path__``.
    """
    found: list[Path] = []
    for pkg in packages:
        found.extend(p for p in sorted((root / pkg.replace(".", "/")).rglob("*.py"))
                     if p.name != "__init__.py")
    return found


def stale_reason(packages: Sequence[str] = COMPILED, root: Path = ROOT,
                 group: str = GROUP) -> str | None:
    """Why the compiled modules cannot be used (None when every one is fresh)."""
    built = _mtime(root / (group.replace(".", "/") + "__mypyc" + _EXT))
    if built is None:
        return "not compiled (make native)"
    for src in sources(packages, root):
        compiled_at = _mtime(src.with_name(src.stem + _EXT))
        if compiled_at is None:
            return f"{src.relative_to(root)} has no compiled module (make native)"
        if src.stat().st_mtime > min(compiled_at, built):
            return f"{src.relative_to(root)} changed after it was compiled (make native)"
    return None


def _mtime(path: Path) -> float | None:
    """``path``'s modification time, None when it does not exist (one stat per file)."""
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return None


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Finds the compiled packages' modules as ``.py`` files, never as extensions.

    Packages themselves are left to the normal finders (their ``__init__`` is
    never compiled).
    """

    def __init__(self, packages: Sequence[str]) -> None:
        self.packages = tuple(packages)

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if not any(fullname == p or fullname.startswith(p + ".") for p in self.packages):
            return None
        name = fullname.rpartition(".")[2]
        for entry in path or ():
            module = Path(entry) / f"{name}.py"
            if module.is_file():
                return importlib.util.spec_from_file_location(fullname, module)
        return None


def guard() -> None:
    """Use the sources of the compiled packages unless every extension is fresh."""
    global _reason
    if any(isinstance(f, _SourceFinder) for f in sys.meta_path):
        return
    if os.environ.get("PYLVS_PURE", "") not in ("", "0"):
        _reason = "PYLVS_PURE is set"
    else:
        _reason = stale_reason()
    if _reason is not None:
        sys.meta_path.insert(0, _SourceFinder(COMPILED))


def status() -> str:
    """One line saying which code runs: ``compiled (mypyc)`` or ``sources (why)``."""
    return "compiled (mypyc)" if _reason is None else f"sources ({_reason})"
