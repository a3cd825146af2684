"""``python -m updater check|apply|rollback|status|history|recover [--json]``.

Exit status: 0 done (or nothing to do), 1 bad configuration or usage, 3 refused (nothing changed),
4 failed (and rolled back where something had changed), 5 another run holds the lock.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .config import UpdaterConfig, find_config_path
from .errors import LockHeld, Refused, UpdaterError
from .priority import lower_own_priority
from .service import Updater

EXIT_OK, EXIT_ERROR, EXIT_REFUSED, EXIT_FAILED, EXIT_LOCKED = 0, 1, 3, 4, 5
_EXIT_BY_STATUS = {"succeeded": EXIT_OK, "nothing-to-do": EXIT_OK, "staged": EXIT_OK, "refused": EXIT_REFUSED,
                   "failed": EXIT_FAILED, "rolled-back": EXIT_FAILED}


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", help="updater.json (default: $APPLIANCE_UPDATER_CONFIG or "
                                         "$APPLIANCE_RELEASE_ROOT/updater.json)")
    common.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    parser = argparse.ArgumentParser(prog="python -m updater", description="Whisper Appliance self-updater")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", parents=[common], help="fetch and show the available update")
    check.add_argument("--bundle", type=Path, help="read releases from this git bundle file instead of the remote")

    apply = commands.add_parser("apply", parents=[common], help="update to the newest release of the channel")
    apply.add_argument("--version", help="a release tag instead of the channel's newest")
    apply.add_argument("--bundle", type=Path, help="read releases from this git bundle file instead of the remote")
    apply.add_argument("--force", action="store_true",
                       help="allow a downgrade, a rewritten history, a release marked bad, an unhealthy start")
    apply.add_argument("--stage-only", action="store_true",
                       help="prepare the release beside the running one and stop before the switch")
    apply.add_argument("--if-available", action="store_true",
                       help="the unattended run: say nothing when there is no update, and only check "
                            "when automatic updates are off")

    rollback = commands.add_parser("rollback", parents=[common], help="go back to a kept release")
    rollback.add_argument("version", nargs="?", help="a kept release (default: the one before the current)")
    rollback.add_argument("--restore-data", action="store_true",
                          help="also restore the database and config as they were when that release was left")

    commands.add_parser("status", parents=[common], help="current release, running step, last check")
    history = commands.add_parser("history", parents=[common], help="past updates and rollbacks")
    history.add_argument("--limit", type=int, default=20)
    commands.add_parser("recover", parents=[common], help="clean up after a run that was killed")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _log_to_stderr()
    try:
        config = UpdaterConfig.load(find_config_path(args.config))
        if config.low_priority and args.command in ("check", "apply"):
            lower_own_priority()
        updater = Updater(config)
        result = _dispatch(updater, args)
    except LockHeld as error:
        return _fail(args, error, EXIT_LOCKED)
    except Refused as error:
        return _fail(args, error, EXIT_REFUSED)
    except UpdaterError as error:
        return _fail(args, error, EXIT_ERROR)
    if args.command == "apply" and args.if_available and result.get("status") == "nothing-to-do":
        return EXIT_OK
    _print(args, result)
    if args.command in ("apply", "rollback"):
        return _EXIT_BY_STATUS.get(result["status"], EXIT_FAILED)
    return EXIT_OK


def _dispatch(updater: Updater, args):
    if args.command == "check":
        return updater.check(bundle=args.bundle)
    if args.command == "apply" and args.if_available and not updater.config.auto_apply:
        # The unattended timer run: with automatic updates off it only refreshes the check.
        updater.check(bundle=args.bundle)
        return {"status": "nothing-to-do", "message": "automatic updates are off; checked only"}
    if args.command == "apply":
        return updater.apply(version=args.version, force=args.force, bundle=args.bundle, stage_only=args.stage_only)
    if args.command == "rollback":
        return updater.rollback(args.version, restore_data=args.restore_data)
    if args.command == "status":
        return updater.status()
    if args.command == "history":
        return updater.history(args.limit)
    return updater.recover() or {"status": "nothing-to-do", "message": "nothing to recover"}


def _print(args, result) -> None:
    if args.json:
        json.dump(result, sys.stdout, indent=2, sort_keys=True, default=str)
        sys.stdout.write("\n")
        return
    if args.command == "history":
        for entry in result:
            print(f"{entry['started_at']}  {entry['action']:8} {entry.get('from_version') or '-'} -> "
                  f"{entry.get('to_version') or '-'}  {entry['status']:12} {entry.get('duration_seconds') or 0:7.1f} s"
                  f"  {entry['message']}")
        return
    if args.command == "status":
        current = result["current"]
        print(f"current:  {current['version'] + ' (' + current['commit'][:12] + ')' if current else 'nothing installed'}")
        print(f"channel:  {result['channel']}" + (f" ({result['branch']})" if result["channel"] == "branch" else ""))
        print(f"releases: {', '.join(r['version'] + (' [bad]' if r['bad'] else '') for r in result['releases'])}")
        if result["run"]:
            run = result["run"]
            print(f"last run: {run['action']} {run['status']}: {run['message']}")
        if result["last_check"]:
            print(f"checked:  {result['last_check']['checked_at']}: {result['last_check']['message']}")
        return
    print(result.get("message", ""))
    for entry in result.get("changelog") or []:
        print(f"  {entry['commit'][:12]} {entry['subject']}")


def _fail(args, error: UpdaterError, code: int) -> int:
    if getattr(args, "json", False):
        reason = getattr(error, "reason", "error")
        json.dump({"status": "refused" if isinstance(error, Refused) else "error", "reason": reason,
                   "message": str(error)}, sys.stdout)
        sys.stdout.write("\n")
    print(f"updater: {error}", file=sys.stderr)
    return code


def _log_to_stderr() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    logger = logging.getLogger("updater")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
