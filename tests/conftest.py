"""Shared fixtures: the repository's paths."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def root() -> Path:
    return ROOT


@pytest.fixture(autouse=True, scope="session")
def _model_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The compiled-model cache of the whole run in a temporary folder (not the user's), shared
    by the commands the tests start, which inherit the environment."""
    import os

    from alliance_games.model.model_cache import ENV

    if ENV not in os.environ:
        os.environ[ENV] = str(tmp_path_factory.mktemp("model-cache"))
