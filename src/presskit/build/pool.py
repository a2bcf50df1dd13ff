"""The render workers' process pool: a ProcessPoolExecutor that remembers what it was started for.

A module of its own so that multiprocessing (~30 ms of imports) is imported only when a pool opens.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor


class WorkerPool(ProcessPoolExecutor):
    """*size* worker processes, each running *initializer*(*pdf*) as it starts; adopt_workers() checks
    both before it renders with a pool started earlier."""

    def __init__(self, size: int, pdf: bool, initializer: Callable[[bool], None]):
        super().__init__(max_workers=size, initializer=initializer, initargs=(pdf,))
        self.pdf, self.size = pdf, size
