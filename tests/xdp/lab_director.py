"""A director for the XDP lab tests: TCP VIP:80 and UDP VIP:53 by one method to the
lab's real servers, on the datapath named by ``--datapath``.

Run inside the director's namespace. Prints ``ready KIND`` once forwarding, serves
until its standard input closes, stops the datapath (which folds the fast path's
last counters) and prints one JSON line: datapath counters, each service's stats and
its connection entries as ``-Lnc`` lists them (protocol, state, real server, port).
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import logging
import sys
import time

from pylvs.core.constants import AF_INET, IPPROTO_TCP, IPPROTO_UDP, FwdMethod
from pylvs.core.ipvs import IPVS
from pylvs.core.model import DestSpec, ServiceSpec
from pylvs.core.views import conn_views
from pylvs.datapath import create

METHODS = {"dr": FwdMethod.DROUTE, "nat": FwdMethod.MASQ, "tun": FwdMethod.TUNNEL}


async def serve(opts: argparse.Namespace) -> dict[str, object]:
    ipvs = IPVS()
    vip = ipaddress.ip_address(opts.vip).packed
    specs = []
    for proto, port in ((IPPROTO_TCP, 80), (IPPROTO_UDP, 53)):
        spec = ServiceSpec(af=AF_INET, protocol=proto, addr=vip, port=port, sched_name="rr")
        ipvs.add_service(spec)
        for rs in opts.rs:
            ipvs.add_dest(spec.key(), DestSpec(af=AF_INET, addr=ipaddress.ip_address(rs).packed,
                                               port=port, conn_flags=METHODS[opts.method]))
        specs.append(spec)
    loop = asyncio.get_running_loop()
    dp = create(opts.datapath, ipvs, opts.interface, loop, logging.getLogger("director"))
    dp.start()
    try:
        print("ready", getattr(dp, "kind", "?"), flush=True)
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        await reader.read()
    finally:
        dp.stop()
    now = time.monotonic()
    services = {}
    for spec in specs:
        c = ipvs.get_service(spec.key()).stats.counters()
        services[str(spec.port)] = {"conns": c.conns, "inpkts": c.inpkts, "inbytes": c.inbytes,
                                    "outpkts": c.outpkts, "outbytes": c.outbytes}
    conns = sorted(
        (v.protocol, v.state, ipaddress.ip_address(v.daddr).compressed, v.dport)
        for v in conn_views(ipvs, now))
    return {"datapath": dp.counters(), "services": services, "conns": conns}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--interface", action="append", required=True)
    p.add_argument("--vip", required=True)
    p.add_argument("--rs", action="append", required=True)
    p.add_argument("--method", default="dr", choices=sorted(METHODS))
    p.add_argument("--datapath", default="xdp")
    opts = p.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    print(json.dumps(asyncio.run(serve(opts))), flush=True)


if __name__ == "__main__":
    main()
