"""A director for datapath lab tests: an in-process IPVS table and the python datapath.

Run inside the director's namespace. Prints ``ready`` once forwarding, serves
until its standard input closes, then stops the datapath and prints one JSON
line: the datapath counters and the IPVS counters of the service and each
destination.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import logging
import subprocess
import sys

from pylvs.core.constants import AF_INET, AF_INET6, IPPROTO_TCP, FwdMethod
from pylvs.core.ipvs import IPVS
from pylvs.core.model import DestSpec, ServiceSpec
from pylvs.core.stats import Stats
from pylvs.datapath import create

METHODS = {"dr": FwdMethod.DROUTE, "nat": FwdMethod.MASQ, "tun": FwdMethod.TUNNEL}


def _counters(stats: Stats) -> dict[str, int]:
    c = stats.counters()
    return {"conns": c.conns, "inpkts": c.inpkts, "outpkts": c.outpkts, "inbytes": c.inbytes,
            "outbytes": c.outbytes}


async def serve(opts: argparse.Namespace) -> dict[str, object]:
    ipvs = IPVS()
    vip = ipaddress.ip_address(opts.vip)
    af = AF_INET6 if vip.version == 6 else AF_INET
    svc = ServiceSpec(af=af, protocol=IPPROTO_TCP, addr=vip.packed, port=opts.port,
                      sched_name="rr", netmask=128 if af == AF_INET6 else 0xFFFFFFFF)
    ipvs.add_service(svc)
    for rs in opts.rs:
        ipvs.add_dest(svc.key(), DestSpec(af=af, addr=ipaddress.ip_address(rs).packed,
                                           port=opts.rport or opts.port,
                                           conn_flags=METHODS[opts.method]))
    loop = asyncio.get_running_loop()
    log = logging.getLogger("director")
    dp = create(opts.datapath, ipvs, opts.interface, loop, log)
    dp.start()
    try:
        nft = subprocess.run(["nft", "list", "table", "inet", "pylvs"], capture_output=True,
                             text=True, check=False)
        print("ready", "nft-table" if nft.returncode == 0 else "no-nft-table", flush=True)
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        await reader.read()
    finally:
        dp.stop()
    nft = subprocess.run(["nft", "list", "table", "inet", "pylvs"], capture_output=True,
                         check=False)
    service = ipvs.get_service(svc.key())
    return {
        "datapath": dp.counters(),
        "service": _counters(service.stats),
        "dests": {ipaddress.ip_address(d.addr).compressed: _counters(d.stats)
                  for d in service.dests},
        "nft_table_left": nft.returncode == 0,
    }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--interface", action="append", required=True)
    p.add_argument("--vip", required=True)
    p.add_argument("--port", type=int, default=80)
    p.add_argument("--rs", action="append", required=True)
    p.add_argument("--rport", type=int, default=0, help="real servers' port (default: --port)")
    p.add_argument("--method", default="dr", choices=sorted(METHODS))
    p.add_argument("--datapath", default="python")
    opts = p.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    print(json.dumps(asyncio.run(serve(opts))), flush=True)


if __name__ == "__main__":
    main()
