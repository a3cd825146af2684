"""./manage.py create_api_token USER [--name N]: the new token is the last line of the output,
so scripts can take it with `| tail -n 1`."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from appliance.tokens import services


class Command(BaseCommand):
    help = "Create an API token for USER and print it (its last output line is the token)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for (shown in token lists)")

    def handle(self, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        if not user.is_active:
            raise CommandError(f"The user {username!r} is disabled: enable the account first.")
        token, plain = services.create_token(user, name or "created on the command line")
        self.stdout.write(f"Created API token \u201c{token.name}\u201d for {username}; it is shown only once:")
        self.stdout.write(plain)
