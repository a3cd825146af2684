"""What an update would do: the target of the channel (or a named version), the changelog, and every
rule that refuses it. Shared by ``check`` (which only reports) and ``apply`` (which acts)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .context import Context
from .errors import Refused
from .layout import Release
from .signatures import verify_release
from .source import MovedTag, Target
from .versions import is_downgrade

AVAILABLE, UP_TO_DATE, NO_RELEASE = "available", "up-to-date", "no-release"


@dataclass
class Plan:
    status: str
    message: str
    current: Release | None
    target: Target | None = None
    changelog: list[dict] = field(default_factory=list)
    moved_tags: list[MovedTag] = field(default_factory=list)
    refusal: Refused | None = None
    signer: str | None = None

    def as_dict(self) -> dict:
        return {
            "status": self.status, "message": self.message,
            "current": {"version": self.current.version, "commit": self.current.commit} if self.current else None,
            "target": {"version": self.target.version, "commit": self.target.commit} if self.target else None,
            "changelog": self.changelog, "moved_tags": [str(m) for m in self.moved_tags],
            "refusal": {"reason": self.refusal.reason, "message": str(self.refusal),
                        "forceable": self.refusal.forceable} if self.refusal else None,
            "signer": self.signer,
        }


def make_plan(ctx: Context, *, version: str | None = None, force: bool = False,
              moved_tags: list[MovedTag] = ()) -> Plan:
    config, mirror = ctx.config, ctx.mirror
    current = ctx.layout.current_release()
    channel = f"branch {config.branch}" if config.channel == "branch" else f"{config.channel} channel"
    target = mirror.resolve_tag(version) if version else mirror.resolve_channel(config.channel, config.branch)
    plan = Plan(NO_RELEASE, f"there is no release on the {channel} yet", current, target, moved_tags=list(moved_tags))
    if target is None:
        return plan
    if current and target.version == current.version and target.commit == current.commit:
        plan.status, plan.message = UP_TO_DATE, f"{current.version} is running, the newest on the {channel}"
        return plan
    if current and not version and is_downgrade(current.version, target.version):
        # A channel switch (beta -> stable) must not turn the nightly timer into a downgrade.
        plan.status = UP_TO_DATE
        plan.message = f"the running {current.version} is newer than {target.version}, the newest on the {channel}"
        return plan
    plan.changelog = mirror.changelog(current.commit if current else None, target.commit)
    plan.status = AVAILABLE
    plan.message = (f"{target.version} is available (running {current.version if current else 'nothing'}, "
                    f"{len(plan.changelog)} new commit(s))")
    try:
        _enforce_rules(ctx, plan, force)
    except Refused as refusal:
        plan.refusal = refusal
        plan.message = str(refusal)
    return plan


def _enforce_rules(ctx: Context, plan: Plan, force: bool) -> None:
    config, mirror, target, current = ctx.config, ctx.mirror, plan.target, plan.current
    if current and target.version == current.version:
        # Not even --force: the directory of this version is the one serving right now.
        raise Refused("history-rewrite", f"tag {target.version} now points to {target.commit[:12]}, but the running "
                                         f"{current.version} is {current.commit[:12]}: upstream rewrote a published "
                                         "release; ask for a new version tag")
    if not force:
        bad = ctx.store.bad_entry(target.version, target.commit)
        if bad:
            raise Refused("bad-release", f"{target.version} was marked bad on {bad['marked_at']} ({bad['reason']}); "
                                         "it is not retried unless forced", forceable=True)
        if current and is_downgrade(current.version, target.version):
            raise Refused("downgrade", f"{target.version} is older than the running {current.version}; downgrades "
                                       f"are refused unless forced (to go back to a kept release use "
                                       f"`python -m updater rollback {target.version}`)", forceable=True)
        if current and mirror.has_commit(current.commit) and not mirror.is_ancestor(current.commit, target.commit):
            moved = "".join(f"; {m}" for m in plan.moved_tags)
            raise Refused("history-rewrite", f"{target.version} ({target.commit[:12]}) does not descend from the "
                                             f"running {current.version} ({current.commit[:12]}): upstream history "
                                             f"was rewritten{moved}; refused unless forced", forceable=True)
    if config.require_signatures:
        # Signatures are never skipped by --force: forcing is for rules, not for trust.
        plan.signer = verify_release(mirror, target, config.allowed_signers, config.gnupg_path)
