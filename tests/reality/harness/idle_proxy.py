"""A TCP relay that drops connections idle longer than a limit (the
`idle_timeout` fault), run as its own process by the harness.

    idle_proxy.py <listen_port> <target_port> <after_s> <stats_file>

Both ends are 127.0.0.1. A connection with no byte in either direction for
`after_s` seconds is forgotten, as a NAT gateway, firewall or cloud load
balancer forgets an idle flow. What happens next on the real network depends
on the device: most (AWS NLB, stateful firewalls with reject) answer the next
packet with a TCP reset, some drop it silently and the client retransmits for
many minutes (Linux tcp_retries2, about 15 min). This relay does the first:
the next byte from either side gets a reset on both sides (SO_LINGER 0), so
the app finds out on next use, as the simulator assumes. The blackhole
variant is not reproduced (it would hang every affected request until the
client timeout).

The relay adds one user-space hop (tens of microseconds) to every round trip;
reports of runs through it say so.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import struct
import sys
import time

HOST = "127.0.0.1"
STATS = {"accepted": 0, "dropped_idle": 0, "closed": 0}


def _reset(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    try:
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    writer.transport.abort()


async def _pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, flow: dict, after_s: float, peers) -> None:
    while True:
        data = await src.read(65536)
        if not data:
            break
        if time.monotonic() - flow["last"] > after_s:
            # The middlebox forgot this flow: reset both ends.
            if not flow["dropped"]:
                flow["dropped"] = True
                STATS["dropped_idle"] += 1
            for w in peers:
                _reset(w)
            return
        flow["last"] = time.monotonic()
        dst.write(data)
        await dst.drain()
    try:
        dst.close()
    except Exception:
        pass


async def _handle(reader, writer, target_port: int, after_s: float) -> None:
    STATS["accepted"] += 1
    try:
        up_r, up_w = await asyncio.open_connection(HOST, target_port)
    except OSError:
        _reset(writer)
        return
    flow = {"last": time.monotonic(), "dropped": False}
    peers = (writer, up_w)
    try:
        await asyncio.gather(
            _pipe(reader, up_w, flow, after_s, peers), _pipe(up_r, writer, flow, after_s, peers), return_exceptions=True
        )
    finally:
        STATS["closed"] += 1
        for w in peers:
            try:
                w.close()
            except Exception:
                pass


async def main(listen_port: int, target_port: int, after_s: float, stats_file: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    server = await asyncio.start_server(
        lambda r, w: _handle(r, w, target_port, after_s), HOST, listen_port, backlog=1024
    )
    async with server:
        while not stop.is_set():
            with open(stats_file, "w") as fh:
                json.dump(STATS, fh)
            try:
                await asyncio.wait_for(stop.wait(), 0.5)
            except asyncio.TimeoutError:
                pass
    with open(stats_file, "w") as fh:
        json.dump(STATS, fh)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]))
