"""The users page's "Unlock" button: lift a login lockout before its window ends."""
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from appliance.accounts.permissions import admin_required
from appliance.panel import users


@admin_required
@require_POST
def user_unlock(request, pk):
    account = get_object_or_404(get_user_model(), pk=pk)
    users.unlock(request.user, account, request=request)
    messages.success(request, f"{account.username} may log in again now.")
    return redirect("panel:users")
