"""The local bare mirror of upstream: fetching (remote or bundle file), channel resolution, worktrees."""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import git

from .errors import UpdaterError
from .versions import newest

log = logging.getLogger("updater")


@dataclass(frozen=True)
class Target:
    version: str        # the release directory name: a tag, or <branch>-<short commit>
    commit: str
    tag: str | None     # the tag it was resolved from (None on a branch channel)


@dataclass(frozen=True)
class MovedTag:
    tag: str
    old_commit: str
    new_commit: str

    def __str__(self) -> str:
        return f"tag {self.tag} moved upstream from {self.old_commit[:12]} to {self.new_commit[:12]}"


class Mirror:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._repo: git.Repo | None = None

    @property
    def repo(self) -> git.Repo:
        if self._repo is None:
            if not (self.path / "HEAD").exists():
                self.path.mkdir(parents=True, exist_ok=True)
                self._repo = git.Repo.init(self.path, bare=True)
            else:
                self._repo = git.Repo(self.path)
        return self._repo

    # -- fetching ------------------------------------------------------------------------------
    def fetch_remote(self, remote: str) -> list[MovedTag]:
        if not remote:
            raise UpdaterError("no remote is configured; set one in the updater settings or update from a bundle file")
        # --prune: a tag deleted upstream must stop being a candidate here too.
        return self._fetch(remote, "--prune", what=f"the remote {remote}")

    def fetch_bundle(self, bundle: Path) -> list[MovedTag]:
        bundle = Path(bundle).resolve()
        if not bundle.is_file():
            raise UpdaterError(f"bundle file {bundle} does not exist")
        status, _, stderr = self.repo.git.bundle("verify", str(bundle), with_extended_output=True,
                                                 with_exceptions=False)
        if status != 0:
            raise UpdaterError(f"{bundle.name} is not a usable git bundle: {_last_line(stderr)}")
        # No pruning: a bundle may carry only the newest releases.
        return self._fetch(str(bundle), what=f"the bundle {bundle.name}")

    def _fetch(self, source: str, *options: str, what: str) -> list[MovedTag]:
        before = self.tag_commits()
        try:
            self.repo.git.fetch("--force", "--no-auto-gc", *options, source,
                                "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")
        except git.GitCommandError as error:
            raise UpdaterError(f"cannot fetch from {what}: {_last_line(error.stderr)}") from None
        after = self.tag_commits()
        moved = [MovedTag(t, before[t], after[t]) for t in sorted(before) if t in after and before[t] != after[t]]
        for entry in moved:
            log.warning("%s", entry)
        return moved

    # -- refs ----------------------------------------------------------------------------------
    def tag_commits(self) -> dict[str, str]:
        """Tag name -> the commit it points to (annotated tags peeled)."""
        if not (self.path / "HEAD").exists():
            return {}
        output = self.repo.git.for_each_ref("--format=%(refname:strip=2) %(objectname) %(*objectname)", "refs/tags")
        tags = {}
        for line in output.splitlines():
            parts = line.split()
            tags[parts[0]] = parts[2] if len(parts) > 2 else parts[1]
        return tags

    def resolve_channel(self, channel: str, branch: str) -> Target | None:
        if channel == "branch":
            try:
                commit = self.repo.git.rev_parse("--verify", "--quiet", f"refs/heads/{branch}^{{commit}}")
            except git.GitCommandError:
                raise UpdaterError(f"the branch {branch!r} does not exist upstream") from None
            return Target(f"{_safe(branch)}-{commit[:12]}", commit, None)
        tag = newest(list(self.tag_commits()), include_prereleases=channel == "beta")
        return self.resolve_tag(tag) if tag else None

    def resolve_tag(self, tag: str) -> Target:
        commit = self.tag_commits().get(tag)
        if commit is None:
            raise UpdaterError(f"there is no tag {tag!r} upstream")
        return Target(tag, commit, tag)

    def has_commit(self, commit: str) -> bool:
        status, _, _ = self.repo.git.cat_file("-e", f"{commit}^{{commit}}", with_extended_output=True,
                                              with_exceptions=False)
        return status == 0

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return self.repo.is_ancestor(ancestor, descendant)

    def is_signed_tag(self, tag: str) -> bool:
        if self.repo.git.cat_file("-t", f"refs/tags/{tag}") != "tag":
            return False
        return "-----BEGIN PGP SIGNATURE-----" in self.repo.git.cat_file("tag", f"refs/tags/{tag}")

    def changelog(self, old_commit: str | None, new_commit: str, limit: int = 200) -> list[dict]:
        """Commit subjects that the update brings, newest first."""
        spec = f"{old_commit}..{new_commit}" if old_commit and self.has_commit(old_commit) else new_commit
        output = self.repo.git.log("--format=%H%x09%s", f"--max-count={limit}", spec)
        return [dict(zip(("commit", "subject"), line.split("\t", 1))) for line in output.splitlines() if line]

    # -- worktrees -----------------------------------------------------------------------------
    def add_worktree(self, path: Path, commit: str) -> None:
        self.repo.git.worktree("add", "--detach", "--force", str(path), commit)

    def remove_worktree(self, path: Path) -> None:
        if (path / ".git").exists():
            self.repo.git.worktree("remove", "--force", "--force", str(path), with_exceptions=False)
        if path.exists():
            shutil.rmtree(path)
        self.repo.git.worktree("prune")


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")


def _last_line(text: str | None) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1].removeprefix("stderr: ").strip("'") if lines else "unknown error"
