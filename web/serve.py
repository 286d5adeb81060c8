"""The web pages' server process: uvicorn, on a listening socket bound here.

uvicorn binds the socket of several workers itself with ``proto`` left at 0; the connections it
accepts inherit it, and asyncio turns Nagle's algorithm off (TCP_NODELAY) only on sockets that say
IPPROTO_TCP, so with ``--workers 2`` every keep-alive request after the first waited for the
client's delayed ACK: about 45 ms on Linux (uvicorn issue 3149). The socket is bound here with
IPPROTO_TCP and handed to uvicorn's own supervisor.

    python -m web.serve --host 127.0.0.1 --port 8000 --workers 2 --forwarded-allow-ips 127.0.0.1
"""

from __future__ import annotations

import argparse
import socket

WEB_APP = "web.main:app_from_environment"  # the pages, as uvicorn builds them in each worker


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` that says IPPROTO_TCP, inheritable by the workers."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto or socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.set_inheritable(True)
    return sock


def main(argv: list[str] | None = None) -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    parser = argparse.ArgumentParser(prog="python -m web.serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--forwarded-allow-ips", default="127.0.0.1")
    args = parser.parse_args(argv)
    config = uvicorn.Config(
        WEB_APP,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    sock = listening_socket(args.host, args.port)
    if args.workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        server.run(sockets=[sock])


if __name__ == "__main__":
    main()
