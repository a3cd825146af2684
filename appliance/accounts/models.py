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
    """Staff transcribe and manage their own jobs; admins see every job and run the panel.

    The role is the one truth: Django's is_superuser and is_staff follow it on every save, so
    demoting an account takes every right away and no flag can keep a "Staff" account an admin.
    """

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)

    objects = ApplianceUserManager()

    def save(self, *args, **kwargs):
        self.is_superuser = self.is_staff = self.role == Role.ADMIN
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "role" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_superuser", "is_staff"}
        super().save(*args, **kwargs)

    @property
    def is_admin(self):
        return self.is_active and self.role == Role.ADMIN
