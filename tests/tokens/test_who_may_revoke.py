import pytest
from django.core.exceptions import PermissionDenied

from appliance.tokens.models import ApiToken
from appliance.tokens.services import revoke

pytestmark = pytest.mark.django_db


def test_an_admin_may_revoke_anyones_token(admin_user, staff_user, issue_token):
    issue_token(staff_user)

    token = revoke(ApiToken.objects.get(), by=admin_user)

    assert token.is_revoked and token.revoked_by == admin_user


def test_staff_may_not_revoke_someone_elses_token(staff_user, other_staff_user, issue_token):
    issue_token(other_staff_user)

    with pytest.raises(PermissionDenied):
        revoke(ApiToken.objects.get(), by=staff_user)
    assert not ApiToken.objects.get().is_revoked


def test_revoking_twice_keeps_the_first_revocation(admin_user, staff_user, issue_token):
    issue_token(staff_user)
    first = revoke(ApiToken.objects.get(), by=staff_user)

    second = revoke(ApiToken.objects.get(), by=admin_user)

    assert second.revoked_at == first.revoked_at and second.revoked_by == staff_user
