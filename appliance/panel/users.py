"""Accounts as an admin manages them: create, disable, change role, reset password, revoke tokens.

Every change is audited, and no change may leave the appliance without an active admin
(nobody could open the panel again without a shell on the container).
"""
import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from appliance.accounts.models import Role
from appliance.panel import audit

GENERATED_PASSWORD_BYTES = 12  # 16 URL-safe characters


class UserChangeError(ValueError):
    """A change refused before anything was saved; str() says why."""


def describe(user):
    return {"username": user.get_username(), "email": user.email, "role": user.role, "active": user.is_active}


def generate_password():
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def _check_password(password, user):
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise UserChangeError(" ".join(error.messages)) from None


def _other_active_admins(user):
    return get_user_model().objects.filter(is_active=True, role=Role.ADMIN).exclude(pk=user.pk).exists()


def create_user(actor, username, email, role, password=None, request=None):
    """Returns (user, password); a password is generated when none is given (shown once)."""
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise UserChangeError(f"A user named {username} already exists.")
    if role not in Role.values:
        raise UserChangeError(f"Unknown role {role!r}.")
    password = password or generate_password()
    user = User(username=username, email=email, role=role)
    _check_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        audit.record(actor, "user.create", target=username, after=describe(user),
                     summary=f"User {username} created as {role}", request=request)
    return user, password


def set_active(actor, user, active, request=None):
    if not active and user.pk == actor.pk:
        raise UserChangeError("You cannot disable your own account.")
    if not active and user.is_admin and not _other_active_admins(user):
        raise UserChangeError(f"{user.username} is the last active admin; make someone else admin first.")
    return _change(actor, user, "user.enable" if active else "user.disable", is_active=bool(active), request=request)


def set_role(actor, user, role, request=None):
    if role not in Role.values:
        raise UserChangeError(f"Unknown role {role!r}.")
    # Demoting is refused for oneself (an admin who clicks the wrong row must not lock
    # themselves out); for anyone else it really demotes: User.save() clears the superuser flag.
    if role != Role.ADMIN and user.role == Role.ADMIN:
        if user.pk == actor.pk:
            raise UserChangeError("You cannot take away your own admin role; another admin must do it.")
        if user.is_active and not _other_active_admins(user):
            raise UserChangeError(f"{user.username} is the last active admin.")
    return _change(actor, user, "user.role", role=role, request=request)


def reset_password(actor, user, password=None, request=None):
    """Returns the new password (generated when none is given) to show once to the admin."""
    password = password or generate_password()
    _check_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        # The password itself never goes into the log, only that it changed.
        audit.record(actor, "user.password", target=user.username, before=None, after=None,
                     summary=f"Password of {user.username} reset", request=request)
    return password


def _change(actor, user, action, request=None, **fields):
    before = describe(user)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(user, name, value)
        user.save(update_fields=list(fields))
        after = describe(user)
        audit.record(actor, action, target=user.username, before=before, after=after,
                     summary=f"{user.username}: " + ", ".join(f"{key} {before[key]} → {after[key]}"
                                                           for key in after if before[key] != after[key]),
                     request=request)
    return user


def revoke_token(actor, token, request=None):
    """Revoke anyone's API token (the tokens app does it); audited here, only once."""
    from appliance.tokens import services as token_services

    if token.is_revoked:
        return token
    before = {"owner": token.owner.get_username(), "name": token.name, "prefix": token.display_prefix,
              "revoked": False}
    token_services.revoke(token, by=actor)
    audit.record(actor, "token.revoke", target=token.owner.get_username(), before=before,
                 after={**before, "revoked": True},
                 summary=f"API token {token.name} ({token.display_prefix}) of {before['owner']} revoked",
                 request=request)
    return token


def unlock(actor, user, request=None):
    """Let a user who failed to log in too often try again now, not after the lockout window."""
    from appliance.accounts.services import unlock_user

    addresses = unlock_user(user)
    audit.record(actor, "user.unlock", target=user.username, after={"addresses": addresses},
                 summary=f"Login lock of {user.username} lifted", request=request)
    return addresses
