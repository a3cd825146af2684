"""The role decides admin rights alone: Django's superuser/staff flags follow it on every save, and
the migration shows a superuser that was recorded as Staff as what it was, an Admin."""
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db
def test_the_flags_follow_the_role_on_every_save(user_password):
    user = get_user_model().objects.create_user("flag", password=user_password, role="staff", is_superuser=True)
    assert not user.is_superuser and not user.is_admin

    user.role = "admin"
    user.save(update_fields=["role"])
    user.refresh_from_db()
    assert user.is_superuser and user.is_staff and user.is_admin


@pytest.mark.django_db(transaction=True)
def test_the_migration_shows_a_staff_superuser_as_admin():
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0001_initial")])
    old_user = executor.loader.project_state([("accounts", "0001_initial")]).apps.get_model("accounts", "User")
    old_user.objects.create(username="hidden-root", role="staff", is_superuser=True, password="!")
    old_user.objects.create(username="plain-admin", role="admin", is_superuser=False, password="!")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    users = {user.username: user for user in get_user_model().objects.all()}
    assert users["hidden-root"].role == "admin" and users["hidden-root"].is_superuser
    assert users["plain-admin"].is_superuser and users["plain-admin"].is_admin
