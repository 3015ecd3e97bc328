#!/usr/bin/env python3
"""Regenerate the ``*.start`` / ``*.down`` goldens with the real keepalived 2.2.7 in the oracle.

Each ``*.conf`` here runs in its own network namespace of the oracle VM (so they can
run side by side), with a dummy route that swallows every packet to 198.18.0.0/15 and
2001:db8::/32: checks time out instead of failing at once. ``NAME.start`` is
``ipvsadm -S -n`` as soon as keepalived logged "Startup complete" (what is programmed
before any check has concluded: checks time out after 3 s), ``NAME.down`` the same 12 s
after the last one started (every timed-out check has failed).

    ORACLE_BUILD=/var/tmp/ipvs-oracle-ka python3 tests/golden/keepalived/make_goldens.py
"""

from __future__ import annotations

import os
import pathlib
import shlex
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
RUN = "/work/shared/oracle/run.sh"
DOWN_AFTER = 12


def guest_script(names: list[str]) -> str:
    lines = ["set -u", "mkdir -p /root/k/conf.d"]
    for path in sorted(HERE.glob("*.conf")) + sorted(HERE.glob("conf.d/*.conf")):
        rel = path.relative_to(HERE)
        lines.append(f"cat > /root/k/{rel} <<'__EOF__'\n{path.read_text()}__EOF__")
    for i, name in enumerate(names):
        ns = f"ka{i}"
        lines += [
            f"ip netns add {ns}",
            f"ip -n {ns} link set lo up",
            f"ip -n {ns} link add d0 type dummy",
            f"ip -n {ns} link set d0 up",
            f"ip -n {ns} route add 198.18.0.0/15 dev d0",
            f"ip -n {ns} -6 route add 2001:db8::/32 dev d0",
            f"ip netns exec {ns} keepalived -n -l -D -G -C -f /root/k/{name}.conf "
            f"-p /run/{ns}.pid -c /run/{ns}c.pid > /root/{ns}.log 2>&1 &",
            f"echo $! > /root/{ns}.kpid",
            f"for t in $(seq 50); do grep -q 'Startup complete' /root/{ns}.log && break; "
            "sleep 0.1; done",
            f"echo '=== {name}.start'",
            f"ip netns exec {ns} ipvsadm -S -n",
        ]
    lines.append(f"sleep {DOWN_AFTER}")
    for i, name in enumerate(names):
        lines += [f"echo '=== {name}.down'", f"ip netns exec ka{i} ipvsadm -S -n"]
    for i, name in enumerate(names):
        lines += [f"kill $(cat /root/ka{i}.kpid)", f"echo '=== {name}.log'",
                  f"sleep 0.2; grep -v '^$' /root/ka{i}.log | head -40"]
    return "\n".join(lines) + "\n"


def main() -> int:
    names = sorted(p.stem for p in HERE.glob("*.conf"))
    script = guest_script(names)
    env = dict(os.environ)
    env.setdefault("ORACLE_BUILD", "/var/tmp/ipvs-oracle-ka")
    out = subprocess.run([RUN, "-q", "-t", "200", "-"], input=script, text=True,
                         capture_output=True, env=env, check=False).stdout
    current: list[str] | None = None
    sections: dict[str, list[str]] = {}
    for line in out.splitlines(keepends=True):
        if line.startswith("=== "):
            current = sections.setdefault(line[4:].strip(), [])
            continue
        if current is not None:
            current.append(line)
    for section, body in sections.items():
        target = HERE / "oracle" / section
        target.parent.mkdir(exist_ok=True)
        target.write_text("".join(body))
    print(f"{len(sections)} sections from {len(names)} configs; {shlex.quote(RUN)}",
          file=sys.stderr)
    return 0 if sections else 1


if __name__ == "__main__":
    sys.exit(main())
