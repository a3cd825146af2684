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
        if [bool(username), bool(address), all].count(True) != 1:
            raise CommandError("Name an account, an --address, or give --all (one of them).")
        if username:
            addresses = throttle.unlock_username(username)
            tried = f" (it had failed from {', '.join(addresses)})" if addresses else ""
            self.stdout.write(f"Unlocked account {username!r}{tried}.")
        elif address:
            throttle.unlock_address(address)
            self.stdout.write(f"Unlocked address {address} for every account.")
        else:
            throttle.unlock_everything()
            self.stdout.write("Forgot every failed login: nobody is locked out now.")
