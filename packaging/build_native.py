"""Compile pylvs's pure layers with mypyc, in place (run by ``make native``).

Usage: .venv/bin/python packaging/build_native.py [--if-stale]

The C extensions land beside their sources (``pylvs/core/engine.*.so`` ...), with
the shared runtime in ``pylvs/native__mypyc.*.so``; ``pylvs.compiled`` falls back
to the sources whenever one is older than its source. Intermediate files go to
``build/native``.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    from pylvs.compiled import stale_reason

    if "--if-stale" in sys.argv[1:]:
        reason = stale_reason()
        if reason is None:
            return
        print(f"pylvs: compiling core and packet with mypyc: {reason}", flush=True)
    warnings.filterwarnings("ignore", message=".*tool.setuptools.*")
    from mypyc.build import mypycify
    from setuptools import setup

    from pylvs.compiled import COMPILED, GROUP, sources

    started = time.time()
    paths = [str(p.relative_to(ROOT)) for p in sources(COMPILED, ROOT)]
    for pkg in COMPILED:  # no leftovers of modules that were renamed or removed
        for old in (ROOT / pkg.replace(".", "/")).rglob("*.so"):
            old.unlink()
    setup(
        name="pylvs-native",
        packages=[],
        ext_modules=mypycify(paths, opt_level="3", group_name=GROUP,
                             target_dir="build/native"),
        script_args=["-q", "build_ext", "--inplace", "--build-temp", "build/native/tmp"],
    )
    # An unchanged module is copied with its old time: date every module to the
    # build's start, so that a source edited during the build still reads as newer.
    for built in (ROOT / "pylvs").rglob("*.so"):
        os.utime(built, (started, started))


if __name__ == "__main__":
    main()
