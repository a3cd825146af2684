from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class Role(models.TextChoices):
    STAFF = "staff", "Staff"
    ADMIN = "admin", "Admin"


class ApplianceUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """Staff transcribe and manage their own jobs; admins see every job and run the panel."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)

    objects = ApplianceUserManager()

    @property
    def is_admin(self):
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)
