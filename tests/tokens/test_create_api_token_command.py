import io

import pytest
from django.core.management import CommandError, call_command

from appliance.tokens.models import ApiToken

pytestmark = pytest.mark.django_db


def test_its_last_line_is_a_working_bearer_token(staff_user, client, bearer):
    output = io.StringIO()

    call_command("create_api_token", staff_user.username, "--name", "backup job", stdout=output)

    plain = output.getvalue().strip().splitlines()[-1]
    assert ApiToken.objects.get().name == "backup job"
    assert client.get("/api/jobs/", **bearer(plain)).status_code == 200


def test_it_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="no user"):
        call_command("create_api_token", "nobody")


def test_it_refuses_a_disabled_user(staff_user):
    staff_user.is_active = False
    staff_user.save()

    with pytest.raises(CommandError, match="disabled"):
        call_command("create_api_token", staff_user.username)
    assert not ApiToken.objects.exists()
