"""What each query costs, learnt from the CPU time its worker spent on it: the ranks by which
the pool (:mod:`axiskg.server.pool`) sends it to a lane and orders the waiting requests."""

from __future__ import annotations

from collections import OrderedDict

#: ranks, in serving order
QUICKEST, CHEAP, UNKNOWN, COSTLY = 0, 1, 2, 3


class CostBook:
    """The CPU seconds each query takes, for the ``size`` most recent queries: the lowest of its
    last ``SAMPLES`` runs (once costly, always costly). The lowest, not the mean: other work on
    the machine only ever inflates a run's CPU time (cache and core contention), never shrinks
    it, so one run measured under contention must not turn a quick lookup into a cheap query."""

    SAMPLES = 4

    def __init__(self, cheap: float, quick: float = 0.0, size: int = 4096) -> None:
        self.cheap = cheap
        self.quick = quick
        self.size = size
        self._costs: OrderedDict[tuple, list[float]] = OrderedDict()

    def rank(self, key: tuple) -> tuple[int, float]:
        """(rank, estimated seconds) of the query ``key``."""
        samples = self._costs.get(key)
        if samples is None:
            return UNKNOWN, 0.0
        self._costs.move_to_end(key)
        cost = min(samples)
        return (QUICKEST if cost <= self.quick else CHEAP if cost <= self.cheap else COSTLY), cost

    def record(self, key: tuple, seconds: float) -> None:
        samples = self._costs.get(key)
        if seconds == float("inf") or samples is None:
            samples = [seconds]
        elif samples != [float("inf")]:
            samples = [*samples[-(self.SAMPLES - 1) :], seconds]
        self._costs[key] = samples
        self._costs.move_to_end(key)
        while len(self._costs) > self.size:
            self._costs.popitem(last=False)


def cost_key(request: dict) -> tuple:
    return (
        request["query"],
        request.get("results"),
        request.get("graph"),
        tuple(request.get("default_graphs") or ()),
        tuple(request.get("named_graphs") or ()),
    )
