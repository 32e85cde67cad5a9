"""GET /metrics under several processes sums their files, even while a process is creating its own.

`serve --processes N` keeps each process's values in a file of its own in one folder; a process
creates its file empty and sizes it a moment later. The sum read in that moment answered 500.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.mmap_dict import MmapedDict, mmap_key

from service.metrics import StartedProcessFiles

pytestmark = pytest.mark.engine_independent("the metrics' files on disk; no database")


def _counter_file(folder: Path, pid: int, value: float) -> None:
    """A process's file of counters as prometheus_client writes it, holding one value."""
    values = MmapedDict(str(folder / f"counter_{pid}.db"))
    key = mmap_key("borderlabour_probe", "borderlabour_probe_total", [], [], "A probe.")
    values.write_value(key, value, 0.0)
    values.close()


def test_a_file_a_starting_process_has_not_sized_yet_is_left_out_of_the_sum(tmp_path: Path) -> None:
    _counter_file(tmp_path, 101, 3.0)
    _counter_file(tmp_path, 102, 4.0)
    (tmp_path / "counter_103.db").touch()  # the third process has created its file, nothing more
    registry = CollectorRegistry()
    StartedProcessFiles(registry, path=str(tmp_path))
    assert "borderlabour_probe_total 7.0" in generate_latest(registry).decode()
