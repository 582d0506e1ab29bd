"""Statistical disclosure control for everything precinct publishes.

One rule for every public page, API and download, so that no figure can single out a
household or a person: a count below the threshold is suppressed (published as ``None``,
shown as "fewer than N"), and a rate or share is published only when its denominator
reaches the threshold. The threshold (default 5) follows the common practice of statistics
offices for small cells; deployments set it with ``PRECINCT_DISCLOSURE_MIN_COUNT``.

Plain Python: no Django, so the rule is tested on its own (tests/analytics/test_disclosure.py).
"""

from __future__ import annotations

DEFAULT_MIN_COUNT = 5


def count(value: int | None, *, min_count: int = DEFAULT_MIN_COUNT) -> int | None:
    """``value`` if it may be published, else ``None`` (zero is published: it names nobody)."""
    if value is None:
        return None
    if value < 0:
        raise ValueError(f"a count cannot be negative: {value}")
    if 0 < value < min_count:
        return None
    return value


def share(
    numerator: int | None, denominator: int | None, *, min_count: int = DEFAULT_MIN_COUNT
) -> float | None:
    """``numerator / denominator`` when the denominator reaches ``min_count``, else ``None``.

    The numerator itself is not suppressed: a share of a large enough group does not single
    anyone out, while the raw small numerator would."""
    if numerator is None or denominator is None or denominator < min_count:
        return None
    if numerator < 0 or numerator > denominator:
        raise ValueError(f"a share needs 0 <= {numerator} <= {denominator}")
    return numerator / denominator


def total(values: list[int], *, min_count: int = DEFAULT_MIN_COUNT) -> int | None:
    """The sum of published cells' raw values, itself suppressed when small.

    Totals are computed from raw values, not from suppressed cells, and a total is
    published only when it reaches ``min_count`` (a total of 3 would reveal the cells)."""
    return count(sum(values), min_count=min_count)
