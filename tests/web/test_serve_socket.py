"""The pages' listening socket says IPPROTO_TCP, so asyncio turns Nagle's algorithm off on every
connection it accepts (with uvicorn's own socket, shared by several workers, it did not: each
keep-alive answer then waited ~45 ms for the client's delayed ACK)."""

from __future__ import annotations

import asyncio
import socket

from web.serve import listening_socket


def _nodelay_of_accepted(sock: socket.socket) -> int:
    async def serve() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Report(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                accepted = transport.get_extra_info("socket")
                seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Report, sock=sock)
        host, port = sock.getsockname()[:2]
        _, writer = await asyncio.open_connection(host, port)
        try:
            return await asyncio.wait_for(seen, 10)
        finally:
            writer.close()
            server.close()

    return asyncio.run(serve())


def test_connections_accepted_on_the_pages_socket_send_at_once() -> None:
    sock = listening_socket("127.0.0.1", 0)
    assert sock.proto == socket.IPPROTO_TCP and sock.get_inheritable()
    assert _nodelay_of_accepted(sock) != 0


def test_a_socket_without_the_protocol_keeps_nagle_on() -> None:
    """The fault itself, as uvicorn's ``Config.bind_socket`` makes the socket of several workers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    assert sock.proto == 0
    assert _nodelay_of_accepted(sock) == 0
