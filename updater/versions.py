"""Release versions from git tags: ``vX.Y.Z`` (stable) and ``vX.Y.Z-pre`` (beta), ordered as SemVer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

_TAG = re.compile(
    r"^v(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)


@total_ordering
@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()

    @classmethod
    def parse(cls, tag: str) -> Version | None:
        """The version named by a release tag, or None when the tag is not a release tag."""
        match = _TAG.match(tag)
        if not match:
            return None
        pre = tuple(match["pre"].split(".")) if match["pre"] else ()
        return cls(int(match["major"]), int(match["minor"]), int(match["patch"]), pre)

    @property
    def is_prerelease(self) -> bool:
        return bool(self.prerelease)

    def __str__(self) -> str:
        text = f"v{self.major}.{self.minor}.{self.patch}"
        return f"{text}-{'.'.join(self.prerelease)}" if self.prerelease else text

    def _key(self):
        # SemVer: a pre-release sorts before its release; numeric identifiers sort numerically
        # and before alphanumeric ones (rc.2 < rc.10, 1 < alpha).
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.prerelease)
        return (self.major, self.minor, self.patch, 0 if pre else 1, pre)

    def __lt__(self, other: Version) -> bool:
        return self._key() < other._key()


def newest(tags: list[str], include_prereleases: bool) -> str | None:
    """The tag of the newest release among ``tags``, ignoring non-release tags."""
    versions = [v for v in map(Version.parse, tags) if v and (include_prereleases or not v.is_prerelease)]
    return str(max(versions)) if versions else None


def is_downgrade(current: str | None, target: str) -> bool:
    """True when both name releases and ``target`` is older than ``current``."""
    old, new = Version.parse(current or ""), Version.parse(target)
    return bool(old and new and new < old)
