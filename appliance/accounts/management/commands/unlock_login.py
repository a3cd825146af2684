"""./manage.py unlock_login [USERNAME] [--address ADDRESS] [--all]: lift login lockouts from the
console, for an admin who is locked out of the panel (docs/security.md, "Login lockout")."""
from django.core.management.base import BaseCommand, CommandError

from appliance.accounts import throttle


class Command(BaseCommand):
    help = "Forget failed logins of an account (from every address), of an address, or all of them."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="the account to unlock (as typed on the login page)")
        parser.add_argument("--address", help="the client address to unlock (for every account)")
        parser.add_argument("--all", action="store_true", help="forget every failed login")

    def handle(self, username, address, all, **options):
        if all == bool(username or address):
            raise CommandError("Name an account, an --address, or give --all (and only that).")
        removed = throttle.unlock(username=username, address=address)
        what = "every account and address" if all else " and ".join(
            part for part in (username and f"account {username!r}", address and f"address {address}") if part
        )
        self.stdout.write(f"Unlocked {what}: {removed} failed-login counter(s) removed.")
