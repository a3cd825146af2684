"""Only the last N releases are kept (always the running one and the one to roll back to)."""


def test_it_keeps_the_newest_releases_and_removes_older_ones(appliance, upstream):
    appliance.write_config(keep_releases=2, keep_backups=2)
    appliance.install("v1.0.0")
    appliance.updater.apply()
    upstream.release("v1.2.0", "Release v1.2.0")

    result = appliance.updater.apply()

    assert result["removed_releases"] == ["v1.0.0"]
    assert sorted(p.name for p in (appliance.root / "releases").iterdir()) == ["v1.1.0", "v1.2.0"]
    worktrees = appliance.updater.ctx.mirror.repo.git.worktree("list", "--porcelain")
    assert "releases/v1.0.0" not in worktrees and "releases/v1.2.0" in worktrees
    assert len(list((appliance.data / "backups").iterdir())) == 2
    assert appliance.updater.rollback()["to_version"] == "v1.1.0"
