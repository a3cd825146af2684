"""Create the first administrator, `admin`, once.

The password comes from APPLIANCE_ADMIN_PASSWORD(_FILE) when set; otherwise one is generated,
printed once and kept in <data dir>/admin-password (0600) for the person who installed it.
An existing account is left alone (its password may have been changed since) unless --reset.
"""
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from appliance.accounts.models import Role
from appliance.plumbing.data_dir import write_private_file
from appliance.plumbing.env import env_secret

USERNAME = "admin"


class Command(BaseCommand):
    help = "Create the admin account (idempotent); --reset sets a new password."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="set a new password on the existing account")

    def handle(self, *args, reset=False, **options):
        password_file = settings.DATA_DIR / "admin-password"
        User = get_user_model()
        with transaction.atomic():
            user = User.objects.filter(username=USERNAME).first()
            if user is not None and not reset:
                where = f" (first password in {password_file})" if password_file.exists() else ""
                self.stdout.write(f"Admin account: {USERNAME}{where}")
                return
            given = env_secret("APPLIANCE_ADMIN_PASSWORD")
            password = given or secrets.token_urlsafe(15)
            if user is None:
                user = User.objects.create_superuser(USERNAME, email="", password=password, role=Role.ADMIN)
            else:
                user.set_password(password)
                user.role = Role.ADMIN
                user.is_active = True
                user.save()
        if given:
            self.stdout.write(f"Admin account: {USERNAME} (password from APPLIANCE_ADMIN_PASSWORD)")
            return
        write_private_file(password_file, password)
        self.stdout.write(f"Admin account: {USERNAME}  password: {password}  (also in {password_file}, mode 0600)")
