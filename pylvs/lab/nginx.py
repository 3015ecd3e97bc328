"""The web server of each lab real server: a tiny nginx whose page names its host."""

from __future__ import annotations

import shutil
from pathlib import Path

from pylvs.lab.errors import LabError


def nginx_binary() -> str:
    """The nginx executable (Debian's nginx-light provides it)."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if found is None:
        raise LabError("nginx is not installed (apt-get install nginx-light)")
    return found


def config_text(host: str, workdir: Path) -> str:
    """An nginx.conf whose ``/`` names ``host`` (on port 8080: ``host 8080``, for NAT mapping)."""
    temp = "\n".join(
        f"    {kind}_temp_path {workdir / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""# pylvs lab real server {host}
worker_processes 1;
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
{temp}
    server {{
        listen 80 default_server;
        listen [::]:80 default_server;
        location / {{
            default_type text/plain;
            return 200 "{host}\\n";
        }}
    }}
    server {{
        listen 8080 default_server;
        listen [::]:8080 default_server;
        location / {{
            default_type text/plain;
            return 200 "{host} 8080\\n";
        }}
    }}
}}
"""


def write_config(host: str, workdir: Path) -> Path:
    """Write the host's nginx.conf into ``workdir``; returns its path."""
    workdir.mkdir(parents=True, exist_ok=True)
    conf = workdir / "nginx.conf"
    conf.write_text(config_text(host, workdir))
    return conf


def pid_of(workdir: Path) -> int | None:
    """The nginx master's pid from its pid file, if any."""
    try:
        return int((workdir / "nginx.pid").read_text().strip())
    except (OSError, ValueError):
        return None
