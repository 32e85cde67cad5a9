"""Demo data for the Border Labour Registry: the reference world of the source documents and a
generated, deterministic population of workers. `DEMO_WORKERS` is the size of the interactive demo;
benchmarks pass larger numbers to `generate`.
"""

from demo.generator import GenerationSummary, generate
from demo.reference_loader import load_reference

DEMO_WORKERS = 600

__all__ = ["DEMO_WORKERS", "GenerationSummary", "generate", "load_reference"]
