"""Making, checking and revoking API tokens.

A token reads `wa_<prefix>_<secret>`: the prefix (8 hex digits) finds the row, the SHA-256 of
the whole token is compared in constant time. A fast hash is enough here: the secret has 256 bits
of entropy, so there is nothing to guess that a slow hash would protect.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from appliance.accounts.permissions import is_admin
from appliance.tokens.models import ApiToken

TOKEN_MARK = "wa"
PREFIX_BYTES = 4
SECRET_BYTES = 32
DEFAULT_NAME = "API token"
# A busy script would otherwise write the row on every request; a minute is precise enough
# to tell a token in use from a forgotten one.
LAST_USED_RESOLUTION = timedelta(seconds=60)


class TokenRefused(Exception):
    """The presented token does not authenticate; the message says why, for the caller."""


def hash_token(plain):
    return hashlib.sha256(plain.encode()).hexdigest()


def looks_like_api_token(plain):
    return plain.startswith(f"{TOKEN_MARK}_")


def token_prefix(plain):
    """The prefix of a well-formed token, else None."""
    mark, _, rest = plain.partition("_")
    prefix, _, secret = rest.partition("_")
    if mark != TOKEN_MARK or len(prefix) != PREFIX_BYTES * 2 or not secret:
        return None
    return prefix


def create_token(owner, name=""):
    """Returns (ApiToken, plain token). The plain token exists only in this return value."""
    name = (name or "").strip()[:100] or DEFAULT_NAME
    while True:
        prefix = secrets.token_hex(PREFIX_BYTES)
        plain = f"{TOKEN_MARK}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(owner=owner, name=name, prefix=prefix, secret_hash=hash_token(plain))
        except IntegrityError:
            # Two tokens drew the same 32-bit prefix: draw again.
            continue
        return token, plain


def authenticate(plain):
    """The ApiToken (with its owner loaded) for a plain token, or TokenRefused."""
    token = _token_with_prefix(token_prefix(plain))
    if token is None or not hmac.compare_digest(token.secret_hash, hash_token(plain)):
        raise TokenRefused("The API token is not valid: check it, or create a new one on the API tokens page.")
    if token.is_revoked:
        raise TokenRefused("This API token was revoked: create a new one on the API tokens page.")
    if not token.owner.is_active:
        raise TokenRefused("The account this API token belongs to is disabled.")
    note_use(token)
    return token


def _token_with_prefix(prefix):
    # get(), not first(): the prefix is unique, and first() would add an ORDER BY to every request.
    if prefix is None:
        return None
    try:
        return ApiToken.objects.select_related("owner").get(prefix=prefix)
    except ApiToken.DoesNotExist:
        return None


def note_use(token, now=None):
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def can_revoke(user, token):
    return is_admin(user) or (user.is_authenticated and token.owner_id == user.pk)


def revoke(token, by):
    """Revoke at once (the next request with it fails); revoking twice changes nothing."""
    if not can_revoke(by, token):
        raise PermissionDenied("Only the owner or an administrator can revoke this token.")
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=by)
    token.refresh_from_db()
    return token


def tokens_of(user):
    return ApiToken.objects.filter(owner=user)


def all_tokens():
    return ApiToken.objects.select_related("owner", "revoked_by")
