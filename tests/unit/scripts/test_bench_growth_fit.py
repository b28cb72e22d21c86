"""The growth benchmark's power-law fit and projection (scripts/benchkit.py)."""

import pytest

from scripts.benchkit import fit_power, project

NS = [1000.0, 3000.0, 10000.0, 30000.0]


def test_linear_time_has_exponent_one_and_projects_linearly():
    secs = [0.07 * n for n in NS]
    b, a = fit_power(NS, secs)
    assert b == pytest.approx(1.0) and a == pytest.approx(0.07)
    assert project(NS, secs, 350_000) == pytest.approx(0.07 * 350_000)


def test_flat_memory_has_exponent_zero_and_superlinear_is_seen():
    assert fit_power(NS, [900.0] * 4)[0] == pytest.approx(0.0)
    assert project(NS, [900.0] * 4, 350_000) == pytest.approx(900.0)
    assert fit_power(NS, [n**1.5 for n in NS])[0] == pytest.approx(1.5)


def test_noisy_points_fit_by_least_squares():
    # y = 2·n with the middle points off by ±10 %: the exponent stays near 1, not exactly 1
    b, _ = fit_power(NS, [2 * NS[0], 2 * NS[1] * 1.1, 2 * NS[2] * 0.9, 2 * NS[3]])
    assert b == pytest.approx(1.0, abs=0.05) and b != pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("ns, ys", [([1000.0], [1.0]), ([1000.0, 1000.0], [1.0, 2.0]), (NS, [1.0, 0.0, 1.0, 1.0])])
def test_a_fit_needs_two_distinct_n_and_positive_values(ns, ys):
    with pytest.raises(ValueError):
        fit_power(ns, ys)
