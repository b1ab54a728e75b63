"""Cutting a sequence into batches no longer than a limit (JQL lists, bulk creates, search
qualifiers): one helper, so every limit is applied the same way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def batches(values: Sequence[T], size: int) -> list[Sequence[T]]:
    """``values`` in order, ``size`` at a time (the last batch may be shorter)."""
    if size < 1:
        raise ValueError(f"a batch holds at least one value, not {size}")
    return [values[start : start + size] for start in range(0, len(values), size)]
