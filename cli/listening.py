"""The listening sockets of `serve`: one per server process, all on one port.

When N processes accept from one shared socket, the kernel wakes whichever it likes, and on a
busy machine some processes take most connections (a run saw 44 s of CPU in one process against
18 s in the other). With `SO_REUSEPORT` each process listens on its own socket bound to the same
port, and the kernel spreads new connections across the sockets by a hash of their addresses.

`SO_REUSEPORT` would also let a second `serve` of the same user join the port silently, so the port
is first bound once without it: if anything listens there, that bind fails with one clear error.
Only Linux spreads connections over such sockets; elsewhere the processes share one socket.
"""

from __future__ import annotations

import socket
import sys

from settings import SetupError

KERNEL_SPREADS = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def sockets_for(host: str, port: int, processes: int) -> list[socket.socket]:
    """The listening socket of each server process, or SetupError if the port is taken."""
    first = listen(host, port)
    return [first, *(share(host, port) if KERNEL_SPREADS else first for _ in range(processes - 1))]


def _socket_for(host: str) -> socket.socket:
    return socket.socket(family=socket.AF_INET6 if ":" in host else socket.AF_INET)


def _cannot_listen(host: str, port: int, exc: OSError) -> SetupError:
    reason = exc.strerror or str(exc)
    return SetupError("cannot listen on {host}:{port}: {reason}", host=host, port=port, reason=reason)


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to the port, or SetupError if anything holds it; more may share it (`share`)."""
    probe = _socket_for(host)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((host, port))
    except OSError as exc:
        raise _cannot_listen(host, port, exc) from None
    except OverflowError:
        raise SetupError("--port {port} is not a port number (1-65535)", port=port) from None
    finally:
        probe.close()
    return share(host, port)


def share(host: str, port: int) -> socket.socket:
    """Another socket on a port `listen` checked: the kernel spreads connections across them."""
    sock = _socket_for(host)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if KERNEL_SPREADS:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise _cannot_listen(host, port, exc) from None
    return sock
