"""Awkward data sets for `em` and `diagnose`, generated deterministically (each with what makes it awkward)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

SENSOR_ROWS = 2000
SENSOR_OFF = 20  # rows whose pressure is 3 +- 0.001
SENSOR_DUPLICATES = 40  # rows repeated verbatim


def sensor_rows(seed: int = 0) -> np.ndarray:
    """The issue's sensor data (2,000 x 2): temperature, pressure 3.0 except 20 rows at 3 +- 0.001, 40 duplicates.

    The 40 duplicates are appended copies of rows 0..39 (rows 1960..1999 repeat them); the off rows are 120..139.
    """
    rng = np.random.default_rng(seed)
    unique = SENSOR_ROWS - SENSOR_DUPLICATES
    temperature = np.round(rng.normal(20.0, 5.0, size=unique), 2)
    pressure = np.full(unique, 3.0)
    pressure[120:120 + SENSOR_OFF] = 3.0 + np.where(np.arange(SENSOR_OFF) % 2 == 0, 0.001, -0.001)
    rows = np.column_stack([temperature, pressure])
    return np.vstack([rows, rows[:SENSOR_DUPLICATES]])


def write_csv(path: Path, X: np.ndarray, header: str | None) -> Path:
    """``X`` as CSV text with ``repr``-exact numbers and an optional header line."""
    lines = ([header] if header else []) + [",".join(repr(float(v)) for v in row) for row in X]
    path.write_text("\n".join(lines) + "\n")
    return path


def sensor_csv(folder: Path) -> Path:
    return write_csv(folder / "sensor.csv", sensor_rows(), "temperature,pressure")
