"""Where a deployment lives on disk.

    <root>/releases/<version>/   a git worktree of one commit + its own .venv
    <root>/current               symlink to releases/<version>, replaced atomically
    <root>/repo.git              bare mirror of the upstream repository
    <root>/state/                lock, state.json, history.jsonl, bad-releases.json, logs/
    <root>/cache/                wheelhouse/ (local wheels) and pip/ (pip's cache)

A release directory counts as complete only once its marker file exists; the marker is written
last, so a directory without it is the debris of an interrupted stage.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .jsonfile import read_json, write_json_atomic

MARKER = ".updater-release.json"


@dataclass(frozen=True)
class Release:
    version: str
    commit: str
    staged_at: str
    path: Path


class Layout:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.releases_dir = self.root / "releases"
        self.current_link = self.root / "current"
        self.repo_dir = self.root / "repo.git"
        self.state_dir = self.root / "state"
        self.logs_dir = self.state_dir / "logs"
        self.lock_file = self.state_dir / "update.lock"
        self.wheelhouse = self.root / "cache" / "wheelhouse"
        self.pip_cache = self.root / "cache" / "pip"

    def ensure(self) -> None:
        for path in (self.releases_dir, self.logs_dir, self.wheelhouse, self.pip_cache):
            path.mkdir(parents=True, exist_ok=True)

    def release_dir(self, version: str) -> Path:
        return self.releases_dir / version

    # -- current -----------------------------------------------------------------------------
    def current_version(self) -> str | None:
        try:
            target = os.readlink(self.current_link)
        except FileNotFoundError:
            return None
        return Path(target).name

    def current_release(self) -> Release | None:
        version = self.current_version()
        return self.release(version) if version else None

    def switch_to(self, version: str) -> None:
        """Point ``current`` at a complete release in one rename, so readers see old or new, never neither."""
        if self.release(version) is None:
            raise FileNotFoundError(f"release {version} is not a complete release under {self.releases_dir}")
        temporary = self.root / f".current-{os.getpid()}"
        temporary.unlink(missing_ok=True)
        os.symlink(Path("releases") / version, temporary)
        os.replace(temporary, self.current_link)
        _fsync_dir(self.root)

    def remove_stray_links(self) -> list[Path]:
        """Temporary links left by a switch that was killed between symlink and rename."""
        stray = list(self.root.glob(".current-*"))
        for path in stray:
            path.unlink(missing_ok=True)
        return stray

    # -- releases ------------------------------------------------------------------------------
    def release(self, version: str) -> Release | None:
        info = read_json(self.release_dir(version) / MARKER, None)
        if not info:
            return None
        return Release(info["version"], info["commit"], info["staged_at"], self.release_dir(version))

    def mark_complete(self, version: str, commit: str, staged_at: str) -> Release:
        info = {"version": version, "commit": commit, "staged_at": staged_at}
        write_json_atomic(self.release_dir(version) / MARKER, info)
        return Release(version, commit, staged_at, self.release_dir(version))

    def releases(self) -> list[Release]:
        """Complete releases, oldest staged first."""
        found = []
        if self.releases_dir.is_dir():
            for path in self.releases_dir.iterdir():
                release = self.release(path.name) if path.is_dir() else None
                if release:
                    found.append(release)
        return sorted(found, key=lambda r: r.staged_at)

    def partial_release_dirs(self) -> list[Path]:
        if not self.releases_dir.is_dir():
            return []
        current = self.current_version()
        return sorted(
            p for p in self.releases_dir.iterdir()
            if p.name != current and not (p / MARKER).exists()
        )


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
