"""The repository's paths, for tests in any folder."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository's root."""
DATA = ROOT / "tests" / "data"
"""Model files and golden outputs used by the tests."""
