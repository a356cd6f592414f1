"""Exceptions of the metrics package.

Hierarchy::

    ValueError
    └── MetricsError    bad input to a metric function (names the value and the fix)
"""


class MetricsError(ValueError):
    """Bad input to a metric function: the message names the value and how to fix it."""
