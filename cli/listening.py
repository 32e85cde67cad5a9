"""The listening socket of `serve`: one, bound before any server process starts, shared by them all.

A socket per process (`SO_REUSEPORT`) lets the kernel choose each connection's process by a hash of
its addresses, which splits 32 keep-alive connections as unevenly as 32 coin tosses, and would let a
second `serve` of the same user join the port silently. One shared socket, from which each process
accepts while it holds the fewest connections (`cli.accepting`), splits them evenly; and a port
anything else listens on is one clear error.
"""

from __future__ import annotations

import socket

from settings import SetupError


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on the port, or SetupError if anything holds it."""
    sock = socket.socket(family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        raise SetupError(
            "cannot listen on {host}:{port}: {reason}", host=host, port=port, reason=reason
        ) from None
    except OverflowError:
        sock.close()
        raise SetupError("--port {port} is not a port number (1-65535)", port=port) from None
    return sock
