"""The zygote: one long-lived process per test process that has imported the CLI and the server
once, and forks a child for each `python -m cli.main …` the tests start.

Starting a fresh interpreter and importing the registry costs about 0.4 s of CPU for a command and
1.7 s for `serve`, and the suite starts hundreds of them on each database; a forked child starts
with all of that already done. It is started by `harness.forks` with one end of a SOCK_SEQPACKET
socket pair and reads requests from it: the module and argv, the environment, the working directory
and, passed as file descriptors (SCM_RIGHTS), stdin, stdout, stderr and the request's own socket, on
which it answers the child's pid, then, once it has reaped the child, its wait status. It imports
modules and nothing else: no settings, engine, keyring, thread or event loop exists in it, so a child
builds them from its own environment as a fresh process would.

A child becomes a fresh `python -m MODULE ARGS`: the caller's descriptors on 0, 1 and 2 and none of
the zygote's, the environment replaced whole, the interpreter's signal dispositions, locale, time
zone and stdio objects rebuilt from that environment, module-level secrets drawn again, the module
run as `__main__` by `runpy` (as `-m` does), and the interpreter's exit emulated (threads joined,
atexit run, stdio flushed, SystemExit's code). When the environment would start a different
interpreter (other PYTHON* variables, another UTF-8 mode or locale), the child execs a real one.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import io
import json
import locale
import os
import runpy
import selectors
import signal
import socket
import sys
import threading
import time
import traceback
from typing import Any

# What `serve` and the commands the tests run import, on top of `cli.main` (measured: each child
# that still imported a module of its own listed here would pay for it on every start).
PRELOAD = (
    "cli.main",
    # `serve`: the application, uvicorn and what it picks when it starts
    "web.asgi",
    "cli.processes",
    "web.header_deadline",
    "web.request_log",
    "uvicorn.lifespan.on",
    "uvicorn.loops.uvloop",
    "uvicorn.protocols.websockets.websockets_sansio_impl",
    "anyio._backends._asyncio",
    "concurrent.futures.thread",
    "strawberry.federation.schema_directives",
    "httpcore",  # the webhook deliveries' client
    # PostgreSQL's driver, which every child of the PostgreSQL run loaded again (0.13-0.2 s each)
    "psycopg",
    "sqlalchemy.dialects.postgresql.psycopg",
    # the commands'
    "_strptime",
    "alembic.command",
    "demo.loading",
    "ledger.verify",
    "reports.xlsx",
    "retention.erasure",
)
FDS = 4  # stdin, stdout, stderr, the request's socket
# -u or PYTHONUNBUFFERED, as the interpreter made its own stdio
UNBUFFERED = bool(getattr(sys.__stderr__, "write_through", False))


# The dispositions a fresh interpreter started by the test process has, read before the imports
# below could change one: each child gets them back.
START_SIGNALS: dict[int, Any] = {}


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    start_locale = locale.setlocale(locale.LC_CTYPE)
    for sig in signal.valid_signals() - {signal.SIGKILL, signal.SIGSTOP}:
        START_SIGNALS[sig] = signal.getsignal(sig)
    # Ctrl-C reaches the whole process group: the zygote stays, to reap its children, until the
    # test process closes the control socket.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in PRELOAD:
        importlib.import_module(name)
    # The models' mappers are configured at the first ORM statement of a process (0.09 s): once
    # here, not in every command and server.
    importlib.import_module("models")
    importlib.import_module("sqlalchemy.orm").configure_mappers()
    if threading.active_count() != 1:  # a thread would not survive fork(): the children would hang
        raise RuntimeError(f"an import started a thread: {threading.enumerate()}")
    # What the imports made lives as long as any child: out of the collector's generations, a child's
    # full collections do not walk it (nor copy its pages, as touching them would).
    gc.collect()
    gc.freeze()
    Zygote(control, start_locale).serve()


class Zygote:
    """One thread and one selector, over the control socket and a pidfd per running child: a
    process with one thread is the only kind that can fork safely, and a pidfd says when its child
    has ended without a SIGCHLD handler that would interrupt the zygote anywhere."""

    def __init__(self, control: socket.socket, start_locale: str) -> None:
        self.control = control
        self.start_locale = start_locale
        self.python_vars = _python_vars(os.environ)
        self.selector = selectors.DefaultSelector()
        self.selector.register(control, selectors.EVENT_READ)
        self.children: dict[int, tuple[int, socket.socket]] = {}  # pidfd: (pid, request socket)

    def serve(self) -> None:
        while True:
            for key, _ in self.selector.select():
                if key.fileobj is self.control:
                    if not self._request():
                        self._end()
                        return
                else:
                    self._reap(int(key.fd))

    def _request(self) -> bool:
        message, fds, _, _ = socket.recv_fds(self.control, 1 << 20, FDS)
        if not message:
            return False  # the test process closed its end, or ended
        stdin, stdout, stderr, reply = fds
        answer = socket.socket(fileno=reply)
        request = json.loads(message)
        pid = os.fork()
        if pid == 0:
            self._close_own()
            answer.close()
            _child(request, (stdin, stdout, stderr), self)
        for fd in (stdin, stdout, stderr):
            os.close(fd)
        pidfd = os.pidfd_open(pid)
        self.children[pidfd] = (pid, answer)
        self.selector.register(pidfd, selectors.EVENT_READ)
        _send(answer, {"pid": pid})
        return True

    def _reap(self, pidfd: int) -> None:
        pid, answer = self.children.pop(pidfd)
        self.selector.unregister(pidfd)
        os.close(pidfd)
        _, status, _ = os.wait4(pid, 0)
        _send(answer, {"status": status})
        answer.close()

    def _end(self) -> None:
        """The test process is done: children it left running are killed and reaped, so their CPU
        is counted in the zygote's and, once the test process reaps the zygote, in its own."""
        for pidfd, (pid, _) in list(self.children.items()):
            os.kill(pid, signal.SIGKILL)
            self._reap(pidfd)

    def _close_own(self) -> None:
        """In a child: the zygote's descriptors are not the child's."""
        self.selector.close()
        self.control.close()
        for pidfd, (_, answer) in self.children.items():
            os.close(pidfd)
            answer.close()


def _send(answer: socket.socket, message: dict[str, int]) -> None:
    with contextlib.suppress(OSError):  # the caller may have gone: nobody waits for the answer
        answer.send(json.dumps(message).encode())


def _python_vars(environ: Any) -> dict[str, str]:
    return {k: v for k, v in environ.items() if k.startswith("PYTHON")}


def _child(request: dict[str, Any], fds: tuple[int, int, int], zygote: Zygote) -> None:
    """Becomes `python -m MODULE ARGS` and never returns."""
    status = 1
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for fd in set(fds) - {0, 1, 2}:
            os.close(fd)
        os.chdir(request["cwd"])
        env: dict[str, str] = request["env"]
        os.environ.clear()
        os.environ.update(env)
        command = [sys.executable, "-m", request["module"], *request["args"]]
        for sig, disposition in START_SIGNALS.items():
            if disposition is not None and signal.getsignal(sig) != disposition:
                signal.signal(sig, disposition)
        if not _same_interpreter(env, zygote):
            for sig in (signal.SIGPIPE, signal.SIGXFSZ):  # as subprocess restores them before exec
                signal.signal(sig, signal.SIG_DFL)
            os.execve(sys.executable, command, env)
        time.tzset()  # TZ as the new environment has it
        _fresh_secrets()
        _stdio()
        sys.path[0] = os.getcwd()  # `-m` puts the working directory first
        sys.argv = ["-m", *request["args"]]
        sys.orig_argv = command
        status = _run(request["module"])
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(status)


def _same_interpreter(env: dict[str, str], zygote: Zygote) -> bool:
    """Whether a fresh interpreter in `env` would start as the zygote did: the same PYTHON*
    variables, and the same UTF-8 mode and LC_CTYPE locale (PEP 538 and 540), which it then sets."""
    if _python_vars(env) != zygote.python_vars:
        return False
    try:
        chosen = locale.setlocale(locale.LC_CTYPE, "")
    except locale.Error:
        chosen = locale.setlocale(locale.LC_CTYPE, "C")
    legacy = chosen in ("C", "POSIX")
    if "PYTHONUTF8" not in env and legacy != bool(sys.flags.utf8_mode):
        return False
    if legacy and not env.get("LC_ALL") and env.get("PYTHONCOERCECLOCALE") != "0":
        for target in ("C.UTF-8", "C.utf8", "UTF-8"):
            os.environ["LC_CTYPE"] = target
            try:
                chosen = locale.setlocale(locale.LC_CTYPE, "")
                break
            except locale.Error:
                continue
    return chosen == zygote.start_locale


def _fresh_secrets() -> None:
    """What a module drew at import must not be the same in every child (`random` reseeds itself)."""
    if "multiprocessing.process" in sys.modules:
        import multiprocessing

        multiprocessing.current_process().authkey = os.urandom(32)


def _stdio() -> None:
    """sys.stdin/stdout/stderr over the new 0, 1 and 2, made as the interpreter makes them at start:
    line-buffered on a terminal (stderr always), write-through under PYTHONUNBUFFERED."""
    made = []
    for fd, old, name in (
        (0, sys.__stdin__, "<stdin>"),
        (1, sys.__stdout__, "<stdout>"),
        (2, sys.__stderr__, "<stderr>"),
    ):
        assert old is not None
        reading = fd == 0
        buffering = 0 if UNBUFFERED and not reading else -1
        binary: Any = open(fd, "rb" if reading else "wb", buffering=buffering, closefd=False)  # noqa: SIM115
        raw = binary if buffering == 0 else binary.raw
        raw.name = name
        tty = os.isatty(fd)
        text = io.TextIOWrapper(
            binary,
            encoding=old.encoding,
            errors=old.errors,
            newline="\n",
            line_buffering=not UNBUFFERED and (tty or fd == 2),
            write_through=UNBUFFERED,
        )
        text.mode = "r" if reading else "w"  # type: ignore[misc]
        made.append(text)
    sys.stdin, sys.stdout, sys.stderr = made
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = made  # type: ignore[misc]


def _run(module: str) -> int:
    """The module as `__main__`, and the exit status the interpreter would give."""
    interrupted = False
    # `-m` runs the module's code afresh as `__main__`; the zygote's copy of it is not in a fresh
    # process's modules (runpy would warn of it on stderr).
    sys.modules.pop(module, None)
    package, _, leaf = module.rpartition(".")
    if package and hasattr(sys.modules.get(package), leaf):
        delattr(sys.modules[package], leaf)
    try:
        runpy._run_module_as_main(module)  # type: ignore[attr-defined]
        status = 0
    except SystemExit as exc:
        status = _exit_status(exc.code)
    except KeyboardInterrupt as exc:
        _uncaught(exc)
        status, interrupted = 1, True
    except BaseException as exc:
        _uncaught(exc)
        status = 1
    status = _finish(status)
    if interrupted:  # as the interpreter ends after an unhandled Ctrl-C: killed by SIGINT
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    return status


def _uncaught(exc: BaseException) -> None:
    """The traceback from runpy's frame on, as the interpreter prints it: the zygote's are not shown."""
    trace = exc.__traceback__.tb_next if exc.__traceback__ else None
    sys.excepthook(type(exc), exc.with_traceback(trace), trace)


def _exit_status(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _finish(status: int) -> int:
    """Py_FinalizeEx's part a program can see: non-daemon threads joined, atexit, stdout flushed."""
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
    except Exception:
        print(f"Exception ignored in: {sys.stdout!r}", file=sys.stderr)
        traceback.print_exc()
        status = 120
    with contextlib.suppress(Exception):  # as the interpreter: a failing stderr changes nothing
        sys.stderr.flush()
    return status
