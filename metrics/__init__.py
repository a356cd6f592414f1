"""Agile metrics as pure functions over plain values (no I/O, no database, no clock).

Definitions: ../shared/METRICS.md. Inputs are the frozen dataclasses of
``metrics.model``; timestamps are aware datetimes, days are counted in the
time zone the caller passes (Europe/Berlin by default).

Modules: ``calendar`` (working days), ``replay`` (item state at a moment),
``scope`` (which items count in a sprint), ``sprint`` (sprint figures),
``burndown``, ``velocity``; ``errors`` holds ``MetricsError``.
"""
