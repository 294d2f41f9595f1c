"""The spot-check draw (SPEC M2): a pure, reproducible function of a seed and the eligible population.

Each id is ranked by SHA-256 of ``"<seed>:<id>"``; the sample is the ``size`` lowest-ranked ids, in rank
order. The result depends only on the seed and the *set* of eligible ids — not on database order, the
Python version or a random-number generator's internals — so anyone holding the seed and the population
can re-derive the sample. The population is fingerprinted by SHA-256 of its sorted ids.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Iterable
from decimal import Decimal


def new_seed() -> str:
    """A fresh unpredictable seed (128 bits, hex)."""
    return secrets.token_hex(16)


def population_hash(ids: Iterable[int]) -> str:
    """SHA-256 of the sorted ids joined by commas."""
    return hashlib.sha256(",".join(str(i) for i in sorted(ids)).encode()).hexdigest()


def _rank(seed: str, item: int) -> str:
    return hashlib.sha256(f"{seed}:{item}".encode()).hexdigest()


def draw(seed: str, ids: Iterable[int], size: int) -> list[int]:
    """The ``size`` ids with the lowest seeded rank, in rank order."""
    population = sorted(set(ids))
    if size < 0 or size > len(population):
        raise ValueError("抽样数量超出总体数量。")
    return sorted(population, key=lambda item: (_rank(seed, item), item))[:size]


def size_for(population: int, *, size: int | None, percent: Decimal | None) -> int:
    """The sample size: the number asked for, or the percentage of the population rounded up (at least 1)."""
    if size is not None:
        return size
    if percent is None:
        raise ValueError("请填写抽样数量或抽样比例。")
    return max(1, math.ceil(population * percent / Decimal(100))) if population else 0
