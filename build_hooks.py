"""Build step: put the repository's top-level data folders inside the built package.

The bundled models (``models/``) and the example Gambit files (``examples/``) live at the top of the
repository, where the tests and the documentation name them. A wheel carries them as
``alliance_games/models`` and ``alliance_games/examples``, which ``alliance_games.model.catalog``
reads through :mod:`importlib.resources`. Wired in through ``[tool.setuptools] cmdclass`` in
``pyproject.toml``; ``MANIFEST.in`` puts the folders in the sdist, so a wheel built from the sdist
carries them too. Editable installs skip the copy: the catalog then reads the repository's folders.
"""

from __future__ import annotations

from pathlib import Path

from setuptools.command.build_py import build_py

PACKAGE = "alliance_games"
DATA_FOLDERS = ("models", "examples")
"""Top-level folders copied, under the same names, into the package."""
DATA_SUFFIXES = frozenset({".yaml", ".yml", ".nfg", ".efg"})
"""Only model and Gambit files are copied (no editor back-ups or caches)."""


class BuildPyWithData(build_py):
    """``build_py`` that also copies every model and Gambit file of :data:`DATA_FOLDERS`."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for source, target in self._data_files():
            self.mkpath(str(target.parent))
            self.copy_file(str(source), str(target))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        extra = [] if self.editable_mode else [str(target) for _, target in self._data_files()]
        return [*super().get_outputs(include_bytecode), *extra]

    def _data_files(self) -> list[tuple[Path, Path]]:
        """(source, target in the build folder) for every data file."""
        root = Path(__file__).resolve().parent
        package = Path(self.build_lib) / PACKAGE
        pairs = []
        for folder in DATA_FOLDERS:
            for source in sorted((root / folder).rglob("*")):
                if source.is_file() and source.suffix in DATA_SUFFIXES:
                    pairs.append((source, package / source.relative_to(root)))
        return pairs
