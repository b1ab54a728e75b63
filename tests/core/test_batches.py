from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsync.core.planning.batches import batches


@given(st.lists(st.integers()), st.integers(min_value=1, max_value=7))
def test_batches_keep_order_and_respect_the_limit(values: list[int], size: int) -> None:
    found = batches(values, size)
    assert [value for batch in found for value in batch] == values
    assert all(1 <= len(batch) <= size for batch in found)
    assert all(len(batch) == size for batch in found[:-1])


def test_a_batch_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        batches([1, 2], 0)
