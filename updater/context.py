"""Everything one updater run works with, built from the configuration."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from .config import UpdaterConfig
from .layout import Layout, Release
from .source import Mirror
from .state import StateStore


@dataclass
class Context:
    config: UpdaterConfig
    layout: Layout
    store: StateStore
    mirror: Mirror

    @classmethod
    def from_config(cls, config: UpdaterConfig) -> Context:
        layout = Layout(config.root)
        return cls(config, layout, StateStore(layout), Mirror(layout.repo_dir))

    def placeholders(self, release: Path) -> dict[str, str]:
        venv = release / ".venv"
        return {
            "release": str(release), "venv": str(venv), "python": str(venv / "bin" / "python"),
            "updater_python": sys.executable, "wheelhouse": str(self.layout.wheelhouse),
            "pip_cache": str(self.layout.pip_cache), "root": str(self.layout.root),
            "data_dir": str(self.config.data_path),
        }

    def release_placeholders(self, release: Release) -> dict[str, str]:
        return self.placeholders(release.path)
