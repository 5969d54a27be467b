"""What a view hands to pyqtgraph: NaN -> 0, everything else clipped to ±LIMIT, never aliased."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gradlab.views.panels import LIMIT, finite, finite_scalar


def test_finite_maps_nan_to_zero_and_clips_infinities_and_huge_values() -> None:
    a = np.array([math.nan, math.inf, -math.inf, 1e300, -1e300, 3.5, -2.0, LIMIT, -LIMIT])
    got = finite(a)
    assert got.dtype == np.float64
    assert got.tolist() == [0.0, 1e15, -1e15, 1e15, -1e15, 3.5, -2.0, 1e15, -1e15]
    assert np.isnan(a[0]) and a[1] == math.inf  # the input is untouched


def test_finite_returns_a_copy_of_any_array_like() -> None:
    a = np.arange(4.0)
    got = finite(a)
    got[0] = 7.0
    assert a[0] == 0.0
    assert finite([1, 2]).tolist() == [1.0, 2.0]
    assert finite(np.array([1, 2], dtype=np.int64)).dtype == np.float64
    assert finite(np.array([], dtype=np.float32)).shape == (0,)
    assert float(finite(math.nan)) == 0.0 and float(finite(2e20)) == 1e15


@pytest.mark.parametrize(("value", "expected"), [
    (math.nan, 0.0), (math.inf, 1e15), (-math.inf, -1e15), (2e15, 1e15), (-3e200, -1e15),
    (-3.0, -3.0), (np.float32(1.5), 1.5), (0, 0.0),
])
def test_finite_scalar(value: float, expected: float) -> None:
    got = finite_scalar(value)
    assert type(got) is float and got == expected
