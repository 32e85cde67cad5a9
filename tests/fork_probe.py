"""A program that tells on stdout, as JSON, what a process started as `python -m tests.fork_probe`
sees of its start: argv, environment, paths, locale, stdio, signal dispositions, secrets. Its first
argument picks how it ends (`tests/test_forks.py` compares a forked start with a real exec)."""

from __future__ import annotations

import atexit
import json
import locale
import multiprocessing
import os
import random
import signal
import sys
import threading
import time


def seen() -> dict[str, object]:
    main = sys.modules["__main__"]
    return {
        "argv": sys.argv,
        "orig_argv": sys.orig_argv,
        "cwd": os.getcwd(),
        "environ": dict(os.environ),
        "path": sys.path,
        "main": [
            main.__name__,
            main.__spec__.name if main.__spec__ else None,
            getattr(main, "__file__", None),
        ],
        "imported_as_itself": __spec__.name in sys.modules,  # type: ignore[name-defined]
        "utf8_mode": sys.flags.utf8_mode,
        "ctype": locale.setlocale(locale.LC_CTYPE),
        "tzname": time.tzname,
        "stdio": [
            [s.encoding, s.errors, s.line_buffering, s.write_through, s.isatty(), type(s.buffer).__name__]
            for s in (sys.stdin, sys.stdout, sys.stderr)
        ],
        "signals": {str(sig): repr(signal.getsignal(sig)) for sig in sorted(signal.valid_signals())},
        "descriptors": sorted(int(fd) for fd in os.listdir("/proc/self/fd") if int(fd) > 2),
        "parent_group": os.getpgrp(),
    }


def drawn() -> dict[str, object]:
    return {"random": random.random(), "authkey": multiprocessing.current_process().authkey.hex()}


if __name__ == "__main__":
    ending = sys.argv[1]
    atexit.register(lambda: print("atexit ran", file=sys.stderr))
    later = threading.Thread(target=lambda: (time.sleep(0.2), print("the thread finished", file=sys.stderr)))
    later.start()  # not a daemon: the interpreter waits for it before it ends
    # Whether it was forked from the zygote (whose modules it then holds) or exec'd, said apart.
    told = {"forked": "harness.zygote" in sys.modules, **(seen() if ending == "seen" else drawn())}
    print(json.dumps(told))
    if ending == "exit-3":
        sys.exit(3)
    if ending == "message":
        sys.exit("a message for the person")
    if ending == "raise":
        raise ValueError("raised at the top")
    if ending == "sleep":
        time.sleep(120)
