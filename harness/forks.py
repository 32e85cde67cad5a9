"""The processes the tests start: `python -m cli.main …` forked from a zygote of this test process
(`harness/zygote.py`), or a real exec where asked (`fork=False`: a test whose subject is the
interpreter's start) or when BORDERLABOUR_TEST_FORKS=0 (every process, for debugging).

A zygote serves one kind of interpreter start (the PYTHON* variables, the locale's UTF-8 mode): the
commands' usual one gets its zygote at its first process, another at its third (before, a real exec).

A forked command costs a fork instead of an interpreter's start and the registry's imports (0.4 s of
CPU for a command, 1.7 s for `serve`). The handle answers what the tests ask of a `subprocess.Popen`
(pid, poll, wait, terminate, kill, stdout/stderr pipes). The zygote reaps its children and this
process reaps the zygote, so their CPU is counted in this process's children, as a real exec's is.
"""

from __future__ import annotations

import atexit
import io
import json
import locale
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
FORKS_ENV = "BORDERLABOUR_TEST_FORKS"  # "0": every process a real exec
LOCALE_VARS = ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")  # what `cli_env` leaves out
PIPE, STDOUT, DEVNULL = subprocess.PIPE, subprocess.STDOUT, subprocess.DEVNULL
Stream = int | IO[Any] | None


def forks_on() -> bool:
    return os.environ.get(FORKS_ENV, "1") != "0"


class Forked:
    """A child of the zygote, seen as a `subprocess.Popen`: its status arrives on `answer` once the
    zygote has reaped it."""

    def __init__(self, args: list[str], pid: int, answer: socket.socket, pipes: list[IO[Any] | None]) -> None:
        self.args, self.pid, self._answer = args, pid, answer
        self.stdin, self.stdout, self.stderr = pipes
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and _readable(self._answer, 0):
            self._read_status()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not _readable(self._answer, timeout):
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
            self._read_status()
        assert self.returncode is not None
        return self.returncode

    def _read_status(self) -> None:
        message = self._answer.recv(4096)
        if not message:
            raise RuntimeError(f"the zygote ended before its child {self.pid}")
        self.returncode = os.waitstatus_to_exitcode(json.loads(message)["status"])
        self._answer.close()

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:  # not yet reaped: the pid is still the child's
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _readable(sock: socket.socket, timeout: float | None) -> bool:
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_READ)
        return bool(selector.select(timeout))


class Zygote:
    """A zygote process and this end of its control socket."""

    def __init__(self, env: dict[str, str]) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = subprocess.Popen(
            [sys.executable, "-c", "__import__('harness.zygote').zygote.main()", str(theirs.fileno())],
            cwd=ROOT,
            env=env,
            pass_fds=[theirs.fileno()],
            stdin=DEVNULL,
            stdout=DEVNULL,
        )
        theirs.close()
        self.control = ours
        self.lock = threading.Lock()

    def fork(
        self, module: str, args: list[str], env: dict[str, str], cwd: Path, fds: list[int]
    ) -> tuple[int, socket.socket]:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        request = {"module": module, "args": args, "env": env, "cwd": str(cwd)}
        try:
            with self.lock:
                socket.send_fds(self.control, [json.dumps(request).encode()], [*fds, theirs.fileno()])
        finally:
            theirs.close()
        message = ours.recv(4096)
        if not message:
            raise RuntimeError(f"the zygote ended (exit status {self.process.poll()})")
        return int(json.loads(message)["pid"]), ours

    def stop(self) -> None:
        """It kills and reaps the children left running, then ends; it is reaped here."""
        self.control.close()
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# What an interpreter's start depends on in its environment (PEP 538 and 540: the UTF-8 mode and
# LC_CTYPE; the PYTHON* variables): one zygote for each such start, as the children need.
START_LOCALE = ("LC_ALL", "LC_CTYPE", "LANG")
Start = tuple[tuple[str, str], ...]
AFTER = 3  # a start other than the commands' usual one gets a zygote at its third process


def _start_of(env: dict[str, str]) -> Start:
    return tuple(sorted((k, v) for k, v in env.items() if k.startswith("PYTHON") or k in START_LOCALE))


def _usual_start() -> Start:
    """The start of a command given `cli_env`: no locale, the project on PYTHONPATH."""
    return _start_of(
        {**{k: v for k, v in os.environ.items() if k.startswith("PYTHON")}, "PYTHONPATH": str(ROOT)}
    )


_zygotes: dict[tuple[int, Start], Zygote] = {}  # by the pid of the test process that started it
_asked: dict[Start, int] = {}
_started = threading.Lock()


def _zygote(env: dict[str, str]) -> Zygote | None:
    """This process's zygote for the start `env` asks for, or None while that start is still rare."""
    start = _start_of(env)
    with _started:
        if (os.getpid(), start) not in _zygotes:
            _asked[start] = _asked.get(start, 0) + 1
            if start != _usual_start() and _asked[start] < AFTER:
                return None
            rest = {
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("BORDERLABOUR_", "PYTHON")) and k not in START_LOCALE
            }
            _zygotes[(os.getpid(), start)] = Zygote({**rest, **dict(start)})
        return _zygotes[(os.getpid(), start)]


@atexit.register
def stop_zygote() -> None:
    """Ends this process's zygotes, if it started any (at exit, or when the test session ends)."""
    for key in [key for key in _zygotes if key[0] == os.getpid()]:
        _zygotes.pop(key).stop()


def start(
    args: Sequence[str],
    *,
    env: dict[str, str],
    cwd: Path = ROOT,
    module: str = "cli.main",
    stdin: Stream = None,
    stdout: Stream = None,
    stderr: Stream = None,
    text: bool = False,
    fork: bool = True,
) -> Forked | subprocess.Popen[Any]:
    """`python -m MODULE ARGS`, as `subprocess.Popen` would start it with these arguments."""
    command = [sys.executable, "-m", module, *args]
    zygote = _zygote(env) if fork and forks_on() else None
    if zygote is None:
        return subprocess.Popen(
            command, cwd=cwd, env=env, stdin=stdin, stdout=stdout, stderr=stderr, text=text
        )
    theirs: list[int] = []  # the child's descriptors
    ours: list[IO[Any] | None] = []  # the pipes' other ends
    opened: list[int] = []  # closed here once the zygote has its copies
    try:
        for fd, stream in enumerate((stdin, stdout, stderr)):
            child, mine = _descriptor(fd, stream, theirs, opened)
            theirs.append(child)
            ours.append(_wrapped(mine, reading=fd > 0, text=text))
        pid, answer = zygote.fork(module, list(args), env, cwd, theirs)
    finally:
        for fd in opened:
            os.close(fd)
    return Forked(command, pid, answer, ours)


def _descriptor(fd: int, stream: Stream, theirs: list[int], opened: list[int]) -> tuple[int, int | None]:
    """The descriptor the child gets as `fd`, and this process's end of it if it is a new pipe."""
    if stream is None:
        return fd, None
    if stream == STDOUT:
        return theirs[1], None
    if stream == DEVNULL:
        null = os.open(os.devnull, os.O_RDWR)
        opened.append(null)
        return null, None
    if stream == PIPE:
        read, write = os.pipe()
        child, mine = (read, write) if fd == 0 else (write, read)
        opened.append(child)
        return child, mine
    return (stream if isinstance(stream, int) else stream.fileno()), None


def _wrapped(fd: int | None, reading: bool, text: bool) -> IO[Any] | None:
    if fd is None:
        return None
    binary = open(fd, "rb" if reading else "wb")  # noqa: SIM115 (the caller's, as Popen's pipes are)
    if not text:
        return binary
    return io.TextIOWrapper(binary, encoding=locale.getpreferredencoding(False), write_through=not reading)


def run(
    args: Sequence[str],
    *,
    env: dict[str, str],
    cwd: Path = ROOT,
    timeout: float | None = None,
    module: str = "cli.main",
    fork: bool = True,
) -> subprocess.CompletedProcess[str]:
    """`subprocess.run(["python", "-m", MODULE, *ARGS], capture_output=True, text=True, …)`."""
    process = start(args, env=env, cwd=cwd, module=module, stdout=PIPE, stderr=PIPE, fork=fork)
    assert process.stdout is not None and process.stderr is not None
    captured = {process.stdout: bytearray(), process.stderr: bytearray()}
    try:
        _read_all(captured, None if timeout is None else time.monotonic() + timeout, process.args, timeout)
        status = process.wait(None if timeout is None else timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise
    finally:
        for stream in captured:
            stream.close()
    out, err = (_text(bytes(data)) for data in captured.values())
    return subprocess.CompletedProcess(process.args, status, out, err)


def _read_all(
    captured: dict[IO[Any], bytearray], deadline: float | None, args: Any, timeout: float | None
) -> None:
    """Both pipes read to their end at once, as `communicate` does (a full pipe would stall the child)."""
    with selectors.DefaultSelector() as selector:
        for stream in captured:
            selector.register(stream, selectors.EVENT_READ)
        while selector.get_map():
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired(args, timeout or 0)
            for key, _ in selector.select(left):
                chunk = os.read(key.fd, 1 << 16)
                if chunk:
                    captured[key.fileobj].extend(chunk)  # type: ignore[index]
                else:
                    selector.unregister(key.fileobj)


def _text(data: bytes) -> str:
    """As `subprocess` decodes a child's output with text=True: the locale's encoding, universal newlines."""
    return data.decode(locale.getpreferredencoding(False)).replace("\r\n", "\n").replace("\r", "\n")
